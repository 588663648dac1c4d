/**
 * Fund eligibility on the real Cambridgeshire and Peterborough reference data, on every store: the
 * shipped releases imported, the place index built from them, and "not Peterborough" (E06000031
 * excluded) applied to an LSOA, ward, parish, MSOA or the district itself — each refused — while
 * Cambridgeshire areas of every kind, county divisions included, are accepted; a fund that includes
 * Cambridgeshire refuses Peterborough; and the county councillor an application is made with,
 * recorded with the division they represented on its date, across a change of term. Bad input gets
 * a typed answer with a stable code and writes nothing.
 */
import type { AreaCode } from '@civic-ledger/areas'
import { buildPlaceIndex, importReferenceData } from '@civic-ledger/areas'
import type { Ledger } from '@civic-ledger/core'
import { allowAll } from '@civic-ledger/core'
import { councillors, drafts, funds, grantsPlugin } from '@civic-ledger/grants'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

const actor = { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'geography-officer' }
const context = { actor }

// Real codes: Peterborough (a unitary district, no county divisions) and Huntingdonshire, in Cambridgeshire.
const PETERBOROUGH = {
  lsoa: 'E01015589', // Peterborough 004A
  ward: 'E05010805', // Barnack
  parish: 'E04001101', // Bainton
  msoa: 'E02003238', // Werrington
  district: 'E06000031',
}
const CAMBRIDGESHIRE = {
  lsoa: 'E01018113', // Huntingdonshire 010B
  ward: 'E05011256', // Alconbury
  parish: 'E04001682', // Buckworth
  msoa: 'E02003753', // Yaxley & Farcet
  division: 'E58000097', // St. Neots The Eatons
  district: 'E07000011', // Huntingdonshire
  county: 'E10000003',
}

const must = async (t: ExecutionContext, r: Promise<E.Either<{ readonly message: string }, unknown>>, what: string) => {
  const result = await r
  if (E.isLeft(result)) t.fail(`${what}: ${result.left.message}`)
}

const defineFund = (ledger: Ledger, fundId: string, eligibility: Record<string, unknown>, extra = {}) =>
  ledger.execute(
    funds,
    {
      type: 'DefineFund',
      fundId,
      name: fundId,
      funder: 'GB-LAE-CAM',
      administrators: ['local:cambridgeshire-community-foundation'],
      eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [], ...eligibility },
      budget: 10_000_000,
      directAwards: true,
      asksForSavings: false,
      on: '2025-01-06',
      ...extra,
    },
    context,
  )()

const addStream = (ledger: Ledger, fundId: string) =>
  ledger.execute(
    funds,
    {
      type: 'AddStream',
      fundId,
      streamId: 'small',
      name: 'Small grants',
      limits: { minimum: 10_000, maximum: 1_500_000 },
      on: '2025-01-06',
    },
    context,
  )()

let applications = 0
const draft = (ledger: Ledger, fundId: string, areas: ReadonlyArray<string>, extra: Record<string, unknown> = {}) =>
  ledger.decide(
    drafts,
    {
      type: 'DraftApplication',
      applicationId: `app-${++applications}`,
      fundId,
      streamId: 'small',
      applicant: 'local:community-group',
      title: 'A community garden',
      amountRequested: 300_000,
      areas,
      outcomes: ['more people growing food'],
      on: '2025-02-10',
      ...extra,
    },
    context,
  )()

const codeOf = (r: E.Either<{ readonly _tag: string; readonly code?: string }, unknown>): string =>
  E.isRight(r) ? 'accepted' : (r.left.code ?? r.left._tag)

const setUp = async (t: ExecutionContext, kind: StoreKind): Promise<Ledger> => {
  const ledger = await freshLedger(t, kind, { policy: allowAll, plugins: [grantsPlugin] })
  await importReferenceData(ledger, actor)
  await buildPlaceIndex(ledger, actor)
  await must(t, defineFund(ledger, 'not-peterborough', { areasExcluded: [PETERBOROUGH.district] }), 'fund')
  await must(t, addStream(ledger, 'not-peterborough'), 'stream')
  return ledger
}

