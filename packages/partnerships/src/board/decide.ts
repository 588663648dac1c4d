/**
 * The rules of a board. A member is admitted at most once at a time and withdraws with its
 * representatives; a representative always belongs to a current member, and a board has one chair
 * and one vice-chair at a time; a seat is filled by one representative, of a member of a type the
 * seat allows; decisions are recorded at meetings the board held; reports go to the board it reports
 * to.
 */
import type { DomainError, IsoDate, NonEmptyString } from '@civic-ledger/core'
import { accept, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { OrganisationType } from '../organisation/events'
import type { BoardCommand } from './commands'
import type { BoardEvent } from './events'
import {
  BoardDefined,
  DecisionRecorded,
  MeetingHeld,
  MemberAdmitted,
  MemberWithdrawn,
  ReportSubmitted,
  RepresentativeAppointed,
  RepresentativeStoodDown,
  SeatDefined,
  TermsOfReferenceAmended,
} from './events'
import type { ActiveBoard, BoardState } from './state'

type Decided = Either<DomainError, ReadonlyArray<BoardEvent>>
type CommandOf<T extends BoardCommand['type']> = Extract<BoardCommand, { readonly type: T }>

const refuse = (problem: DomainError): Decided => reject(problem.code, problem.message)

const defineProblem = (c: CommandOf<'DefineBoard'>): DomainError | undefined => {
  if (c.geography.length === 0) return { code: 'invalid-board', message: 'a board covers at least one area' }
  if (c.reportsTo !== undefined) {
    const { boardId, everyMonths } = c.reportsTo
    if (boardId === c.boardId) return { code: 'invalid-board', message: 'a board cannot report to itself' }
    if (!Number.isSafeInteger(everyMonths) || everyMonths < 1 || everyMonths > 24)
      return { code: 'invalid-board', message: 'reportsTo.everyMonths must be a whole number from 1 to 24' }
  }
  if (c.includesAllMembersOf === c.boardId)
    return { code: 'invalid-board', message: 'a board cannot be required to include its own members' }
  return undefined
}

const defineBoard = (c: CommandOf<'DefineBoard'>, s: BoardState): Decided => {
  if (s.status !== 'none') return reject('board-exists', `board ${c.boardId} is defined already`)
  const problem = defineProblem(c)
  if (problem !== undefined) return refuse(problem)
  return accept<BoardEvent>(
    BoardDefined.create({
      boardId: c.boardId,
      name: c.name,
      purpose: c.purpose,
      geography: c.geography,
      termsOfReference: c.termsOfReference,
      on: c.on,
      ...(c.reportsTo === undefined
        ? {}
        : { reportsTo: { boardId: c.reportsTo.boardId, everyMonths: c.reportsTo.everyMonths } }),
      ...(c.includesAllMembersOf === undefined ? {} : { includesAllMembersOf: c.includesAllMembersOf }),
    }),
  )
}

const defineSeat = (c: CommandOf<'DefineSeat'>, s: ActiveBoard): Decided =>
  own(s.seats, c.seatId) !== undefined
    ? reject('seat-exists', `seat ${c.seatId} is defined already`)
    : accept<BoardEvent>(
        SeatDefined.create({
          boardId: c.boardId,
          seatId: c.seatId,
          description: c.description,
          organisationTypes: c.organisationTypes,
          on: c.on,
        }),
      )

/** Admits an organisation of `organisationType`: once at a time. */
export const admitMember = (
  c: { readonly boardId: NonEmptyString; readonly orgId: NonEmptyString; readonly on: IsoDate },
  s: BoardState,
  organisationType: OrganisationType,
): Decided => {
  if (s.status === 'none') return reject('unknown-board', `board ${c.boardId} is not defined`)
  if (own(s.members, c.orgId) !== undefined)
    return reject('already-member', `${c.orgId} is a member of ${c.boardId} already`)
  return accept<BoardEvent>(MemberAdmitted.create({ boardId: c.boardId, orgId: c.orgId, organisationType, on: c.on }))
}

/** A member withdraws, and its representatives stand down with it. */
const withdrawMember = (c: CommandOf<'WithdrawMember'>, s: ActiveBoard): Decided => {
  if (own(s.members, c.orgId) === undefined) return reject('not-member', `${c.orgId} is not a member of ${c.boardId}`)
  const stoodDown = Object.entries(s.representatives)
    .filter(([, r]) => r.orgId === c.orgId)
    .map(([representativeId]) =>
      RepresentativeStoodDown.create({
        boardId: c.boardId,
        representativeId: representativeId as NonEmptyString,
        reason: `${c.orgId} withdrew from the board` as NonEmptyString,
        on: c.on,
      }),
    )
  return accept<BoardEvent>(
    ...stoodDown,
    MemberWithdrawn.create({ boardId: c.boardId, orgId: c.orgId, reason: c.reason, on: c.on }),
  )
}

const seatProblem = (c: CommandOf<'AppointRepresentative'>, s: ActiveBoard): DomainError | undefined => {
  if (c.seatId === undefined) return undefined
  const seat = own(s.seats, c.seatId)
  if (seat === undefined) return { code: 'unknown-seat', message: `board ${c.boardId} has no seat ${c.seatId}` }
  if (seat.holder !== undefined) return { code: 'seat-filled', message: `seat ${c.seatId} is filled by ${seat.holder}` }
  const type = own(s.members, c.orgId)
  if (type !== undefined && seat.organisationTypes.length > 0 && !seat.organisationTypes.includes(type))
    return {
      code: 'seat-not-eligible',
      message: `seat ${c.seatId} is for a ${seat.organisationTypes.join(' or ')}, and ${c.orgId} is a ${type}`,
    }
  return undefined
}

const appointProblem = (c: CommandOf<'AppointRepresentative'>, s: ActiveBoard): DomainError | undefined => {
  if (own(s.representatives, c.representativeId) !== undefined)
    return { code: 'representative-exists', message: `${c.representativeId} already represents a member` }
  if (own(s.members, c.orgId) === undefined)
    return { code: 'not-member', message: `${c.orgId} is not a member of ${c.boardId}; admit it first` }
  if (c.position === 'chair' || c.position === 'vice-chair') {
    const holder = Object.entries(s.representatives).find(([, r]) => r.position === c.position)
    if (holder !== undefined)
      return { code: 'position-filled', message: `${c.boardId} has a ${c.position}: ${holder[0]}` }
  }
  return seatProblem(c, s)
}

const appoint = (c: CommandOf<'AppointRepresentative'>, s: ActiveBoard): Decided => {
  const problem = appointProblem(c, s)
  if (problem !== undefined) return refuse(problem)
  return accept<BoardEvent>(
    RepresentativeAppointed.create({
      boardId: c.boardId,
      representativeId: c.representativeId,
      orgId: c.orgId,
      name: c.name,
      position: c.position,
      on: c.on,
      ...(c.seatId === undefined ? {} : { seatId: c.seatId }),
    }),
  )
}

const standDown = (c: CommandOf<'StandDownRepresentative'>, s: ActiveBoard): Decided =>
  own(s.representatives, c.representativeId) === undefined
    ? reject('unknown-representative', `${c.representativeId} does not represent a member of ${c.boardId}`)
    : accept<BoardEvent>(
        RepresentativeStoodDown.create({
          boardId: c.boardId,
          representativeId: c.representativeId,
          reason: c.reason,
          on: c.on,
        }),
      )

const holdMeeting = (c: CommandOf<'HoldMeeting'>, s: ActiveBoard): Decided => {
  if (own(s.meetings, c.meetingId) !== undefined)
    return reject('meeting-exists', `meeting ${c.meetingId} is recorded already`)
  if (c.heldOn > c.on) return reject('future-date', `a meeting on ${c.heldOn} cannot be recorded on ${c.on}`)
  return accept<BoardEvent>(MeetingHeld.create({ boardId: c.boardId, meetingId: c.meetingId, heldOn: c.heldOn }))
}

const recordDecision = (c: CommandOf<'RecordDecision'>, s: ActiveBoard): Decided => {
  const heldOn = own(s.meetings, c.meetingId)
  if (heldOn === undefined) return reject('unknown-meeting', `${c.boardId} held no meeting ${c.meetingId}`)
  if (own(s.decisions, c.decisionId) !== undefined)
    return reject('decision-exists', `decision ${c.decisionId} is recorded already`)
  return accept<BoardEvent>(
    DecisionRecorded.create({
      boardId: c.boardId,
      meetingId: c.meetingId,
      decisionId: c.decisionId,
      summary: c.summary,
      heldOn: heldOn as IsoDate,
    }),
  )
}

const submitReport = (c: CommandOf<'SubmitReport'>, s: ActiveBoard): Decided =>
  s.board.reportsTo === undefined
    ? reject('reports-to-none', `${c.boardId} reports to no board`)
    : accept<BoardEvent>(
        ReportSubmitted.create({
          boardId: c.boardId,
          to: s.board.reportsTo.boardId as NonEmptyString,
          title: c.title,
          on: c.on,
        }),
      )

const decideActive = (c: Exclude<BoardCommand, CommandOf<'DefineBoard'>>, s: ActiveBoard): Decided => {
  switch (c.type) {
    case 'AmendTermsOfReference':
      return accept<BoardEvent>(
        TermsOfReferenceAmended.create({ boardId: c.boardId, termsOfReference: c.termsOfReference, on: c.on }),
      )
    case 'DefineSeat':
      return defineSeat(c, s)
    case 'WithdrawMember':
      return withdrawMember(c, s)
    case 'AppointRepresentative':
      return appoint(c, s)
    case 'StandDownRepresentative':
      return standDown(c, s)
    case 'HoldMeeting':
      return holdMeeting(c, s)
    case 'RecordDecision':
      return recordDecision(c, s)
    case 'SubmitReport':
      return submitReport(c, s)
    default: {
      const unreachable: never = c
      return unreachable
    }
  }
}

export const decideBoard = (command: BoardCommand, state: BoardState): Decided => {
  if (command.type === 'DefineBoard') return defineBoard(command, state)
  if (state.status === 'none') return reject('unknown-board', `board ${command.boardId} is not defined`)
  return decideActive(command, state)
}
