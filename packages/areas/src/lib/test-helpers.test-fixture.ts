/**
 * For this package's tests: decoding inputs into commands (as the command handler would) and
 * replaying a decider's history.
 */
import { describeErrors } from '@civic-ledger/core'
import { isLeft } from 'fp-ts/Either'
import type * as t from 'io-ts'

/** Decodes `input` with `codec`, throwing with the codec's own messages if it does not decode. */
export const decoded = <A>(codec: t.Decoder<unknown, A>, input: unknown): A => {
  const result = codec.decode(input)
  if (isLeft(result)) throw new Error(describeErrors(result.left, 'shown').join('; '))
  return result.right
}
