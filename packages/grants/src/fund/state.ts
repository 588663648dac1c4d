/**
 * A fund as its stream holds it: its budget and what is committed against it, its streams and
 * their default limits, and its rounds with their dates and limits.
 */
import type { Pence } from '@civic-ledger/core'

import type { Eligibility, FundEvent, Limits } from './events'

/** A round of a fund: the days it opens and closes, and the limits of each stream in it. */
export interface Round {
  readonly opensOn: string
  readonly closesOn: string
  readonly limits: Readonly<Record<string, Limits>>
}
/** A fund once defined: its budget and what is committed (pence), its rules, streams and rounds. */
export interface FundRecord {
  readonly status: 'open'
  readonly budget: Pence
  /** Awarded against the budget and not released: what an award must leave room for. */
  readonly committed: number
  readonly directAwards: boolean
  readonly asksForSavings: boolean
  /** Whether an application is made with a county councillor serving on its date. */
  readonly asksForCouncillor: boolean
  readonly eligibility: Eligibility
  readonly streams: Readonly<Record<string, Limits>>
  readonly rounds: Readonly<Record<string, Round>>
}
/** A fund's state: what its events fold to, and what its commands are decided on. */
export type FundState = { readonly status: 'none' } | FundRecord

export const initialFund: FundState = { status: 'none' }

const evolveRecord = (s: FundRecord, e: FundEvent): FundRecord => {
  switch (e.type) {
    case 'grants.FundDefined':
      return s
    case 'grants.StreamAdded':
      return { ...s, streams: { ...s.streams, [e.data.streamId]: e.data.limits } }
    case 'grants.RoundOpened':
      return {
        ...s,
        rounds: {
          ...s.rounds,
          [e.data.roundId]: {
            opensOn: e.data.opensOn,
            closesOn: e.data.closesOn,
            limits: Object.fromEntries(e.data.limits.map((l) => [l.streamId, l.limits])),
          },
        },
      }
    case 'grants.BudgetChanged':
      return { ...s, budget: e.data.budget }
    case 'grants.FundCommitted':
      return { ...s, committed: s.committed + e.data.amount }
    case 'grants.FundReleased':
      return { ...s, committed: s.committed - e.data.amount }
  }
}

export const evolveFund = (s: FundState, e: FundEvent): FundState => {
  if (e.type === 'grants.FundDefined')
    return {
      status: 'open',
      budget: e.data.budget,
      committed: 0,
      directAwards: e.data.directAwards,
      asksForSavings: e.data.asksForSavings,
      asksForCouncillor: e.data.asksForCouncillor ?? false,
      eligibility: e.data.eligibility,
      streams: {},
      rounds: {},
    }
  return s.status === 'none' ? s : evolveRecord(s, e)
}

/** What is left of the budget for new awards. */
export const remaining = (s: FundRecord): number => s.budget - s.committed
