/**
 * The volunteers policy, role by role and organisation by organisation, through a ledger: a
 * partner's co-ordinator acts on that partner's roles and placements only, a manager on every
 * organisation's, a safeguarding officer on DBS checks and their details, and nobody on what the
 * policy does not name. Each refusal is `Forbidden` and writes nothing.
 */
import type { Aggregate, Command, DomainEvent, Ledger } from '@civic-ledger/core'
import { createLedger, dataSubjects } from '@civic-ledger/core'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { placements, purgeDbsDetails, volunteerRoles, volunteers, volunteersPolicy } from './index'

const council = 'GB-LAE-CAM'
const partner = 'GB-CHC-1000001'
const as = (role: string, organisation: string) => ({ actor: { id: `${role}@${organisation}`, organisation, role } })
const councilCoordinator = as('volunteer-coordinator', council)
const partnerCoordinator = as('volunteer-coordinator', partner)
const manager = as('volunteer-manager', council)
const safeguarding = as('safeguarding-officer', council)
const volunteer = as('volunteer', partner)

const roleOf = (roleId: string, organisation: string) => ({
  type: 'DefineRole',
  roleId,
  title: roleId,
  organisation,
  regulatedActivity: 'none',
  dbsLevel: 'none',
  minimumAge: 16,
  training: [],
  supervision: 'a named co-ordinator',
})

const decided = async (ledger: Ledger, command: object, context: object): Promise<string> => {
  const result = await ledger.decide(placements, command, context)()
  return E.isRight(result) ? 'allowed' : result.left._tag === 'Forbidden' ? 'forbidden' : result.left.message
}

const outcome = async <C extends Command, Ev extends DomainEvent, S>(
  ledger: Ledger,
  aggregate: Aggregate<C, Ev, S>,
  command: object,
  context: object,
): Promise<string> => {
  const result = await ledger.execute(aggregate, command, context)()
  return E.isRight(result) ? 'allowed' : result.left._tag === 'Forbidden' ? 'forbidden' : result.left.message
}

const applied = (volunteerId: string) => ({
  type: 'Apply',
  volunteerId,
  on: '2026-01-05',
  name: 'Alex Example',
  email: 'alex@example.org',
  phone: '07700 900000',
  dateOfBirth: '1990-05-17',
  homeLsoa: 'E01015589',
})

test('a co-ordinator defines, retires and places in their own organisation’s roles only; a manager in any', async (t) => {
  const ledger = await createLedger({ policy: volunteersPolicy })
  t.teardown(() => ledger.close())
  t.is(await outcome(ledger, volunteerRoles, roleOf('walk-leader', partner), partnerCoordinator), 'allowed')
  t.is(await outcome(ledger, volunteerRoles, roleOf('school-mentor', council), partnerCoordinator), 'forbidden')
  t.is(await outcome(ledger, volunteerRoles, roleOf('school-mentor', council), councilCoordinator), 'allowed')
  t.is(
    await outcome(
      ledger,
      volunteerRoles,
      { type: 'RetireRole', roleId: 'school-mentor', reason: 'x' },
      partnerCoordinator,
    ),
    'forbidden',
    'a partner cannot retire the council’s role',
  )

  t.is(await outcome(ledger, volunteers, applied('v-1'), partnerCoordinator), 'allowed')
  const reference = {
    type: 'RecordReference',
    volunteerId: 'v-1',
    on: '2026-01-10',
    refereeName: 'Sam',
    outcome: 'satisfactory',
  }
  t.is(await outcome(ledger, volunteers, reference, partnerCoordinator), 'allowed')
  t.is(
    await outcome(ledger, volunteers, { type: 'Approve', volunteerId: 'v-1', on: '2026-01-12' }, partnerCoordinator),
    'allowed',
  )
  // The role's organisation is read from the role's stream: the command names only the role.
  const place = (placementId: string, roleId: string) => ({
    type: 'Place',
    volunteerId: 'v-1',
    roleId,
    on: '2026-01-25',
    placementId,
    area: { code: 'E05010805', type: 'ward', vintage: '2025' },
    startsOn: '2026-02-01',
  })
  t.is(await decided(ledger, place('p-council', 'school-mentor'), partnerCoordinator), 'forbidden')
  t.is(await decided(ledger, place('p-partner', 'walk-leader'), partnerCoordinator), 'allowed')
  t.is(await decided(ledger, place('p-council', 'school-mentor'), manager), 'allowed', 'a manager places anywhere')
  const end = (placementId: string) => ({
    type: 'EndPlacement',
    volunteerId: 'v-1',
    on: '2026-03-01',
    placementId,
    reason: 'moved',
  })
  t.is(await outcome(ledger, volunteers, end('p-council'), partnerCoordinator), 'forbidden')
  t.is(await outcome(ledger, volunteers, end('p-council'), councilCoordinator), 'allowed')
  t.is(await outcome(ledger, volunteers, end('p-partner'), partnerCoordinator), 'allowed')
})

