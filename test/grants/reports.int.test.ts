/**
 * The grants reports a council quotes, from real commands on every store. A fund's year — drafts,
 * submissions, review, declines, withdrawals, awards, agreements, payments, a repayment, monitoring
 * returns sent back and accepted, a variation and a closed grant — is sent through a ledger on
 * memory, SQLite and PostgreSQL; then the budget position, grants by fund, stream, round and area,
 * monitoring due and overdue, and the application register are read through `createGrantQueries`,
 * and must give the same figures on every store.
 */
import type { Aggregate, Command, Decision, DecisionStreams, DomainEvent, Ledger } from '@civic-ledger/core'
import { allowAll, loadAggregate } from '@civic-ledger/core'
import {
  applications,
  awards,
  closures,
  createGrantQueries,
  drafts,
  funds,
  grantsPlugin,
  submissions,
  variations,
} from '@civic-ledger/grants'
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

/** Sends commands to the ledger's aggregates and decisions, failing the test on any refusal. */
const sender = (t: ExecutionContext, ledger: Ledger) => ({
  to: <C extends Command, E2 extends DomainEvent, S>(
    aggregate: Aggregate<C, E2, S>,
    command: Record<string, unknown>,
  ) => must(t, String(command['type']), ledger.execute(aggregate, command, context)()),
  decide: <C extends Command, R extends DecisionStreams>(decision: Decision<C, R>, command: Record<string, unknown>) =>
    must(t, String(command['type']), ledger.decide(decision, command, context)()),
})

