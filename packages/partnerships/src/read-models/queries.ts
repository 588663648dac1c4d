/**
 * Queries over the partnerships read models: a board's register (members, seats with vacancies,
 * representatives, and any member of a board it must include that it lacks), memberships over time,
 * the decisions log, reports due and overdue, agreements and their reviews, overdue actions by owner.
 */
import type { IsoDate, ProjectionRunner } from '@civic-ledger/core'
import { addDays, addMonths, own } from '@civic-ledger/core'

import type { AgreementDoc } from './agreements'
import { agreementDocs, agreementStatus } from './agreements'
import type { PlanDoc, PostDoc } from './places'
import { placeCoverage, planDocs, postDocs } from './places'
import type { ActionDoc, MilestoneDoc, ThemeDoc, WorkstreamDoc } from './programmes'
import { actionDocs, milestoneDocs, programmeTracker, themeDocs, workstreamDocs } from './programmes'
import type { AppointmentDoc, BoardDoc, DecisionDoc, MembershipDoc, OrganisationDoc } from './register'
import {
  appointmentDocs,
  boardDocs,
  decisionDocs,
  membershipDocs,
  organisationDocs,
  partnershipRegister,
} from './register'

/**
 * A board's register: the board, its members and their representatives, its vacant seats, and the
 * members it must include but lacks.
 */
export interface BoardRegister {
  readonly board: BoardDoc
  readonly members: ReadonlyArray<{ readonly orgId: string; readonly name: string | null; readonly since: string }>
  readonly vacancies: ReadonlyArray<{ readonly seatId: string; readonly description: string }>
  /** Members of the board this one must include that are not members of this one. */
  readonly missingMembers: ReadonlyArray<string>
}
/** When a board next reports to the board above it, when it last did, and whether it is overdue. */
export interface ReportDue {
  readonly boardId: string
  readonly to: string
  readonly lastReportOn: string | null
  readonly dueOn: string
  readonly overdue: boolean
}
/** A service delivery area's posts, and how many are filled. */
export interface AreaCoverage {
  readonly areaId: string
  readonly posts: ReadonlyArray<PostDoc>
  readonly filled: number
  readonly vacant: number
}
/** An agreement due for review: its id, title, review day, and whether the day has passed. */
export interface ReviewDue {
  readonly agreementId: string
  readonly title: string
  readonly reviewOn: string
  readonly overdue: boolean
}

/**
 * The questions an app asks of the partnerships read models — organisations, boards and members,
 * agreements, programmes and places — on a ledger's projections.
 */
