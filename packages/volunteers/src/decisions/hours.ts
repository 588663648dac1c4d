/**
 * Logging hours: a decision across the volunteer's timesheet and the volunteer's stream. The
 * placement — whose it is, its role and its dates — is read from the volunteer's stream as it
 * stands, never from the command, so hours can only be logged for a placement the volunteer holds,
 * inside its dates. The policy lets a volunteer log only their own hours (their id is the
 * command's `volunteerId`); co-ordinators and managers log for anyone.
 */
import type { NonEmptyString } from '@civic-ledger/core'
import { AreaRef, defineDecision, IsoDate, own, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { EntryId, PlacementId, VolunteerId } from '../ids'
import { timesheets } from '../timesheet/aggregate'
import { logHours } from '../timesheet/decide'
import { volunteers } from '../volunteer/aggregate'

/** The codec of the `LogHours` command of the `hours` decision. */
export const LogHoursCommand = t.readonly(
  t.type({
    type: t.literal('LogHours'),
    volunteerId: VolunteerId,
    placementId: PlacementId,
    entryId: EntryId,
    date: IsoDate,
    hours: t.number,
    area: AreaRef,
    on: IsoDate,
  }),
)
/** The `LogHours` command of the `hours` decision, as decoded. */
export type LogHoursCommand = t.TypeOf<typeof LogHoursCommand>
/** The `LogHours` command as an app sends it to `ledger.decide`, before decoding. */
export type LogHoursCommandInput = t.OutputOf<typeof LogHoursCommand>

/** Logs a volunteer's hours on a placement they hold, as their stream holds it. */
export const hours = defineDecision({
  context: 'volunteers',
  name: 'hours',
  commands: LogHoursCommand,
  streams: (c: LogHoursCommand) => ({
    timesheet: streamOf(timesheets, c.volunteerId),
    volunteer: streamOf(volunteers, c.volunteerId),
  }),
  decide: (c, { timesheet, volunteer }) => {
    const placement = own(volunteer.placements, c.placementId)
    if (placement === undefined) return reject('no-placement', `${c.volunteerId} holds no placement ${c.placementId}`)
    const logged = logHours(c, timesheet, {
      // Read from the volunteer's VolunteerPlaced event, whose codec holds it to a non-empty string.
      roleId: placement.roleId as NonEmptyString,
      startsOn: placement.startsOn,
      ...(placement.endedOn === undefined ? {} : { endedOn: placement.endedOn }),
    })
    return E.isLeft(logged) ? logged : E.right({ timesheet: logged.right })
  },
})
