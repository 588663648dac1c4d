/** The budget position of each fund, its streams and its rounds. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import { BudgetChanged, FundDefined, RoundOpened, StreamAdded } from '../fund/events'

export interface FundDoc {
  readonly fundId: string
  readonly name: string
  readonly funder: string
  readonly administrators: ReadonlyArray<string>
  /** The budget now, in pence, and each change that made it. */
  readonly budget: number
  readonly changes: ReadonlyArray<{ readonly change: number; readonly reason: string; readonly on: string }>
  readonly streams: Readonly<
    Record<string, { readonly name: string; readonly minimum: number; readonly maximum: number }>
  >
  readonly rounds: Readonly<Record<string, { readonly opensOn: string; readonly closesOn: string }>>
}
export const fundDocs = defineCollection<FundDoc>('funds')

export const fundPositions = defineProjection({
  name: 'fund-positions',
  version: 1,
  events: [FundDefined, StreamAdded, RoundOpened, BudgetChanged],
  collections: [fundDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(fundDocs)
    if (e.type === 'grants.FundDefined') {
      const { fundId, name, funder, administrators, budget } = e.data
      return docs.put(fundId, { fundId, name, funder, administrators, budget, changes: [], streams: {}, rounds: {} })
    }
    const fund = await docs.get(e.data.fundId)
    if (fund === undefined) return
    switch (e.type) {
      case 'grants.StreamAdded':
        return docs.put(fund.fundId, {
          ...fund,
          streams: { ...fund.streams, [e.data.streamId]: { name: e.data.name, ...e.data.limits } },
        })
      case 'grants.RoundOpened':
        return docs.put(fund.fundId, {
          ...fund,
          rounds: { ...fund.rounds, [e.data.roundId]: { opensOn: e.data.opensOn, closesOn: e.data.closesOn } },
        })
      case 'grants.BudgetChanged':
        return docs.put(fund.fundId, {
          ...fund,
          budget: e.data.budget,
          changes: [...fund.changes, { change: e.data.change, reason: e.data.reason, on: e.data.on }],
        })
    }
  },
})
