/** What is recorded of a volunteer's hours. */
import type { CatalogEvent } from '@civic-ledger/core'
import { AreaRef, defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/** Hours a volunteer logged on a day, on one of their placements. */
export const HoursLogged = defineEvent({
  type: 'volunteers.HoursLogged',
  codec: t.readonly(
    t.type({
      volunteerId: Id,
      placementId: Id,
      roleId: Id,
      entryId: Id,
      date: IsoDate,
      hours: t.number,
      area: AreaRef,
    }),
  ),
})
/** A timesheet entry was verified. */
export const HoursVerified = defineEvent({
  type: 'volunteers.HoursVerified',
  codec: t.readonly(t.type({ volunteerId: Id, entryId: Id, on: IsoDate })),
})
/** A timesheet entry was rejected, with a reason. */
export const HoursRejected = defineEvent({
  type: 'volunteers.HoursRejected',
  codec: t.readonly(t.type({ volunteerId: Id, entryId: Id, on: IsoDate, reason: NonEmptyString })),
})
/** The hours of a timesheet entry were corrected, with a reason. */
export const HoursCorrected = defineEvent({
  type: 'volunteers.HoursCorrected',
  codec: t.readonly(t.type({ volunteerId: Id, entryId: Id, hours: t.number, on: IsoDate, reason: NonEmptyString })),
})

const definitions = [HoursLogged, HoursVerified, HoursRejected, HoursCorrected] as const
/** The catalog of a timesheet's events: encodes new ones, and upcasts and decodes stored ones. */
export const timesheetEvents = eventCatalog(...definitions)
/** An event of a timesheet's stream: one of those `timesheetEvents` encodes and decodes. */
export type TimesheetEvent = CatalogEvent<typeof timesheetEvents>
