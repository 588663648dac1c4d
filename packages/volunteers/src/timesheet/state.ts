/** A volunteer's timesheet: every entry, by id, with its day, hours and status. */
import { own } from '@civic-ledger/core'

import type { TimesheetEvent } from './events'

/** A timesheet entry: the placement, the day, the hours, and whether logged, verified or rejected. */
export interface Entry {
  readonly entryId: string
  readonly placementId: string
  readonly date: string
  readonly hours: number
  readonly status: 'logged' | 'verified' | 'rejected'
}

/** A timesheet's state: what its events fold to, and what its commands are decided on. */
export interface TimesheetState {
  readonly entries: Readonly<Record<string, Entry>>
}

export const initialTimesheet: TimesheetState = { entries: {} }

const withEntry = (s: TimesheetState, entryId: string, change: Partial<Entry>): TimesheetState => {
  const entry = own(s.entries, entryId)
  return entry === undefined ? s : { entries: { ...s.entries, [entryId]: { ...entry, ...change } } }
}

export const evolveTimesheet = (s: TimesheetState, e: TimesheetEvent): TimesheetState => {
  switch (e.type) {
    case 'volunteers.HoursLogged': {
      const { entryId, placementId, date, hours } = e.data
      return { entries: { ...s.entries, [entryId]: { entryId, placementId, date, hours, status: 'logged' } } }
    }
    case 'volunteers.HoursVerified':
      return withEntry(s, e.data.entryId, { status: 'verified' })
    case 'volunteers.HoursRejected':
      return withEntry(s, e.data.entryId, { status: 'rejected' })
    case 'volunteers.HoursCorrected':
      return withEntry(s, e.data.entryId, { hours: e.data.hours, status: 'logged' })
  }
}

/**
 * Why `hours` on `date` for `entryId` would take the volunteer's day past the cap with the day's
 * other entries, on every placement (rejected ones and the entry itself left out), or undefined.
 */
export const dailyCapProblem = (
  s: TimesheetState,
  date: string,
  entryId: string,
  hours: number,
  cap: number,
): string | undefined => {
  const others = Object.values(s.entries)
    .filter((e) => e.date === date && e.status !== 'rejected' && e.entryId !== entryId)
    .reduce((sum, e) => sum + e.hours, 0)
  return others + hours > cap ? `${date} would have ${others + hours} hours in all, more than ${cap}` : undefined
}
