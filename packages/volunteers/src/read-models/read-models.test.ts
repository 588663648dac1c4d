/**
 * The volunteers read models through a ledger: hours by delivery area, role and month with small
 * counts suppressed, active volunteers, safeguarding and training compliance on a day, and balances.
 */
import type { Aggregate, Command, DomainEvent, Ledger } from '@civic-ledger/core'
import { allowAll, createLedger } from '@civic-ledger/core'
import test from 'ava'
import * as E from 'fp-ts/Either'

import {
  createVolunteerQueries,
  earnings,
  entryDocs,
  gifts,
  hours,
  placements,
  timeCredits,
  timesheets,
  volunteerHours,
  volunteerRoles,
  volunteers,
  volunteersPlugin,
} from '../index'

const context = { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }
const ward = (code: string) => ({ code, type: 'ward', vintage: '2025' })
const role = {
  roleId: 'health-walk-leader',
  title: 'Health walk leader',
  organisation: 'GB-LAE-CAM',
  regulatedActivity: 'none',
  dbsLevel: 'basic',
  minimumAge: 16,
  training: [{ course: 'walk-leader', validForMonths: 36 }],
  supervision: 'monthly with the co-ordinator',
}
/** Ledgers whose role is defined already. */
const withRole = new WeakSet<Ledger>()

const send = async <C extends Command, E2 extends DomainEvent, S>(
  ledger: Ledger,
  aggregate: Aggregate<C, E2, S>,
  command: Record<string, unknown>,
): Promise<void> => {
  const result = await ledger.execute(aggregate, command, context)()
  if (E.isLeft(result)) throw new Error(`${String(command['type'])}: ${result.left.message}`)
}

/** A volunteer taken from application to a placement in `area`, with training expiring on `trainingUntil`. */
const placeVolunteer = async (
  ledger: Ledger,
  n: number,
  area: string,
  trainingUntil = '2027-01-20',
  placementId = `p-${n}`,
) => {
  const volunteerId = `v-${n}`
  const on = '2026-01-20'
  await send(ledger, volunteers, {
    type: 'Apply',
    volunteerId,
    on: '2026-01-05',
    name: `Walker ${n}`,
    email: `walker${n}@example.org`,
    phone: '07700 900000',
    dateOfBirth: '1980-01-01',
    homeLsoa: 'E01015589',
  })
  await send(ledger, volunteers, {
    type: 'RecordReference',
    volunteerId,
    on,
    refereeName: 'Ref',
    outcome: 'satisfactory',
  })
  await send(ledger, volunteers, { type: 'Approve', volunteerId, on })
  await send(ledger, volunteers, {
    type: 'RecordDbsCheck',
    volunteerId,
    on,
    checkId: 'c1',
    certificateNumber: `00${n}`,
    level: 'basic',
    issuedOn: '2024-03-01',
    clear: true,
    updateService: false,
    decision: 'accepted',
  })
  await send(ledger, volunteers, {
    type: 'CompleteTraining',
    volunteerId,
    on,
    course: 'walk-leader',
    completedOn: on,
    expiresOn: trainingUntil,
  })
  if (!withRole.has(ledger)) {
    await send(ledger, volunteerRoles, { type: 'DefineRole', ...role })
    withRole.add(ledger)
  }
  const placed = await ledger.decide(
    placements,
    {
      type: 'Place',
      volunteerId,
      roleId: role.roleId,
      on,
      placementId,
      area: ward(area),
      startsOn: '2026-02-01',
    },
    context,
  )()
  if (E.isLeft(placed)) throw new Error(`Place: ${placed.left.message}`)
  return {
    volunteerId,
    placement: { placementId, volunteerId, roleId: role.roleId, area: ward(area), startsOn: '2026-02-01' },
  }
}

/** Hours logged on a placement the volunteer holds. */
const logHours = async (ledger: Ledger, command: Record<string, unknown>): Promise<void> => {
  const result = await ledger.decide(hours, command, context)()
  if (E.isLeft(result)) throw new Error(`LogHours: ${result.left.message}`)
}

const logAndVerify = async (
  ledger: Ledger,
  placement: Record<string, unknown> & { placementId: string },
  entryId: string,
  logged: number,
) => {
  await logHours(ledger, {
    type: 'LogHours',
    volunteerId: placement['volunteerId'],
    placementId: placement.placementId,
    entryId,
    date: '2026-03-10',
    hours: logged,
    area: placement['area'],
    on: '2026-03-11',
  })
  await send(ledger, timesheets, {
    type: 'VerifyHours',
    volunteerId: placement['volunteerId'],
    entryId,
    on: '2026-03-12',
  })
}

