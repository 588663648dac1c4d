/**
 * The grants read models, fed events: the register, grants by fund, stream, round and area, the
 * budget position and monitoring. Each projection is applied one event at a time, as a full
 * rebuild, and each event twice, and must give the same read model every way; the queries are
 * then run over a ledger holding the same history.
 */
import type { AnyProjection, JsonObject, NewEvent, RecordedEvent } from '@civic-ledger/core'
import { createLedger } from '@civic-ledger/core'
import type { ReadModelContents } from '@civic-ledger/testing'
import { applyToReadModel, testMetadata } from '@civic-ledger/testing'
import type { ExecutionContext } from 'ava'
import test from 'ava'

import { fundPositions } from './funds'
import { grantMonitoring } from './monitoring'
import { grantsPlugin } from './plugin'
import { createGrantQueries } from './queries'
import { grantsRegister } from './register'
import { grantTotals } from './totals'

// --- a fund's year, as events ---

const FUND = 'innovate'
type Step = readonly [stream: string, type: string, data: JsonObject]

const fund = (type: string, data: JsonObject): Step => [
  `grants.fund-${FUND}`,
  `grants.${type}`,
  { fundId: FUND, ...data },
]
const app = (applicationId: string, type: string, data: JsonObject = {}): Step => [
  `grants.application-${applicationId}`,
  `grants.${type}`,
  { applicationId, ...data },
]
/** A draft in round r1, unless it names another stream: the large stream makes direct awards. */
const draft = (applicationId: string, data: JsonObject = {}): Step =>
  app(applicationId, 'ApplicationDrafted', {
    fundId: FUND,
    streamId: 'small',
    ...(data['streamId'] === 'large' ? {} : { roundId: 'r1' }),
    applicant: `GB-CHC-${applicationId}`,
    title: `Project ${applicationId}`,
    amountRequested: 500_000,
    areas: ['E05002701'],
    outcomes: ['fewer falls'],
    on: '2026-01-10',
    ...data,
  })
/** An award, committed on the fund in the same append. */
const award = (applicationId: string, amount: number, on = '2026-02-01'): ReadonlyArray<Step> => [
  app(applicationId, 'GrantAwarded', { fundId: FUND, amount, conditions: ['quarterly reports'], on }),
  fund('FundCommitted', { applicationId, amount, on }),
]
const pay = (applicationId: string, paymentId: string, amount: number, on: string): ReadonlyArray<Step> => [
  app(applicationId, 'PaymentScheduled', { paymentId, kind: 'initial', amount, dueOn: on, on }),
  app(applicationId, 'PaymentApproved', { paymentId, on }),
  app(applicationId, 'PaymentMade', { paymentId, amount, on }),
]

