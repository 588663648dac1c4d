/**
 * The place index: areas of every kind reached from one vintage's LSOAs through lookups of several
 * releases, matched by code whatever the vintage; areas no LSOA reaches bounded by those they lie
 * in; the build's rules; and, on the shipped data, Peterborough and Cambridgeshire as LSOAs.
 */
import { fold } from '@civic-ledger/core'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { referenceReleases } from '../lib/reference-data'
import { decoded } from '../lib/test-helpers.test-fixture'
import type { ImportReleaseInput } from '../release/commands'
import { ImportRelease } from '../release/commands'
import { placeIndexes, placeIndexStream } from './aggregate'
import type { BuildPlaceIndexInput } from './commands'
import { BuildPlaceIndex } from './commands'
import { chunkPlaces, indexPlaces } from './decide'
import type { PlaceIndexEvent } from './events'
import type { PlaceIndexState, ReleaseContents } from './state'
import { initialReleaseContents, lsoasOf, placeOf } from './state'

/** A release as a place index reads it, from an import command. */
const contentsOf = (input: ImportReleaseInput): ReleaseContents => {
  const release = decoded(ImportRelease, input)
  return {
    imported: true,
    areaSets: release.areaSets.map((s) => ({ type: s.type, vintage: s.vintage, codes: s.areas.map((a) => a.code) })),
    lookups: release.lookups,
  }
}

const set = (type: string, vintage: string, ...codes: string[]) => ({
  type,
  vintage,
  areas: codes.map((code) => ({ code, name: code })),
})
const lookup = (from: [string, string], to: [string, string], ...pairs: Array<[string, string]>) => ({
  from: { type: from[0], vintage: from[1] },
  to: { type: to[0], vintage: to[1] },
  method: 'exact',
  pairs,
})
const release = (releaseId: string, areaSets: unknown[], lookups: unknown[]) =>
  ({
    type: 'ImportRelease',
    releaseId,
    title: releaseId,
    publisher: 'ONS',
    source: { name: 'hand-made', licence: 'OGL v3' },
    areaSets,
    lookups,
  }) as ImportReleaseInput

// LSOAs L1, L2 in ward W1 (Dec 2019), L3 in ward W2, all in district D; W1 and W2 in division C
// (May 2019 ward list: same codes, another vintage); W2 also in division C2; parish P in W1; MSOA M in D.
const L1 = 'E01000001'
const L2 = 'E01000002'
const L3 = 'E01000003'
const W1 = 'E05000001'
const W2 = 'E05000002'
const D = 'E07000001'
const C = 'E58000001'
const C2 = 'E58000002'
const P = 'E04000001'
const M = 'E02000001'
const releases = [
  release(
    'lsoa-ward',
    [set('lsoa', '2021', L1, L2, L3), set('ward', '2019-12', W1, W2), set('district', '2019', D)],
    [
      lookup(['lsoa', '2021'], ['ward', '2019-12'], [L1, W1], [L2, W1], [L3, W2]),
      lookup(['ward', '2019-12'], ['district', '2019'], [W1, D], [W2, D]),
    ],
  ),
  release(
    'ward-division',
    [set('ward', '2019-05', W1, W2), set('county-division', '2019', C, C2)],
    [lookup(['ward', '2019-05'], ['county-division', '2019'], [W1, C], [W2, C], [W2, C2])],
  ),
  release(
    'parish-msoa',
    [set('parish', '2019-12', P), set('ward', '2019-12', W1), set('msoa', '2021', M), set('district', '2025', D)],
    [
      lookup(['parish', '2019-12'], ['ward', '2019-12'], [P, W1]),
      lookup(['msoa', '2021'], ['district', '2025'], [M, D]),
    ],
  ),
]

test('every area reached from the LSOAs holds them, matched by code across releases and vintages', (t) => {
  const places = indexPlaces('2021', releases.map(contentsOf))
  const of = (code: string) => places.find((p) => p.code === code)
  t.deepEqual(of(L1), { code: L1, type: 'lsoa', basis: 'lookups', lsoas: [L1] })
  t.deepEqual(of(W1)?.lsoas, [L1, L2])
  t.deepEqual(of(D)?.lsoas, [L1, L2, L3])
  t.deepEqual(of(C)?.lsoas, [L1, L2, L3], 'the May 2019 ward list names the same wards as the December lookup')
  t.deepEqual(of(C2)?.lsoas, [L3], 'a ward in two divisions counts in both')
  t.deepEqual(of(P), { code: P, type: 'parish', basis: 'within', lsoas: [L1, L2] }, 'a parish: the LSOAs of its ward')
  t.deepEqual(of(M)?.lsoas, [L1, L2, L3], 'an MSOA known only by its district: the district’s LSOAs')
  t.deepEqual(
    places.map((p) => p.code),
    [...places.map((p) => p.code)].sort(),
  )
  t.deepEqual(indexPlaces('2011', releases.map(contentsOf)), [], 'no LSOAs of 2011: nothing')
})

const build = (input: Partial<BuildPlaceIndexInput> = {}) =>
  decoded(BuildPlaceIndex, {
    type: 'BuildPlaceIndex',
    indexId: 'current',
    lsoaVintage: '2021',
    releases: releases.map((r) => r.releaseId),
    ...input,
  })
