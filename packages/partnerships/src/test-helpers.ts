/** Shared by this package's tests: decode a command, and run a history of commands through a decider. */
import type { Decider } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import type * as t from 'io-ts'

/** Decodes `input` with `codec`, or throws naming the input. */
export const decode = <A>(codec: t.Decoder<unknown, A>, input: unknown): A => {
  const r = codec.decode(input)
  if (E.isLeft(r)) throw new Error(`does not decode: ${JSON.stringify(input)}`)
  return r.right
}

/** The events a decider records for `inputs` in turn; throws on the first refusal, naming it. */
export const historyOf =
  <C, Ev, S>(decider: Decider<C, Ev, S>, codec: t.Decoder<unknown, C>) =>
  (...inputs: ReadonlyArray<unknown>): Ev[] => {
    const events: Ev[] = []
    for (const input of inputs) {
      const state = events.reduce(decider.evolve, decider.initialState)
      const d = decider.decide(decode(codec, input), state)
      if (E.isLeft(d)) throw new Error(`${JSON.stringify(input).slice(0, 80)}: ${d.left.code}: ${d.left.message}`)
      events.push(...d.right)
    }
    return events
  }