const year: ReadonlyArray<Step> = [
  fund('FundDefined', {
    name: 'Innovate and Cultivate Fund',
    funder: 'GB-LAE-CAM',
    administrators: ['GB-CHC-1114405'],
    eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
    budget: 10_000_000,
    directAwards: true,
    asksForSavings: true,
    on: '2026-01-05',
  }),
  fund('StreamAdded', {
    streamId: 'small',
    name: 'Cultivate',
    limits: { minimum: 200_000, maximum: 1_000_000 },
    on: '2026-01-05',
  }),
  fund('StreamAdded', {
    streamId: 'large',
    name: 'Innovate',
    limits: { minimum: 1_000_000, maximum: 5_000_000 },
    on: '2026-01-05',
  }),
  fund('RoundOpened', { roundId: 'r1', opensOn: '2026-01-06', closesOn: '2026-01-31', limits: [] }),
  // a-1: reviewed, awarded £5,000, paid £3,000 of it, £500 repaid, one return accepted
  draft('a-1', { areas: ['E05002701', 'E05002702'], lsoas: ['E01018224'], projectedSaving: 1_000_000 }),
  app('a-1', 'ApplicationSubmitted', { on: '2026-01-12' }),
  app('a-1', 'AssessorAssigned', { assessor: 'assessor-1', on: '2026-01-15' }),
  app('a-1', 'AssessorAssigned', { assessor: 'assessor-2', on: '2026-01-15' }),
  app('a-1', 'ConflictDeclared', { assessor: 'assessor-2', interest: 'a trustee', on: '2026-01-16' }),
  app('a-1', 'ApplicationScored', {
    assessor: 'assessor-1',
    scores: [{ criterion: 'demand reduced', score: 4, outOf: 5 }],
    on: '2026-01-20',
  }),
  ...award('a-1', 500_000),
  app('a-1', 'GrantOffered', { on: '2026-02-02' }),
  app('a-1', 'AgreementSigned', { signedBy: 'chair of trustees', on: '2026-02-09' }),
  ...pay('a-1', 'p-1', 300_000, '2026-02-16'),
  app('a-1', 'PaymentScheduled', {
    paymentId: 'p-2',
    kind: 'final',
    amount: 200_000,
    dueOn: '2026-09-01',
    on: '2026-02-16',
  }),
  app('a-1', 'MonitoringRequired', {
    requirementId: 'q1',
    kind: 'outcomes',
    description: 'Outcomes and saving, first quarter',
    dueOn: '2026-04-30',
    on: '2026-02-09',
  }),
  app('a-1', 'MonitoringSubmitted', {
    requirementId: 'q1',
    summary: 'Twelve sessions run',
    outcomesAchieved: ['fewer falls'],
    savingReported: 250_000,
    on: '2026-04-20',
  }),
  app('a-1', 'MonitoringReturned', {
    requirementId: 'q1',
    reason: 'no attendance figures',
    dueOn: '2026-05-31',
    on: '2026-04-25',
  }),
  app('a-1', 'MonitoringSubmitted', {
    requirementId: 'q1',
    summary: 'Twelve sessions, 140 attendances',
    outcomesAchieved: ['fewer falls', 'less isolation'],
    savingReported: 400_000,
    on: '2026-05-10',
  }),
  app('a-1', 'MonitoringAccepted', { requirementId: 'q1', on: '2026-05-12' }),
  app('a-1', 'RepaymentRecorded', { repaymentId: 'r-1', amount: 50_000, reason: 'venue cost less', on: '2026-05-20' }),
  // a-2 declined; a-3 withdrawn after applying; a-4 abandoned as a draft
  draft('a-2', { areas: ['E05002702'] }),
  app('a-2', 'ApplicationSubmitted', { on: '2026-01-13' }),
  app('a-2', 'ApplicationDeclined', { reason: 'outside the priorities', on: '2026-02-01' }),
  draft('a-3', { amountRequested: 300_000 }),
  app('a-3', 'ApplicationSubmitted', { on: '2026-01-14' }),
  app('a-3', 'ApplicationWithdrawn', { reason: 'funded elsewhere', on: '2026-01-20' }),
  draft('a-4'),
  app('a-4', 'ApplicationWithdrawn', { reason: 'not ready', on: '2026-01-11' }),
  // a-5: a direct award in the large stream, half paid, then closed: the rest released
  draft('a-5', { streamId: 'large', amountRequested: 2_000_000, projectedSaving: 5_000_000 }),
  app('a-5', 'ApplicationSubmitted', { on: '2026-03-01' }),
  ...award('a-5', 2_000_000, '2026-03-10'),
  app('a-5', 'AgreementSigned', { signedBy: 'director', on: '2026-03-12' }),
  ...pay('a-5', 'p-1', 1_000_000, '2026-03-15'),
  app('a-5', 'GrantClosed', {
    fundId: FUND,
    paid: 1_000_000,
    repaid: 0,
    released: 1_000_000,
    reason: 'project ended early',
    on: '2026-06-30',
  }),
  fund('FundReleased', { applicationId: 'a-5', amount: 1_000_000, reason: 'grant closed', on: '2026-06-30' }),
  // a-6: awarded £3,000, varied down to £2,500, two requirements not yet returned
  draft('a-6', { amountRequested: 300_000 }),
  app('a-6', 'ApplicationSubmitted', { on: '2026-01-15' }),
  ...award('a-6', 300_000),
  app('a-6', 'VariationRequested', { variationId: 'v-1', amount: 250_000, reason: 'smaller venue', on: '2026-04-01' }),
  app('a-6', 'VariationApproved', {
    variationId: 'v-1',
    fundId: FUND,
    amount: 250_000,
    previous: 300_000,
    on: '2026-04-08',
  }),
  fund('FundReleased', { applicationId: 'a-6', amount: 50_000, reason: 'variation v-1', on: '2026-04-08' }),
  app('a-6', 'MonitoringRequired', {
    requirementId: 'm-1',
    kind: 'progress',
    description: 'Progress report',
    dueOn: '2026-05-31',
    on: '2026-02-01',
  }),
  app('a-6', 'MonitoringRequired', {
    requirementId: 'm-2',
    kind: 'final',
    description: 'Final report',
    dueOn: '2026-09-30',
    on: '2026-02-01',
  }),
  fund('BudgetChanged', { change: 2_000_000, budget: 12_000_000, reason: 'a second year', on: '2026-04-01' }),
]

