/**
 * The partnership register: organisations; boards with their current members, seats and
 * representatives (by id, position and organisation — never names); every membership over time; the
 * decisions log; and when each board last reported.
 */
import type { EventOf } from '@civic-ledger/core'
import { defineCollection, defineProjection, own } from '@civic-ledger/core'

import {
  BoardDefined,
  DecisionRecorded,
  MemberAdmitted,
  MemberWithdrawn,
  ReportSubmitted,
  RepresentativeAppointed,
  RepresentativeStoodDown,
  SeatDefined,
} from '../board/events'
import {
  OrganisationDissolved,
  OrganisationRegistered,
  OrganisationRenamed,
  PredecessorRecorded,
} from '../organisation/events'

/** A document of the `organisations` collection of the `partnership-register` read model. */
export interface OrganisationDoc {
  readonly orgId: string
  readonly name: string
  readonly organisationType: string
  readonly local: boolean
  readonly status: 'active' | 'dissolved'
  readonly successor: string | null
  readonly predecessors: ReadonlyArray<string>
}
/** A document of the `boards` collection of the `partnership-register` read model. */
export interface BoardDoc {
  readonly boardId: string
  readonly name: string
  readonly definedOn: string
  readonly reportsTo: { readonly boardId: string; readonly everyMonths: number } | null
  readonly includesAllMembersOf: string | null
  /** Current members: since when, and the membership row that records it. */
  readonly members: Readonly<Record<string, { readonly since: string; readonly membership: string }>>
  readonly seats: Readonly<Record<string, { readonly description: string; readonly holder: string | null }>>
  readonly representatives: Readonly<
    Record<
      string,
      { readonly orgId: string; readonly position: string; readonly seatId: string | null; readonly since: string }
    >
  >
  readonly admissions: number
  readonly lastReportOn: string | null
}
/** A document of the `memberships` collection of the `partnership-register` read model. */
export interface MembershipDoc {
  readonly boardId: string
  readonly orgId: string
  readonly from: string
  readonly to: string | null
}
/** A representative's appointment, from the day they were appointed to the day they stood down. */
export interface AppointmentDoc {
  readonly boardId: string
  readonly representativeId: string
  readonly orgId: string
  readonly position: string
  readonly seatId: string | null
  readonly from: string
  readonly to: string | null
}
/** A document of the `decisions` collection of the `partnership-register` read model. */
export interface DecisionDoc {
  readonly boardId: string
  readonly meetingId: string
  readonly heldOn: string
  readonly decisionId: string
  readonly summary: string
}

/**
 * The `organisations` collection of `partnership-register`: each organisation, its status,
 * successor and predecessors.
 */
export const organisationDocs = defineCollection<OrganisationDoc>('organisations')
/**
 * The `boards` collection of `partnership-register`: each board with its members, seats and representatives.
 */
export const boardDocs = defineCollection<BoardDoc>('boards')
/** The `memberships` collection of `partnership-register`: every membership of a board over time. */
export const membershipDocs = defineCollection<MembershipDoc, 'boardId'>('memberships', { indexes: ['boardId'] })
/** The `decisions` collection of `partnership-register`: the decisions log of each board. */
export const decisionDocs = defineCollection<DecisionDoc, 'boardId'>('decisions', { indexes: ['boardId'] })
/**
 * The `appointments` collection of `partnership-register`: representatives appointed to boards, by
 * id, never name.
 */
export const appointmentDocs = defineCollection<AppointmentDoc, 'boardId'>('appointments', { indexes: ['boardId'] })

/**
 * Records an appointment's start, or its end, in the register's history: one row an appointment,
 * keyed by board, representative and the day it began (`since`, for a stand-down).
 */
const appointmentEvent = async (e: RepresentativeEvent, ctx: Ctx, since: string | undefined): Promise<void> => {
  const appointments = ctx.collection(appointmentDocs)
  if (e.type === 'partnerships.RepresentativeAppointed') {
    const { boardId, representativeId, orgId, position, seatId, on } = e.data
    return appointments.put(`${boardId}/${representativeId}/${on}`, {
      boardId,
      representativeId,
      orgId,
      position,
      seatId: seatId ?? null,
      from: on,
      to: null,
    })
  }
  const key = `${e.data.boardId}/${e.data.representativeId}/${since ?? ''}`
  const before = since === undefined ? undefined : await appointments.get(key)
  if (before !== undefined) await appointments.put(key, { ...before, to: e.data.on })
}

type Ctx = Parameters<Parameters<typeof defineProjection>[0]['apply']>[1]

const organisationEvent = async (
  e: EventOf<
    | typeof OrganisationRegistered
    | typeof OrganisationRenamed
    | typeof OrganisationDissolved
    | typeof PredecessorRecorded
  >,
  ctx: Ctx,
): Promise<void> => {
  const docs = ctx.collection(organisationDocs)
  if (e.type === 'partnerships.OrganisationRegistered') {
    const { orgId, name, organisationType, local } = e.data
    return docs.put(orgId, {
      orgId,
      name,
      organisationType,
      local,
      status: 'active',
      successor: null,
      predecessors: [],
    })
  }
  const before = await docs.get(e.data.orgId)
  if (before === undefined) return
  if (e.type === 'partnerships.OrganisationRenamed') return docs.put(before.orgId, { ...before, name: e.data.name })
  if (e.type === 'partnerships.PredecessorRecorded')
    return docs.put(before.orgId, { ...before, predecessors: [...before.predecessors, e.data.predecessor] })
  return docs.put(before.orgId, { ...before, status: 'dissolved', successor: e.data.successor ?? null })
}

