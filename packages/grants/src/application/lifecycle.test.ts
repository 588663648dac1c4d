/**
 * An application's life after its draft: submitted in an open round, reviewed by assessors free of
 * conflicts, decided by the panel, offered, signed, paid in scheduled and approved payments,
 * monitored, varied and closed. Each rule is shown by what it accepts and by the stable code of
 * what it refuses; a refused command writes nothing.
 */
import test from 'ava'

import { GrantsWorld } from '../grants-world.test-fixture'
import type { ApplicationRecord } from '../index'
import type { FundRecord } from '../index'

const fundId = 'innovate-cultivate'
const on = '2026-02-10'

/** A fund of £20,000 with a Cultivate stream of £2,000–£10,000 and one round open in February. */
const world = (budget = 2_000_000): GrantsWorld => {
  const w = new GrantsWorld()
  const steps = [
    {
      type: 'DefineFund',
      name: 'Innovate & Cultivate Fund',
      funder: 'GB-LAE-CAM',
      administrators: ['local:cambridgeshire-community-foundation'],
      eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
      budget,
      directAwards: true,
      asksForSavings: false,
    },
    { type: 'AddStream', streamId: 'cultivate', name: 'Cultivate', limits: { minimum: 200_000, maximum: 1_000_000 } },
    { type: 'OpenRound', roundId: 'feb', opensOn: '2026-02-01', closesOn: '2026-03-01', limits: [] },
  ]
  for (const step of steps) {
    const outcome = w.send({ fundId, on: '2026-01-05', ...step })
    if (outcome.code !== 'accepted') throw new Error(outcome.message)
  }
  return w
}

const draft = (w: GrantsWorld, applicationId: string, extra: Record<string, unknown> = {}) =>
  w.send({
    type: 'DraftApplication',
    applicationId,
    fundId,
    streamId: 'cultivate',
    roundId: 'feb',
    applicant: 'local:ramsey-timebank',
    title: 'Ramsey timebank',
    amountRequested: 500_000,
    areas: ['E07000011'],
    outcomes: ['fewer people isolated'],
    on,
    ...extra,
  })

/** Sends each step for `applicationId`, failing with the step's message if one is refused. */
const must = (w: GrantsWorld, applicationId: string, ...steps: ReadonlyArray<Record<string, unknown>>): void => {
  for (const step of steps) {
    const outcome = w.send({ applicationId, on, ...step })
    if (outcome.code !== 'accepted') throw new Error(`${String(step['type'])}: ${outcome.code} ${outcome.message}`)
  }
}

/** The code `step` is refused with (or `accepted`), and that a refusal wrote nothing. */
const refusal = (w: GrantsWorld, applicationId: string, step: Record<string, unknown>): string => {
  const before = [...w.streams.values()].reduce((n, events) => n + events.length, 0)
  const outcome = w.send({ applicationId, on, ...step })
  const after = [...w.streams.values()].reduce((n, events) => n + events.length, 0)
  if (outcome.code !== 'accepted' && after !== before) throw new Error(`${outcome.code} wrote ${after - before} events`)
  return outcome.code
}

const record = (w: GrantsWorld, id: string): ApplicationRecord => {
  const s = w.application(id)
  if (s.status === 'none') throw new Error(`${id} is not drafted`)
  return s
}
const fundRecord = (w: GrantsWorld): FundRecord => {
  const s = w.fund(fundId)
  if (s.status === 'none') throw new Error('no fund')
  return s
}

const submitted = (w: GrantsWorld, id: string) => {
  if (draft(w, id).code !== 'accepted') throw new Error('draft')
  must(w, id, { type: 'SubmitApplication', fundId })
}