const recorded = (steps: ReadonlyArray<Step>): ReadonlyArray<RecordedEvent> => {
  const revisions = new Map<string, number>()
  return steps.map(([streamId, type, data], i) => {
    const revision = revisions.get(streamId) ?? 0
    revisions.set(streamId, revision + 1)
    return {
      eventId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      streamId,
      revision,
      position: i + 1,
      type,
      schemaVersion: 1,
      data: JSON.parse(JSON.stringify(data)) as JsonObject,
      metadata: testMetadata(),
      recordedAt: '2026-06-01T10:00:00.000Z',
    }
  })
}
const history = recorded(year)

/** The read model, which must be the same applied one event at a time, rebuilt, and with each event twice. */
const readModel = async (t: ExecutionContext, projection: AnyProjection): Promise<ReadModelContents> => {
  const incremental = await applyToReadModel(projection, history, { perTransaction: 1 })
  t.deepEqual(await applyToReadModel(projection, history), incremental, 'a rebuild differs')
  t.deepEqual(await applyToReadModel(projection, history, { repeat: 2 }), incremental, 'applied twice differs')
  return incremental
}
const doc = (contents: ReadModelContents, collection: string, id: string) => contents[collection]?.[id]

// --- the register ---

test('the register follows each application through its life, with the day of each step', async (t) => {
  const register = await readModel(t, grantsRegister)
  t.like(doc(register, 'applications', 'a-1'), {
    fundId: FUND,
    streamId: 'small',
    roundId: 'r1',
    applicant: 'GB-CHC-a-1',
    title: 'Project a-1',
    areas: ['E05002701', 'E05002702'],
    lsoas: ['E01018224'],
    status: 'awarded',
    requested: 500_000,
    awarded: 500_000,
    scheduled: 200_000,
    paid: 300_000,
    repaid: 50_000,
    projectedSaving: 1_000_000,
    reportedSaving: 400_000,
    conditions: ['quarterly reports'],
    assessors: { 'assessor-1': { conflicted: false, scored: true }, 'assessor-2': { conflicted: true, scored: false } },
    payments: {
      'p-1': { kind: 'initial', amount: 300_000, dueOn: '2026-02-16', status: 'made', madeOn: '2026-02-16' },
      'p-2': { kind: 'final', amount: 200_000, dueOn: '2026-09-01', status: 'scheduled', madeOn: null },
    },
    requirements: { q1: { kind: 'outcomes', dueOn: '2026-05-31', status: 'accepted', savingReported: 400_000 } },
    dates: {
      drafted: '2026-01-10',
      submitted: '2026-01-12',
      reviewStarted: '2026-01-15',
      reviewed: '2026-01-20',
      declined: null,
      withdrawn: null,
      awarded: '2026-02-01',
      offered: '2026-02-02',
      agreementSigned: '2026-02-09',
      firstPayment: '2026-02-16',
      fullyPaid: null,
      closed: null,
    },
  })
  t.like(doc(register, 'applications', 'a-2'), { status: 'declined', endReason: 'outside the priorities', lsoas: [] })
  t.like(doc(register, 'applications', 'a-4'), {
    status: 'withdrawn',
    dates: { submitted: null, withdrawn: '2026-01-11' },
  })
  t.like(doc(register, 'applications', 'a-5'), {
    status: 'closed',
    roundId: null,
    awarded: 2_000_000,
    paid: 1_000_000,
    released: 1_000_000,
    dates: { closed: '2026-06-30' },
  })
  t.like(doc(register, 'applications', 'a-6'), {
    status: 'awarded',
    awarded: 250_000,
    variations: { 'v-1': { amount: 250_000, status: 'approved' } },
  })
})

