/**
 * The grants context's reports, read with its own queries: totals by fund, and each fund's budget
 * position. Money is in pence, as the ledger keeps it.
 */
import { createGrantQueries, fundPositions, grantTotals } from '@civic-ledger/grants'

import type { ReportProducer } from './registry'

/** The `grants-by-fund` report: each fund's applications and grants by status, and amounts in pence. */
export const grantsByFund: ReportProducer = {
  name: 'grants-by-fund',
  description: 'applications and grants of each fund: applied, awarded, declined, withdrawn, closed, paid (pence)',
  projections: [grantTotals],
  produce: async (source) => {
    const funds = [...(await createGrantQueries(source).funds())].sort((a, b) => a.fundId.localeCompare(b.fundId))
    return {
      title: 'Grants by fund',
      columns: [
        { key: 'fundId', title: 'fund' },
        { key: 'applied', title: 'applied' },
        { key: 'amountRequested', title: 'requested (p)' },
        { key: 'awarded', title: 'awarded' },
        { key: 'amountAwarded', title: 'awarded (p)' },
        { key: 'declined', title: 'declined' },
        { key: 'withdrawn', title: 'withdrawn' },
        { key: 'closed', title: 'closed' },
        { key: 'paid', title: 'paid (p)' },
        { key: 'successRate', title: 'success rate' },
      ],
      rows: funds.map((f) => ({
        fundId: f.fundId,
        applied: f.applied,
        amountRequested: f.amountRequested,
        awarded: f.awarded,
        amountAwarded: f.amountAwarded,
        declined: f.declined,
        withdrawn: f.withdrawn,
        closed: f.closed,
        paid: f.paid,
        successRate: f.successRate,
      })),
    }
  },
}

/**
 * The `fund-budgets` report: each fund's budget, committed, released and remaining, awarded, paid
 * and repaid (pence).
 */
export const fundBudgets: ReportProducer = {
  name: 'fund-budgets',
  description: "each fund's budget position: budget, committed, released, remaining, awarded, paid, repaid (pence)",
  projections: [fundPositions],
  produce: async (source) => {
    const budgets = [...(await createGrantQueries(source).budgets())].sort((a, b) => a.fundId.localeCompare(b.fundId))
    return {
      title: 'Fund budgets',
      columns: [
        { key: 'fundId', title: 'fund' },
        { key: 'name', title: 'name' },
        { key: 'budget', title: 'budget (p)' },
        { key: 'committed', title: 'committed (p)' },
        { key: 'released', title: 'released (p)' },
        { key: 'remaining', title: 'remaining (p)' },
        { key: 'awarded', title: 'awarded (p)' },
        { key: 'paid', title: 'paid (p)' },
        { key: 'repaid', title: 'repaid (p)' },
      ],
      rows: budgets.map((b) => ({ ...b })),
    }
  },
}

/** The reports the CLI has without the reporting package. */
export const builtInReports: ReadonlyArray<ReportProducer> = [grantsByFund, fundBudgets]
