/**
 * A grant's life through a real ledger, under the grants policy, on memory, SQLite and PostgreSQL:
 * each person does their part, and bad input — a decision on a withdrawn application, a payment
 * larger than what remains, a score from a conflicted assessor, an award beyond the budget, amounts
 * negative, fractional or in pounds — is refused with a typed error and a stable code, writing
 * nothing. Awards and variation increases racing for the same budget never overspend it.
 */
import type { CommandError, Ledger } from '@civic-ledger/core'
import { loadAggregate } from '@civic-ledger/core'
import {
  APPLICANT,
  applications,
  ASSESSOR,
  awards,
  closures,
  drafts,
  FINANCE_OFFICER,
  funds,
  GRANTS_OFFICER,
  grantsPlugin,
  grantsPolicy,
  PANEL_MEMBER,
  submissions,
  variations,
} from '@civic-ledger/grants'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

const as = (role: string, id = `${role}-1`, organisation = 'GB-LAE-CAM') => ({ actor: { id, organisation, role } })
const officer = as(GRANTS_OFFICER)
const panel = as(PANEL_MEMBER)
const finance = as(FINANCE_OFFICER)
const assessor = (id: string) => as(ASSESSOR, id)
const group = (n: number) => `local:lunch-club-${n}`
const applicant = (n: number) => as(APPLICANT, `applicant-${n}`, group(n))
const fundId = 'healthy-fenland'
const on = '2026-02-10'

type Result = E.Either<CommandError, unknown>
const must = async (t: ExecutionContext, what: string, r: Promise<Result>): Promise<void> => {
  const result = await r
  if (E.isLeft(result)) t.fail(`${what}: ${result.left._tag} ${result.left.message}`)
}
const codeOf = (r: Result): string =>
  E.isRight(r) ? 'accepted' : r.left._tag === 'Rejected' ? r.left.code : r.left._tag

const fundOf = async (ledger: Ledger, t: ExecutionContext, budget: number): Promise<void> => {
  const fund = (input: Record<string, unknown>) =>
    ledger.execute(funds, { fundId, on: '2026-01-05', ...input }, officer)()
  await must(
    t,
    'fund',
    fund({
      type: 'DefineFund',
      name: 'Healthy Fenland Fund',
      funder: 'GB-LAE-CAM',
      administrators: ['local:cambridgeshire-community-foundation'],
      eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
      budget,
      directAwards: false,
      asksForSavings: false,
    }),
  )
  await must(
    t,
    'stream',
    fund({
      type: 'AddStream',
      streamId: 'small',
      name: 'Small grants',
      limits: { minimum: 50_000, maximum: 1_000_000 },
    }),
  )
  await must(
    t,
    'round',
    fund({ type: 'OpenRound', roundId: 'spring', opensOn: '2026-02-01', closesOn: '2026-03-01', limits: [] }),
  )
}

/** Drafted and submitted by applicant `n`, then reviewed by one assessor. */
const reviewed = async (ledger: Ledger, t: ExecutionContext, n: number): Promise<string> => {
  const applicationId = `app-${n}`
  await must(
    t,
    `draft ${n}`,
    ledger.decide(
      drafts,
      {
        type: 'DraftApplication',
        applicationId,
        fundId,
        streamId: 'small',
        roundId: 'spring',
        applicant: group(n),
        title: `Lunch club ${n}`,
        amountRequested: 300_000,
        areas: ['E07000010'],
        outcomes: ['fewer people isolated'],
        on,
      },
      applicant(n),
    )(),
  )
  await must(
    t,
    `submit ${n}`,
    ledger.decide(submissions, { type: 'SubmitApplication', applicationId, fundId, on }, applicant(n))(),
  )
  const step = (input: Record<string, unknown>, context: ReturnType<typeof as>) =>
    ledger.execute(applications, { applicationId, on, ...input }, context)()
  await must(t, 'assign', step({ type: 'AssignAssessor', assessor: 'assessor-jo' }, officer))
  await must(
    t,
    'score',
    step(
      { type: 'ScoreApplication', assessor: 'assessor-jo', scores: [{ criterion: 'need', score: 4, outOf: 5 }] },
      assessor('assessor-jo'),
    ),
  )
  return applicationId
}

