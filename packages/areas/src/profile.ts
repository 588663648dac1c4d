/**
 * AreaProfile: indicator values per LSOA (value, unit, source, period), and their aggregation to any
 * grouping of LSOAs — a ward, a parish, a district, a service delivery area — through a lookup or a
 * scheme. Counts are summed; rates and scores are averaged weighted by population. Each aggregate
 * says how it was made: the method, the grouping's source, and how many LSOAs had values.
 */
import type { EventsOf } from '@civic-ledger/core'
import {
  accept,
  defineAggregate,
  defineEvent,
  EntityId,
  eventCatalog,
  NonEmptyString,
  reject,
} from '@civic-ledger/core'
import * as t from 'io-ts'

import { codeProblem, Vintage } from './codes'
import { Source } from './release'

export interface IndicatorIdBrand {
  readonly IndicatorId: unique symbol
}

const IndicatorId = t.brand(
  t.string,
  (s): s is t.Branded<string, IndicatorIdBrand> => /^[a-z0-9][a-z0-9-]{0,59}$/.test(s),
  'IndicatorId',
)

export const Aggregation = t.keyof({ sum: null, 'population-weighted-mean': null }, 'Aggregation')
export type Aggregation = t.TypeOf<typeof Aggregation>

const Value = t.readonly(
  t.intersection([t.type({ lsoa: t.string, value: t.number }), t.partial({ population: t.number })]),
)

// --- events ---

export const IndicatorDefined = defineEvent({
  type: 'areas.IndicatorDefined',
  codec: t.readonly(
    t.type({ indicatorId: IndicatorId, name: NonEmptyString, unit: NonEmptyString, aggregation: Aggregation }),
  ),
})

export const IndicatorValuesRecorded = defineEvent({
  type: 'areas.IndicatorValuesRecorded',
  codec: t.readonly(
    t.type({
      indicatorId: IndicatorId,
      period: NonEmptyString,
      lsoaVintage: Vintage,
      source: Source,
      values: t.readonlyArray(Value),
    }),
  ),
})

const definitions = [IndicatorDefined, IndicatorValuesRecorded] as const
export const profileEvents = eventCatalog(...definitions)
export type ProfileEvent = EventsOf<typeof definitions>

// --- commands ---

export const ProfileCommand = t.union([
  t.readonly(
    t.type({
      type: t.literal('DefineIndicator'),
      indicatorId: IndicatorId,
      name: NonEmptyString,
      unit: NonEmptyString,
      aggregation: Aggregation,
    }),
  ),
  t.readonly(
    t.type({
      type: t.literal('RecordIndicatorValues'),
      indicatorId: IndicatorId,
      // Part of a read model's document id: held to an id's shape when the command is decoded.
      period: EntityId,
      lsoaVintage: Vintage,
      source: Source,
      values: t.readonlyArray(Value),
    }),
  ),
])
export type ProfileCommand = t.TypeOf<typeof ProfileCommand>
export type ProfileCommandInput = t.OutputOf<typeof ProfileCommand>

export interface ProfileState {
  readonly defined: boolean
  readonly aggregation: Aggregation
  readonly periods: ReadonlyArray<string>
}

const valueProblems = (command: Extract<ProfileCommand, { type: 'RecordIndicatorValues' }>, weighted: boolean) => {
  const problems: string[] = []
  const seen = new Set<string>()
  command.values.forEach((v, i) => {
    const code = codeProblem(v.lsoa, 'lsoa')
    if (code !== undefined) problems.push(`values[${i}]: ${code}`)
    if (seen.has(v.lsoa)) problems.push(`values[${i}]: ${v.lsoa} is listed twice`)
    seen.add(v.lsoa)
    if (!Number.isFinite(v.value)) problems.push(`values[${i}]: the value for ${v.lsoa} is not a finite number`)
    if (v.population !== undefined && !(Number.isSafeInteger(v.population) && v.population >= 0))
      problems.push(`values[${i}]: the population of ${v.lsoa} is not a whole number ≥ 0`)
    if (weighted && v.population === undefined)
      problems.push(`values[${i}]: ${v.lsoa} needs a population, to weight a population-weighted mean`)
  })
  return problems
}

export const areaProfiles = defineAggregate({
  context: 'areas',
  name: 'indicator',
  commands: ProfileCommand,
  events: profileEvents,
  id: (command) => command.indicatorId,
  decider: {
    initialState: { defined: false, aggregation: 'sum', periods: [] },
    evolve: (state: ProfileState, event: ProfileEvent): ProfileState =>
      event.type === 'areas.IndicatorDefined'
        ? { ...state, defined: true, aggregation: event.data.aggregation }
        : { ...state, periods: [...state.periods, event.data.period] },
    decide: (command: ProfileCommand, state: ProfileState) => {
      if (command.type === 'DefineIndicator') {
        if (state.defined) return reject('indicator-exists', `indicator ${command.indicatorId} is already defined`)
        const { type: _type, ...data } = command
        return accept<ProfileEvent>(IndicatorDefined.create(data))
      }
      if (!state.defined) return reject('no-indicator', `indicator ${command.indicatorId} has not been defined`)
      if (state.periods.includes(command.period))
        return reject('period-recorded', `${command.indicatorId} already has values for ${command.period}`)
      if (command.values.length === 0) return reject('no-values', 'record at least one value')
      const problems = valueProblems(command, state.aggregation === 'population-weighted-mean')
      if (problems.length > 0) return reject('invalid-values', problems.slice(0, 20).join('; '))
      const { type: _type, ...data } = command
      return accept<ProfileEvent>(IndicatorValuesRecorded.create(data))
    },
  },
})

// --- aggregation ---

export interface AggregatedValue {
  readonly area: string
  /** Undefined when no LSOA of the area has a value (or, for a weighted mean, any population). */
  readonly value: number | undefined
  readonly aggregation: Aggregation
  readonly lsoasWithValues: number
  readonly lsoasInArea: number
  readonly population: number | undefined
}

/**
 * Aggregates LSOA values to areas. `grouping` is `[lsoa, area]` pairs, as a lookup or a scheme
 * gives them: an LSOA in two areas (a many-to-many lookup) counts fully in both, as ONS lookups do.
 */
export const aggregateIndicator = (
  values: ReadonlyArray<{ readonly lsoa: string; readonly value: number; readonly population?: number }>,
  grouping: ReadonlyArray<readonly [lsoa: string, area: string]>,
  aggregation: Aggregation,
): ReadonlyArray<AggregatedValue> => {
  const byLsoa = new Map(values.map((v) => [v.lsoa, v]))
  const areas = new Map<string, string[]>()
  for (const [lsoa, area] of grouping) areas.set(area, [...(areas.get(area) ?? []), lsoa])
  return [...areas.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([area, lsoas]) => {
      const present = [...new Set(lsoas)].flatMap((l) => {
        const v = byLsoa.get(l)
        return v === undefined ? [] : [v]
      })
      const population = present.every((v) => v.population !== undefined)
        ? present.reduce((s, v) => s + (v.population ?? 0), 0)
        : undefined
      let value: number | undefined
      if (aggregation === 'sum') value = present.length === 0 ? undefined : present.reduce((s, v) => s + v.value, 0)
      else {
        const weight = present.reduce((s, v) => s + (v.population ?? 0), 0)
        value = weight === 0 ? undefined : present.reduce((s, v) => s + v.value * (v.population ?? 0), 0) / weight
      }
      return {
        area,
        value,
        aggregation,
        lsoasWithValues: present.length,
        lsoasInArea: new Set(lsoas).size,
        population,
      }
    })
}