for (const kind of ['memory', 'sqlite', 'postgres'] as ReadonlyArray<StoreKind>) {
  test(`${kind}: not Peterborough — an LSOA, ward, parish, MSOA or district inside it is refused; Cambridgeshire accepted`, async (t) => {
    t.timeout(5 * 60_000)
    const ledger = await setUp(t, kind)
    for (const [type, code] of Object.entries(PETERBOROUGH)) {
      const head = await ledger.events.headPosition()
      const refused = await draft(ledger, 'not-peterborough', [code])
      t.is(codeOf(refused), 'area-excluded', `a Peterborough ${type}: ${E.isLeft(refused) ? refused.left.message : ''}`)
      t.true(E.isLeft(refused) && refused.left.message.includes(PETERBOROUGH.district), 'naming the area excluded')
      t.is(await ledger.events.headPosition(), head, 'a refusal writes nothing')
    }
    for (const [type, code] of Object.entries(CAMBRIDGESHIRE))
      t.is(codeOf(await draft(ledger, 'not-peterborough', [code])), 'accepted', `a Cambridgeshire ${type}`)
    t.is(
      codeOf(await draft(ledger, 'not-peterborough', [CAMBRIDGESHIRE.ward, PETERBOROUGH.parish])),
      'area-excluded',
      'one area inside Peterborough is enough',
    )
  })
}

test('sqlite: areas included, divisions excluded, the LSOAs served recorded, unknown codes and no index', async (t) => {
  t.timeout(5 * 60_000)
  const ledger = await setUp(t, 'sqlite')
  await must(t, defineFund(ledger, 'cambridgeshire', { areasIncluded: [CAMBRIDGESHIRE.county] }), 'fund')
  await must(t, addStream(ledger, 'cambridgeshire'), 'stream')
  for (const code of Object.values(CAMBRIDGESHIRE).filter((c) => c !== CAMBRIDGESHIRE.county))
    t.is(codeOf(await draft(ledger, 'cambridgeshire', [code])), 'accepted', code)
  for (const code of Object.values(PETERBOROUGH))
    t.is(codeOf(await draft(ledger, 'cambridgeshire', [code])), 'area-not-eligible', code)

  // A fund that excludes Huntingdonshire refuses a division inside it; one excluding a division, its LSOAs.
  await must(t, defineFund(ledger, 'not-hunts', { areasExcluded: [CAMBRIDGESHIRE.district] }), 'fund')
  await must(t, addStream(ledger, 'not-hunts'), 'stream')
  t.is(codeOf(await draft(ledger, 'not-hunts', [CAMBRIDGESHIRE.division])), 'area-excluded')
  t.is(codeOf(await draft(ledger, 'not-hunts', [PETERBOROUGH.ward])), 'accepted')

  // The LSOAs served: recorded on the draft, sorted, each once.
  const accepted = await draft(ledger, 'not-peterborough', [CAMBRIDGESHIRE.ward, CAMBRIDGESHIRE.lsoa])
  if (E.isLeft(accepted)) return t.fail(accepted.left.message)
  const drafted = accepted.right.events.application?.[0]
  const lsoas = drafted?.type === 'grants.ApplicationDrafted' ? (drafted.data.lsoas ?? []) : []
  t.true(lsoas.length >= 1 && lsoas.includes(CAMBRIDGESHIRE.lsoa as AreaCode))
  t.deepEqual(lsoas, [...new Set(lsoas)].sort())
  t.true(lsoas.every((l) => l.startsWith('E01')))

  const head = await ledger.events.headPosition()
  t.is(codeOf(await draft(ledger, 'not-peterborough', ['E05099999'])), 'unknown-area')
  t.is(
    codeOf(await draft(ledger, 'not-peterborough', [CAMBRIDGESHIRE.ward], { placeIndex: 'lsoa-2011' })),
    'no-place-index',
  )
  t.is(codeOf(await draft(ledger, 'not-peterborough', ['not a code'])), 'InvalidCommand')
  t.is(
    codeOf(await draft(ledger, 'not-peterborough', [CAMBRIDGESHIRE.ward], { placeIndex: 'Bad/Index' })),
    'InvalidCommand',
  )
  t.is(await ledger.events.headPosition(), head, 'no refusal wrote anything')

  // An index of 2011 LSOAs beside it, named by the application.
  await buildPlaceIndex(ledger, actor, { indexId: 'lsoa-2011', lsoaVintage: '2011' })
  t.is(
    codeOf(await draft(ledger, 'not-peterborough', [PETERBOROUGH.parish], { placeIndex: 'lsoa-2011' })),
    'area-excluded',
  )
})