/** Reviewed by one assessor and awarded £5,000. */
const awarded = (w: GrantsWorld, id: string, amount = 500_000) => {
  submitted(w, id)
  must(
    w,
    id,
    { type: 'AssignAssessor', assessor: 'assessor-jo' },
    { type: 'ScoreApplication', assessor: 'assessor-jo', scores: [{ criterion: 'need', score: 4, outOf: 5 }] },
    { type: 'AwardGrant', fundId, amount, conditions: ['a report within a year'] },
  )
}

test('an application is submitted once, while its round is open', (t) => {
  const w = world()
  draft(w, 'a1')
  t.is(refusal(w, 'a1', { type: 'SubmitApplication', fundId, on: '2026-03-01' }), 'round-closed')
  t.is(refusal(w, 'a1', { type: 'SubmitApplication', fundId: 'other-fund' }), 'wrong-fund')
  t.is(refusal(w, 'a1', { type: 'SubmitApplication', fundId }), 'accepted')
  t.is(refusal(w, 'a1', { type: 'SubmitApplication', fundId }), 'not-draft')
  t.is(refusal(w, 'a9', { type: 'SubmitApplication', fundId }), 'unknown-application')
  t.is(record(w, 'a1').status, 'submitted')
})

test('assessors score once each, every criterion once within its maximum; a conflicted assessor cannot score', (t) => {
  const w = world()
  submitted(w, 'a1')
  const score = (assessor: string, scores: ReadonlyArray<Record<string, unknown>>) =>
    refusal(w, 'a1', { type: 'ScoreApplication', assessor, scores })
  t.is(score('assessor-jo', [{ criterion: 'need', score: 3, outOf: 5 }]), 'not-assessor')
  must(
    w,
    'a1',
    { type: 'AssignAssessor', assessor: 'assessor-jo' },
    { type: 'AssignAssessor', assessor: 'assessor-sam' },
  )
  t.is(refusal(w, 'a1', { type: 'AssignAssessor', assessor: 'assessor-jo' }), 'assessor-assigned')
  t.is(record(w, 'a1').status, 'in-review')
  must(w, 'a1', { type: 'DeclareConflict', assessor: 'assessor-sam', interest: 'trustee of the applicant' })
  t.is(score('assessor-sam', [{ criterion: 'need', score: 5, outOf: 5 }]), 'conflicted')
  t.is(score('assessor-jo', [{ criterion: 'need', score: 6, outOf: 5 }]), 'invalid-score')
  t.is(score('assessor-jo', [{ criterion: 'need', score: -1, outOf: 5 }]), 'invalid-score')
  t.is(score('assessor-jo', []), 'invalid-score')
  t.is(
    score('assessor-jo', [
      { criterion: 'need', score: 3, outOf: 5 },
      { criterion: 'need', score: 4, outOf: 5 },
    ]),
    'invalid-score',
  )
  t.is(refusal(w, 'a1', { type: 'AwardGrant', fundId, amount: 500_000, conditions: [] }), 'not-reviewed')
  t.is(
    score('assessor-jo', [
      { criterion: 'need', score: 4, outOf: 5 },
      { criterion: 'savings', score: 7, outOf: 10 },
    ]),
    'accepted',
  )
  t.is(score('assessor-jo', [{ criterion: 'need', score: 4, outOf: 5 }]), 'already-scored')
  t.is(record(w, 'a1').status, 'reviewed', 'every assessor free of a conflict has scored')
  t.is(refusal(w, 'a1', { type: 'AwardGrant', fundId, amount: 500_000, conditions: [] }), 'accepted')
})

test('a direct award needs no round and no review', (t) => {
  const w = world()
  draft(w, 'd1', { roundId: undefined })
  must(w, 'd1', { type: 'SubmitApplication', fundId, on: '2026-06-01' })
  t.is(refusal(w, 'd1', { type: 'AwardGrant', fundId, amount: 300_000, conditions: [] }), 'accepted')
})

