/**
 * The safeguarding rules, as pure functions over dates and records: a volunteer's age on a day, a
 * DBS check that is valid at a level on a day, training that is current. The deciders use them, and
 * so do the compliance read models, so "valid" means one thing everywhere.
 */
import type { IsoDate } from '@civic-ledger/core'
import { addMonths } from '@civic-ledger/core'
import * as t from 'io-ts'

/**
 * DBS check levels, weakest first. `enhanced-barred` is an enhanced check with a check of the
 * barred list for the group the work is with (children, adults or both).
 */
export const DbsLevel = t.keyof(
  { none: null, basic: null, standard: null, enhanced: null, 'enhanced-barred': null },
  'DbsLevel',
)
export type DbsLevel = t.TypeOf<typeof DbsLevel>

const LEVELS: ReadonlyArray<DbsLevel> = ['none', 'basic', 'standard', 'enhanced', 'enhanced-barred']

/** Who regulated activity is with: a role's group, and the barred lists a check covered. */
export const Group = t.keyof({ children: null, adults: null, both: null }, 'Group')
export type Group = t.TypeOf<typeof Group>

/** Regulated activity: with children, adults, both, or none. */
export const RegulatedActivity = t.keyof({ children: null, adults: null, both: null, none: null }, 'RegulatedActivity')
export type RegulatedActivity = t.TypeOf<typeof RegulatedActivity>

/** Do barred lists checked for `held` cover work with `needed`? */
export const groupCovers = (held: Group | undefined, needed: Group): boolean => held === 'both' || held === needed

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

/**
 * What is decided on a check: accepted, declined, or — for a check that is not clear — awaiting the
 * risk assessment that decides it.
 */
export const DbsDecision = t.keyof({ accepted: null, declined: null, 'awaiting-assessment': null }, 'DbsDecision')
export type DbsDecision = t.TypeOf<typeof DbsDecision>

/**
 * A DBS check as the safeguarding rules read it: its level, the barred lists it covered, when it
 * was issued, and whether it was clear.
 */
export interface DbsCheckRecord {
  readonly checkId: string
  readonly level: DbsLevel
  /** The barred lists an `enhanced-barred` check covered. */
  readonly barredLists?: Group
  readonly issuedOn: IsoDate
  readonly clear: boolean
  readonly updateService: boolean
  readonly decision: DbsDecision
  readonly decidedOn: IsoDate
}

/** What a role asks of a DBS check: a level, and for regulated activity the group it is with. */
export interface DbsRequirement {
  readonly dbsLevel: DbsLevel
  readonly regulatedActivity: RegulatedActivity
}

/** The last day before which a check issued on `issuedOn` is relied on, or null with the update service. */
export const dbsValidUntil = (check: Pick<DbsCheckRecord, 'issuedOn' | 'updateService'>): string | null =>
  check.updateService ? null : addMonths(check.issuedOn, DBS_RENEWAL_MONTHS)

const checkCovers = (c: DbsCheckRecord, required: DbsRequirement, day: string): boolean => {
  const until = dbsValidUntil(c)
  return (
    c.decision === 'accepted' &&
    levelCovers(c.level, required.dbsLevel) &&
    (required.regulatedActivity === 'none' || groupCovers(c.barredLists, required.regulatedActivity)) &&
    c.issuedOn <= day &&
    (until === null || day < until)
  )
}

/**
 * Why no check is valid for `required` on `day`, or undefined when one is. A check counts when the
 * decision (or the risk assessment) accepted it, it covers the level and — for regulated activity —
 * the barred list of the role's group, and it was issued within three years or the volunteer
 * subscribes to the update service.
 */
export const dbsProblem = (
  checks: ReadonlyArray<DbsCheckRecord>,
  required: DbsRequirement,
  day: string,
): string | undefined => {
  if (required.dbsLevel === 'none') return undefined
  if (checks.some((c) => checkCovers(c, required, day))) return undefined
  const what =
    required.regulatedActivity === 'none'
      ? `${required.dbsLevel} level or above`
      : `${required.dbsLevel} level with the ${required.regulatedActivity} barred list${required.regulatedActivity === 'both' ? 's' : ''}`
  return checks.length === 0
    ? `no DBS check is recorded, and the role needs ${what}`
    : `no accepted DBS check at ${what} is current on ${day}`
}

/** A course a volunteer completed: when, when it lapses, and its accreditation. */
export interface TrainingRecord {
  readonly course: string
  readonly completedOn: IsoDate
  /** When the certificate lapses; a course without an expiry stays current. */
  readonly expiresOn?: string
  /** The accrediting body or award, when the course is accredited. */
  readonly accreditation?: string
}

/** A course a role requires: for how long a completion counts, and an accreditation it must have. */
export interface TrainingRequirement {
  readonly course: string
  readonly validForMonths?: number
  readonly accreditation?: string
}

const current = (held: TrainingRecord, required: TrainingRequirement, day: string): boolean =>
  held.course === required.course &&
  held.completedOn <= day &&
  (held.expiresOn === undefined || day < held.expiresOn) &&
  (required.validForMonths === undefined || day < addMonths(held.completedOn, required.validForMonths)) &&
  (required.accreditation === undefined || held.accreditation === required.accreditation)

/**
 * The required courses not current on `day`: completed by then, not expired, completed within the
 * role's validity when it sets one, and with the accreditation the role names when it names one.
 */
export const trainingGaps = (
  training: ReadonlyArray<TrainingRecord>,
  required: ReadonlyArray<TrainingRequirement>,
  day: string,
): ReadonlyArray<string> =>
  required
    .filter((r) => !training.some((held) => current(held, r, day)))
    .map((r) => (r.accreditation === undefined ? r.course : `${r.course} (${r.accreditation})`))