test('sqlite: a Cultivating Communities application records its councillor and the division of its date', async (t) => {
  t.timeout(5 * 60_000)
  const ledger = await setUp(t, 'sqlite')
  await must(
    t,
    defineFund(
      ledger,
      'cultivating-communities',
      { areasExcluded: [PETERBOROUGH.district] },
      { asksForCouncillor: true },
    ),
    'fund',
  )
  await must(t, addStream(ledger, 'cultivating-communities'), 'stream')
  const send = (input: Record<string, unknown>) =>
    ledger.execute(councillors, { councillorId: 'cllr-jo-example', on: '2021-05-10', ...input }, context)()
  await must(t, send({ type: 'RegisterCouncillor', name: 'Jo Example', council: 'GB-LAE-CAM' }), 'register')
  await must(t, send({ type: 'RecordTerm', division: 'E58000097', from: '2021-05-06', until: '2025-05-01' }), 'term')
  await must(t, send({ type: 'RecordTerm', division: 'E58000098', from: '2025-05-01' }), 'term')

  const divisionOn = async (on: string): Promise<string | undefined> => {
    const r = await draft(ledger, 'cultivating-communities', [CAMBRIDGESHIRE.ward], {
      councillorId: 'cllr-jo-example',
      on,
    })
    if (E.isLeft(r)) {
      t.fail(r.left.message)
      return undefined
    }
    const event = r.right.events.application?.[0]
    if (event?.type !== 'grants.ApplicationDrafted') return undefined
    t.is<string | undefined, string>(event.data.councillor?.name, 'Jo Example')
    return event.data.councillor?.division
  }
  t.is(await divisionOn('2025-02-10'), 'E58000097', 'before the May 2025 elections')
  t.is(await divisionOn('2025-06-02'), 'E58000098', 'after them')

  const head = await ledger.events.headPosition()
  t.is(codeOf(await draft(ledger, 'cultivating-communities', [CAMBRIDGESHIRE.ward])), 'councillor-needed')
  t.is(
    codeOf(await draft(ledger, 'cultivating-communities', [CAMBRIDGESHIRE.ward], { councillorId: 'cllr-nobody' })),
    'unknown-councillor',
  )
  t.is(
    codeOf(
      await draft(ledger, 'cultivating-communities', [CAMBRIDGESHIRE.ward], {
        councillorId: 'cllr-jo-example',
        on: '2021-05-05',
      }),
    ),
    'councillor-not-serving',
  )
  t.is(
    codeOf(await draft(ledger, 'cultivating-communities', [CAMBRIDGESHIRE.ward], { councillorId: 'none~' })),
    'InvalidCommand',
  )
  t.is(codeOf(await send({ type: 'RecordTerm', division: 'E05011256', from: '2030-01-01' })), 'invalid-division')
  t.is(codeOf(await send({ type: 'RecordTerm', division: 'E58000099', from: '2024-01-01' })), 'term-overlaps')
  t.is(await ledger.events.headPosition(), head, 'no refusal wrote anything')
})