test('one end: a withdrawn, declined or closed application takes no further step and no decision', (t) => {
  const w = world()
  submitted(w, 'w1')
  must(w, 'w1', { type: 'WithdrawApplication', reason: 'the group folded' })
  t.is(refusal(w, 'w1', { type: 'AwardGrant', fundId, amount: 300_000, conditions: [] }), 'application-ended')
  t.is(refusal(w, 'w1', { type: 'DeclineApplication', reason: 'x' }), 'application-ended')
  t.is(refusal(w, 'w1', { type: 'WithdrawApplication', reason: 'x' }), 'application-ended')
  t.is(refusal(w, 'w1', { type: 'AssignAssessor', assessor: 'assessor-jo' }), 'application-ended')

  submitted(w, 'd1')
  t.is(refusal(w, 'd1', { type: 'DeclineApplication', reason: 'outside the priorities' }), 'accepted')
  t.is(refusal(w, 'd1', { type: 'WithdrawApplication', reason: 'x' }), 'application-ended')

  awarded(w, 'g1')
  t.is(refusal(w, 'g1', { type: 'WithdrawApplication', reason: 'x' }), 'decided')
  t.is(refusal(w, 'g1', { type: 'DeclineApplication', reason: 'x' }), 'decided')
  t.is(refusal(w, 'g1', { type: 'AwardGrant', fundId, amount: 300_000, conditions: [] }), 'decided')
  must(w, 'g1', { type: 'CloseGrant', fundId, reason: 'the project did not start' })
  t.is(refusal(w, 'g1', { type: 'CloseGrant', fundId, reason: 'again' }), 'application-ended')
  t.is(refusal(w, 'g1', { type: 'OfferGrant' }), 'application-ended')
  for (const id of ['w1', 'd1', 'g1']) {
    const ends = w
      .applicationEvents(id)
      .filter((e) =>
        ['grants.ApplicationWithdrawn', 'grants.ApplicationDeclined', 'grants.GrantClosed'].includes(e.type),
      )
    t.is(ends.length, 1, `${id} has one end`)
  }
})

test('no payment before the agreement is signed, and never more than the grant leaves', (t) => {
  const w = world()
  awarded(w, 'g1')
  const pay = (paymentId: string, amount: number, kind = 'interim') =>
    refusal(w, 'g1', { type: 'SchedulePayment', paymentId, kind, amount, dueOn: '2026-04-01' })
  t.is(pay('p1', 300_000, 'initial'), 'accepted')
  t.is(pay('p2', 250_000), 'payment-exceeds-award', '£3,000 of £5,000 is scheduled: £2,500 more is too much')
  t.is(pay('p1', 100_000), 'payment-exists')
  t.is(pay('p0', 0), 'invalid-amount')
  t.is(refusal(w, 'g1', { type: 'ApprovePayment', paymentId: 'p1' }), 'agreement-not-signed')
  t.is(refusal(w, 'g1', { type: 'SignGrantAgreement', signedBy: 'A. Treasurer' }), 'not-offered')
  must(w, 'g1', { type: 'OfferGrant' }, { type: 'SignGrantAgreement', signedBy: 'A. Treasurer' })
  t.is(refusal(w, 'g1', { type: 'MakePayment', paymentId: 'p1' }), 'payment-scheduled', 'approved before it is made')
  must(
    w,
    'g1',
    { type: 'ApprovePayment', paymentId: 'p1' },
    { type: 'MakePayment', paymentId: 'p1', reference: 'BACS 0001' },
  )
  t.is(refusal(w, 'g1', { type: 'MakePayment', paymentId: 'p1' }), 'payment-made')
  t.is(refusal(w, 'g1', { type: 'CancelPayment', paymentId: 'p1', reason: 'x' }), 'payment-made')
  t.is(refusal(w, 'g1', { type: 'ApprovePayment', paymentId: 'p9' }), 'unknown-payment')
  t.is(pay('p2', 200_000, 'final'), 'accepted')
  must(w, 'g1', { type: 'CancelPayment', paymentId: 'p2', reason: 'sent to the wrong account' })
  t.like(record(w, 'g1'), { awarded: 500_000, paid: 300_000, scheduled: 0 })
  t.is(pay('p3', 200_000, 'final'), 'accepted', 'a cancelled payment no longer counts')
  must(w, 'g1', { type: 'ApprovePayment', paymentId: 'p3' }, { type: 'MakePayment', paymentId: 'p3' })
  t.like(record(w, 'g1'), { status: 'fully-paid', paid: 500_000, scheduled: 0 })
  t.is(pay('p4', 1), 'payment-exceeds-award')
})

