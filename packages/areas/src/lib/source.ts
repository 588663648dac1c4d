/**
 * Where a dataset came from: the product's name and licence, and optionally its address and a note
 * (e.g. how a derived file was made). Every release, PCN reference, extract and set of indicator
 * values names its source, so every answer built from them can carry the attribution.
 */
import { NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

/** The codec of a `Source`: a name and a licence, and optionally an address and a note. */
export const Source = t.readonly(
  t.intersection([
    t.type({ name: NonEmptyString, licence: NonEmptyString }),
    t.partial({ url: t.string, note: t.string }),
  ]),
  'Source',
)
/** Where a dataset came from: the product's name and licence, its address and a note. */
export type Source = t.TypeOf<typeof Source>
/** A source as sent in a command, before decoding. */
export type SourceInput = t.OutputOf<typeof Source>

/** A source copied field by field, leaving out the optional fields it does not have. */
export const sourceOf = (source: Source): Source => ({
  name: source.name,
  licence: source.licence,
  ...(source.url === undefined ? {} : { url: source.url }),
  ...(source.note === undefined ? {} : { note: source.note }),
})
