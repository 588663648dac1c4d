/**
 * What can be asked of a timesheet once hours are logged (logging itself is the `hours` decision,
 * which reads the placement from the volunteer's stream).
 */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { EntryId, VolunteerId } from '../ids'

/** Verifies a logged timesheet entry: only verified hours earn credits and count in reports. */
export const VerifyHours = t.readonly(
  t.type({ type: t.literal('VerifyHours'), volunteerId: VolunteerId, entryId: EntryId, on: IsoDate }),
)
/** Rejects a logged timesheet entry, with a reason. */
export const RejectHours = t.readonly(
  t.type({
    type: t.literal('RejectHours'),
    volunteerId: VolunteerId,
    entryId: EntryId,
    on: IsoDate,
    reason: NonEmptyString,
  }),
)
/** Corrects the hours of a timesheet entry, with a reason. */
export const CorrectHours = t.readonly(
  t.type({
    type: t.literal('CorrectHours'),
    volunteerId: VolunteerId,
    entryId: EntryId,
    hours: t.number,
    on: IsoDate,
    reason: NonEmptyString,
  }),
)

/** The codec of the commands a timesheet takes. */
export const TimesheetCommand = t.union([VerifyHours, RejectHours, CorrectHours])
/** A command a timesheet takes, as decoded. */
export type TimesheetCommand = t.TypeOf<typeof TimesheetCommand>
/** A command to a timesheet as an app sends it to `ledger.execute`, before decoding. */
export type TimesheetCommandInput = t.OutputOf<typeof TimesheetCommand>