const decide = (command: BuildPlaceIndex, index: PlaceIndexState, contents = releases.map(contentsOf)) =>
  placeIndexes.decide(command, {
    index,
    ...Object.fromEntries(command.releases.map((_, i) => [`release-${i}`, contents[i] ?? initialReleaseContents])),
  })
const code = (d: E.Either<{ readonly code: string }, unknown>) => (E.isLeft(d) ? d.left.code : 'accepted')

test('an index is built from imported releases, named once, with LSOAs of its vintage; lsoasOf reads it', (t) => {
  const built = decide(build(), placeIndexStream.decider.initialState)
  if (E.isLeft(built)) return t.fail(built.left.message)
  const events = built.right.index ?? []
  t.deepEqual(
    events.map((e) => e.type),
    ['areas.PlaceIndexBuilt', 'areas.PlacesIndexed'],
  )
  const index = fold(placeIndexStream.decider, events)
  t.deepEqual(lsoasOf(index, C2), [L3])
  t.deepEqual(lsoasOf(index, L2), [L2])
  t.is(placeOf(index, P)?.basis, 'within')
  t.is(lsoasOf(index, 'E06000031'), undefined, 'an area it does not know')
  t.is(lsoasOf(index, 'constructor'), undefined, 'an id like an Object.prototype member is unknown too')
  t.is(lsoasOf(placeIndexStream.decider.initialState, L1), undefined, 'no index: nothing known')

  t.is(code(decide(build(), index)), 'place-index-current', 'the same releases again')
  t.is(code(decide(build({ releases: ['lsoa-ward'] }), index)), 'accepted', 'built again from other releases')
  t.is(code(decide(build({ lsoaVintage: '2011' }), index)), 'vintage-mismatch')
  t.is(code(decide(build({ lsoaVintage: '2011' }), placeIndexStream.decider.initialState)), 'no-lsoas')
  t.is(code(decide(build({ releases: [] }), index)), 'invalid-place-index')
  t.is(code(decide(build({ releases: ['lsoa-ward', 'lsoa-ward'] }), index)), 'invalid-place-index')
  t.is(
    code(decide(build({ releases: ['lsoa-ward', 'nowhere'] }), index, [contentsOf(releases[0] as ImportReleaseInput)])),
    'unknown-release',
  )
  t.throws(() => build({ indexId: 'Not/An/Id' }), { message: /PlaceIndexId/ })
})

test('a rebuilt index holds only what the new build found', (t) => {
  const first = decide(build(), placeIndexStream.decider.initialState)
  if (E.isLeft(first)) return t.fail(first.left.message)
  const events: PlaceIndexEvent[] = [...(first.right.index ?? [])]
  const second = decide(build({ releases: ['lsoa-ward'] }), fold(placeIndexStream.decider, events))
  if (E.isLeft(second)) return t.fail(second.left.message)
  const index = fold(placeIndexStream.decider, [...events, ...(second.right.index ?? [])])
  t.is(lsoasOf(index, C), undefined, 'the divisions came from a release the new build did not read')
  t.deepEqual(lsoasOf(index, D), [L1, L2, L3])
})

test('places are chunked by the LSOA codes they hold', (t) => {
  const places = indexPlaces('2021', releases.map(contentsOf))
  const chunks = chunkPlaces(places, 4)
  t.true(chunks.length > 1)
  t.deepEqual(chunks.flat(), [...places])
  for (const chunk of chunks)
    t.true(chunk.length === 1 || chunk.reduce((n, p) => n + p.lsoas.length, 0) <= 4, 'within the limit')
})

test('on the shipped data: Peterborough is its LSOAs whatever the area type, and nothing straddles it', (t) => {
  const places = indexPlaces('2021', referenceReleases().map(contentsOf))
  const of = (c: string) => places.find((p) => p.code === c)
  const peterborough = new Set(of('E06000031')?.lsoas)
  const cambridgeshire = new Set(of('E10000003')?.lsoas)
  t.true(peterborough.size > 100 && cambridgeshire.size > 350)
  t.false(
    [...peterborough].some((l) => cambridgeshire.has(l)),
    'Peterborough is not in Cambridgeshire',
  )
  const straddling = places.filter(
    (p) =>
      ['lsoa', 'msoa', 'parish', 'ward', 'county-division', 'district', 'county'].includes(p.type) &&
      p.lsoas.some((l) => peterborough.has(l)) &&
      p.lsoas.some((l) => !peterborough.has(l)),
  )
  t.deepEqual(
    straddling.map((p) => p.code),
    [],
  )
  const types = new Set(places.map((p) => p.type))
  for (const type of ['lsoa', 'msoa', 'parish', 'ward', 'county-division', 'district', 'county', 'region'])
    t.true(types.has(type as never), `${type}s are indexed`)
  const chunks = chunkPlaces(places)
  t.true(chunks.length >= 2, 'the index is recorded in more than one event')
  t.true(JSON.stringify(chunks[0]).length < 300_000, 'each well within a store’s event limit')
})
