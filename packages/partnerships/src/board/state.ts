/** A board as its stream holds it: who is a member now, who represents them, its seats and meetings. */
import { own } from '@civic-ledger/core'

import type { OrganisationType } from '../organisation/events'
import type { BoardEvent, Position } from './events'

/** A seat on a board: what it is for, the organisation types that may fill it, and who does. */
export interface Seat {
  readonly description: string
  readonly organisationTypes: ReadonlyArray<OrganisationType>
  /** The representative who fills it, when one does. */
  readonly holder?: string
}
/** A representative on a board: their organisation, position, and the seat they fill. */
export interface Representative {
  readonly orgId: string
  readonly position: Position
  readonly seatId?: string
}
/** A board as defined: its name, the board it reports to and how often, and whose members it includes. */
export interface BoardDefinition {
  readonly name: string
  readonly reportsTo?: { readonly boardId: string; readonly everyMonths: number }
  readonly includesAllMembersOf?: string
}

/** A board's state: what its events fold to, and what its commands are decided on. */
export type BoardState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active'
      readonly board: BoardDefinition
      readonly seats: Readonly<Record<string, Seat>>
      /** Current members, with their type when admitted. */
      readonly members: Readonly<Record<string, OrganisationType>>
      /** Current representatives. */
      readonly representatives: Readonly<Record<string, Representative>>
      readonly meetings: Readonly<Record<string, string>>
      readonly decisions: Readonly<Record<string, string>>
    }
/** A board once defined. */
export type ActiveBoard = Extract<BoardState, { readonly status: 'active' }>

export const initialBoard: BoardState = { status: 'none' }

const without = <V>(record: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> => {
  const { [key]: _gone, ...rest } = record
  return rest
}

const standDown = (s: ActiveBoard, representativeId: string): ActiveBoard => {
  const seatId = own(s.representatives, representativeId)?.seatId
  const seat = seatId === undefined ? undefined : own(s.seats, seatId)
  return {
    ...s,
    representatives: without(s.representatives, representativeId),
    seats:
      seatId === undefined || seat === undefined
        ? s.seats
        : { ...s.seats, [seatId]: { description: seat.description, organisationTypes: seat.organisationTypes } },
  }
}

const appointed = (s: ActiveBoard, e: Extract<BoardEvent, { type: 'partnerships.RepresentativeAppointed' }>) => {
  const { representativeId, orgId, position, seatId } = e.data
  const seat = seatId === undefined ? undefined : own(s.seats, seatId)
  return {
    ...s,
    representatives: {
      ...s.representatives,
      [representativeId]: seatId === undefined ? { orgId, position } : { orgId, position, seatId },
    },
    seats:
      seatId === undefined || seat === undefined
        ? s.seats
        : { ...s.seats, [seatId]: { ...seat, holder: representativeId } },
  }
}

const evolveActive = (s: ActiveBoard, e: BoardEvent): ActiveBoard => {
  switch (e.type) {
    case 'partnerships.BoardDefined':
    case 'partnerships.TermsOfReferenceAmended':
    case 'partnerships.ReportSubmitted':
      return s
    case 'partnerships.SeatDefined':
      return {
        ...s,
        seats: {
          ...s.seats,
          [e.data.seatId]: { description: e.data.description, organisationTypes: e.data.organisationTypes },
        },
      }
    case 'partnerships.MemberAdmitted':
      return { ...s, members: { ...s.members, [e.data.orgId]: e.data.organisationType } }
    case 'partnerships.MemberWithdrawn':
      return { ...s, members: without(s.members, e.data.orgId) }
    case 'partnerships.RepresentativeAppointed':
      return appointed(s, e)
    case 'partnerships.RepresentativeStoodDown':
      return standDown(s, e.data.representativeId)
    case 'partnerships.MeetingHeld':
      return { ...s, meetings: { ...s.meetings, [e.data.meetingId]: e.data.heldOn } }
    case 'partnerships.DecisionRecorded':
      return { ...s, decisions: { ...s.decisions, [e.data.decisionId]: e.data.meetingId } }
  }
}

export const evolveBoard = (s: BoardState, e: BoardEvent): BoardState => {
  if (e.type === 'partnerships.BoardDefined') {
    const { name, reportsTo, includesAllMembersOf } = e.data
    return {
      status: 'active',
      board: {
        name,
        ...(reportsTo === undefined ? {} : { reportsTo }),
        ...(includesAllMembersOf === undefined ? {} : { includesAllMembersOf }),
      },
      seats: {},
      members: {},
      representatives: {},
      meetings: {},
      decisions: {},
    }
  }
  return s.status === 'none' ? s : evolveActive(s, e)
}
