/**
 * The rules of a timesheet. An entry is more than 0 hours, the volunteer's day stays within 24 hours
 * across every entry, placement and correction, nothing is logged after the day it is logged on or
 * outside the placement's dates. A coordinator verifies or rejects an entry; a mistake is corrected
 * by appending a correction, never by changing the entry, and a verified entry is not corrected.
 */
import type { AreaRef, DomainError, IsoDate, NonEmptyString } from '@civic-ledger/core'
import { accept, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import { DAILY_CAP, hoursProblem } from '../rules/hours'
import type { TimesheetCommand } from './commands'
import type { TimesheetEvent } from './events'
import { HoursCorrected, HoursLogged, HoursRejected, HoursVerified } from './events'
import type { TimesheetState } from './state'
import { dailyCapProblem } from './state'

type CommandOf<T extends TimesheetCommand['type']> = Extract<TimesheetCommand, { readonly type: T }>

/** What logging hours says: the entry, on a day, in an area. */
export interface HoursEntry {
  readonly volunteerId: NonEmptyString
  readonly placementId: NonEmptyString
  readonly entryId: NonEmptyString
  readonly date: IsoDate
  readonly hours: number
  readonly area: AreaRef
  readonly on: IsoDate
}

/** The placement hours are logged against, as the volunteer's stream holds it. */
export interface PlacementDates {
  readonly roleId: NonEmptyString
  readonly startsOn: string
  readonly endedOn?: string
}

/**
 * Hours for a day of a placement: more than 0, the day at most 24 in all, not after the day they
 * are logged, inside the placement's dates, and an entry id not used before in the timesheet.
 */
export const logHours = (
  c: HoursEntry,
  s: TimesheetState,
  placement: PlacementDates,
): Either<DomainError, ReadonlyArray<TimesheetEvent>> => {
  if (own(s.entries, c.entryId) !== undefined) return reject('entry-exists', `entry ${c.entryId} is recorded already`)
  const problem = hoursProblem(c.hours)
  if (problem !== undefined) return reject('invalid-hours', problem)
  if (c.date > c.on) return reject('future-date', `hours cannot be logged for ${c.date}, after today (${c.on})`)
  if (c.date < placement.startsOn || (placement.endedOn !== undefined && c.date >= placement.endedOn))
    return reject(
      'outside-placement',
      `${c.date} is outside the placement (${placement.startsOn} to ${placement.endedOn ?? 'now'})`,
    )
  const overCap = dailyCapProblem(s, c.date, c.entryId, c.hours, DAILY_CAP)
  if (overCap !== undefined) return reject('invalid-hours', overCap)
  return accept<TimesheetEvent>(
    HoursLogged.create({
      volunteerId: c.volunteerId,
      placementId: c.placementId,
      roleId: placement.roleId,
      entryId: c.entryId,
      date: c.date,
      hours: c.hours,
      area: c.area,
    }),
  )
}

const pending = (c: { readonly entryId: string }, s: TimesheetState): DomainError | undefined =>
  own(s.entries, c.entryId)?.status === 'logged'
    ? undefined
    : { code: 'not-pending', message: `entry ${c.entryId} is not awaiting verification` }

const verify = (c: CommandOf<'VerifyHours'>, s: TimesheetState): Either<DomainError, ReadonlyArray<TimesheetEvent>> => {
  const problem = pending(c, s)
  return problem !== undefined
    ? reject(problem.code, problem.message)
    : accept<TimesheetEvent>(HoursVerified.create({ volunteerId: c.volunteerId, entryId: c.entryId, on: c.on }))
}

const rejectEntry = (
  c: CommandOf<'RejectHours'>,
  s: TimesheetState,
): Either<DomainError, ReadonlyArray<TimesheetEvent>> => {
  const problem = pending(c, s)
  return problem !== undefined
    ? reject(problem.code, problem.message)
    : accept<TimesheetEvent>(
        HoursRejected.create({ volunteerId: c.volunteerId, entryId: c.entryId, on: c.on, reason: c.reason }),
      )
}

const correct = (
  c: CommandOf<'CorrectHours'>,
  s: TimesheetState,
): Either<DomainError, ReadonlyArray<TimesheetEvent>> => {
  const entry = own(s.entries, c.entryId)
  if (entry === undefined) return reject('unknown-entry', `no entry ${c.entryId}`)
  if (entry.status === 'verified')
    return reject('verified', `entry ${c.entryId} is verified; log a new entry for the difference instead`)
  const problem = hoursProblem(c.hours)
  if (problem !== undefined) return reject('invalid-hours', problem)
  // The day's cap holds across corrections: the corrected entry with every other of its day.
  const overCap = dailyCapProblem(s, entry.date, entry.entryId, c.hours, DAILY_CAP)
  if (overCap !== undefined) return reject('invalid-hours', overCap)
  return accept<TimesheetEvent>(
    HoursCorrected.create({
      volunteerId: c.volunteerId,
      entryId: c.entryId,
      hours: c.hours,
      on: c.on,
      reason: c.reason,
    }),
  )
}

export const decideTimesheet = (
  command: TimesheetCommand,
  state: TimesheetState,
): Either<DomainError, ReadonlyArray<TimesheetEvent>> => {
  switch (command.type) {
    case 'VerifyHours':
      return verify(command, state)
    case 'RejectHours':
      return rejectEntry(command, state)
    case 'CorrectHours':
      return correct(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
