/**
 * A small ledger for the CLI's end-to-end tests, made with the contexts' own commands on a store
 * the test names: the reference geography, the councils and a local group, a fund with a stream,
 * three applications of which two are awarded (and one paid), and two volunteers. Recorded times
 * are set by a clock the test gives, so reports can be replayed as of a day between the steps.
 */
import { areasPlugin, importReferenceData } from '@civic-ledger/areas'
import type { Clock, Either, Ledger } from '@civic-ledger/core'
import { allowAll, createLedger, isLeft } from '@civic-ledger/core'
import { applications, awards, drafts, funds, grantsPlugin, submissions } from '@civic-ledger/grants'
import { organisations, partnershipsPlugin, registerCouncils } from '@civic-ledger/partnerships'
import { postgresStoreProvider } from '@civic-ledger/store-postgres'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { volunteers, volunteersPlugin } from '@civic-ledger/volunteers'

export const FUND = 'warm-spaces'
export const OFFICER = { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' }

/** The personal data of the volunteer the tests erase, searched for in every file afterwards. */
export const ADA = {
  volunteerId: 'v-ada',
  name: 'Adaline Quernsworth',
  email: 'adaline.quernsworth@example.org',
  phone: '07700 900417',
  dateOfBirth: '1961-04-23',
}

/** A clock the steps move forward: each phase of the ledger is recorded on a day of its own. */
export const steppingClock = (): Clock & { day: string } => {
  const clock = {
    day: '2026-01-10',
    now: () => new Date(`${clock.day}T12:00:00.000Z`),
  }
  return clock
}

const must = async (result: Promise<Either<{ readonly message: string }, unknown>>, what: string): Promise<void> => {
  const r = await result
  if (isLeft(r)) throw new Error(`${what}: ${r.left.message}`)
}

/** Records the ledger on `store`; positions are returned for replays. */
export const buildLedger = async (
  store: string,
): Promise<{ readonly afterFirstAward: number; readonly head: number }> => {
  const clock = steppingClock()
  const ledger: Ledger = await createLedger({
    store,
    storeProviders: [sqliteStoreProvider, postgresStoreProvider],
    policy: allowAll,
    clock,
    plugins: [areasPlugin, partnershipsPlugin, grantsPlugin, volunteersPlugin],
  })
  const context = { actor: OFFICER }
  try {
    await importReferenceData(ledger, OFFICER)
    await must(registerCouncils(ledger, context, '2026-01-01'), 'councils')
    await must(
      ledger.execute(
        organisations,
        {
          type: 'RegisterOrganisation',
          orgId: 'local:ramsey-good-neighbours',
          name: 'Ramsey Good Neighbours',
          organisationType: 'voluntary-sector',
          on: '2026-01-02',
        },
        context,
      )(),
      'local group',
    )
    const fund = (input: Record<string, unknown>) =>
      ledger.execute(funds, { fundId: FUND, on: '2026-01-05', ...input }, context)()
    await must(
      fund({
        type: 'DefineFund',
        name: 'Warm Spaces Fund',
        funder: 'GB-LAE-CAM',
        administrators: ['GB-LAE-CAM'],
        eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
        budget: 10_000_000,
        directAwards: true,
        asksForSavings: false,
      }),
      'fund',
    )
    await must(
      fund({
        type: 'AddStream',
        streamId: 'small',
        name: 'Small grants',
        limits: { minimum: 10_000, maximum: 1_000_000 },
      }),
      'stream',
    )
    clock.day = '2026-02-01'
    for (const [applicationId, applicant, area] of [
      ['a-1', 'local:ramsey-good-neighbours', 'E07000011'],
      ['a-2', 'GB-LAE-FEN', 'E07000010'],
      ['a-3', 'GB-LAE-HUN', 'E07000011'],
    ] as const) {
      await must(
        ledger.decide(
          drafts,
          {
            type: 'DraftApplication',
            applicationId,
            applicant,
            fundId: FUND,
            streamId: 'small',
            title: `Warm space ${applicationId}`,
            amountRequested: 500_000,
            areas: [area],
            outcomes: ['warmer winters'],
            on: '2026-02-01',
          },
          context,
        )(),
        `draft ${applicationId}`,
      )
      await must(
        ledger.decide(
          submissions,
          { type: 'SubmitApplication', applicationId, fundId: FUND, on: '2026-02-02' },
          context,
        )(),
        `submit ${applicationId}`,
      )
    }
    clock.day = '2026-03-01'
    await must(
      ledger.decide(
        awards,
        { type: 'AwardGrant', applicationId: 'a-1', fundId: FUND, amount: 400_000, conditions: [], on: '2026-03-01' },
        context,
      )(),
      'award a-1',
    )
    const afterFirstAward = await ledger.events.headPosition()
    clock.day = '2026-04-01'
    await must(
      ledger.decide(
        awards,
        { type: 'AwardGrant', applicationId: 'a-2', fundId: FUND, amount: 300_000, conditions: [], on: '2026-04-01' },
        context,
      )(),
      'award a-2',
    )
    const send = (command: Record<string, unknown>) =>
      must(ledger.execute(applications, { applicationId: 'a-1', ...command }, context)(), String(command['type']))
    await send({ type: 'OfferGrant', on: '2026-04-02' })
    await send({ type: 'SignGrantAgreement', signedBy: 'the chair', on: '2026-04-03' })
    await send({
      type: 'SchedulePayment',
      paymentId: 'p1',
      kind: 'initial',
      amount: 400_000,
      dueOn: '2026-04-10',
      on: '2026-04-04',
    })
    await send({ type: 'ApprovePayment', paymentId: 'p1', on: '2026-04-10' })
    await send({ type: 'MakePayment', paymentId: 'p1', reference: 'BACS p1', on: '2026-04-10' })
    clock.day = '2026-05-01'
    for (const person of [
      ADA,
      {
        volunteerId: 'v-bea',
        name: 'Beatrix Oldroyd',
        email: 'bea@example.org',
        phone: '07700 900418',
        dateOfBirth: '1990-01-02',
      },
    ])
      await must(
        ledger.execute(
          volunteers,
          { type: 'Apply', on: '2026-05-01', homeLsoa: 'E01015589', ...person },
          { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } },
        )(),
        `apply ${person.volunteerId}`,
      )
    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 120_000 })
    return { afterFirstAward, head: await ledger.events.headPosition() }
  } finally {
    await ledger.close()
  }
}
