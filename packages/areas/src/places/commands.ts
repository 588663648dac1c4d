/**
 * The one command of a place index: build it, for one LSOA vintage, from the geography releases it
 * names. The releases are read from their streams by the `placeIndexes` decision, never taken from
 * the caller.
 */
import * as t from 'io-ts'

import { PlaceIndexId, ReleaseId } from '../ids'
import { Vintage } from '../lib/codes'

/** The codec of `BuildPlaceIndex`: build a place index for an LSOA vintage from the releases named. */
export const BuildPlaceIndex = t.readonly(
  t.type({
    type: t.literal('BuildPlaceIndex'),
    indexId: PlaceIndexId,
    /** The LSOAs the index maps every area to, e.g. `2021`. */
    lsoaVintage: Vintage,
    /** The releases whose lookups lead from those LSOAs to every other area: each imported, each once. */
    releases: t.readonlyArray(ReleaseId),
  }),
  'BuildPlaceIndex',
)
/** Build a place index, as decoded. */
export type BuildPlaceIndex = t.TypeOf<typeof BuildPlaceIndex>
/** `BuildPlaceIndex` as an app sends it, before decoding. */
export type BuildPlaceIndexInput = t.OutputOf<typeof BuildPlaceIndex>

/** Every command a place index takes: only the build (io-ts unions need two members or more). */
export const PlaceIndexCommand = BuildPlaceIndex
export type PlaceIndexCommand = BuildPlaceIndex
/** A command to a place index as an app sends it to `ledger.decide(placeIndexes, …)`, before decoding. */
export type PlaceIndexCommandInput = BuildPlaceIndexInput
