/**
 * Area profiles: indicator values per LSOA, refused when malformed, and aggregated to groupings —
 * sums and population-weighted means, many-to-many lookups and LSOAs without values included.
 * The values here are hand-made for the arithmetic, not real statistics.
 */
import { fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import fc from 'fast-check'

import { aggregateIndicator } from '../lib/aggregation'
import { decoded } from '../lib/test-helpers.test-fixture'
import { areaProfiles } from './aggregate'
import type { ProfileCommandInput } from './commands'
import { ProfileCommand } from './commands'
import type { ProfileEvent } from './events'

const decider = areaProfiles.decider
const spec = deciderSpec(decider)
const command = (input: ProfileCommandInput) => decoded(ProfileCommand, input)
const source = { name: 'hand-made', licence: 'none' }

const defineRate: ProfileCommandInput = {
  type: 'DefineIndicator',
  indicatorId: 'claimant-rate',
  name: 'Claimant rate',
  unit: 'percent',
  aggregation: 'population-weighted-mean',
}
const decided = (history: ProfileEvent[], input: ProfileCommandInput): ProfileEvent[] => {
  const d = decider.decide(command(input), fold(decider, history))
  if (d._tag === 'Left') throw new Error(d.left.message)
  return [...history, ...d.right]
}

test('values are refused naming the LSOA: a bad code, a repeat, a missing population for a weighted mean', (t) => {
  const defined = decided([], defineRate)
  const error = spec(t)
    .given(defined)
    .when(
      command({
        type: 'RecordIndicatorValues',
        indicatorId: 'claimant-rate',
        period: '2024-Q1',
        lsoaVintage: '2021',
        source,
        values: [
          { lsoa: 'E05010805', value: 2, population: 1500 },
          { lsoa: 'E01015589', value: 2, population: 1500 },
          { lsoa: 'E01015589', value: 3, population: 1500 },
          { lsoa: 'E01015590', value: 4 },
        ],
      }),
    )
    .thenRejects('invalid-values')
  t.regex(error?.message ?? '', /values\[0\]: E05010805 has prefix E05, which is not a lsoa code/)
  t.regex(error?.message ?? '', /values\[2\]: E01015589 is listed twice/)
  t.regex(error?.message ?? '', /values\[3\]: E01015590 needs a population/)
})

test('a period is recorded once; values wait for their indicator', (t) => {
  const record: ProfileCommandInput = {
    type: 'RecordIndicatorValues',
    indicatorId: 'claimant-rate',
    period: '2024-Q1',
    lsoaVintage: '2021',
    source,
    values: [{ lsoa: 'E01015589', value: 2, population: 1500 }],
  }
  spec(t).given([]).when(command(record)).thenRejects('no-indicator')
  spec(t)
    .given(decided(decided([], defineRate), record))
    .when(command(record))
    .thenRejects('period-recorded')
})

test('sums add up counts; weighted means weight by population; an LSOA in two areas counts in both', (t) => {
  const values = [
    { lsoa: 'A', value: 10, population: 1000 },
    { lsoa: 'B', value: 20, population: 3000 },
    { lsoa: 'C', value: 40, population: 1000 },
  ]
  const grouping = [
    ['A', 'ward-1'],
    ['B', 'ward-1'],
    ['C', 'ward-2'],
    ['B', 'ward-2'],
    ['D', 'ward-3'],
  ] as const
  t.deepEqual(
    aggregateIndicator(values, grouping, 'sum').map((a) => [a.area, a.value, a.lsoasWithValues, a.lsoasInArea]),
    [
      ['ward-1', 30, 2, 2],
      ['ward-2', 60, 2, 2],
      ['ward-3', undefined, 0, 1],
    ],
  )
  const means = aggregateIndicator(values, grouping, 'population-weighted-mean')
  t.is(means[0]?.value, (10 * 1000 + 20 * 3000) / 4000)
  t.is(means[1]?.value, (40 * 1000 + 20 * 3000) / 4000)
  t.is(means[0]?.population, 4000)
})

test('property: over a partition, the areas’ sums add up to the total, and each mean lies between its LSOAs’ values', (t) => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          value: fc.integer({ min: 0, max: 1000 }),
          population: fc.integer({ min: 1, max: 3000 }),
          area: fc.integer({ min: 0, max: 5 }),
        }),
        {
          minLength: 1,
          maxLength: 60,
        },
      ),
      (rows) => {
        const values = rows.map((r, i) => ({ lsoa: `L${i}`, value: r.value, population: r.population }))
        const grouping = rows.map((r, i) => [`L${i}`, `area-${r.area}`] as const)
        const sums = aggregateIndicator(values, grouping, 'sum')
        t.is(
          sums.reduce((s, a) => s + (a.value ?? 0), 0),
          values.reduce((s, v) => s + v.value, 0),
        )
        for (const mean of aggregateIndicator(values, grouping, 'population-weighted-mean')) {
          const members = rows.filter((r) => `area-${r.area}` === mean.area).map((r) => r.value)
          t.true(
            (mean.value ?? NaN) >= Math.min(...members) - 1e-9 && (mean.value ?? NaN) <= Math.max(...members) + 1e-9,
          )
        }
      },
    ),
  )
})
