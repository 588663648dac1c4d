/**
 * The rules of a place index, and how it is made.
 *
 * From each LSOA of the vintage the releases' lookups are followed from → to ("lies in"), across
 * releases and transitively: an area reached holds that LSOA. Areas are matched by code alone, since
 * a GSS code names one area whatever the vintage of the list it appears in (ward `E05010805` in the
 * December 2019 lookup and in the May 2019 one is one ward). Lookups may be many-to-many: an LSOA
 * whose ward sits in two county divisions is counted in both.
 *
 * An area no LSOA's lookups reach — a parish (parish → ward), an MSOA (MSOA → district), a ward of an
 * older vintage — is given the LSOAs of the areas it lies in: for each kind of area it lies in, the
 * union of their LSOAs, and the intersection of those unions across kinds. That is an upper bound
 * (basis `within`): it never leaves out an LSOA the area holds, so a rule that excludes an area
 * refuses whatever may overlap it, and one that includes areas accepts only what surely lies inside.
 * LSOAs of another vintage are not given places this way: they are not the index's LSOAs.
 *
 * Building names its releases; each must be imported and named once. An index is for one vintage;
 * it can be built again from another set of releases, and the new build replaces the old.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, duplicates, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { AreaCode } from '../ids'
import type { AreaType } from '../lib/codes'
import type { BuildPlaceIndex, PlaceIndexCommand } from './commands'
import type { IndexedPlace, PlaceIndexEvent } from './events'
import { PlaceIndexBuilt, PlacesIndexed } from './events'
import type { PlaceIndexState, ReleaseContents } from './state'

type Decided = Either<DomainError, ReadonlyArray<PlaceIndexEvent>>

/** The most LSOA codes one `PlacesIndexed` event holds (about 130 kB): well inside any store's limit. */
export const PLACES_CHUNK_LSOAS = 10_000

const LSOA_LIKE: ReadonlyArray<AreaType> = ['lsoa', 'oa']

// --- the index, purely ---

/**
 * Every area the releases reach from the LSOAs of `lsoaVintage`, each with its LSOAs, sorted by
 * code; the LSOAs of the vintage are places of their own. Empty when the releases hold no LSOA of
 * the vintage.
 */
export const indexPlaces = (
  lsoaVintage: string,
  releases: ReadonlyArray<ReleaseContents>,
): ReadonlyArray<IndexedPlace> => {
  const typeOf = new Map<AreaCode, AreaType>()
  const lsoas = new Set<AreaCode>()
  const up = new Map<AreaCode, Set<AreaCode>>()
  for (const release of releases) {
    for (const set of release.areaSets)
      for (const code of set.codes) {
        if (!typeOf.has(code)) typeOf.set(code, set.type)
        if (set.type === 'lsoa' && set.vintage === lsoaVintage) lsoas.add(code)
      }
    for (const lookup of release.lookups)
      for (const [from, to] of lookup.pairs) {
        if (!typeOf.has(from)) typeOf.set(from, lookup.from.type)
        if (!typeOf.has(to)) typeOf.set(to, lookup.to.type)
        if (from === to) continue
        const parents = up.get(from) ?? new Set<AreaCode>()
        parents.add(to)
        up.set(from, parents)
      }
  }

  // Reached: every area an LSOA's lookups lead to, holding that LSOA.
  const held = new Map<AreaCode, Set<AreaCode>>()
  const hold = (code: AreaCode, lsoa: AreaCode): void => {
    const set = held.get(code) ?? new Set<AreaCode>()
    set.add(lsoa)
    held.set(code, set)
  }
  for (const lsoa of lsoas) {
    const seen = new Set<AreaCode>([lsoa])
    const queue = [lsoa]
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      hold(next, lsoa)
      for (const parent of up.get(next) ?? [])
        if (!seen.has(parent)) {
          seen.add(parent)
          queue.push(parent)
        }
    }
  }
  const reached = new Set(held.keys())

  // Within: areas no LSOA reaches, bounded by the areas they lie in, until nothing more is found.
  const within = new Map<AreaCode, ReadonlySet<AreaCode>>()
  const lsoasOfKnown = (code: AreaCode): ReadonlySet<AreaCode> | undefined => held.get(code) ?? within.get(code)
  for (let changed = true; changed;) {
    changed = false
    for (const [code, parents] of up) {
      if (reached.has(code) || within.has(code)) continue
      if (LSOA_LIKE.includes(typeOf.get(code) ?? 'lsoa')) continue
      const byType = new Map<AreaType | undefined, AreaCode[]>()
      for (const parent of parents) byType.set(typeOf.get(parent), [...(byType.get(typeOf.get(parent)) ?? []), parent])
      let bound: Set<AreaCode> | undefined
      for (const group of byType.values()) {
        const sets = group.map(lsoasOfKnown)
        if (sets.some((s) => s === undefined)) continue
        const union = new Set(sets.flatMap((s) => [...(s ?? [])]))
        bound = bound === undefined ? union : new Set([...bound].filter((l) => union.has(l)))
      }
      if (bound === undefined) continue
      within.set(code, bound)
      changed = true
    }
  }

  const places: IndexedPlace[] = []
  const add = (code: AreaCode, set: ReadonlySet<AreaCode>, basis: IndexedPlace['basis']): void => {
    const type = typeOf.get(code)
    if (type !== undefined && set.size > 0) places.push({ code, type, basis, lsoas: [...set].sort() })
  }
  for (const [code, set] of held) add(code, set, 'lookups')
  for (const [code, set] of within) add(code, set, 'within')
  return places.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}

