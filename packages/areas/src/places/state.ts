/**
 * A place index as its stream holds it — every area reachable from one vintage's LSOAs, with the
 * LSOAs it contains — and the pure lookups on it (`lsoasOf`, `placeOf`). And what the index is built
 * from: a geography release's areas and lookups as its stream holds them (`ReleaseContents`), a
 * fuller fold of the release's events than its own decider keeps.
 */
import { own } from '@civic-ledger/core'

import type { AreaCode } from '../ids'
import type { AreaType } from '../lib/codes'
import type { Lookup, ReleaseEvent } from '../release/events'
import type { IndexedPlace, PlaceBasis, PlaceIndexEvent } from './events'

// --- the index ---

/** An area of the index: its kind, how its LSOAs were found, and those LSOAs (sorted, each once). */
export interface Place {
  readonly type: AreaType
  readonly basis: PlaceBasis
  readonly lsoas: ReadonlyArray<AreaCode>
}

/** A place index once built: its LSOA vintage, the releases it was built from, and every area it knows. */
export interface PlaceIndex {
  readonly status: 'built'
  readonly indexId: string
  readonly lsoaVintage: string
  /** The releases it was built from, as the build named them. */
  readonly releases: ReadonlyArray<string>
  /** Every area it knows, by code; read with `placeOf` (an id like `constructor` finds nothing). */
  readonly places: Readonly<Record<string, Place>>
}

/** A place index's state: what its events fold to, and what its commands are decided on. */
export type PlaceIndexState = { readonly status: 'none' } | PlaceIndex

export const initialPlaceIndex: PlaceIndexState = { status: 'none' }

const placesOf = (places: ReadonlyArray<IndexedPlace>): Record<string, Place> =>
  Object.fromEntries(places.map((p) => [p.code, { type: p.type, basis: p.basis, lsoas: p.lsoas }]))

export const evolvePlaceIndex = (state: PlaceIndexState, event: PlaceIndexEvent): PlaceIndexState => {
  switch (event.type) {
    case 'areas.PlaceIndexBuilt':
      return {
        status: 'built',
        indexId: event.data.indexId,
        lsoaVintage: event.data.lsoaVintage,
        releases: event.data.releases,
        places: {},
      }
    case 'areas.PlacesIndexed':
      return state.status === 'none' ? state : { ...state, places: { ...state.places, ...placesOf(event.data.places) } }
  }
}

/** The area `code` of the index, or undefined when the index does not know it (or is not built). */
export const placeOf = (index: PlaceIndexState, code: string): Place | undefined =>
  index.status === 'none' ? undefined : own(index.places, code)

/**
 * The LSOAs of the index's vintage that area `code` contains, sorted, each once: an LSOA of the
 * vintage is itself. Undefined when the index does not know the code.
 */
export const lsoasOf = (index: PlaceIndexState, code: string): ReadonlyArray<AreaCode> | undefined =>
  placeOf(index, code)?.lsoas

// --- what an index is built from ---

/** A set of areas in a release: its kind, vintage and codes. */
export interface ReleaseAreaSet {
  readonly type: AreaType
  readonly vintage: string
  readonly codes: ReadonlyArray<AreaCode>
}

/** A geography release as a place index reads it: whether it is imported, its areas and its lookups. */
export interface ReleaseContents {
  readonly imported: boolean
  readonly areaSets: ReadonlyArray<ReleaseAreaSet>
  readonly lookups: ReadonlyArray<Lookup>
}

export const initialReleaseContents: ReleaseContents = { imported: false, areaSets: [], lookups: [] }

export const evolveReleaseContents = (state: ReleaseContents, event: ReleaseEvent): ReleaseContents => {
  switch (event.type) {
    case 'areas.ReleaseImported':
      return { ...state, imported: true }
    case 'areas.AreasRecorded':
      return {
        ...state,
        areaSets: [
          ...state.areaSets,
          { type: event.data.type, vintage: event.data.vintage, codes: event.data.areas.map((a) => a.code) },
        ],
      }
    case 'areas.LookupRecorded':
      return { ...state, lookups: [...state.lookups, event.data] }
  }
}
