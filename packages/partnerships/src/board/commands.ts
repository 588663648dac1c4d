/**
 * What can be asked of a board. Admitting a member is the `admissions` decision, which reads the
 * organisation's record.
 */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { BoardId, DecisionId, MeetingId, OrgId, RepresentativeId, SeatId } from '../ids'
import { GssCode } from '../organisation/commands'
import { OrganisationType } from '../organisation/events'
import { Position } from './events'

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), boardId: BoardId, on: IsoDate, ...props }))

export const DefineBoard = t.readonly(
  t.intersection([
    command('DefineBoard', {
      name: NonEmptyString,
      purpose: NonEmptyString,
      /** The areas the board covers, by GSS code (a county, districts, a combined authority). */
      geography: t.readonlyArray(GssCode),
      termsOfReference: NonEmptyString,
    }),
    t.partial({
      /** The board this one reports to, and every how many months. */
      reportsTo: t.readonly(t.type({ boardId: BoardId, everyMonths: t.number })),
      /** A board whose every member this one must include. */
      includesAllMembersOf: BoardId,
    }),
  ]),
)
export const AmendTermsOfReference = command('AmendTermsOfReference', { termsOfReference: NonEmptyString })
export const DefineSeat = command('DefineSeat', {
  seatId: SeatId,
  description: NonEmptyString,
  organisationTypes: t.readonlyArray(OrganisationType),
})
export const WithdrawMember = command('WithdrawMember', { orgId: OrgId, reason: NonEmptyString })
export const AppointRepresentative = t.readonly(
  t.intersection([
    command('AppointRepresentative', {
      representativeId: RepresentativeId,
      orgId: OrgId,
      name: NonEmptyString,
      position: Position,
    }),
    t.partial({ seatId: SeatId }),
  ]),
)
export const StandDownRepresentative = command('StandDownRepresentative', {
  representativeId: RepresentativeId,
  reason: NonEmptyString,
})
export const HoldMeeting = command('HoldMeeting', { meetingId: MeetingId, heldOn: IsoDate })
export const RecordDecision = command('RecordDecision', {
  meetingId: MeetingId,
  decisionId: DecisionId,
  summary: NonEmptyString,
})
export const SubmitReport = command('SubmitReport', { title: NonEmptyString })

/** The codec of the commands a board takes. */
export const BoardCommand = t.union([
  DefineBoard,
  AmendTermsOfReference,
  DefineSeat,
  WithdrawMember,
  AppointRepresentative,
  StandDownRepresentative,
  HoldMeeting,
  RecordDecision,
  SubmitReport,
])
/** A command a board takes, as decoded. */
export type BoardCommand = t.TypeOf<typeof BoardCommand>
/** A command to a board as an app sends it to `ledger.execute`, before decoding. */
export type BoardCommandInput = t.OutputOf<typeof BoardCommand>