/**
 * A year of the Innovate and Cultivate Fund (£100,000, then £20,000 more), in round r1 of the
 * Cultivate stream and by direct award from the Innovate stream:
 * - a-1: reviewed (one assessor conflicted), awarded £5,000, £3,000 paid of it, £500 repaid, its
 *   outcomes return sent back once and then accepted with a £4,000 saving;
 * - a-2: reviewed and declined; a-3: withdrawn after applying; a-4: a draft abandoned;
 * - a-5: a direct award of £20,000, half paid, its final return accepted (£15,000 saving), closed;
 * - a-6: awarded £3,000, varied down to £2,500, a progress report overdue and a final one to come.
 */
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
  await fund({ type: 'OpenRound', roundId: 'r1', opensOn: '2026-01-06', closesOn: '2026-02-28', limits: [] })

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
  const submit = (applicationId: string, on = '2026-01-12') =>
    send.decide(submissions, { type: 'SubmitApplication', applicationId, fundId: FUND, on })
  const act = (applicationId: string, type: string, on: string, fields: Record<string, unknown> = {}) =>
    send.to(applications, { type, applicationId, on, ...fields })
  const review = async (applicationId: string) => {
    await act(applicationId, 'AssignAssessor', '2026-02-01', { assessor: 'assessor-1' })
    await act(applicationId, 'ScoreApplication', '2026-02-10', {
      assessor: 'assessor-1',
      scores: [{ criterion: 'demand reduced', score: 4, outOf: 5 }],
    })
  }
  const award = (applicationId: string, amount: number, on = '2026-03-01') =>
    send.decide(awards, {
      type: 'AwardGrant',
      applicationId,
      fundId: FUND,
      amount,
      conditions: ['quarterly reports'],
      on,
    })
  const agree = async (applicationId: string, on: string) => {
    await act(applicationId, 'OfferGrant', on)
    await act(applicationId, 'SignGrantAgreement', on, { signedBy: 'chair of trustees' })
  }
  const pay = async (applicationId: string, paymentId: string, kind: string, amount: number, on: string) => {
    await act(applicationId, 'SchedulePayment', on, { paymentId, kind, amount, dueOn: on })
    await act(applicationId, 'ApprovePayment', on, { paymentId })
    await act(applicationId, 'MakePayment', on, { paymentId, reference: `BACS-${applicationId}-${paymentId}` })
  }
  const requirement = (applicationId: string, requirementId: string, kind: string, dueOn: string) =>
    act(applicationId, 'RequireMonitoring', '2026-03-20', {
      requirementId,
      kind,
      description: `${kind} report`,
      dueOn,
    })
  const report = (applicationId: string, requirementId: string, on: string, savingReported: number) =>
    act(applicationId, 'SubmitMonitoring', on, {
      requirementId,
      summary: 'Sessions run as planned',
      outcomesAchieved: ['fewer falls'],
      savingReported,
    })

  await draft('a-1', { areas: ['E05002701', 'E05002702'], projectedSaving: 1_000_000 })
  await submit('a-1')
  await act('a-1', 'AssignAssessor', '2026-02-01', { assessor: 'assessor-2' })
  await act('a-1', 'DeclareConflict', '2026-02-02', { assessor: 'assessor-2', interest: 'a trustee of the applicant' })
  await review('a-1')
  await award('a-1', 500_000)
  await agree('a-1', '2026-03-02')
  await pay('a-1', 'p-1', 'initial', 300_000, '2026-03-10')
  await act('a-1', 'SchedulePayment', '2026-03-10', {
    paymentId: 'p-2',
    kind: 'final',
    amount: 200_000,
    dueOn: '2026-09-01',
  })
  await requirement('a-1', 'q1', 'outcomes', '2026-04-30')
  await report('a-1', 'q1', '2026-04-20', 250_000)
  await act('a-1', 'ReturnMonitoring', '2026-04-25', {
    requirementId: 'q1',
    reason: 'no attendance figures',
    dueOn: '2026-05-31',
  })
  await report('a-1', 'q1', '2026-05-10', 400_000)
  await act('a-1', 'AcceptMonitoring', '2026-05-12', { requirementId: 'q1' })
  await act('a-1', 'RecordRepayment', '2026-05-20', { repaymentId: 'r-1', amount: 50_000, reason: 'venue cost less' })

  await draft('a-2', { areas: ['E05002702'] })
  await submit('a-2')
  await review('a-2')
  await act('a-2', 'DeclineApplication', '2026-03-01', { reason: 'outside the priorities' })

  await draft('a-3', { amountRequested: 300_000 })
  await submit('a-3')
  await act('a-3', 'WithdrawApplication', '2026-01-20', { reason: 'funded elsewhere' })

  await draft('a-4')
  await act('a-4', 'WithdrawApplication', '2026-01-11', { reason: 'not ready' })

  await draft('a-5', { streamId: 'large', roundId: undefined, amountRequested: 2_000_000, projectedSaving: 5_000_000 })
  await submit('a-5', '2026-03-01')
  await award('a-5', 2_000_000, '2026-03-10')
  await agree('a-5', '2026-03-12')
  await pay('a-5', 'p-1', 'initial', 1_000_000, '2026-03-15')
  await requirement('a-5', 'f', 'final', '2026-06-15')
  await report('a-5', 'f', '2026-06-10', 1_500_000)
  await act('a-5', 'AcceptMonitoring', '2026-06-12', { requirementId: 'f' })
  await send.decide(closures, {
    type: 'CloseGrant',
    applicationId: 'a-5',
    fundId: FUND,
    reason: 'project ended early',
    on: '2026-06-30',
  })

  await draft('a-6', { amountRequested: 300_000 })
  await submit('a-6')
  await review('a-6')
  await award('a-6', 300_000)
  await act('a-6', 'RequestVariation', '2026-04-01', { variationId: 'v-1', amount: 250_000, reason: 'a smaller venue' })
  await send.decide(variations, {
    type: 'ApproveVariation',
    applicationId: 'a-6',
    fundId: FUND,
    variationId: 'v-1',
    on: '2026-04-08',
  })
  await requirement('a-6', 'm-1', 'progress', '2026-05-31')
  await requirement('a-6', 'm-2', 'final', '2026-09-30')

  await fund({ type: 'ChangeBudget', change: 2_000_000, reason: 'a second year', on: '2026-04-01' })
}