test('DBS checks are the safeguarding officer’s, who may erase a check’s details but never a person', async (t) => {
  const ledger = await createLedger({ policy: volunteersPolicy })
  t.teardown(() => ledger.close())
  t.is(await outcome(ledger, volunteers, applied('v-2'), councilCoordinator), 'allowed')
  const dbs = {
    type: 'RecordDbsCheck',
    volunteerId: 'v-2',
    on: '2026-01-20',
    checkId: 'c1',
    certificateNumber: '001234567890',
    level: 'basic',
    issuedOn: '2026-01-15',
    clear: true,
    updateService: false,
    decision: 'accepted',
  }
  t.is(await outcome(ledger, volunteers, dbs, councilCoordinator), 'forbidden')
  t.is(await outcome(ledger, volunteers, dbs, safeguarding), 'allowed')
  const head = await ledger.events.headPosition()
  const wholePerson = await ledger.privacy.erase('v-2', 'asked', safeguarding)()
  t.true(E.isLeft(wholePerson) && wholePerson.left._tag === 'Forbidden', 'a person is the DPO’s to erase')
  t.is(await ledger.events.headPosition(), head)
  const early = await purgeDbsDetails(
    ledger,
    { volunteerId: 'v-2', checkId: 'c1', on: '2026-08-01' },
    councilCoordinator,
  )
  t.true(E.isLeft(early) && early.left._tag === 'Forbidden')
  const purged = await purgeDbsDetails(ledger, { volunteerId: 'v-2', checkId: 'c1', on: '2026-08-01' }, safeguarding)
  t.true(E.isRight(purged))
  t.true(await ledger.privacy.isErased('v-2', 'checkId=c1'))
  t.false(await ledger.privacy.isErased('v-2'))
})

test('suspension is a manager’s or safeguarding officer’s; a volunteer only logs hours; nothing else is allowed', async (t) => {
  const ledger = await createLedger({ policy: volunteersPolicy })
  t.teardown(() => ledger.close())
  t.is(await outcome(ledger, volunteers, applied('v-3'), councilCoordinator), 'allowed')
  const suspend = { type: 'Suspend', volunteerId: 'v-3', on: '2026-02-01', reason: 'a concern was raised' }
  t.is(await outcome(ledger, volunteers, suspend, councilCoordinator), 'forbidden')
  t.is(await outcome(ledger, volunteers, suspend, safeguarding), 'allowed')
  t.is(await outcome(ledger, volunteers, applied('v-4'), volunteer), 'forbidden', 'a volunteer cannot enrol anyone')
  t.is(
    await outcome(ledger, dataSubjects, { type: 'RequestErasure', subject: 'v-3', requestedOn: '2026-02-02' }, manager),
    'forbidden',
    'what the policy does not name is denied',
  )
})
