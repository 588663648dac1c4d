/**
 * The one command of a GeographyRelease: import it, whole, as published. A correction is a new
 * release that names the one it corrects.
 */
import { NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { ReleaseId } from '../ids'
import { Source } from '../lib/source'
import { AreaSet, Lookup } from './events'

/**
 * The codec of `ImportRelease`: a geography release, whole, as published, naming the release it
 * corrects if any.
 */
export const ImportRelease = t.readonly(
  t.intersection([
    t.type({
      type: t.literal('ImportRelease'),
      releaseId: ReleaseId,
      title: NonEmptyString,
      publisher: NonEmptyString,
      source: Source,
      areaSets: t.readonlyArray(AreaSet),
      lookups: t.readonlyArray(Lookup),
    }),
    t.partial({ corrects: ReleaseId }),
  ]),
  'ImportRelease',
)
/** Import a geography release, as decoded. */
export type ImportRelease = t.TypeOf<typeof ImportRelease>
/** An import as sent, before decoding: what the importers build. */
export type ImportReleaseInput = t.OutputOf<typeof ImportRelease>

/** Every command a release takes: only the import (io-ts unions need two members or more). */
export const ReleaseCommand = ImportRelease
export type ReleaseCommand = ImportRelease
/** A command to a geography release as an app sends it to `ledger.execute`, before decoding. */
export type ReleaseCommandInput = ImportReleaseInput
