/**
 * The grants reports a council quotes, from real commands on every store: a fund's year — drafts,
 * submissions, declines, withdrawals and awards — sent through a ledger on memory, SQLite and
 * PostgreSQL, then the budget position, grants by fund, stream, round and area, monitoring due and
 * overdue, and the application register, read through `createGrantQueries`.
 */
import type { Aggregate, Command, Decision, DecisionStreams, DomainEvent, Ledger } from '@civic-ledger/core'
import { allowAll } from '@civic-ledger/core'
import { applications, awards, createGrantQueries, drafts, funds, grantsPlugin } from '@civic-ledger/grants'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

const context = { actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' } }
const FUND = 'innovate'

type Result = E.Either<{ readonly message: string }, unknown>
const must = async (t: ExecutionContext, what: string, sent: Promise<Result>): Promise<void> => {
  const result = await sent
  if (E.isLeft(result)) t.fail(`${what}: ${result.left.message}`)
}

/** Sends commands to one aggregate or decision of the ledger, failing the test on any refusal. */
const sender = (t: ExecutionContext, ledger: Ledger) => ({
  to: <C extends Command, E2 extends DomainEvent, S>(
    aggregate: Aggregate<C, E2, S>,
    command: Record<string, unknown>,
  ) => must(t, String(command['type']), ledger.execute(aggregate, command, context)()),
  decide: <C extends Command, R extends DecisionStreams>(decision: Decision<C, R>, command: Record<string, unknown>) =>
    must(t, String(command['type']), ledger.decide(decision, command, context)()),
})

const aYear = async (t: ExecutionContext, ledger: Ledger): Promise<void> => {
  const send = sender(t, ledger)
  const fund = (command: Record<string, unknown>) => send.to(funds, { fundId: FUND, on: '2026-01-05', ...command })
  await fund({
    type: 'DefineFund',
    name: 'Innovate and Cultivate Fund',
    funder: 'GB-LAE-CAM',
    administrators: ['GB-CHC-1114405'],
    eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
    budget: 10_000_000,
    directAwards: true,
    asksForSavings: true,
  })
  await fund({
    type: 'AddStream',
    streamId: 'small',
    name: 'Cultivate',
    limits: { minimum: 200_000, maximum: 1_000_000 },
  })
  await fund({
    type: 'AddStream',
    streamId: 'large',
    name: 'Innovate',
    limits: { minimum: 1_000_000, maximum: 5_000_000 },
  })
  await fund({ type: 'OpenRound', roundId: 'r1', opensOn: '2026-01-06', closesOn: '2026-01-31', limits: [] })

  const draft = (applicationId: string, fields: Record<string, unknown> = {}) =>
    send.decide(drafts, {
      type: 'DraftApplication',
      applicationId,
      fundId: FUND,
      streamId: 'small',
      roundId: 'r1',
      applicant: `GB-CHC-${applicationId.slice(2)}00000`,
      title: `Project ${applicationId}`,
      amountRequested: 500_000,
      areas: ['E05002701'],
      outcomes: ['fewer falls'],
      projectedSaving: 200_000,
      on: '2026-01-10',
      ...fields,
    })
  const application = (applicationId: string, type: string, fields: Record<string, unknown> = {}) =>
    send.to(applications, { type, applicationId, on: '2026-01-20', ...fields })
  const award = (applicationId: string, amount: number, on = '2026-02-01') =>
    send.decide(awards, {
      type: 'AwardGrant',
      applicationId,
      fundId: FUND,
      amount,
      conditions: ['quarterly reports'],
      on,
    })

  await draft('a-1', { areas: ['E05002701', 'E05002702'], projectedSaving: 1_000_000 })
  await application('a-1', 'SubmitApplication')
  await award('a-1', 500_000)

  await draft('a-2', { areas: ['E05002702'] })
  await application('a-2', 'SubmitApplication')
  await application('a-2', 'DeclineApplication', { reason: 'outside the priorities' })

  await draft('a-3', { amountRequested: 300_000 })
  await application('a-3', 'SubmitApplication')
  await application('a-3', 'WithdrawApplication', { reason: 'funded elsewhere' })

  await draft('a-4')
  await application('a-4', 'WithdrawApplication', { reason: 'not ready' })

  await draft('a-5', {
    streamId: 'large',
    roundId: undefined,
    amountRequested: 2_000_000,
    projectedSaving: 5_000_000,
    on: '2026-03-01',
  })
  await application('a-5', 'SubmitApplication', { on: '2026-03-01' })
  await award('a-5', 2_000_000, '2026-03-10')

  await fund({ type: 'ChangeBudget', change: 2_000_000, reason: 'a second year', on: '2026-04-01' })
}

for (const kind of ['memory', 'sqlite', 'postgres'] as ReadonlyArray<StoreKind>) {
  test(`${kind}: a fund's year, reported as a council would quote it`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy: allowAll, plugins: [grantsPlugin] })
    await aYear(t, ledger)
    await ledger.projections.waitUntilCaughtUp()
    const q = createGrantQueries(ledger.projections)

    t.deepEqual(await q.budget(FUND), {
      fundId: FUND,
      name: 'Innovate and Cultivate Fund',
      budget: 12_000_000,
      committed: 2_500_000,
      released: 0,
      remaining: 9_500_000,
      awarded: 2_500_000,
      paid: 0,
      repaid: 0,
    })
    t.like(await q.byFund(FUND), {
      applied: 4,
      amountRequested: 500_000 + 500_000 + 300_000 + 2_000_000,
      awarded: 2,
      amountAwarded: 2_500_000,
      declined: 1,
      withdrawn: 1,
      successRate: 2 / 3,
      remaining: 2_500_000,
      projectedSavings: 6_000_000,
    })
    t.like(await q.byArea('E05002702'), { applied: 2, awarded: 1, declined: 1, successRate: 0.5 })
    t.like(await q.byRound(FUND, 'r1'), { applied: 3, awarded: 1 })
    t.like(await q.byStream(FUND, 'large'), { applied: 1, awarded: 1, amountAwarded: 2_000_000 })
    t.deepEqual(
      (await q.applications({ fundId: FUND, status: 'awarded' })).map((a) => a.applicationId),
      ['a-1', 'a-5'],
    )
    t.like(await q.application('a-4'), { status: 'withdrawn', dates: { submitted: null } })
  })
}