/** `places` in chunks of at most `limit` LSOA codes each (a place with more is a chunk of its own). */
export const chunkPlaces = (
  places: ReadonlyArray<IndexedPlace>,
  limit: number = PLACES_CHUNK_LSOAS,
): ReadonlyArray<ReadonlyArray<IndexedPlace>> => {
  const chunks: IndexedPlace[][] = []
  let current: IndexedPlace[] = []
  let size = 0
  for (const place of places) {
    if (current.length > 0 && size + place.lsoas.length > limit) {
      chunks.push(current)
      current = []
      size = 0
    }
    current.push(place)
    size += place.lsoas.length
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

// --- one function per command ---

const sameReleases = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && [...a].sort().every((r, i) => r === [...b].sort()[i])

/** Builds the index from the releases, read by the decision: each named release's contents, in order. */
export const buildPlaceIndex = (
  command: BuildPlaceIndex,
  state: PlaceIndexState,
  releases: ReadonlyArray<ReleaseContents | undefined>,
): Decided => {
  if (command.releases.length === 0) return reject('invalid-place-index', 'a place index is built from releases')
  const twice = duplicates(command.releases)
  if (twice.length > 0) return reject('invalid-place-index', `a release is named twice: ${twice.join(', ')}`)
  const missing = command.releases.filter((_, i) => releases[i]?.imported !== true)
  if (missing.length > 0) return reject('unknown-release', `no release ${missing.join(', ')} is imported`)
  if (state.status === 'built' && state.lsoaVintage !== command.lsoaVintage)
    return reject(
      'vintage-mismatch',
      `place index ${command.indexId} is of LSOAs of ${state.lsoaVintage}; build another index for ${command.lsoaVintage}`,
    )
  if (state.status === 'built' && sameReleases(state.releases, command.releases))
    return reject('place-index-current', `place index ${command.indexId} is built from these releases already`)
  const contents = releases.flatMap((r) => (r === undefined ? [] : [r]))
  const places = indexPlaces(command.lsoaVintage, contents)
  const lsoaCount = places.filter((p) => p.type === 'lsoa' && p.lsoas.length === 1 && p.lsoas[0] === p.code).length
  if (lsoaCount === 0)
    return reject('no-lsoas', `the releases named hold no LSOAs of ${command.lsoaVintage} to build an index on`)
  return accept<PlaceIndexEvent>(
    PlaceIndexBuilt.create({
      indexId: command.indexId,
      lsoaVintage: command.lsoaVintage,
      releases: [...command.releases],
      lsoaCount,
      placeCount: places.length,
    }),
    ...chunkPlaces(places).map((chunk) => PlacesIndexed.create({ indexId: command.indexId, places: chunk })),
  )
}

// --- decide ---

/** Decides a place index's command on the index and the contents of the releases it names, in order. */
export const decidePlaceIndex = (
  command: PlaceIndexCommand,
  state: PlaceIndexState,
  releases: ReadonlyArray<ReleaseContents | undefined>,
): Decided => {
  switch (command.type) {
    case 'BuildPlaceIndex':
      return buildPlaceIndex(command, state, releases)
    default: {
      // One command, so the check is on its type: TypeScript narrows a lone object by it no further.
      const unreachable: never = command.type
      return unreachable
    }
  }
}
