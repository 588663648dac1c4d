/**
 * The partnerships context through a real ledger, on a SQLite file and on PostgreSQL, with its
 * policy and read models: the councils seeded from the org-id register, the three boards of the
 * council reports with their members, a board that must include another's members and does not, a
 * Health Deal signed by every party, a data-sharing agreement refused until its terms are complete,
 * signatures only for one's own organisation, decisions, reports due, overdue actions, and a
 * representative's name erased.
 */
import type { Ledger } from '@civic-ledger/core'
import { byContext, rolePolicy } from '@civic-ledger/core'
import {
  admissions,
  agreements,
  AUTHORISED_SIGNATORY,
  BOARD_SECRETARY,
  boards,
  councilRows,
  createPartnershipQueries,
  organisations,
  PARTNERSHIP_OFFICER,
  partnershipsPlugin,
  partnershipsPolicy,
  programmes,
  registerCouncils,
} from '@civic-ledger/partnerships'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

const officer = { actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: PARTNERSHIP_OFFICER } }
const secretary = { actor: { id: 'secretary-1', organisation: 'GB-LAE-CAM', role: BOARD_SECRETARY } }
const signatoryOf = (organisation: string) => ({
  actor: { id: `ce-${organisation}`, organisation, role: AUTHORISED_SIGNATORY },
})
const dpo = { actor: { id: 'dpo-1', organisation: 'GB-LAE-CAM', role: 'data-protection-officer' } }

const policy = byContext({
  partnerships: partnershipsPolicy,
  privacy: rolePolicy({ 'privacy.subject': { EraseSubject: ['data-protection-officer'] } }),
})

const ok = async (t: ExecutionContext, result: Promise<E.Either<{ readonly message: string }, unknown>>) => {
  const r = await result
  if (E.isLeft(r)) t.fail(r.left.message)
}

const others = [
  ['GB-NHS-06H', 'NHS Cambridgeshire and Peterborough CCG', 'nhs-body'],
  ['local:cambridgeshire-constabulary', 'Cambridgeshire Constabulary', 'police'],
  ['local:cambridgeshire-fire-and-rescue', 'Cambridgeshire Fire and Rescue Service', 'fire'],
  ['local:hunts-forum', 'Hunts Forum of Voluntary Organisations', 'voluntary-sector'],
  ['local:peterborough-cvs', 'Peterborough Council for Voluntary Service', 'voluntary-sector'],
  ['local:healthwatch-cambs-pboro', 'Healthwatch Cambridgeshire and Peterborough', 'healthwatch'],
] as const

const board = (boardId: string, name: string, extra: Record<string, unknown> = {}) => ({
  type: 'DefineBoard',
  boardId,
  name,
  purpose: `${name}: community resilience`,
  geography: ['E10000003', 'E06000031'],
  termsOfReference: 'Meets quarterly',
  on: '2026-01-05',
  ...extra,
})

const setUp = async (t: ExecutionContext, ledger: Ledger) => {
  const seeded = await registerCouncils(ledger, officer, '2026-01-02')
  t.deepEqual(E.isRight(seeded) ? seeded.right.length : seeded.left, councilRows().length)
  for (const [orgId, name, organisationType] of others)
    await ok(
      t,
      ledger.execute(
        organisations,
        { type: 'RegisterOrganisation', orgId, name, organisationType, on: '2026-01-02' },
        officer,
      )(),
    )
  await ok(t, ledger.execute(boards, board('hwb', 'Health and Wellbeing Board'), officer)())
  await ok(
    t,
    ledger.execute(
      boards,
      board('psb', 'Public Services Board', { reportsTo: { boardId: 'hwb', everyMonths: 3 } }),
      officer,
    )(),
  )
  await ok(
    t,
    ledger.execute(
      boards,
      board('tcpb', 'Think Communities Partnership Board', {
        reportsTo: { boardId: 'psb', everyMonths: 3 },
        includesAllMembersOf: 'psb',
      }),
      officer,
    )(),
  )
  const psb = [
    ...councilRows().map((c) => c.orgId),
    'GB-NHS-06H',
    'local:cambridgeshire-constabulary',
    'local:cambridgeshire-fire-and-rescue',
  ]
  for (const orgId of psb)
    await ok(t, ledger.decide(admissions, { type: 'AdmitMember', boardId: 'psb', orgId, on: '2026-01-06' }, officer)())
  // The partnership board leaves out the fire service, so it does not include every PSB member.
  const tcpb = [
    ...psb.filter((o) => o !== 'local:cambridgeshire-fire-and-rescue'),
    'local:hunts-forum',
    'local:peterborough-cvs',
    'local:healthwatch-cambs-pboro',
  ]
  for (const orgId of tcpb)
    await ok(t, ledger.decide(admissions, { type: 'AdmitMember', boardId: 'tcpb', orgId, on: '2026-01-06' }, officer)())
}

