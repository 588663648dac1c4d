/**
 * The budget position of each fund, its streams and its rounds: the budget and each change to it;
 * what is committed to awards (committed less released back), what is released and what remains
 * for new awards (budget − committed); and the grants' side of the same money — awarded (as varied)
 * and paid (net of repayments).
 *
 * Version 2 added the position to the fund's own document rather than a projection beside it: the
 * fund's budget, its commitments and the awards and payments behind them are then one document at
 * one ledger position, so `committed` and `awarded` can never disagree because one read model had
 * caught up and the other had not. Payments do not name their fund, so the projection also keeps
 * which fund each grant draws on (`grants`).
 */
import type { EventsOf, ProjectedEvent } from '@civic-ledger/core'
import { defineCollection, defineProjection } from '@civic-ledger/core'

import { GrantAwarded, PaymentMade, RepaymentRecorded, VariationApproved } from '../application/events'
import { BudgetChanged, FundCommitted, FundDefined, FundReleased, RoundOpened, StreamAdded } from '../fund/events'

/** A document of the `funds` collection of the `fund-positions` read model. */
export interface FundDoc {
  readonly fundId: string
  readonly name: string
  readonly funder: string
  readonly administrators: ReadonlyArray<string>
  /** The budget now, in pence, and each change that made it. */
  readonly budget: number
  readonly changes: ReadonlyArray<{ readonly change: number; readonly reason: string; readonly on: string }>
  /** Committed to awards and not released back: what an award must leave room for. */
  readonly committed: number
  /** Released back to the budget, in all: the unpaid part of closed grants, variations down. */
  readonly released: number
  /** Left for new awards: budget − committed. */
  readonly remaining: number
  /** The grants made from it, as awarded then varied. */
  readonly awarded: number
  /** Paid to recipients, less what they repaid. */
  readonly paid: number
  readonly repaid: number
  readonly streams: Readonly<
    Record<string, { readonly name: string; readonly minimum: number; readonly maximum: number }>
  >
  readonly rounds: Readonly<Record<string, { readonly opensOn: string; readonly closesOn: string }>>
  /** The ledger position of the last event folded in. */
  readonly position: number
}
/** The fund a grant draws on, and the grant as it stands. */
export interface FundedGrant {
  readonly applicationId: string
  readonly fundId: string
  readonly awarded: number
  readonly position: number
}

/**
 * The `funds` collection of `fund-positions`: each fund's budget, committed, released and
 * remaining, in pence.
 */
export const fundDocs = defineCollection<FundDoc>('funds')
/**
 * The `grants` collection of `fund-positions`: each grant's awarded and paid amounts against its
 * fund, in pence.
 */
export const fundedGrants = defineCollection<FundedGrant>('grants')

const budgetEvents = [
  FundDefined,
  StreamAdded,
  RoundOpened,
  BudgetChanged,
  FundCommitted,
  FundReleased,
  GrantAwarded,
  VariationApproved,
  PaymentMade,
  RepaymentRecorded,
] as const
type BudgetEvent = ProjectedEvent<EventsOf<typeof budgetEvents>>

/** The fund's document after an event of its own stream, or of an award, variation or payment. */
const evolveFund = (fund: FundDoc, e: BudgetEvent, grant: FundedGrant | undefined): FundDoc => {
  switch (e.type) {
    case 'grants.FundDefined':
      return fund
    case 'grants.StreamAdded':
      return { ...fund, streams: { ...fund.streams, [e.data.streamId]: { name: e.data.name, ...e.data.limits } } }
    case 'grants.RoundOpened':
      return {
        ...fund,
        rounds: { ...fund.rounds, [e.data.roundId]: { opensOn: e.data.opensOn, closesOn: e.data.closesOn } },
      }
    case 'grants.BudgetChanged':
      return {
        ...fund,
        budget: e.data.budget,
        remaining: e.data.budget - fund.committed,
        changes: [...fund.changes, { change: e.data.change, reason: e.data.reason, on: e.data.on }],
      }
    case 'grants.FundCommitted':
      return { ...fund, committed: fund.committed + e.data.amount, remaining: fund.remaining - e.data.amount }
    case 'grants.FundReleased':
      return {
        ...fund,
        committed: fund.committed - e.data.amount,
        released: fund.released + e.data.amount,
        remaining: fund.remaining + e.data.amount,
      }
    case 'grants.GrantAwarded':
      return { ...fund, awarded: fund.awarded + e.data.amount }
    case 'grants.VariationApproved':
      return { ...fund, awarded: fund.awarded + e.data.amount - (grant?.awarded ?? e.data.previous) }
    case 'grants.PaymentMade':
      return { ...fund, paid: fund.paid + e.data.amount }
    case 'grants.RepaymentRecorded':
      return { ...fund, paid: fund.paid - e.data.amount, repaid: fund.repaid + e.data.amount }
  }
}

/** The fund an event moves money of: named by the event, or found from the grant it concerns. */
const fundOf = async (e: BudgetEvent, grants: { get(id: string): Promise<FundedGrant | undefined> }) =>
  'fundId' in e.data ? e.data.fundId : (await grants.get(e.data.applicationId))?.fundId

/** The `fund-positions` read model: the budget position of each fund, its streams and its rounds. */
export const fundPositions = defineProjection({
  name: 'fund-positions',
  version: 2,
  events: budgetEvents,
  collections: [fundDocs, fundedGrants],
  apply: async (e, ctx) => {
    const docs = ctx.collection(fundDocs)
    const grants = ctx.collection(fundedGrants)
    if (e.type === 'grants.FundDefined') {
      if (((await docs.get(e.data.fundId))?.position ?? 0) >= e.position) return
      const { fundId, name, funder, administrators, budget } = e.data
      return docs.put(fundId, {
        fundId,
        name,
        funder,
        administrators,
        budget,
        changes: [],
        committed: 0,
        released: 0,
        remaining: budget,
        awarded: 0,
        paid: 0,
        repaid: 0,
        streams: {},
        rounds: {},
        position: e.position,
      })
    }
    const fundId = await fundOf(e, grants)
    const fund = fundId === undefined ? undefined : await docs.get(fundId)
    if (fund === undefined || e.position <= fund.position) return
    const grant = 'applicationId' in e.data ? await grants.get(e.data.applicationId) : undefined
    await docs.put(fund.fundId, { ...evolveFund(fund, e, grant), position: e.position })
    if (e.type === 'grants.GrantAwarded' || e.type === 'grants.VariationApproved')
      await grants.put(e.data.applicationId, {
        applicationId: e.data.applicationId,
        fundId: fund.fundId,
        awarded: e.data.amount,
        position: e.position,
      })
  },
})