// --- grants by fund, stream, round and area ---

test('grants by fund: applied, awarded, declined, withdrawn, paid net of repayments, remaining and savings', async (t) => {
  const totals = await readModel(t, grantTotals)
  t.deepEqual(doc(totals, 'totals', 'fund:innovate'), {
    dimension: 'fund',
    fundId: FUND,
    key: FUND,
    // a-4 never applied
    applied: 5,
    amountRequested: 500_000 + 500_000 + 300_000 + 2_000_000 + 300_000,
    awarded: 3,
    amountAwarded: 500_000 + 2_000_000 + 250_000,
    declined: 1,
    withdrawn: 1,
    closed: 1,
    paid: 300_000 - 50_000 + 1_000_000,
    // a-1: £5,000 less £3,000 paid; a-5 closed, so none; a-6: £2,500 unpaid
    remaining: 200_000 + 250_000,
    successRate: 3 / 4,
    projectedSavings: 1_000_000 + 5_000_000,
    // only the accepted return's saving, as last submitted
    reportedSavings: 400_000,
  })
})

test('grants by stream, round and area: each application counts in each area it names', async (t) => {
  const totals = await readModel(t, grantTotals)
  t.like(doc(totals, 'totals', 'stream:innovate/large'), { applied: 1, awarded: 1, paid: 1_000_000, remaining: 0 })
  t.like(doc(totals, 'totals', 'stream:innovate/small'), { applied: 4, awarded: 2, declined: 1, withdrawn: 1 })
  t.like(doc(totals, 'totals', 'round:innovate/r1'), { applied: 4, awarded: 2, successRate: 2 / 3 })
  t.like(doc(totals, 'totals', 'area:innovate/E05002702'), {
    dimension: 'area',
    key: 'E05002702',
    applied: 2,
    awarded: 1,
    declined: 1,
    successRate: 0.5,
    amountAwarded: 500_000,
  })
  t.like(doc(totals, 'totals', 'area:innovate/E01018224'), { applied: 1, awarded: 1, reportedSavings: 400_000 })
  t.like(doc(totals, 'totals', 'area:innovate/E05002701'), { applied: 4, awarded: 3 })
  t.is(doc(totals, 'totals', 'round:innovate/undefined'), undefined, 'a direct award has no round')
})

// --- budget position ---

test('the budget position: committed less released, remaining, awarded as varied, paid net', async (t) => {
  const funds = await readModel(t, fundPositions)
  t.like(doc(funds, 'funds', FUND), {
    budget: 12_000_000,
    committed: 500_000 + 2_000_000 + 300_000 - 1_000_000 - 50_000,
    released: 1_050_000,
    remaining: 12_000_000 - 1_750_000,
    awarded: 2_750_000,
    paid: 1_250_000,
    repaid: 50_000,
    streams: { small: { name: 'Cultivate', minimum: 200_000, maximum: 1_000_000 } },
    changes: [{ change: 2_000_000, reason: 'a second year', on: '2026-04-01' }],
  })
})

