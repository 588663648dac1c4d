/**
 * What is recorded of a board. A representative's name is personal data, encrypted with a key of
 * the representative's own (the subject is `representativeId`).
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString, personal } from '@civic-ledger/core'
import * as t from 'io-ts'

import { OrganisationType } from '../organisation/events'

const Id = NonEmptyString

/** A representative's position on a board. */
export const Position = t.keyof({ chair: null, 'vice-chair': null, member: null, observer: null }, 'Position')
export type Position = t.TypeOf<typeof Position>

/** A board was defined: its name, purpose, geography and terms of reference. */
export const BoardDefined = defineEvent({
  type: 'partnerships.BoardDefined',
  codec: t.readonly(
    t.intersection([
      t.type({
        boardId: Id,
        name: NonEmptyString,
        purpose: NonEmptyString,
        geography: t.readonlyArray(NonEmptyString),
        termsOfReference: NonEmptyString,
        on: IsoDate,
      }),
      t.partial({
        reportsTo: t.readonly(t.type({ boardId: Id, everyMonths: t.number })),
        includesAllMembersOf: Id,
      }),
    ]),
  ),
})
/** A board's terms of reference were amended. */
export const TermsOfReferenceAmended = defineEvent({
  type: 'partnerships.TermsOfReferenceAmended',
  codec: t.readonly(t.type({ boardId: Id, termsOfReference: NonEmptyString, on: IsoDate })),
})
/** A seat defined by role: who may fill it is a member of one of `organisationTypes` (any, when empty). */
export const SeatDefined = defineEvent({
  type: 'partnerships.SeatDefined',
  codec: t.readonly(
    t.type({
      boardId: Id,
      seatId: Id,
      description: NonEmptyString,
      organisationTypes: t.readonlyArray(OrganisationType),
      on: IsoDate,
    }),
  ),
})
/** An organisation was admitted to a board, as the type of organisation it was then. */
export const MemberAdmitted = defineEvent({
  type: 'partnerships.MemberAdmitted',
  codec: t.readonly(t.type({ boardId: Id, orgId: Id, organisationType: OrganisationType, on: IsoDate })),
})
/** An organisation withdrew from a board, with a reason. */
export const MemberWithdrawn = defineEvent({
  type: 'partnerships.MemberWithdrawn',
  codec: t.readonly(t.type({ boardId: Id, orgId: Id, reason: NonEmptyString, on: IsoDate })),
})
/** A member organisation appointed a representative to a board: their name (personal) and position. */
export const RepresentativeAppointed = defineEvent({
  type: 'partnerships.RepresentativeAppointed',
  subject: 'representativeId',
  codec: t.readonly(
    t.intersection([
      t.type({
        boardId: Id,
        representativeId: Id,
        orgId: Id,
        name: personal(NonEmptyString),
        position: Position,
        on: IsoDate,
      }),
      t.partial({ seatId: Id }),
    ]),
  ),
})
/** A representative stood down from a board, with a reason. */
export const RepresentativeStoodDown = defineEvent({
  type: 'partnerships.RepresentativeStoodDown',
  codec: t.readonly(t.type({ boardId: Id, representativeId: Id, reason: NonEmptyString, on: IsoDate })),
})
/** A board met on a day. */
export const MeetingHeld = defineEvent({
  type: 'partnerships.MeetingHeld',
  codec: t.readonly(t.type({ boardId: Id, meetingId: Id, heldOn: IsoDate })),
})
/** A decision a board took at a meeting, summarised. */
export const DecisionRecorded = defineEvent({
  type: 'partnerships.DecisionRecorded',
  codec: t.readonly(t.type({ boardId: Id, meetingId: Id, decisionId: Id, summary: NonEmptyString, heldOn: IsoDate })),
})
/** A report to the board this one reports to. */
export const ReportSubmitted = defineEvent({
  type: 'partnerships.ReportSubmitted',
  codec: t.readonly(t.type({ boardId: Id, to: Id, title: NonEmptyString, on: IsoDate })),
})

const definitions = [
  BoardDefined,
  TermsOfReferenceAmended,
  SeatDefined,
  MemberAdmitted,
  MemberWithdrawn,
  RepresentativeAppointed,
  RepresentativeStoodDown,
  MeetingHeld,
  DecisionRecorded,
  ReportSubmitted,
] as const
/** The catalog of a board's events: encodes new ones, and upcasts and decodes stored ones. */
export const boardEvents = eventCatalog(...definitions)
/** An event of a board's stream: one of those `boardEvents` encodes and decodes. */
export type BoardEvent = CatalogEvent<typeof boardEvents>