test('monitoring: due, submitted, returned with a new date, accepted; a grant closes only when all is accepted', (t) => {
  const w = world()
  awarded(w, 'g1')
  const step = (s: Record<string, unknown>) => refusal(w, 'g1', s)
  t.is(
    step({ type: 'RequireMonitoring', requirementId: 'm1', kind: 'outcomes', description: 'Year one', dueOn: on }),
    'invalid-date',
  )
  must(w, 'g1', {
    type: 'RequireMonitoring',
    requirementId: 'm1',
    kind: 'outcomes',
    description: 'Year one',
    dueOn: '2027-02-10',
  })
  t.is(step({ type: 'AcceptMonitoring', requirementId: 'm1' }), 'requirement-due')
  t.is(step({ type: 'CloseGrant', fundId, reason: 'done' }), 'monitoring-outstanding')
  const report = {
    type: 'SubmitMonitoring',
    requirementId: 'm1',
    summary: '40 members',
    outcomesAchieved: ['fewer people isolated'],
  }
  must(w, 'g1', report)
  t.is(step(report), 'requirement-submitted')
  must(w, 'g1', { type: 'ReturnMonitoring', requirementId: 'm1', reason: 'no figures', dueOn: '2027-03-10' })
  t.like(record(w, 'g1').requirements['m1'], { status: 'returned', dueOn: '2027-03-10' })
  must(w, 'g1', { ...report, savingReported: 1_200_000 }, { type: 'AcceptMonitoring', requirementId: 'm1' })
  t.is(
    step({ type: 'ReturnMonitoring', requirementId: 'm1', reason: 'x', dueOn: '2027-04-01' }),
    'requirement-accepted',
  )
  t.is(
    step({ type: 'SubmitMonitoring', requirementId: 'm9', summary: 'x', outcomesAchieved: [] }),
    'unknown-requirement',
  )
  t.is(step({ type: 'CloseGrant', fundId, reason: 'done' }), 'accepted')
})

test('a grant changes amount only by an approved variation, within the stream and the budget, never below what is paid', (t) => {
  const w = world(1_000_000)
  awarded(w, 'g1', 500_000)
  awarded(w, 'g2', 400_000)
  t.is(fundRecord(w).committed, 900_000)
  must(w, 'g1', { type: 'OfferGrant' }, { type: 'SignGrantAgreement', signedBy: 'A. Treasurer' })
  must(w, 'g1', { type: 'SchedulePayment', paymentId: 'p1', kind: 'initial', amount: 300_000, dueOn: '2026-04-01' })
  const vary = (variationId: string, amount: number) =>
    refusal(w, 'g1', { type: 'RequestVariation', variationId, amount, reason: 'more sessions' })
  t.is(vary('v0', 200_000), 'below-paid')
  t.is(vary('v0', 500_000), 'no-change')
  t.is(vary('v1', 700_000), 'accepted')
  t.is(vary('v2', 650_000), 'variation-pending')
  t.is(
    refusal(w, 'g1', { type: 'ApproveVariation', fundId, variationId: 'v1' }),
    'over-budget',
    '£2,000 more, £1,000 left',
  )
  t.is(record(w, 'g1').awarded, 500_000, 'a refused variation changes nothing')
  must(w, 'g1', { type: 'RejectVariation', variationId: 'v1', reason: 'the fund is spent' })
  t.is(refusal(w, 'g1', { type: 'ApproveVariation', fundId, variationId: 'v1' }), 'variation-decided')
  t.is(vary('v3', 1_100_000), 'accepted')
  t.is(refusal(w, 'g1', { type: 'ApproveVariation', fundId, variationId: 'v3' }), 'outside-limits')
  must(w, 'g1', { type: 'RejectVariation', variationId: 'v3', reason: 'above the stream' })
  t.is(vary('v4', 600_000), 'accepted')
  must(w, 'g1', { type: 'ApproveVariation', fundId, variationId: 'v4' })
  t.is(record(w, 'g1').awarded, 600_000)
  t.is(fundRecord(w).committed, 1_000_000, 'the increase is committed on the fund')
  t.is(vary('v5', 350_000), 'accepted')
  must(w, 'g1', { type: 'ApproveVariation', fundId, variationId: 'v5' })
  t.is(fundRecord(w).committed, 750_000, 'a decrease is released')
  t.deepEqual(
    w
      .fundEvents(fundId)
      .slice(-1)
      .map((e) => e.type),
    ['grants.FundReleased'],
  )
})