// --- monitoring ---

test('monitoring: one document per requirement, with its last return', async (t) => {
  const monitoring = await readModel(t, grantMonitoring)
  t.like(doc(monitoring, 'requirements', 'a-1/q1'), {
    fundId: FUND,
    title: 'Project a-1',
    kind: 'outcomes',
    status: 'accepted',
    dueOn: '2026-05-31',
    acceptedOn: '2026-05-12',
    lastSubmission: {
      on: '2026-05-10',
      summary: 'Twelve sessions, 140 attendances',
      outcomesAchieved: ['fewer falls', 'less isolation'],
      savingReported: 400_000,
    },
    returns: [{ on: '2026-04-25', reason: 'no attendance figures' }],
  })
  t.like(doc(monitoring, 'requirements', 'a-6/m-1'), { status: 'due', dueOn: '2026-05-31', lastSubmission: null })
})

// --- the queries, over a ledger ---

const newEvent = (e: RecordedEvent): NewEvent => ({
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  metadata: e.metadata,
})

test('the queries answer what a council quotes, through a ledger with the grants plug-in', async (t) => {
  const ledger = await createLedger({ plugins: [grantsPlugin] })
  for (const e of history)
    await ledger.trusted.store.appendToStream(e.streamId, [newEvent(e)], { expectedRevision: 'any' })
  await ledger.projections.waitUntilCaughtUp()
  const q = createGrantQueries(ledger.projections)

  t.deepEqual(await q.budget(FUND), {
    fundId: FUND,
    name: 'Innovate and Cultivate Fund',
    budget: 12_000_000,
    committed: 1_750_000,
    released: 1_050_000,
    remaining: 10_250_000,
    awarded: 2_750_000,
    paid: 1_250_000,
    repaid: 50_000,
  })
  t.is(await q.budget('no-such-fund'), undefined)

  const breakdown = await q.breakdown(FUND)
  t.is(breakdown?.fund.awarded, 3)
  t.deepEqual(
    breakdown?.streams.map((s) => [s.key, s.applied]),
    [
      ['large', 1],
      ['small', 4],
    ],
  )
  t.deepEqual(
    breakdown?.rounds.map((r) => r.key),
    ['r1'],
  )
  t.deepEqual(breakdown?.areas.map((a) => a.key).sort(), ['E01018224', 'E05002701', 'E05002702'])
  t.like(await q.byArea('E05002702'), { code: 'E05002702', applied: 2, awarded: 1, successRate: 0.5 })
  t.is(await q.byArea('E05999999'), undefined)
  t.like(await q.byRound(FUND, 'r1'), { applied: 4 })

  t.deepEqual(
    (await q.overdue('2026-06-01')).map((r) => `${r.applicationId}/${r.requirementId}`),
    ['a-6/m-1'],
    'a-1/q1 was accepted; a-6/m-2 is not due yet',
  )
  t.deepEqual(await q.overdue('2026-05-31'), [], 'due on the day is not yet overdue')
  t.deepEqual(
    (await q.due('2026-09-30')).map((r) => r.requirementId),
    ['m-1', 'm-2'],
  )
  t.deepEqual(
    (await q.monitoring('a-6')).map((r) => r.requirementId),
    ['m-1', 'm-2'],
  )

  t.like(await q.application('a-5'), { status: 'closed', released: 1_000_000 })
  t.deepEqual(
    (await q.applications({ fundId: FUND, status: 'awarded' })).map((a) => a.applicationId),
    ['a-1', 'a-6'],
  )
  t.is((await q.applications()).length, 6)
  await ledger.close()
})
