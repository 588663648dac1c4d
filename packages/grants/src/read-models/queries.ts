/**
 * Queries over the grants read models: each fund's budget position; grants by fund, stream, round
 * and area; monitoring due and overdue; and the application register.
 */
import type { ProjectionRunner } from '@civic-ledger/core'

import type { ApplicationStatus } from '../application/state'
import type { FundDoc } from './funds'
import { fundDocs, fundPositions } from './funds'
import type { RequirementDoc } from './monitoring'
import { awaitingReturn, grantMonitoring, isOverdue, requirementDocs } from './monitoring'
import type { RegisterEntry } from './register'
import { grantsRegister, registerDocs } from './register'
import type { GrantFigures, GrantTotals } from './totals'
import { addFigures, figuresIn, grantTotals, noFigures, successRate, totalDocs, totalId } from './totals'

/** A fund's budget position, in pence. */
export interface BudgetPosition {
  readonly fundId: string
  readonly name: string
  readonly budget: number
  /** Committed to awards, less what was released back. */
  readonly committed: number
  readonly released: number
  /** budget − committed: what new awards may use. */
  readonly remaining: number
  readonly awarded: number
  /** Paid, net of repayments. */
  readonly paid: number
  readonly repaid: number
}

/** A fund's totals, with those of each of its streams, rounds and areas. */
export interface FundBreakdown {
  readonly fund: GrantTotals
  readonly streams: ReadonlyArray<GrantTotals>
  readonly rounds: ReadonlyArray<GrantTotals>
  readonly areas: ReadonlyArray<GrantTotals>
}

/** An area's figures across every fund, with each fund's share. */
export interface AreaTotals extends GrantFigures {
  readonly code: string
  readonly successRate: number | null
  readonly funds: ReadonlyArray<GrantTotals>
}

const budgetOf = (f: FundDoc): BudgetPosition => ({
  fundId: f.fundId,
  name: f.name,
  budget: f.budget,
  committed: f.committed,
  released: f.released,
  remaining: f.remaining,
  awarded: f.awarded,
  paid: f.paid,
  repaid: f.repaid,
})

const byDueDay = (a: RequirementDoc, b: RequirementDoc): number =>
  a.dueOn === b.dueOn ? a.applicationId.localeCompare(b.applicationId) : a.dueOn.localeCompare(b.dueOn)

/**
 * The questions an app asks of the grants read models — a fund's position, grants by status, what is
 * due — on a ledger's projections (`createGrantQueries(ledger.projections)`).
 */
export const createGrantQueries = (runner: Pick<ProjectionRunner, 'query'>) => {
  const funds = runner.query(fundPositions, fundDocs)
  const totals = runner.query(grantTotals, totalDocs)
  const requirements = runner.query(grantMonitoring, requirementDocs)
  const register = runner.query(grantsRegister, registerDocs)
  /** Requirements still waiting for a return, earliest due first. */
  const outstanding = async (): Promise<ReadonlyArray<RequirementDoc>> =>
    [...(await requirements.find({ status: 'due' })), ...(await requirements.find({ status: 'returned' }))].sort(
      byDueDay,
    )
  return {
    // --- budgets ---

    /** A fund's budget position, or undefined for a fund not defined. */
    budget: async (fundId: string): Promise<BudgetPosition | undefined> => {
      const fund = await funds.get(fundId)
      return fund === undefined ? undefined : budgetOf(fund)
    },
    /** Every fund's budget position. */
    budgets: async (): Promise<ReadonlyArray<BudgetPosition>> => (await funds.find()).map(budgetOf),
    /** A fund as defined: streams, rounds, budget changes and its budget position. */
    fund: (fundId: string): Promise<FundDoc | undefined> => funds.get(fundId),

    // --- grants by fund, stream, round and area ---

    /** A fund's totals, or undefined before any application to it was submitted. */
    byFund: (fundId: string): Promise<GrantTotals | undefined> => totals.get(totalId('fund', fundId, fundId)),
    /** The totals of a stream of a fund, or undefined. */
    byStream: (fundId: string, streamId: string): Promise<GrantTotals | undefined> =>
      totals.get(totalId('stream', fundId, streamId)),
    /** The totals of a round of a fund, or undefined. */
    byRound: (fundId: string, roundId: string): Promise<GrantTotals | undefined> =>
      totals.get(totalId('round', fundId, roundId)),
    /** A fund's totals, and those of each stream, round and area within it. */
    breakdown: async (fundId: string): Promise<FundBreakdown | undefined> => {
      const fund = await totals.get(totalId('fund', fundId, fundId))
      if (fund === undefined) return undefined
      const within = await totals.find({ fundId })
      const of = (dimension: GrantTotals['dimension']) => within.filter((d) => d.dimension === dimension)
      return { fund, streams: of('stream'), rounds: of('round'), areas: of('area') }
    },
    /** An area's totals across every fund (each application counted once), or undefined when none names it. */
    byArea: async (code: string): Promise<AreaTotals | undefined> => {
      const perFund = await totals.find({ dimension: 'area', key: code })
      if (perFund.length === 0) return undefined
      const sum = perFund.reduce<GrantFigures>((a, d) => addFigures(a, figuresIn(d)), noFigures)
      return { code, ...sum, successRate: successRate(sum), funds: perFund }
    },
    /** Every fund's totals. */
    funds: (): Promise<ReadonlyArray<GrantTotals>> => totals.find({ dimension: 'fund' }),

    // --- monitoring ---

    /** Requirements waiting for a return that fall due on or before `on` (overdue ones included), earliest first. */
    due: async (on: string): Promise<ReadonlyArray<RequirementDoc>> =>
      (await outstanding()).filter((r) => r.dueOn <= on),
    /** Requirements due before `today` with no return in: never submitted, or sent back. */
    overdue: async (today: string): Promise<ReadonlyArray<RequirementDoc>> =>
      (await outstanding()).filter((r) => isOverdue(r, today)),
    /** A grant's monitoring requirements, earliest due first. */
    monitoring: async (applicationId: string): Promise<ReadonlyArray<RequirementDoc>> =>
      [...(await requirements.find({ applicationId }))].sort(byDueDay),
    /** Whether a grant has a requirement still waiting for a return. */
    awaitingReturn: async (applicationId: string): Promise<boolean> =>
      (await requirements.find({ applicationId })).some(awaitingReturn),

    // --- the register ---

    /** An application's entry in the register, or undefined. */
    application: (applicationId: string): Promise<RegisterEntry | undefined> => register.get(applicationId),
    /** The register, or the part of it of one fund, in one status, or both; by application id. */
    applications: (
      where: { readonly fundId?: string; readonly status?: ApplicationStatus } = {},
    ): Promise<ReadonlyArray<RegisterEntry>> =>
      register.find({
        ...(where.fundId === undefined ? {} : { fundId: where.fundId }),
        ...(where.status === undefined ? {} : { status: where.status }),
      }),
  }
}
/** What `createGrantQueries` returns. */
export type GrantQueries = ReturnType<typeof createGrantQueries>
