/**
 * The safeguarding rules, as pure functions over dates and records: a volunteer's age on a day, a
 * DBS check that is valid at a level on a day, training that is current. The deciders use them, and
 * so do the compliance read models, so "valid" means one thing everywhere.
 */
import type { IsoDate } from '@civic-ledger/core'
import { addMonths } from '@civic-ledger/core'
import * as t from 'io-ts'

/** DBS check levels, weakest first. `enhanced-barred` is enhanced with a check of the barred lists. */
export const DbsLevel = t.keyof(
  { none: null, basic: null, standard: null, enhanced: null, 'enhanced-barred': null },
  'DbsLevel',
)
export type DbsLevel = t.TypeOf<typeof DbsLevel>

const LEVELS: ReadonlyArray<DbsLevel> = ['none', 'basic', 'standard', 'enhanced', 'enhanced-barred']

/** Does a check at `held` satisfy a role needing `required`? */
export const levelCovers = (held: DbsLevel, required: DbsLevel): boolean =>
  LEVELS.indexOf(held) >= LEVELS.indexOf(required)

/** Whole years between a date of birth and a day (both ISO dates). */
export const ageOn = (dateOfBirth: string, day: string): number => {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

/** How long a DBS certificate is relied on without the update service: the council's rule, 3 years. */
export const DBS_RENEWAL_MONTHS = 36

export interface DbsCheckRecord {
  readonly checkId: string
  readonly level: DbsLevel
  readonly issuedOn: IsoDate
  readonly clear: boolean
  readonly updateService: boolean
  readonly decision: 'accepted' | 'declined'
  readonly decidedOn: IsoDate
}

/**
 * Why no check is valid at `required` on `day`, or undefined when one is. A check counts when the
 * decision accepted it, it covers the level, and it was issued within three years or the volunteer
 * subscribes to the update service.
 */
export const dbsProblem = (
  checks: ReadonlyArray<DbsCheckRecord>,
  required: DbsLevel,
  day: string,
): string | undefined => {
  if (required === 'none') return undefined
  const valid = checks.some(
    (c) =>
      c.decision === 'accepted' &&
      levelCovers(c.level, required) &&
      c.issuedOn <= day &&
      (c.updateService || day < addMonths(c.issuedOn, DBS_RENEWAL_MONTHS)),
  )
  if (valid) return undefined
  return checks.length === 0
    ? `no DBS check is recorded, and the role needs ${required}`
    : `no accepted DBS check at ${required} level or above is current on ${day}`
}

export interface TrainingRecord {
  readonly course: string
  readonly completedOn: string
  readonly expiresOn: string
}

/** The required courses not current (completed, not yet expired) on `day`. */
export const trainingGaps = (
  training: ReadonlyArray<TrainingRecord>,
  required: ReadonlyArray<string>,
  day: string,
): ReadonlyArray<string> =>
  required.filter((course) => !training.some((t) => t.course === course && t.completedOn <= day && day < t.expiresOn))
