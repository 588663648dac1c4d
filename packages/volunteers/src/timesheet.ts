/**
 * Timesheet: the hours of one placement, day by day. An entry is more than 0 and at most 24 hours,
 * not in the future, inside the placement's dates, and records the delivery area where the work was
 * done. Entries are verified or rejected by a coordinator; a mistake is corrected by appending a
 * correction, never by changing the entry.
 */
import type { DomainError, EventsOf } from '@civic-ledger/core'
import {
  accept,
  AreaRef,
  defineAggregate,
  defineEvent,
  EntityId,
  eventCatalog,
  IsoDate,
  NonEmptyString,
  reject,
} from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'
import * as t from 'io-ts'

const Id = NonEmptyString

export const HoursLogged = defineEvent({
  type: 'volunteers.HoursLogged',
  codec: t.readonly(
    t.type({
      placementId: Id,
      volunteerId: Id,
      roleId: Id,
      entryId: Id,
      date: IsoDate,
      hours: t.number,
      area: AreaRef,
    }),
  ),
})
export const HoursVerified = defineEvent({
  type: 'volunteers.HoursVerified',
  codec: t.readonly(t.type({ placementId: Id, entryId: Id, on: IsoDate })),
})
export const HoursRejected = defineEvent({
  type: 'volunteers.HoursRejected',
  codec: t.readonly(t.type({ placementId: Id, entryId: Id, on: IsoDate, reason: NonEmptyString })),
})
export const HoursCorrected = defineEvent({
  type: 'volunteers.HoursCorrected',
  codec: t.readonly(t.type({ placementId: Id, entryId: Id, hours: t.number, on: IsoDate, reason: NonEmptyString })),
})

const definitions = [HoursLogged, HoursVerified, HoursRejected, HoursCorrected] as const
export const timesheetEvents = eventCatalog(...definitions)
export type TimesheetEvent = EventsOf<typeof definitions>

export const TimesheetCommand = t.union([
  t.readonly(t.type({ type: t.literal('VerifyHours'), placementId: EntityId, entryId: EntityId, on: IsoDate })),
  t.readonly(
    t.type({
      type: t.literal('RejectHours'),
      placementId: EntityId,
      entryId: EntityId,
      on: IsoDate,
      reason: NonEmptyString,
    }),
  ),
  t.readonly(
    t.type({
      type: t.literal('CorrectHours'),
      placementId: EntityId,
      entryId: EntityId,
      hours: t.number,
      on: IsoDate,
      reason: NonEmptyString,
    }),
  ),
])
export type TimesheetCommand = t.TypeOf<typeof TimesheetCommand>
export type TimesheetCommandInput = t.OutputOf<typeof TimesheetCommand>

export interface Entry {
  readonly entryId: string
  readonly date: string
  readonly hours: number
  readonly status: 'logged' | 'verified' | 'rejected'
}

export interface TimesheetState {
  readonly entries: Readonly<Record<string, Entry>>
}

/** Why `hours` cannot be recorded for a day, or undefined. */
export const hoursProblem = (hours: number): string | undefined =>
  Number.isFinite(hours) && hours > 0 && hours <= 24
    ? undefined
    : `hours must be more than 0 and at most 24, got ${hours}`

/**
 * Why an entry of `hours` on `date` would take the day past 24 hours with the day's other entries
 * (not rejected, not the entry itself), or undefined.
 */
const dailyCapProblem = (s: TimesheetState, date: string, entryId: string, hours: number): string | undefined => {
  const others = Object.values(s.entries)
    .filter((e) => e.date === date && e.status !== 'rejected' && e.entryId !== entryId)
    .reduce((sum, e) => sum + e.hours, 0)
  return others + hours > 24 ? `${date} would have ${others + hours} hours in all, more than 24` : undefined
}

