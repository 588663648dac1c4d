/**
 * The GeographyRelease rules on hand-made releases: what is imported, what is refused and why, and
 * that a release never changes.
 */
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'

import { decoded } from '../lib/test-helpers.test-fixture'
import { geographyReleases } from './aggregate'
import type { ImportReleaseInput } from './commands'
import { ImportRelease } from './commands'

const spec = deciderSpec(geographyReleases.decider)
const importOf = (input: ImportReleaseInput) => decoded(ImportRelease, input)

// --- the release rules ---

const small = (overrides: Partial<ImportReleaseInput> = {}): ImportReleaseInput => ({
  type: 'ImportRelease',
  releaseId: 'test-release',
  title: 'A small release',
  publisher: 'ONS',
  source: { name: 'hand-made', licence: 'OGL v3' },
  areaSets: [
    { type: 'lsoa', vintage: '2021', areas: [{ code: 'E01015589', name: 'Peterborough 004A' }] },
    { type: 'ward', vintage: '2025', areas: [{ code: 'E05010805', name: 'Barnack' }] },
  ],
  lookups: [
    {
      from: { type: 'lsoa', vintage: '2021' },
      to: { type: 'ward', vintage: '2025' },
      method: 'best-fit',
      pairs: [['E01015589', 'E05010805']],
    },
  ],
  ...overrides,
})

test('a release is imported as one header, one event per area set and one per lookup', (t) => {
  const events = geographyReleases.decider.decide(importOf(small()), geographyReleases.decider.initialState)
  t.true(events._tag === 'Right')
  if (events._tag === 'Right')
    t.deepEqual(
      events.right.map((e) => e.type),
      ['areas.ReleaseImported', 'areas.AreasRecorded', 'areas.AreasRecorded', 'areas.LookupRecorded'],
    )
})

test('a release never changes: importing the same release again is refused', (t) => {
  const first = geographyReleases.decider.decide(importOf(small()), geographyReleases.decider.initialState)
  if (first._tag === 'Left') return t.fail(first.left.message)
  const error = spec(t).given(first.right).when(importOf(small())).thenRejects('release-exists')
  t.regex(error?.message ?? '', /import a correction as a new release/)
})

test('bad releases are refused naming the code: malformed, wrong prefix, a lookup naming an area not in the release', (t) => {
  const when = (input: ImportReleaseInput) => spec(t).given([]).when(importOf(input))
  const malformed = small({
    areaSets: [{ type: 'lsoa', vintage: '2021', areas: [{ code: 'E0101558X', name: 'x' }] }],
    lookups: [],
  })
  t.regex(
    when(malformed).thenRejects('invalid-release')?.message ?? '',
    /areaSets\[0\].areas\[0\]: "E0101558X" is not a GSS code/,
  )
  const wrongPrefix = small({
    areaSets: [{ type: 'ward', vintage: '2025', areas: [{ code: 'E01015589', name: 'x' }] }],
    lookups: [],
  })
  t.regex(
    when(wrongPrefix).thenRejects('invalid-release')?.message ?? '',
    /E01015589 has prefix E01, which is not a ward code/,
  )
  const unknownArea = small({
    lookups: [
      {
        from: { type: 'lsoa', vintage: '2021' },
        to: { type: 'ward', vintage: '2025' },
        method: 'best-fit',
        pairs: [['E01015590', 'E05010805']],
      },
    ],
  })
  t.regex(
    when(unknownArea).thenRejects('invalid-release')?.message ?? '',
    /lookups\[0\].pairs\[0\]: E01015590 is not a lsoa 2021 of this release/,
  )
  const unknownSet = small({
    lookups: [
      { from: { type: 'lsoa', vintage: '2011' }, to: { type: 'ward', vintage: '2025' }, method: 'exact', pairs: [] },
    ],
  })
  t.regex(
    when(unknownSet).thenRejects('invalid-release')?.message ?? '',
    /lsoa 2011 is not an area set of this release/,
  )
  const twice = small({
    areaSets: [
      {
        type: 'lsoa',
        vintage: '2021',
        areas: [
          { code: 'E01015589', name: 'a' },
          { code: 'E01015589', name: 'a' },
        ],
      },
    ],
    lookups: [],
  })
  t.regex(when(twice).thenRejects('invalid-release')?.message ?? '', /E01015589 is listed twice/)
  t.regex(
    when(small({ corrects: 'test-release' })).thenRejects('invalid-release')?.message ?? '',
    /cannot correct itself/,
  )
})

test('commands that do not decode never reach the decider: a bad vintage, an unknown kind of area', (t) => {
  t.throws(() => importOf({ ...small(), areaSets: [{ type: 'lsoa', vintage: '21', areas: [] }] } as never), {
    message: /Vintage/,
  })
  t.throws(() => importOf({ ...small(), areaSets: [{ type: 'hamlet', vintage: '2021', areas: [] }] } as never), {
    message: /hamlet/,
  })
})