const without = <V>(record: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> => {
  const { [key]: _gone, ...rest } = record
  return rest
}

type MemberEvent = EventOf<typeof MemberAdmitted | typeof MemberWithdrawn>

const memberEvent = async (board: BoardDoc, e: MemberEvent, ctx: Ctx): Promise<BoardDoc> => {
  const memberships = ctx.collection(membershipDocs)
  if (e.type === 'partnerships.MemberAdmitted') {
    const membership = `${board.boardId}/${board.admissions + 1}`
    await memberships.put(membership, { boardId: board.boardId, orgId: e.data.orgId, from: e.data.on, to: null })
    return {
      ...board,
      admissions: board.admissions + 1,
      members: { ...board.members, [e.data.orgId]: { since: e.data.on, membership } },
    }
  }
  const current = own(board.members, e.data.orgId)
  const row = current === undefined ? undefined : await memberships.get(current.membership)
  if (current !== undefined && row !== undefined) await memberships.put(current.membership, { ...row, to: e.data.on })
  return { ...board, members: without(board.members, e.data.orgId) }
}

type RepresentativeEvent = EventOf<typeof RepresentativeAppointed | typeof RepresentativeStoodDown>

const representativeEvent = (board: BoardDoc, e: RepresentativeEvent): BoardDoc => {
  if (e.type === 'partnerships.RepresentativeAppointed') {
    const { representativeId, orgId, position, seatId, on } = e.data
    const seat = seatId === undefined ? undefined : own(board.seats, seatId)
    return {
      ...board,
      representatives: {
        ...board.representatives,
        [representativeId]: { orgId, position, seatId: seatId ?? null, since: on },
      },
      seats:
        seatId === undefined || seat === undefined
          ? board.seats
          : { ...board.seats, [seatId]: { ...seat, holder: representativeId } },
    }
  }
  const seatId = own(board.representatives, e.data.representativeId)?.seatId ?? null
  const seat = seatId === null ? undefined : own(board.seats, seatId)
  return {
    ...board,
    representatives: without(board.representatives, e.data.representativeId),
    seats:
      seatId === null || seat === undefined ? board.seats : { ...board.seats, [seatId]: { ...seat, holder: null } },
  }
}

type BoardEventIn = EventOf<
  | typeof BoardDefined
  | typeof SeatDefined
  | typeof MemberAdmitted
  | typeof MemberWithdrawn
  | typeof RepresentativeAppointed
  | typeof RepresentativeStoodDown
  | typeof ReportSubmitted
  | typeof DecisionRecorded
>

const boardEvent = async (e: BoardEventIn, ctx: Ctx): Promise<void> => {
  const docs = ctx.collection(boardDocs)
  if (e.type === 'partnerships.BoardDefined') {
    const { boardId, name, on, reportsTo, includesAllMembersOf } = e.data
    return docs.put(boardId, {
      boardId,
      name,
      definedOn: on,
      reportsTo: reportsTo ?? null,
      includesAllMembersOf: includesAllMembersOf ?? null,
      members: {},
      seats: {},
      representatives: {},
      admissions: 0,
      lastReportOn: null,
    })
  }
  const board = await docs.get(e.data.boardId)
  if (board === undefined) return
  switch (e.type) {
    case 'partnerships.SeatDefined':
      return docs.put(board.boardId, {
        ...board,
        seats: { ...board.seats, [e.data.seatId]: { description: e.data.description, holder: null } },
      })
    case 'partnerships.MemberAdmitted':
    case 'partnerships.MemberWithdrawn':
      return docs.put(board.boardId, await memberEvent(board, e, ctx))
    case 'partnerships.RepresentativeAppointed':
    case 'partnerships.RepresentativeStoodDown':
      await appointmentEvent(e, ctx, own(board.representatives, e.data.representativeId)?.since)
      return docs.put(board.boardId, representativeEvent(board, e))
    case 'partnerships.ReportSubmitted':
      return docs.put(board.boardId, { ...board, lastReportOn: e.data.on })
    case 'partnerships.DecisionRecorded': {
      const { boardId, meetingId, heldOn, decisionId, summary } = e.data
      return ctx
        .collection(decisionDocs)
        .put(`${boardId}/${decisionId}`, { boardId, meetingId, heldOn, decisionId, summary })
    }
  }
}

/** The `partnership-register` read model: organisations, boards, memberships, decisions and appointments. */
export const partnershipRegister = defineProjection({
  name: 'partnership-register',
  version: 2,
  events: [
    OrganisationRegistered,
    OrganisationRenamed,
    OrganisationDissolved,
    PredecessorRecorded,
    BoardDefined,
    SeatDefined,
    MemberAdmitted,
    MemberWithdrawn,
    RepresentativeAppointed,
    RepresentativeStoodDown,
    ReportSubmitted,
    DecisionRecorded,
  ],
  collections: [organisationDocs, boardDocs, membershipDocs, decisionDocs, appointmentDocs],
  apply: async (e, ctx) => {
    switch (e.type) {
      case 'partnerships.OrganisationRegistered':
      case 'partnerships.OrganisationRenamed':
      case 'partnerships.OrganisationDissolved':
      case 'partnerships.PredecessorRecorded':
        return organisationEvent(e, ctx)
      default:
        return boardEvent(e, ctx)
    }
  },
  // Representatives appear here by id, position and organisation, never by name: erasing one
  // leaves nothing of theirs to remove.
  erase: async () => {},
})