/** What logging hours says: the entry, on a day, in an area. */
export interface HoursEntry {
  readonly placementId: NonEmptyString
  readonly volunteerId: NonEmptyString
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
 * Hours for a day of a placement: more than 0, at most 24 a day in all, not after the day they
 * are logged, inside the placement's dates, and an entry id not used before.
 */
export const logHours = (
  c: HoursEntry,
  s: TimesheetState,
  placement: PlacementDates,
): Either<DomainError, ReadonlyArray<TimesheetEvent>> => {
  if (s.entries[c.entryId] !== undefined) return reject('entry-exists', `entry ${c.entryId} is recorded already`)
  const problem = hoursProblem(c.hours)
  if (problem !== undefined) return reject('invalid-hours', problem)
  if (c.date > c.on) return reject('future-date', `hours cannot be logged for ${c.date}, after today (${c.on})`)
  if (c.date < placement.startsOn || (placement.endedOn !== undefined && c.date >= placement.endedOn))
    return reject(
      'outside-placement',
      `${c.date} is outside the placement (${placement.startsOn} to ${placement.endedOn ?? 'now'})`,
    )
  const overCap = dailyCapProblem(s, c.date, c.entryId, c.hours)
  if (overCap !== undefined) return reject('invalid-hours', overCap)
  return accept<TimesheetEvent>(
    HoursLogged.create({
      placementId: c.placementId,
      volunteerId: c.volunteerId,
      roleId: placement.roleId,
      entryId: c.entryId,
      date: c.date,
      hours: c.hours,
      area: c.area,
    }),
  )
}

export const timesheets = defineAggregate({
  context: 'volunteers',
  name: 'timesheet',
  commands: TimesheetCommand,
  events: timesheetEvents,
  id: (c) => c.placementId,
  decider: {
    initialState: { entries: {} },
    evolve: (s: TimesheetState, e: TimesheetEvent): TimesheetState => {
      const entry = s.entries[e.data.entryId]
      switch (e.type) {
        case 'volunteers.HoursLogged':
          return {
            entries: {
              ...s.entries,
              [e.data.entryId]: { entryId: e.data.entryId, date: e.data.date, hours: e.data.hours, status: 'logged' },
            },
          }
        case 'volunteers.HoursVerified':
          return entry === undefined
            ? s
            : { entries: { ...s.entries, [entry.entryId]: { ...entry, status: 'verified' } } }
        case 'volunteers.HoursRejected':
          return entry === undefined
            ? s
            : { entries: { ...s.entries, [entry.entryId]: { ...entry, status: 'rejected' } } }
        case 'volunteers.HoursCorrected':
          return entry === undefined
            ? s
            : { entries: { ...s.entries, [entry.entryId]: { ...entry, hours: e.data.hours, status: 'logged' } } }
      }
    },
    decide: (c: TimesheetCommand, s: TimesheetState) => {
      const entry = s.entries[c.entryId]
      switch (c.type) {
        case 'VerifyHours':
          if (entry?.status !== 'logged')
            return reject('not-pending', `entry ${c.entryId} is not awaiting verification`)
          return accept<TimesheetEvent>(
            HoursVerified.create({ placementId: c.placementId, entryId: c.entryId, on: c.on }),
          )
        case 'RejectHours':
          if (entry?.status !== 'logged')
            return reject('not-pending', `entry ${c.entryId} is not awaiting verification`)
          return accept<TimesheetEvent>(
            HoursRejected.create({ placementId: c.placementId, entryId: c.entryId, on: c.on, reason: c.reason }),
          )
        case 'CorrectHours': {
          if (entry === undefined) return reject('unknown-entry', `no entry ${c.entryId}`)
          if (entry.status === 'verified')
            return reject('verified', `entry ${c.entryId} is verified; log a new entry for the difference instead`)
          const problem = hoursProblem(c.hours)
          if (problem !== undefined) return reject('invalid-hours', problem)
          // The day's cap holds across corrections: the corrected entry with every other of its day.
          const overCap = dailyCapProblem(s, entry.date, entry.entryId, c.hours)
          if (overCap !== undefined) return reject('invalid-hours', overCap)
          return accept<TimesheetEvent>(
            HoursCorrected.create({
              placementId: c.placementId,
              entryId: c.entryId,
              hours: c.hours,
              on: c.on,
              reason: c.reason,
            }),
          )
        }
      }
    },
  },
})