for (const kind of ['memory', 'sqlite', 'postgres'] as ReadonlyArray<StoreKind>) {
  test(`${kind}: each does their part, and bad input is refused with a stable code, writing nothing`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy: grantsPolicy, plugins: [grantsPlugin] })
    await fundOf(ledger, t, 1_000_000)
    const a1 = await reviewed(ledger, t, 1)
    const a2 = await reviewed(ledger, t, 2)
    const app = (applicationId: string, input: Record<string, unknown>, context: ReturnType<typeof as>) =>
      ledger.execute(applications, { applicationId, on, ...input }, context)()
    const refused = async (what: string, r: Promise<Result>): Promise<string> => {
      const head = await ledger.events.headPosition()
      const result = await r
      t.is(await ledger.events.headPosition(), head, `${what} wrote nothing`)
      if (E.isLeft(result)) t.notRegex(result.left.message, /\n/, `${what}: one line`)
      return codeOf(result)
    }

    // a conflicted assessor cannot score; an assessor scores as themselves only
    await must(t, 'assign sam', app(a1, { type: 'AssignAssessor', assessor: 'assessor-sam' }, officer))
    await must(
      t,
      'conflict',
      app(a1, { type: 'DeclareConflict', assessor: 'assessor-sam', interest: 'trustee' }, assessor('assessor-sam')),
    )
    const samScores = {
      type: 'ScoreApplication',
      assessor: 'assessor-sam',
      scores: [{ criterion: 'need', score: 5, outOf: 5 }],
    }
    t.is(await refused('conflicted score', app(a1, samScores, assessor('assessor-sam'))), 'conflicted')
    t.is(await refused('score in another’s name', app(a1, samScores, assessor('assessor-jo'))), 'Forbidden')

    // the applicant withdraws a2; no decision can follow
    t.is(
      await refused(
        'withdrawal for another group',
        app(a2, { type: 'WithdrawApplication', reason: 'x' }, applicant(1)),
      ),
      'Forbidden',
    )
    await must(t, 'withdraw', app(a2, { type: 'WithdrawApplication', reason: 'the hall closed' }, applicant(2)))
    const award = (applicationId: string, amount: unknown) =>
      ledger.decide(awards, { type: 'AwardGrant', applicationId, fundId, amount, conditions: [], on }, panel)()
    t.is(await refused('decision on a withdrawn application', award(a2, 300_000)), 'application-ended')
    t.is(
      await refused(
        'an officer awarding',
        ledger.decide(
          awards,
          { type: 'AwardGrant', applicationId: a1, fundId, amount: 300_000, conditions: [], on },
          officer,
        )(),
      ),
      'Forbidden',
    )

    // amounts in pence: negative, fractional, pounds as text
    for (const amount of [-300_000, 2999.5, '£3,000', '3000.00'])
      t.is(await refused(`award of ${String(amount)}`, award(a1, amount)), 'InvalidCommand')
    t.is(await refused('award beyond the stream’s maximum', award(a1, 1_000_001)), 'outside-limits')

    await must(t, 'award', award(a1, 600_000))
    await must(t, 'offer', app(a1, { type: 'OfferGrant' }, officer))
    const schedule = (paymentId: string, amount: number) =>
      app(a1, { type: 'SchedulePayment', paymentId, kind: 'initial', amount, dueOn: '2026-04-01' }, finance)
    await must(t, 'schedule', schedule('p1', 400_000))
    t.is(
      await refused('approval before the agreement', app(a1, { type: 'ApprovePayment', paymentId: 'p1' }, finance)),
      'agreement-not-signed',
    )
    t.is(await refused('payment beyond what remains', schedule('p2', 200_001)), 'payment-exceeds-award')
    t.is(
      await refused('a grants officer signing', app(a1, { type: 'SignGrantAgreement', signedBy: 'x' }, officer)),
      'Forbidden',
    )
    await must(t, 'sign', app(a1, { type: 'SignGrantAgreement', signedBy: 'Treasurer, lunch club 1' }, applicant(1)))
    t.is(
      await refused('an applicant approving', app(a1, { type: 'ApprovePayment', paymentId: 'p1' }, applicant(1))),
      'Forbidden',
    )
    await must(t, 'approve', app(a1, { type: 'ApprovePayment', paymentId: 'p1' }, finance))
    await must(t, 'pay', app(a1, { type: 'MakePayment', paymentId: 'p1', reference: 'BACS 0001' }, finance))
    await must(
      t,
      'close',
      ledger.decide(closures, { type: 'CloseGrant', applicationId: a1, fundId, reason: 'done', on }, officer)(),
    )

    const fund = await loadAggregate(ledger.events, funds, `grants.fund-${fundId}`)
    t.true(
      E.isRight(fund) && fund.right.state.status !== 'none' && fund.right.state.committed === 400_000,
      'what was not paid is the fund’s again',
    )
  })

  test(`${kind}: awards and variation increases racing for one budget never overspend it`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy: grantsPolicy, plugins: [grantsPlugin] })
    await fundOf(ledger, t, 2_000_000)
    const ids: string[] = []
    for (let n = 1; n <= 8; n++) ids.push(await reviewed(ledger, t, n))
    // four grants of £3,000 (£12,000 of £20,000), each then asking to grow to £5,000
    for (const applicationId of ids.slice(0, 4)) {
      await must(
        t,
        'award',
        ledger.decide(
          awards,
          { type: 'AwardGrant', applicationId, fundId, amount: 300_000, conditions: [], on },
          panel,
        )(),
      )
      const n = Number(applicationId.slice(4))
      await must(
        t,
        'ask',
        ledger.execute(
          applications,
          { type: 'RequestVariation', applicationId, variationId: 'grow', amount: 500_000, reason: 'demand', on },
          applicant(n),
        )(),
      )
    }
    // £8,000 left; four variations of +£2,000 and four new awards of £3,000 race for it
    const results = await Promise.all([
      ...ids
        .slice(0, 4)
        .map((applicationId) =>
          ledger.decide(
            variations,
            { type: 'ApproveVariation', applicationId, fundId, variationId: 'grow', on },
            panel,
          )(),
        ),
      ...ids
        .slice(4)
        .map((applicationId) =>
          ledger.decide(
            awards,
            { type: 'AwardGrant', applicationId, fundId, amount: 300_000, conditions: [], on },
            panel,
          )(),
        ),
    ])
    const codes = results.map(codeOf)
    t.true(
      codes.every((c) => c === 'accepted' || c === 'over-budget'),
      codes.join(', '),
    )
    const grown = codes.slice(0, 4).filter((c) => c === 'accepted').length
    const awarded = codes.slice(4).filter((c) => c === 'accepted').length
    const spent = 1_200_000 + grown * 200_000 + awarded * 300_000
    t.true(spent <= 2_000_000, `£${spent / 100} committed`)
    t.true(2_000_000 - spent < 200_000, 'the race stops only when nothing more fits')
    const fund = await loadAggregate(ledger.events, funds, `grants.fund-${fundId}`)
    t.true(E.isRight(fund) && fund.right.state.status !== 'none' && fund.right.state.committed === spent)
  })
}