for (const kind of ['memory', 'sqlite', 'postgres'] as ReadonlyArray<StoreKind>) {
  test(`${kind}: a fund's year, reported as a council would quote it`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy: allowAll, plugins: [grantsPlugin] })
    await aYear(t, ledger)
    await ledger.projections.waitUntilCaughtUp()
    const q = createGrantQueries(ledger.projections)

    // "Of the £120,000 budget, £17,500 is committed and £102,500 is left to award."
    t.deepEqual(await q.budget(FUND), {
      fundId: FUND,
      name: 'Innovate and Cultivate Fund',
      budget: 12_000_000,
      // £5,000 + £20,000 + £3,000 awarded, less £10,000 released on closing and £500 by the variation
      committed: 1_750_000,
      released: 1_050_000,
      remaining: 10_250_000,
      awarded: 2_750_000,
      paid: 1_250_000,
      repaid: 50_000,
    })

    // "Five applications asked for £36,000; three were awarded £27,500 — a success rate of 75%."
    t.deepEqual(await q.byFund(FUND), {
      dimension: 'fund',
      fundId: FUND,
      key: FUND,
      applied: 5,
      amountRequested: 3_600_000,
      awarded: 3,
      amountAwarded: 2_750_000,
      declined: 1,
      withdrawn: 1,
      closed: 1,
      paid: 1_250_000,
      // a-1's £2,000 still to pay and a-6's £2,500; the closed grant has released its rest
      remaining: 450_000,
      successRate: 0.75,
      projectedSavings: 6_200_000,
      // a-1's accepted return as resubmitted (£4,000, not the £2,500 sent back) and a-5's £15,000
      reportedSavings: 1_900_000,
    })
    t.like(await q.byStream(FUND, 'large'), { applied: 1, awarded: 1, paid: 1_000_000, remaining: 0, closed: 1 })
    t.like(await q.byRound(FUND, 'r1'), { applied: 4, awarded: 2, declined: 1, withdrawn: 1, successRate: 2 / 3 })
    t.like(await q.byArea('E05002702'), {
      applied: 2,
      awarded: 1,
      declined: 1,
      successRate: 0.5,
      amountAwarded: 500_000,
      paid: 250_000,
      reportedSavings: 400_000,
    })
    const breakdown = await q.breakdown(FUND)
    t.deepEqual(
      breakdown?.streams.map((s) => s.key),
      ['large', 'small'],
    )
    t.deepEqual(
      breakdown?.rounds.map((r) => r.key),
      ['r1'],
    )
    t.deepEqual(
      breakdown?.areas.map((a) => a.key),
      ['E05002701', 'E05002702'],
    )

    // Monitoring: a-6's progress report is overdue at the start of June; its final one is due by September.
    t.deepEqual(
      (await q.overdue('2026-06-01')).map((r) => `${r.applicationId}/${r.requirementId}`),
      ['a-6/m-1'],
    )
    t.deepEqual(await q.overdue('2026-05-31'), [], 'due on the day is not yet overdue')
    t.deepEqual(
      (await q.due('2026-09-30')).map((r) => `${r.applicationId}/${r.requirementId}`),
      ['a-6/m-1', 'a-6/m-2'],
    )
    t.like((await q.monitoring('a-1'))[0], {
      status: 'accepted',
      dueOn: '2026-05-31',
      lastSubmission: { on: '2026-05-10', savingReported: 400_000 },
      returns: [{ on: '2026-04-25', reason: 'no attendance figures' }],
    })

    // The register.
    t.like(await q.application('a-1'), {
      status: 'awarded',
      requested: 500_000,
      awarded: 500_000,
      scheduled: 200_000,
      paid: 300_000,
      repaid: 50_000,
      projectedSaving: 1_000_000,
      reportedSaving: 400_000,
      conditions: ['quarterly reports'],
      dates: {
        drafted: '2026-01-10',
        submitted: '2026-01-12',
        reviewStarted: '2026-02-01',
        reviewed: '2026-02-10',
        awarded: '2026-03-01',
        offered: '2026-03-02',
        agreementSigned: '2026-03-02',
        firstPayment: '2026-03-10',
        fullyPaid: null,
        closed: null,
      },
    })
    t.like(await q.application('a-5'), { status: 'closed', paid: 1_000_000, released: 1_000_000, roundId: null })
    t.like(await q.application('a-6'), { status: 'awarded', awarded: 250_000 })
    t.deepEqual(
      (await q.applications({ fundId: FUND })).map((a) => `${a.applicationId}:${a.status}`),
      ['a-1:awarded', 'a-2:declined', 'a-3:withdrawn', 'a-4:withdrawn', 'a-5:closed', 'a-6:awarded'],
    )

    // The read models agree with the aggregates they are folded beside.
    for (const entry of await q.applications()) {
      const loaded = await loadAggregate(ledger.events, applications, `grants.application-${entry.applicationId}`)
      const state = E.isRight(loaded) ? loaded.right.state : undefined
      if (state === undefined || state.status === 'none') return t.fail(`${entry.applicationId} does not load`)
      const { status, awarded, scheduled, paid, repaid } = entry
      t.deepEqual(
        { status, awarded, scheduled, paid, repaid },
        {
          status: state.status,
          awarded: state.awarded,
          scheduled: state.scheduled,
          paid: state.paid,
          repaid: state.repaid,
        },
        entry.applicationId,
      )
    }
    const fundState = await loadAggregate(ledger.events, funds, `grants.fund-${FUND}`)
    t.true(
      E.isRight(fundState) && fundState.right.state.status !== 'none' && fundState.right.state.committed === 1_750_000,
    )
  })
}