test('hours by area, role and month are published only where at least five people worked them', async (t) => {
  const ledger = await createLedger({ policy: allowAll, plugins: [volunteersPlugin] })
  t.teardown(() => ledger.close())
  for (let n = 1; n <= 6; n++) {
    const { placement } = await placeVolunteer(ledger, n, 'E05010805')
    await logAndVerify(ledger, placement, 'e1', 2)
  }
  for (let n = 7; n <= 8; n++) {
    const { placement } = await placeVolunteer(ledger, n, 'E05010806', n === 8 ? '2026-03-20' : '2027-01-20')
    await logAndVerify(ledger, placement, 'e1', 3)
  }
  // One entry logged but not verified: it does not count.
  const { placement } = await placeVolunteer(ledger, 9, 'E05010805')
  await logHours(ledger, {
    type: 'LogHours',
    volunteerId: placement.volunteerId,
    placementId: placement.placementId,
    entryId: 'e1',
    date: '2026-03-10',
    hours: 5,
    area: placement.area,
    on: '2026-03-11',
  })
  await send(ledger, volunteers, {
    type: 'Suspend',
    volunteerId: 'v-9',
    on: '2026-03-12',
    reason: 'a concern was raised',
  })
  const earned = await ledger.decide(
    earnings,
    { type: 'EarnCredits', volunteerId: 'v-1', entryId: 'e1', on: '2026-03-12' },
    context,
  )()
  if (E.isLeft(earned)) throw new Error(`EarnCredits: ${earned.left.message}`)
  await send(ledger, timeCredits, {
    type: 'SpendCredits',
    volunteerId: 'v-1',
    credits: 1,
    on: '2026-03-13',
    at: 'Ramsey leisure centre',
  })
  await ledger.projections.waitUntilCaughtUp()

  const queries = createVolunteerQueries(ledger.projections)
  t.deepEqual(await queries.publicHours('2026-03'), [
    {
      area: 'E05010805',
      roleId: 'health-walk-leader',
      month: '2026-03',
      volunteers: 6,
      verifiedHours: 12,
      suppressed: false,
    },
    {
      area: 'E05010806',
      roleId: 'health-walk-leader',
      month: '2026-03',
      volunteers: null,
      verifiedHours: null,
      suppressed: true,
    },
  ])
  t.is(await queries.activeVolunteers(), 8, 'nine placed, one suspended')
  t.is(await queries.balance('v-1'), 1)

  const report = await queries.compliance('2026-03-01')
  t.deepEqual(
    report.expiring[30].map((e) => [e.volunteerId, e.what, e.on]),
    [['v-8', 'training: walk-leader', '2026-03-20']],
  )
  t.deepEqual(report.expiring[7], [])
  t.is(report.expiring[60].length, 1)
  const later = await queries.compliance('2027-03-05')
  t.true(later.expired.some((e) => e.volunteerId === 'v-1' && e.what === 'DBS check' && e.on === '2027-03-01'))
  t.true(later.expired.some((e) => e.what === 'training: walk-leader'))
})

test('an application not decided within 28 days is overdue; erasure removes the volunteer from compliance', async (t) => {
  const ledger = await createLedger({ policy: allowAll, plugins: [volunteersPlugin] })
  t.teardown(() => ledger.close())
  await send(ledger, volunteers, {
    type: 'Apply',
    volunteerId: 'v-20',
    on: '2026-01-05',
    name: 'Late Applicant',
    email: 'late@example.org',
    phone: '07700 900001',
    dateOfBirth: '1985-02-02',
    homeLsoa: 'E01015590',
  })
  await ledger.projections.waitUntilCaughtUp()
  const queries = createVolunteerQueries(ledger.projections)
  t.deepEqual((await queries.compliance('2026-02-01')).applicationsOverdue, [])
  t.deepEqual((await queries.compliance('2026-02-03')).applicationsOverdue, [
    { volunteerId: 'v-20', appliedOn: '2026-01-05' },
  ])
  await ledger.privacy.erase('v-20', 'the applicant withdrew and asked', context)()
  t.deepEqual((await queries.compliance('2026-02-03')).applicationsOverdue, [])
})

