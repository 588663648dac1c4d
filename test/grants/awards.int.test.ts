/**
 * Awards never overspend a fund, on any store: many concurrent awards for more than the budget holds,
 * each decided on the fund's state and the application's together and appended to both at once.
 * Exactly as many succeed as the budget allows, the rest are refused over-budget and write nothing,
 * and what the fund has committed is what the successful applications were awarded.
 */
import type { Ledger } from '@civic-ledger/core'
import { allowAll, loadAggregate } from '@civic-ledger/core'
import { awards, drafts, funds, grantsPlugin, submissions } from '@civic-ledger/grants'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

const context = { actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' } }

const must = async (t: ExecutionContext, r: Promise<E.Either<{ readonly message: string }, unknown>>, what: string) => {
  const result = await r
  if (E.isLeft(result)) t.fail(`${what}: ${result.left.message}`)
}

const setUp = async (t: ExecutionContext, ledger: Ledger, applicants: number): Promise<void> => {
  const fund = (input: Record<string, unknown>) =>
    ledger.execute(funds, { fundId: 'healthy-fenland', on: '2026-01-05', ...input }, context)()
  await must(
    t,
    fund({
      type: 'DefineFund',
      name: 'Healthy Fenland Fund',
      funder: 'GB-LAE-CAM',
      administrators: ['local:cambridgeshire-community-foundation'],
      // No area rules: those are decided on a place index (test/grants/eligibility.int.test.ts).
      eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
      budget: 1_000_000,
      directAwards: true,
      asksForSavings: false,
    }),
    'fund',
  )
  await must(
    t,
    fund({ type: 'AddStream', streamId: 'small', name: 'Small grants', limits: { minimum: 10_000, maximum: 500_000 } }),
    'stream',
  )
  for (let i = 1; i <= applicants; i++) {
    const applicationId = `a-${i}`
    await must(
      t,
      ledger.decide(
        drafts,
        {
          type: 'DraftApplication',
          applicationId,
          fundId: 'healthy-fenland',
          streamId: 'small',
          applicant: `local:group-${i}`,
          title: `Walking group ${i}`,
          amountRequested: 300_000,
          areas: ['E07000010'],
          outcomes: ['more people active'],
          on: '2026-02-01',
        },
        context,
      )(),
      applicationId,
    )
    await must(
      t,
      ledger.decide(
        submissions,
        { type: 'SubmitApplication', applicationId, fundId: 'healthy-fenland', on: '2026-02-02' },
        context,
      )(),
      'submit',
    )
  }
}

for (const kind of ['memory', 'sqlite', 'postgres'] as ReadonlyArray<StoreKind>) {
  test(`${kind}: twelve concurrent awards of £3,000 against a £10,000 budget: exactly three are made`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy: allowAll, plugins: [grantsPlugin] })
    await setUp(t, ledger, 12)
    const head = await ledger.events.headPosition()
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ledger.decide(
          awards,
          {
            type: 'AwardGrant',
            applicationId: `a-${i + 1}`,
            fundId: 'healthy-fenland',
            amount: 300_000,
            conditions: [],
            on: '2026-03-01',
          },
          context,
        )(),
      ),
    )
    const made = results.filter(E.isRight)
    const refused = results.flatMap((r) => (E.isLeft(r) ? [r.left] : []))
    t.is(made.length, 3)
    t.deepEqual(
      refused.map((e) => (e._tag === 'Rejected' ? e.code : e._tag)),
      Array.from({ length: 9 }, () => 'over-budget'),
    )
    t.is(
      (await ledger.events.headPosition()) - head,
      6,
      'each award wrote two events, one in each stream; no refusal wrote any',
    )
    const fund = await loadAggregate(ledger.events, funds, 'grants.fund-healthy-fenland')
    t.true(E.isRight(fund) && fund.right.state.status !== 'none' && fund.right.state.committed === 900_000)
  })
}