export const createPartnershipQueries = (runner: Pick<ProjectionRunner, 'query'>) => {
  const boards = runner.query(partnershipRegister, boardDocs)
  const organisations = runner.query(partnershipRegister, organisationDocs)
  const agreements = runner.query(agreementStatus, agreementDocs)
  return {
    /** An organisation of the register, or undefined. */
    organisation: (orgId: string): Promise<OrganisationDoc | undefined> => organisations.get(orgId),
    /** A board's register, or undefined for a board not defined. */
    boardRegister: async (boardId: string): Promise<BoardRegister | undefined> => {
      const board = await boards.get(boardId)
      if (board === undefined) return undefined
      const members = await Promise.all(
        Object.entries(board.members).map(async ([orgId, m]) => ({
          orgId,
          name: (await organisations.get(orgId))?.name ?? null,
          since: m.since,
        })),
      )
      const vacancies = Object.entries(board.seats)
        .filter(([, seat]) => seat.holder === null)
        .map(([seatId, seat]) => ({ seatId, description: seat.description }))
      const other = board.includesAllMembersOf === null ? undefined : await boards.get(board.includesAllMembersOf)
      const missingMembers = Object.keys(other?.members ?? {}).filter(
        (orgId) => own(board.members, orgId) === undefined,
      )
      return { board, members, vacancies, missingMembers }
    },
    /** Every membership of a board, past and present. */
    memberships: (boardId: string): Promise<ReadonlyArray<MembershipDoc>> =>
      runner.query(partnershipRegister, membershipDocs).find({ boardId }),
    /** Every representative a board has had, from when and until when. */
    appointments: (boardId: string): Promise<ReadonlyArray<AppointmentDoc>> =>
      runner.query(partnershipRegister, appointmentDocs).find({ boardId }),
    /** A board's decisions log, in the order of the meetings that took them. */
    decisions: async (boardId: string): Promise<ReadonlyArray<DecisionDoc>> =>
      [...(await runner.query(partnershipRegister, decisionDocs).find({ boardId }))].sort((a, b) =>
        a.heldOn === b.heldOn ? a.decisionId.localeCompare(b.decisionId) : a.heldOn.localeCompare(b.heldOn),
      ),
    /** Every board that reports to another: when its next report is due, and whether it is overdue on `day`. */
    reportsDue: async (day: string): Promise<ReadonlyArray<ReportDue>> =>
      (await boards.find()).flatMap((b) => {
        if (b.reportsTo === null) return []
        const dueOn = addMonths((b.lastReportOn ?? b.definedOn) as IsoDate, b.reportsTo.everyMonths)
        return [
          { boardId: b.boardId, to: b.reportsTo.boardId, lastReportOn: b.lastReportOn, dueOn, overdue: dueOn < day },
        ]
      }),
    /** The agreements, or those of one status. */
    agreements: (status?: AgreementDoc['status']): Promise<ReadonlyArray<AgreementDoc>> =>
      status === undefined ? agreements.find() : agreements.find({ status }),
    /** Agreements in force whose review falls within `withinDays` of `day`, or has passed. */
    reviewsDue: async (day: string, withinDays = 60): Promise<ReadonlyArray<ReviewDue>> =>
      (await agreements.find({ status: 'in-force' })).flatMap((a) =>
        a.reviewOn !== null && a.reviewOn <= addDays(day, withinDays)
          ? [{ agreementId: a.agreementId, title: a.title, reviewOn: a.reviewOn, overdue: a.reviewOn < day }]
          : [],
      ),
    /** Actions past their due date on `day` and not done or cancelled, by owner organisation. */
    overdueActions: async (day: string): Promise<Readonly<Record<string, ReadonlyArray<ActionDoc>>>> => {
      const overdue = (await runner.query(programmeTracker, actionDocs).find()).filter(
        (a) => a.due < day && a.status !== 'done' && a.status !== 'cancelled',
      )
      const byOwner: Record<string, ActionDoc[]> = {}
      for (const a of overdue) (byOwner[a.owner] ??= []).push(a)
      return byOwner
    },
    /** A programme's themes and workstreams. */
    programme: async (
      programmeId: string,
    ): Promise<{ readonly themes: ReadonlyArray<ThemeDoc>; readonly workstreams: ReadonlyArray<WorkstreamDoc> }> => ({
      themes: await runner.query(programmeTracker, themeDocs).find({ programmeId }),
      workstreams: await runner.query(programmeTracker, workstreamDocs).find({ programmeId }),
    }),
    /** A programme's milestones. */
    milestones: (programmeId: string): Promise<ReadonlyArray<MilestoneDoc>> =>
      runner.query(programmeTracker, milestoneDocs).find({ programmeId }),
    /** For each area of a scheme with a post: its posts, filled and vacant. */
    postCoverage: async (schemeId: string): Promise<ReadonlyArray<AreaCoverage>> => {
      const byArea = new Map<string, PostDoc[]>()
      for (const post of await runner.query(placeCoverage, postDocs).find({ schemeId }))
        byArea.set(post.areaId, [...(byArea.get(post.areaId) ?? []), post])
      return [...byArea.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([areaId, areaPosts]) => {
          const filled = areaPosts.filter((p) => p.filledSince !== null).length
          return { areaId, posts: areaPosts, filled, vacant: areaPosts.length - filled }
        })
    },
    /** The delivery plans of a scheme's areas, by area. */
    deliveryPlans: async (schemeId: string): Promise<Readonly<Record<string, ReadonlyArray<PlanDoc>>>> => {
      const byArea: Record<string, PlanDoc[]> = {}
      for (const plan of await runner.query(placeCoverage, planDocs).find({ schemeId }))
        (byArea[plan.areaId] ??= []).push(plan)
      return byArea
    },
  }
}
/** What `createPartnershipQueries` returns. */
export type PartnershipQueries = ReturnType<typeof createPartnershipQueries>