for (const kind of ['sqlite', 'postgres'] as ReadonlyArray<StoreKind>) {
  test(`${kind}: the boards, their members and the register, with the member a board must include and lacks`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy, plugins: [partnershipsPlugin] })
    await setUp(t, ledger)
    await ok(
      t,
      ledger.execute(
        boards,
        {
          type: 'AppointRepresentative',
          boardId: 'psb',
          on: '2026-01-07',
          representativeId: 'rep-cam-ce',
          orgId: 'GB-LAE-CAM',
          name: 'A. Chief-Executive',
          position: 'chair',
        },
        officer,
      )(),
    )
    await ok(
      t,
      ledger.execute(
        boards,
        { type: 'HoldMeeting', boardId: 'psb', on: '2026-01-20', meetingId: 'psb-2026-01', heldOn: '2026-01-20' },
        secretary,
      )(),
    )
    await ok(
      t,
      ledger.execute(
        boards,
        {
          type: 'RecordDecision',
          boardId: 'psb',
          on: '2026-01-20',
          meetingId: 'psb-2026-01',
          decisionId: 'd1',
          summary: 'Adopt the Think Communities approach',
        },
        secretary,
      )(),
    )
    await ok(
      t,
      ledger.execute(
        boards,
        { type: 'SubmitReport', boardId: 'psb', on: '2026-01-21', title: 'Quarterly report to the HWB' },
        secretary,
      )(),
    )
    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 30_000 })
    const queries = createPartnershipQueries(ledger.projections)
    const psb = await queries.boardRegister('psb')
    t.is(psb?.members.length, 11)
    t.true(psb?.members.some((m) => m.orgId === 'GB-LAE-CAM' && m.name === 'Cambridgeshire County Council'))
    t.deepEqual(psb?.board.representatives['rep-cam-ce'], {
      orgId: 'GB-LAE-CAM',
      position: 'chair',
      seatId: null,
      since: '2026-01-07',
    })
    t.deepEqual((await queries.boardRegister('tcpb'))?.missingMembers, ['local:cambridgeshire-fire-and-rescue'])
    t.deepEqual(
      (await queries.decisions('psb')).map((d) => d.summary),
      ['Adopt the Think Communities approach'],
    )
    const due = await queries.reportsDue('2026-05-01')
    t.deepEqual(due.map((r) => [r.boardId, r.dueOn, r.overdue]).sort(), [
      ['psb', '2026-04-21', true],
      ['tcpb', '2026-04-05', true],
    ])
    t.false((await queries.reportsDue('2026-04-10')).find((r) => r.boardId === 'psb')?.overdue)
    t.is((await queries.organisation('local:hunts-forum'))?.local, true)
    t.true(ledger.projections.names.every((n) => ledger.projections.status(n).state !== 'halted'))
  })

  test(`${kind}: agreements are signed by each party's own signatory, in force when all have; bad input writes nothing`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy, plugins: [partnershipsPlugin] })
    await setUp(t, ledger)
    const parties = ['GB-LAE-CAM', 'GB-LAE-PTE', 'GB-NHS-06H']
    const head = await ledger.events.headPosition()
    const refusals = [
      await ledger.execute(
        organisations,
        {
          type: 'RegisterOrganisation',
          orgId: 'GB-LAE-cam',
          name: 'x',
          organisationType: 'county-council',
          on: '2026-01-02',
        },
        officer,
      )(),
      await ledger.decide(
        admissions,
        { type: 'AdmitMember', boardId: 'psb', orgId: 'GB-LAE-CAM', on: '2026-02-01' },
        officer,
      )(),
      await ledger.execute(
        boards,
        {
          type: 'AppointRepresentative',
          boardId: 'psb',
          on: '2026-01-07',
          representativeId: 'r9',
          orgId: 'local:hunts-forum',
          name: 'x',
          position: 'member',
        },
        officer,
      )(),
      await ledger.execute(
        agreements,
        {
          type: 'DraftAgreement',
          agreementId: 'x',
          on: '2026-01-10',
          kind: 'memorandum',
          title: 'x',
          parties: ['GB-LAE-CAM'],
          purposes: ['x'],
        },
        officer,
      )(),
    ]
    t.deepEqual(
      refusals.map((r) => (E.isLeft(r) ? (r.left._tag === 'Rejected' ? r.left.code : r.left._tag) : 'accepted')),
      ['InvalidCommand', 'already-member', 'not-member', 'invalid-agreement'],
    )
    t.regex(
      E.isLeft(refusals[0]!) ? refusals[0].left.message : '',
      /orgId: expected OrgId \(an org-id such as GB-LAE-CAM/,
    )
    t.is(await ledger.events.headPosition(), head, 'no refusal wrote anything')

    await ok(
      t,
      ledger.execute(
        agreements,
        {
          type: 'DraftAgreement',
          agreementId: 'health-deal',
          on: '2026-01-10',
          kind: 'health-deal',
          title: 'Health Deal',
          parties,
          purposes: ['Work together on prevention'],
        },
        officer,
      )(),
    )
    await ok(
      t,
      ledger.execute(
        agreements,
        { type: 'FinaliseAgreement', agreementId: 'health-deal', on: '2026-01-12' },
        officer,
      )(),
    )
    const forOther = await ledger.execute(
      agreements,
      {
        type: 'SignAgreement',
        agreementId: 'health-deal',
        on: '2026-01-15',
        orgId: 'GB-LAE-CAM',
        signatory: 'Chief Executive',
      },
      signatoryOf('GB-LAE-PTE'),
    )()
    t.is(
      E.isLeft(forOther) ? forOther.left._tag : undefined,
      'Forbidden',
      'no one signs for a party they do not belong to',
    )
    const byOfficer = await ledger.execute(
      agreements,
      {
        type: 'SignAgreement',
        agreementId: 'health-deal',
        on: '2026-01-15',
        orgId: 'GB-LAE-CAM',
        signatory: 'Chief Executive',
      },
      officer,
    )()
    t.is(E.isLeft(byOfficer) ? byOfficer.left._tag : undefined, 'Forbidden')
    for (const orgId of parties)
      await ok(
        t,
        ledger.execute(
          agreements,
          { type: 'SignAgreement', agreementId: 'health-deal', on: '2026-01-15', orgId, signatory: 'Chief Executive' },
          signatoryOf(orgId),
        )(),
      )

    await ok(
      t,
      ledger.execute(
        agreements,
        {
          type: 'DraftAgreement',
          agreementId: 'dsa',
          on: '2026-01-10',
          kind: 'data-sharing',
          title: 'Data-sharing agreement',
          parties,
          purposes: ['Early help'],
        },
        officer,
      )(),
    )
    const unfinished = await ledger.execute(
      agreements,
      { type: 'FinaliseAgreement', agreementId: 'dsa', on: '2026-01-12' },
      officer,
    )()
    t.is(
      E.isLeft(unfinished) && unfinished.left._tag === 'Rejected' ? unfinished.left.code : undefined,
      'terms-incomplete',
    )

    await ok(
      t,
      ledger.execute(
        programmes,
        { type: 'DefineProgramme', programmeId: 'tc', on: '2026-01-10', name: 'Think Communities', boardId: 'tcpb' },
        officer,
      )(),
    )
    await ok(
      t,
      ledger.execute(
        programmes,
        {
          type: 'AddWorkstream',
          programmeId: 'tc',
          on: '2026-01-10',
          workstreamId: 'hubs',
          name: 'Community hubs',
          themeIds: [],
          lead: 'GB-LAE-CAM',
        },
        officer,
      )(),
    )
    await ok(
      t,
      ledger.execute(
        programmes,
        {
          type: 'PlanAction',
          programmeId: 'tc',
          on: '2026-01-10',
          actionId: 'a1',
          workstreamId: 'hubs',
          description: 'Open a hub in Fenland',
          owner: 'GB-LAE-FEN',
          due: '2026-03-31',
        },
        officer,
      )(),
    )
    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 30_000 })
    const queries = createPartnershipQueries(ledger.projections)
    t.like((await queries.agreements('in-force'))[0], {
      agreementId: 'health-deal',
      version: 1,
      inForceSince: '2026-01-15',
    })
    t.deepEqual(
      (await queries.agreements('draft')).map((a) => a.agreementId),
      ['dsa'],
    )
    t.deepEqual(Object.keys(await queries.overdueActions('2026-04-01')), ['GB-LAE-FEN'])
    t.deepEqual(await queries.overdueActions('2026-03-01'), {})
  })

  test(`${kind}: a representative's name is personal: erased, it reads as Erased and the register stands`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy, plugins: [partnershipsPlugin] })
    await setUp(t, ledger)
    await ok(
      t,
      ledger.execute(
        boards,
        {
          type: 'AppointRepresentative',
          boardId: 'psb',
          on: '2026-01-07',
          representativeId: 'rep-pte',
          orgId: 'GB-LAE-PTE',
          name: 'Pat Representative',
          position: 'member',
        },
        officer,
      )(),
    )
    for await (const e of ledger.events.readAll())
      t.false(JSON.stringify(e).includes('Pat Representative'), 'the name is stored encrypted')
    await ok(t, ledger.privacy.erase('rep-pte', 'the representative asked', dpo)())
    t.true(await ledger.trusted.keys.isErased('rep-pte'))
    await ok(
      t,
      ledger.execute(
        boards,
        {
          type: 'StandDownRepresentative',
          boardId: 'psb',
          on: '2026-02-01',
          representativeId: 'rep-pte',
          reason: 'left post',
        },
        officer,
      )(),
    )
    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 30_000 })
    const register = await createPartnershipQueries(ledger.projections).boardRegister('psb')
    t.is(register?.board.representatives['rep-pte'], undefined)
    t.deepEqual(
      (await createPartnershipQueries(ledger.projections).appointments('psb')).map((a) => [
        a.representativeId,
        a.from,
        a.to,
      ]),
      [['rep-pte', '2026-01-07', '2026-02-01']],
      'representatives over time',
    )
    t.is(register?.members.length, 11, 'the register stands')
    t.true(ledger.projections.names.every((n) => ledger.projections.status(n).state !== 'halted'))
  })
}
