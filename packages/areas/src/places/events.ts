/**
 * The events of a place index: a header naming the LSOA vintage and the releases it was built from,
 * then the places it found, in chunks small enough for any store (a chunk holds at most
 * `PLACES_CHUNK_LSOAS` LSOA codes). A later build of the same index starts again from its header.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AreaCode, PlaceIndexId, ReleaseId } from '../ids'
import { AreaTypeCodec, Vintage } from '../lib/codes'

// --- shapes ---

/**
 * How a place's LSOAs were found: `lookups` — the LSOAs whose lookups lead to it, through any number
 * of releases; `within` — an area no LSOA's lookups reach (a parish, an MSOA, a ward of an older
 * vintage), given the LSOAs of the areas it lies in: an upper bound, never fewer than it holds.
 */
export const PlaceBasis = t.keyof({ lookups: null, within: null }, 'PlaceBasis')
export type PlaceBasis = t.TypeOf<typeof PlaceBasis>

/** One area of the index: its code, its kind, how it was found, and its LSOAs (sorted, each once). */
export const IndexedPlace = t.readonly(
  t.type({ code: AreaCode, type: AreaTypeCodec, basis: PlaceBasis, lsoas: t.readonlyArray(AreaCode) }),
  'IndexedPlace',
)
export type IndexedPlace = t.TypeOf<typeof IndexedPlace>

// --- events ---

/** An index built (or built again): what it is for and what it was built from. */
export const PlaceIndexBuilt = defineEvent({
  type: 'areas.PlaceIndexBuilt',
  codec: t.readonly(
    t.type({
      indexId: PlaceIndexId,
      lsoaVintage: Vintage,
      releases: t.readonlyArray(ReleaseId),
      /** How many LSOAs of the vintage the releases hold. */
      lsoaCount: t.number,
      /** How many places the chunks that follow hold. */
      placeCount: t.number,
    }),
  ),
})

/** A chunk of the places of the index built just before. */
export const PlacesIndexed = defineEvent({
  type: 'areas.PlacesIndexed',
  codec: t.readonly(t.type({ indexId: PlaceIndexId, places: t.readonlyArray(IndexedPlace) })),
})

const definitions = [PlaceIndexBuilt, PlacesIndexed] as const
/** The catalog of a place index's events: encodes new ones, and upcasts and decodes stored ones. */
export const placeIndexEvents = eventCatalog(...definitions)
/** An event of a place index's stream: one of those `placeIndexEvents` encodes and decodes. */
export type PlaceIndexEvent = CatalogEvent<typeof placeIndexEvents>
