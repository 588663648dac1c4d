/**
 * The rules of an indicator: defined once; each period recorded once, after the definition, with at
 * least one value; every value for a well-formed LSOA code, once, finite, with a whole population
 * where one is given — and always one for a population-weighted mean.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import { codeProblem } from '../lib/codes'
import { sourceOf } from '../lib/source'
import type { DefineIndicator, ProfileCommand, RecordIndicatorValues } from './commands'
import type { ProfileEvent } from './events'
import { IndicatorDefined, IndicatorValuesRecorded } from './events'
import type { ProfileState } from './state'

type Decision = Either<DomainError, ReadonlyArray<ProfileEvent>>

// --- rules ---

const valueProblems = (command: RecordIndicatorValues, weighted: boolean): string[] => {
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

// --- one function per command ---

export const defineIndicator = (command: DefineIndicator, state: ProfileState): Decision =>
  state.defined
    ? reject('indicator-exists', `indicator ${command.indicatorId} is already defined`)
    : accept<ProfileEvent>(
        IndicatorDefined.create({
          indicatorId: command.indicatorId,
          name: command.name,
          unit: command.unit,
          aggregation: command.aggregation,
        }),
      )

export const recordIndicatorValues = (command: RecordIndicatorValues, state: ProfileState): Decision => {
  if (!state.defined) return reject('no-indicator', `indicator ${command.indicatorId} has not been defined`)
  if (state.periods.includes(command.period))
    return reject('period-recorded', `${command.indicatorId} already has values for ${command.period}`)
  if (command.values.length === 0) return reject('no-values', 'record at least one value')
  const problems = valueProblems(command, state.aggregation === 'population-weighted-mean')
  if (problems.length > 0) return reject('invalid-values', problems.slice(0, 20).join('; '))
  return accept<ProfileEvent>(
    IndicatorValuesRecorded.create({
      indicatorId: command.indicatorId,
      period: command.period,
      lsoaVintage: command.lsoaVintage,
      source: sourceOf(command.source),
      values: command.values.map((v) => ({
        lsoa: v.lsoa,
        value: v.value,
        ...(v.population === undefined ? {} : { population: v.population }),
      })),
    }),
  )
}

// --- the decider's decide ---

export const decideProfile = (command: ProfileCommand, state: ProfileState): Decision => {
  switch (command.type) {
    case 'DefineIndicator':
      return defineIndicator(command, state)
    case 'RecordIndicatorValues':
      return recordIndicatorValues(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