test('an id that could not name a document is refused when the command is decoded, and the read models go on', async (t) => {
  const ledger = await createLedger({ policy: allowAll, plugins: [volunteersPlugin] })
  t.teardown(() => ledger.close())
  const { placement } = await placeVolunteer(ledger, 1, 'E05010805')
  const head = await ledger.events.headPosition()
  for (const entryId of ['\ud800', 'e'.repeat(600), 'a/b', ' e1']) {
    const result = await ledger.decide(
      hours,
      {
        type: 'LogHours',
        volunteerId: placement.volunteerId,
        placementId: placement.placementId,
        entryId,
        date: '2026-03-10',
        hours: 2,
        area: placement.area,
        on: '2026-03-11',
      },
      context,
    )()
    t.true(E.isLeft(result) && result.left._tag === 'InvalidCommand', JSON.stringify(entryId.slice(0, 20)))
    t.regex(E.isLeft(result) ? result.left.message : '', /entryId: expected EntryId/)
  }
  t.is(await ledger.events.headPosition(), head)
  await logAndVerify(ledger, placement, 'e1', 2)
  await ledger.projections.waitUntilCaughtUp({ timeoutMs: 10_000 })
  t.true(
    ledger.projections.names.every((name) => ledger.projections.status(name).state !== 'halted'),
    'no read model halted',
  )
})

test('each volunteer has a timesheet of their own: the same placement and entry ids never meet, and the cap spans placements', async (t) => {
  const ledger = await createLedger({ policy: allowAll, plugins: [volunteersPlugin] })
  t.teardown(() => ledger.close())
  // Two volunteers whose placements and entries have the same ids.
  const first = await placeVolunteer(ledger, 1, 'E05010805', '2027-01-20', 'p1')
  const second = await placeVolunteer(ledger, 2, 'E05010806', '2027-01-20', 'p1')
  await logAndVerify(ledger, first.placement, 'e1', 2)
  await logAndVerify(ledger, second.placement, 'e1', 3)
  for (const volunteerId of ['v-1', 'v-2']) {
    const earned = await ledger.decide(
      earnings,
      { type: 'EarnCredits', volunteerId, entryId: 'e1', on: '2026-03-12' },
      context,
    )()
    t.true(E.isRight(earned), volunteerId)
  }
  // A second placement of v-1: the day's 24 hours count both.
  const again = await ledger.decide(
    placements,
    {
      type: 'Place',
      volunteerId: 'v-1',
      roleId: role.roleId,
      on: '2026-01-20',
      placementId: 'p2',
      area: ward('E05010805'),
      startsOn: '2026-02-01',
    },
    context,
  )()
  t.true(E.isRight(again))
  const head = await ledger.events.headPosition()
  const over = await ledger.decide(
    hours,
    {
      type: 'LogHours',
      volunteerId: 'v-1',
      placementId: 'p2',
      entryId: 'e2',
      date: '2026-03-10',
      hours: 23,
      area: ward('E05010805'),
      on: '2026-03-11',
    },
    context,
  )()
  t.regex(E.isLeft(over) ? over.left.message : '', /2026-03-10 would have 25 hours in all, more than 24/)
  t.is(await ledger.events.headPosition(), head, 'the refusal wrote nothing')
  await ledger.projections.waitUntilCaughtUp()
  const queries = createVolunteerQueries(ledger.projections)
  t.is(await queries.balance('v-1'), 2)
  t.is(await queries.balance('v-2'), 3)
  const entries = ledger.projections.query(volunteerHours, entryDocs)
  t.like(await entries.get('v-1/e1'), { placementId: 'p1', hours: 2, status: 'verified' })
  t.like(await entries.get('v-2/e1'), { placementId: 'p1', hours: 3, status: 'verified' })
})

test('a gift to another volunteer reaches their balance; a donation shows in its pot', async (t) => {
  const ledger = await createLedger({ policy: allowAll, plugins: [volunteersPlugin] })
  t.teardown(() => ledger.close())
  const first = await placeVolunteer(ledger, 1, 'E05010805')
  await placeVolunteer(ledger, 2, 'E05010805')
  await logAndVerify(ledger, first.placement, 'e1', 4)
  const earned = await ledger.decide(
    earnings,
    { type: 'EarnCredits', volunteerId: 'v-1', entryId: 'e1', on: '2026-03-12' },
    context,
  )()
  t.true(E.isRight(earned))
  const gift = await ledger.decide(
    gifts,
    { type: 'GiftCredits', volunteerId: 'v-1', to: 'v-2', credits: 3, on: '2026-03-13' },
    context,
  )()
  t.true(E.isRight(gift))
  await send(ledger, timeCredits, {
    type: 'DonateCredits',
    volunteerId: 'v-1',
    credits: 1,
    potId: 'ramsey-pot',
    on: '2026-03-14',
  })
  await ledger.projections.waitUntilCaughtUp()
  const queries = createVolunteerQueries(ledger.projections)
  t.is(await queries.balance('v-1'), 0)
  t.is(await queries.balance('v-2'), 3)
  t.is(await queries.potTotal('ramsey-pot'), 1)
})