test('closing releases what the grant did not keep: the award less what was paid, plus what was repaid', (t) => {
  const w = world()
  awarded(w, 'g1', 800_000)
  must(
    w,
    'g1',
    { type: 'OfferGrant' },
    { type: 'SignGrantAgreement', signedBy: 'A. Treasurer' },
    { type: 'SchedulePayment', paymentId: 'p1', kind: 'initial', amount: 500_000, dueOn: '2026-04-01' },
    { type: 'SchedulePayment', paymentId: 'p2', kind: 'final', amount: 300_000, dueOn: '2026-09-01' },
    { type: 'ApprovePayment', paymentId: 'p1' },
    { type: 'MakePayment', paymentId: 'p1' },
  )
  t.is(refusal(w, 'g1', { type: 'CloseGrant', fundId, reason: 'finished early' }), 'payments-pending')
  must(w, 'g1', { type: 'CancelPayment', paymentId: 'p2', reason: 'finished early' })
  t.is(
    refusal(w, 'g1', { type: 'RecordRepayment', repaymentId: 'r1', amount: 600_000, reason: 'x' }),
    'repayment-exceeds-paid',
  )
  must(w, 'g1', {
    type: 'RecordRepayment',
    repaymentId: 'r1',
    amount: 50_000,
    reason: 'hall hire cheaper than budgeted',
  })
  t.is(refusal(w, 'g1', { type: 'RecordRepayment', repaymentId: 'r1', amount: 1, reason: 'x' }), 'repayment-exists')
  t.is(fundRecord(w).committed, 800_000)
  must(w, 'g1', { type: 'CloseGrant', fundId, reason: 'finished early' })
  t.like(w.applicationEvents('g1').at(-1)?.data, { paid: 500_000, repaid: 50_000, released: 350_000 })
  t.is(fundRecord(w).committed, 450_000, 'what the group kept stays committed; the rest is the fund’s again')
  t.is(record(w, 'g1').status, 'closed')
})

test('amounts are whole pence: negative, fractional or pounds as text do not decode, and nothing is written', (t) => {
  const w = world()
  awarded(w, 'g1')
  for (const amount of [-500, 2000.5, '£2,000', '2000', null]) {
    t.is(
      refusal(w, 'g1', { type: 'SchedulePayment', paymentId: 'p1', kind: 'initial', amount, dueOn: '2026-04-01' }),
      'invalid',
      String(amount),
    )
    t.is(
      refusal(w, 'g1', { type: 'RequestVariation', variationId: 'v1', amount, reason: 'x' }),
      'invalid',
      String(amount),
    )
  }
  submitted(w, 'a2')
  t.is(refusal(w, 'a2', { type: 'AwardGrant', fundId, amount: 2999.99, conditions: [] }), 'invalid')
})
