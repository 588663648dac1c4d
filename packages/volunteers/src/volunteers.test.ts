/**
 * The volunteers context's rules, with given/when/then and through a ledger: roles, applications,
 * references and guardian consent, DBS checks (and their six-month purge), training, placements that
 * are refused unless every safeguarding rule holds, timesheets and time credits. And a check over
 * every event codec that no field that looks personal is stored without `personal`.
 */
import type { AnyEventDefinition, AreaRef } from '@civic-ledger/core'
import { createLedger, fold, hasPersonalData, isErased, personalPaths, subjectKey } from '@civic-ledger/core'
import { allowAll } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { CreditEvent } from './credits'
import { CreditCommand, creditEvents, timeCredits } from './credits'
import { EarnCreditsCommand, earnings } from './earnings'
import type { LogHoursCommand as LogHours } from './hours'
import { hours, LogHoursCommand } from './hours'
import type { PlaceCommandInput } from './placement'
import { PlaceCommand, placements } from './placement'
import type { RoleState } from './role'
import { RoleCommand, RoleDefinition, volunteerRoles } from './role'
import { roleEvents } from './role'
import type { TimesheetEvent } from './timesheet'
import { HoursCorrected, TimesheetCommand, timesheetEvents, timesheets } from './timesheet'
import type { VolunteerCommandInput, VolunteerEvent, VolunteerState } from './volunteer'
import { initialVolunteer, purgeDbsDetails, VolunteerCommand, volunteerEvents, volunteers } from './volunteer'

const decode = <A>(codec: { decode: (u: unknown) => E.Either<unknown, A> }, input: unknown): A => {
  const r = codec.decode(input)
  if (E.isLeft(r)) throw new Error(`does not decode: ${JSON.stringify(input)}`)
  return r.right
}
const spec = deciderSpec(volunteers.decider)
const cmd = (input: VolunteerCommandInput) => decode(VolunteerCommand, input)
const history = (...inputs: VolunteerCommandInput[]): VolunteerEvent[] => {
  const events: VolunteerEvent[] = []
  for (const input of inputs) {
    const d = volunteers.decider.decide(cmd(input), fold(volunteers.decider, events))
    if (E.isLeft(d)) throw new Error(`${input.type}: ${d.left.message}`)
    events.push(...d.right)
  }
  return events
}

const ID = 'v-1'
const apply = (dateOfBirth = '1990-05-17'): VolunteerCommandInput => ({
  type: 'Apply',
  volunteerId: ID,
  on: '2026-01-05',
  name: 'Alex Example',
  email: 'alex@example.org',
  phone: '07700 900000',
  dateOfBirth,
  homeLsoa: 'E01015589',
})
const reference: VolunteerCommandInput = {
  type: 'RecordReference',
  volunteerId: ID,
  on: '2026-01-10',
  refereeName: 'Sam Referee',
  outcome: 'satisfactory',
}
const approve: VolunteerCommandInput = { type: 'Approve', volunteerId: ID, on: '2026-01-12' }
const dbs = (level = 'enhanced', issuedOn = '2026-01-15', extra: Partial<Record<string, unknown>> = {}) =>
  ({
    type: 'RecordDbsCheck',
    volunteerId: ID,
    on: '2026-01-20',
    checkId: 'c1',
    certificateNumber: '001234567890',
    level,
    issuedOn,
    clear: true,
    updateService: false,
    decision: 'accepted',
    ...extra,
  }) as VolunteerCommandInput
const training = (course: string, expiresOn = '2027-01-20'): VolunteerCommandInput => ({
  type: 'CompleteTraining',
  volunteerId: ID,
  on: '2026-01-20',
  course,
  completedOn: '2026-01-20',
  expiresOn,
})
const roleDefinition: RoleDefinition = decode(RoleDefinition, {
  roleId: 'school-mentor',
  title: 'School mentor',
  organisation: 'GB-LAE-CAM',
  regulatedActivity: 'children',
  dbsLevel: 'enhanced-barred',
  minimumAge: 18,
  training: [{ course: 'safeguarding-children', validForMonths: 36 }],
  supervision: 'weekly with the school',
})
const place = (startsOn = '2026-02-01'): PlaceCommandInput => ({
  type: 'Place',
  volunteerId: ID,
  roleId: 'school-mentor',
  on: '2026-01-25',
  placementId: 'p1',
  area: { code: 'E05010805', type: 'ward', vintage: '2025' },
  startsOn,
})
/** The placement decision on a volunteer's history, in the role as its stream holds it. */
const decidePlace = (
  events: VolunteerEvent[],
  input = place(),
  role: RoleState = { status: 'open', role: roleDefinition },
) => placements.decide(decode(PlaceCommand, input), { volunteer: fold(volunteers.decider, events), role })
/** Why the placement decision refused on safeguarding grounds; throws if it did not. */
const placeRefusal = (events: VolunteerEvent[]): string => {
  const d = decidePlace(events)
  if (E.isRight(d) || d.left.code !== 'safeguarding')
    throw new Error(`expected a safeguarding refusal, got ${JSON.stringify(d)}`)
  return d.left.message
}
const ready = (...extra: VolunteerCommandInput[]) =>
  history(apply(), reference, approve, dbs('enhanced-barred'), training('safeguarding-children'), ...extra)

// --- roles ---

test('a role in regulated activity must need an enhanced check; ages and course validity are checked', (t) => {
  const define = (over: Record<string, unknown>) =>
    decode(RoleCommand, {
      type: 'DefineRole',
      roleId: 'health-walk-leader',
      title: 'Health walk leader',
      organisation: 'GB-LAE-CAM',
      regulatedActivity: 'none',
      dbsLevel: 'basic',
      minimumAge: 16,
      training: [{ course: 'walk-leader', validForMonths: 36 }],
      supervision: 'monthly with the coordinator',
      ...over,
    })
  const { type: _type, ...definition } = define({})
  deciderSpec(volunteerRoles.decider)(t).given([]).when(define({})).thenState({ status: 'open', role: definition })
  const error = deciderSpec(volunteerRoles.decider)(t)
    .given([])
    .when(define({ regulatedActivity: 'children', minimumAge: 120, training: [{ course: 'x', validForMonths: 0 }] }))
    .thenRejects('invalid-role')
  t.regex(error?.message ?? '', /needs an enhanced DBS check, not basic/)
  t.regex(error?.message ?? '', /minimumAge/)
  t.regex(error?.message ?? '', /validForMonths/)
})

test('through a ledger: a field a command does not name never reaches the log, at the top or nested', async (t) => {
  const ledger = await createLedger({ policy: allowAll })
  t.teardown(() => ledger.close())
  const actor = { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }
  const defineRole = {
    type: 'DefineRole',
    roleId: 'health-walk-leader',
    title: 'Health walk leader',
    organisation: 'GB-LAE-CAM',
    regulatedActivity: 'none',
    dbsLevel: 'basic',
    minimumAge: 16,
    training: [{ course: 'walk-leader', validForMonths: 36 }],
    supervision: 'monthly with the coordinator',
  }
  const refused = await ledger.execute(volunteerRoles, { ...defineRole, note: 'alice@example.org' }, actor)()
  t.deepEqual(E.isLeft(refused) && refused.left._tag === 'InvalidCommand' && refused.left.problems, [
    'command note: not a field of DefineRole',
  ])
  const nested = await ledger.execute(
    volunteerRoles,
    { ...defineRole, training: [{ course: 'walk-leader', validForMonths: 36, trainer: 'alice@example.org' }] },
    actor,
  )()
  t.deepEqual(E.isLeft(nested) && nested.left._tag === 'InvalidCommand' && nested.left.problems, [
    'command training.0.trainer: not a field of DefineRole',
  ])
  for (const input of [apply(), reference, approve, dbs('enhanced-barred'), training('safeguarding-children')]) {
    const r = await ledger.execute(volunteers, input, actor)()
    if (E.isLeft(r)) return t.fail(`${input.type}: ${r.left.message}`)
  }
  const head = await ledger.events.headPosition()
  const placed = await ledger.decide(
    placements,
    { ...place(), area: { code: 'E05010805', type: 'ward', vintage: '2025', note: 'alice@example.org' } },
    actor,
  )()
  t.deepEqual(E.isLeft(placed) && placed.left._tag === 'InvalidCommand' && placed.left.problems, [
    'command area.note: not a field of Place',
  ])
  t.is(await ledger.events.headPosition(), head)
  for await (const e of ledger.events.readAll()) t.false(JSON.stringify(e).includes('alice@example.org'))
})

// --- applications ---

test('approval needs a satisfactory reference, and a guardian’s consent under 18', (t) => {
  spec(t).given(history(apply())).when(cmd(approve)).thenRejects('no-reference')
  spec(t)
    .given(history(apply('2010-03-01'), reference))
    .when(cmd(approve))
    .thenRejects('guardian-consent-needed')
  const consent: VolunteerCommandInput = {
    type: 'RecordGuardianConsent',
    volunteerId: ID,
    on: '2026-01-11',
    guardianName: 'Pat Guardian',
  }
  t.notThrows(() => history(apply('2010-03-01'), reference, consent, approve))
  spec(t).given([]).when(cmd(reference)).thenRejects('no-application')
  spec(t).given(history(apply())).when(cmd(apply())).thenRejects('already-applied')
  spec(t)
    .given([])
    .when(cmd(apply('2030-01-01')))
    .thenRejects('future-date')
})

// --- placements ---

test('a placement is made when every safeguarding rule holds', (t) => {
  const decided = decidePlace(ready())
  t.is(E.isRight(decided) ? decided.right.volunteer?.[0]?.type : undefined, 'volunteers.VolunteerPlaced')
  const retired = decidePlace(ready(), place(), { status: 'retired', role: roleDefinition })
  t.is(E.isLeft(retired) ? retired.left.code : undefined, 'role-not-open')
  const unknown = decidePlace(ready(), place(), { status: 'none' })
  t.is(E.isLeft(unknown) ? unknown.left.code : undefined, 'role-not-open')
})

test('placements are refused without a valid DBS check at the required level, naming why', (t) => {
  const refuse = (events: VolunteerEvent[], pattern: RegExp) => t.regex(placeRefusal(events), pattern)
  refuse(history(apply(), reference, approve, training('safeguarding-children')), /no DBS check is recorded/)
  refuse(
    history(apply(), reference, approve, dbs('standard'), training('safeguarding-children')),
    /no accepted DBS check at enhanced-barred level/,
  )
  refuse(
    history(apply(), reference, approve, dbs('enhanced-barred', '2022-01-01'), training('safeguarding-children')),
    /current on 2026-02-01/,
  )
  refuse(
    history(
      apply(),
      reference,
      approve,
      dbs('enhanced-barred', '2026-01-15', { clear: false, decision: 'declined' }),
      training('safeguarding-children'),
    ),
    /no accepted DBS check/,
  )
  refuse(
    history(apply(), reference, approve, dbs('enhanced-barred'), training('safeguarding-children', '2026-01-31')),
    /training not current on 2026-02-01: safeguarding-children/,
  )
  refuse(history(apply(), reference, approve, dbs('enhanced-barred')), /training not current/)
})

test('an old certificate still counts with the update service; placements refused when under age or suspended', (t) => {
  const updated = history(
    apply(),
    reference,
    approve,
    dbs('enhanced-barred', '2021-06-01', { updateService: true }),
    training('safeguarding-children'),
  )
  t.is(decidePlace(updated)._tag, 'Right')
  const consent: VolunteerCommandInput = {
    type: 'RecordGuardianConsent',
    volunteerId: ID,
    on: '2026-01-11',
    guardianName: 'Pat Guardian',
  }
  const young = history(
    apply('2009-06-01'),
    reference,
    consent,
    approve,
    dbs('enhanced-barred'),
    training('safeguarding-children'),
  )
  t.regex(placeRefusal(young), /the volunteer is 16; the role needs 18 or over/)
  const suspended = ready({ type: 'Suspend', volunteerId: ID, on: '2026-01-22', reason: 'a concern was raised' })
  t.regex(placeRefusal(suspended), /suspended/)
  const reinstated = ready(
    { type: 'Suspend', volunteerId: ID, on: '2026-01-22', reason: 'a concern was raised' },
    { type: 'Reinstate', volunteerId: ID, on: '2026-01-24' },
  )
  t.is(decidePlace(reinstated)._tag, 'Right')
})

test('a check that is not clear cannot simply be accepted, and DBS details are kept six months, then purged', (t) => {
  spec(t)
    .given(history(apply()))
    .when(cmd(dbs('enhanced', '2026-01-15', { clear: false })))
    .thenRejects('decision-needs-reason')
  const recorded = history(apply(), dbs())
  const purge = (on: string) => cmd({ type: 'PurgeDbsDetails', volunteerId: ID, on, checkId: 'c1' })
  t.regex(
    spec(t).given(recorded).when(purge('2026-07-19')).thenRejects('too-early')?.message ?? '',
    /kept until 2026-07-20/,
  )
  spec(t)
    .given(recorded)
    .when(purge('2026-07-20'))
    .then([
      {
        type: 'volunteers.DbsDetailsPurged',
        data: {
          volunteerId: ID as never,
          checkId: 'c1' as never,
          on: '2026-07-20' as never,
        },
      },
    ])
})

// --- through a ledger: encryption, purge, erasure ---

test('through a ledger: personal fields are encrypted, DBS details purge to Erased, and erasing the volunteer takes them too', async (t) => {
  const ledger = await createLedger({ policy: allowAll })
  t.teardown(() => ledger.close())
  const actor = { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }
  for (const input of [apply(), reference, approve, dbs('enhanced-barred'), training('safeguarding-children')]) {
    const r = await ledger.execute(volunteers, input, actor)()
    if (E.isLeft(r)) return t.fail(`${input.type}: ${r.left.message}`)
  }
  const defined = await ledger.execute(volunteerRoles, { type: 'DefineRole', ...roleDefinition }, actor)()
  if (E.isLeft(defined)) return t.fail(defined.left.message)
  const placed = await ledger.decide(placements, place(), actor)()
  if (E.isLeft(placed)) return t.fail(placed.left.message)
  const stored: string[] = []
  for await (const e of ledger.events.readAll()) stored.push(JSON.stringify(e.data))
  for (const secret of [
    'Alex Example',
    'alex@example.org',
    '07700 900000',
    '1990-05-17',
    'Sam Referee',
    '001234567890',
    'E01015589',
  ])
    t.false(stored.join('\n').includes(secret), `${secret} is stored encrypted`)
  t.true(stored.join('\n').includes('enhanced-barred'), 'what is not personal is stored as is')

  const early = await purgeDbsDetails(ledger, { volunteerId: ID, checkId: 'c1', on: '2026-03-01' }, actor)
  t.true(E.isLeft(early))
  t.true(E.isRight(await purgeDbsDetails(ledger, { volunteerId: ID, checkId: 'c1', on: '2026-08-01' }, actor)))
  t.true(await ledger.trusted.keys.isErased(subjectKey(ID, 'checkId=c1')))
  t.false(await ledger.trusted.keys.isErased(ID), 'the volunteer is not erased by the purge')

  await ledger.execute(
    volunteers,
    { type: 'RecordDbsCheck', ...(dbs() as object), checkId: 'c2', on: '2026-08-02' },
    actor,
  )()
  t.deepEqual(
    await ledger.privacy.erase(ID, 'the volunteer asked', actor)(),
    E.right({ recorded: true, complete: true, waitingFor: [] }),
  )
  t.true(await ledger.trusted.keys.isErased(subjectKey(ID, 'checkId=c2')), 'a part of the volunteer goes with them')
  const after = await ledger.execute(
    volunteers,
    { type: 'Suspend', volunteerId: ID, on: '2026-08-03', reason: 'test' },
    actor,
  )()
  t.true(E.isRight(after), 'the aggregate still loads and takes commands without personal data')
  if (E.isRight(after)) t.true(isErased(after.right.state.dateOfBirth))
})

// --- timesheets and credits ---

const sheet = deciderSpec(timesheets.decider)

/** A volunteer who holds placement p1 from 1 February. */
const placed: VolunteerState = {
  ...initialVolunteer,
  placements: {
    p1: {
      placementId: 'p1',
      roleId: 'school-mentor',
      organisation: 'GB-LAE-CAM',
      area: { code: 'E05010805', type: 'ward', vintage: '2025' } as AreaRef,
      startsOn: '2026-02-01',
    },
  },
}
const log = (entryId: string, date: string, hoursLogged: number, on = '2026-03-01', placementId = 'p1') =>
  decode(LogHoursCommand, {
    type: 'LogHours',
    volunteerId: ID,
    placementId,
    entryId,
    date,
    hours: hoursLogged,
    area: { code: 'E05010805', type: 'ward', vintage: '2025' },
    on,
  })
/** The hours decision on a timesheet's events, for the volunteer who holds p1. */
const decideHours = (events: TimesheetEvent[], command: LogHours, volunteer = placed) =>
  hours.decide(command, { timesheet: fold(timesheets.decider, events), volunteer })
const hoursRefusal = (events: TimesheetEvent[], command: LogHours): string | undefined => {
  const d = decideHours(events, command)
  return E.isLeft(d) ? d.left.code : undefined
}
test('hours are more than 0 and at most 24 a day, not in the future, inside a placement the volunteer holds', (t) => {
  t.is(hoursRefusal([], log('e1', '2026-02-10', 0)), 'invalid-hours')
  t.is(hoursRefusal([], log('e1', '2026-02-10', 24.5)), 'invalid-hours')
  t.is(hoursRefusal([], log('e1', '2026-03-05', 2)), 'future-date')
  t.is(hoursRefusal([], log('e1', '2026-01-20', 2)), 'outside-placement')
  t.is(hoursRefusal([], log('e1', '2026-02-10', 2, '2026-03-01', 'p9')), 'no-placement', 'a placement they do not hold')
  const first = decideHours([], log('e1', '2026-02-10', 20))
  if (E.isLeft(first)) return t.fail(first.left.message)
  const logged = [...(first.right.timesheet ?? [])]
  t.like(logged[0]?.data, { volunteerId: ID, roleId: 'school-mentor', placementId: 'p1', hours: 20 })
  t.is(hoursRefusal(logged, log('e2', '2026-02-10', 5)), 'invalid-hours')
  t.is(hoursRefusal(logged, log('e1', '2026-02-11', 5)), 'entry-exists')
  const ended = { ...placed, placements: { p1: { ...placed.placements['p1']!, endedOn: '2026-02-15' } } }
  const late = decideHours([], log('e3', '2026-02-20', 2), ended)
  t.is(E.isLeft(late) ? late.left.code : undefined, 'outside-placement')
  const verified = [
    ...logged,
    ...(
      timesheets.decider.decide(
        decode(TimesheetCommand, { type: 'VerifyHours', placementId: 'p1', entryId: 'e1', on: '2026-03-01' }),
        fold(timesheets.decider, logged),
      ) as E.Right<never[]>
    ).right,
  ]
  sheet(t)
    .given(verified)
    .when(
      decode(TimesheetCommand, {
        type: 'CorrectHours',
        placementId: 'p1',
        entryId: 'e1',
        hours: 3,
        on: '2026-03-02',
        reason: 'typo',
      }),
    )
    .thenRejects('verified')
  // A correction cannot take a day past 24 hours: 20 on e1 and 4 on e3 leave no room to correct e3 to 10.
  const second = decideHours(logged, log('e3', '2026-02-10', 4))
  if (E.isLeft(second)) return t.fail(second.left.message)
  const correct = (hoursCorrected: number) =>
    decode(TimesheetCommand, {
      type: 'CorrectHours',
      placementId: 'p1',
      entryId: 'e3',
      hours: hoursCorrected,
      on: '2026-03-02',
      reason: 'more hours',
    })
  const day = [...logged, ...(second.right.timesheet ?? [])]
  t.regex(sheet(t).given(day).when(correct(10)).thenRejects('invalid-hours')?.message ?? '', /30 hours in all/)
  sheet(t)
    .given(day)
    .when(correct(3))
    .then([
      HoursCorrected.create(
        decode(HoursCorrected.codec, {
          placementId: 'p1',
          entryId: 'e3',
          hours: 3,
          on: '2026-03-02',
          reason: 'more hours',
        }),
      ),
    ])
  t.truthy(timesheetEvents)
})

test('credits are earned from verified hours in the timesheet, part hours kept, once; spending or adjusting below zero is refused', (t) => {
  const c = (input: Record<string, unknown>) => decode(CreditCommand, { accountId: 'a-1', on: '2026-03-01', ...input })
  const earn = (entryId: string) =>
    decode(EarnCreditsCommand, { type: 'EarnCredits', accountId: 'a-1', placementId: 'p1', entryId, on: '2026-03-05' })
  // A timesheet with e1 (3.5 hours) verified and e2 (2 hours) only logged.
  const first = decideHours([], log('e1', '2026-02-10', 3.5))
  const second = decideHours([], log('e2', '2026-02-11', 2))
  if (E.isLeft(first) || E.isLeft(second)) return t.fail()
  const logged = [...(first.right.timesheet ?? []), ...(second.right.timesheet ?? [])]
  const verify = timesheets.decider.decide(
    decode(TimesheetCommand, { type: 'VerifyHours', placementId: 'p1', entryId: 'e1', on: '2026-03-01' }),
    fold(timesheets.decider, logged),
  )
  if (E.isLeft(verify)) return t.fail()
  const sheetState = fold(timesheets.decider, [...logged, ...verify.right])
  const decideEarn = (events: CreditEvent[], entryId: string) =>
    earnings.decide(earn(entryId), { account: fold(timeCredits.decider, events), timesheet: sheetState })
  const earned = decideEarn([], 'e1')
  if (E.isLeft(earned)) return t.fail(earned.left.message)
  const events = [...(earned.right.account ?? [])]
  t.like(
    events[0]?.data,
    { accountId: 'a-1', entryId: 'p1/e1', credits: 3.5 },
    'three and a half hours earn 3.5 credits',
  )
  t.deepEqual(decideEarn(events, 'e1'), E.right({ account: [] }), 'an entry earns once')
  const notVerified = decideEarn([], 'e2')
  t.is(E.isLeft(notVerified) ? notVerified.left.code : undefined, 'not-verified')
  const unknown = decideEarn([], 'e9')
  t.is(E.isLeft(unknown) ? unknown.left.code : undefined, 'unknown-entry')
  const credits = deciderSpec(timeCredits.decider)
  credits(t)
    .given(events)
    .when(c({ type: 'SpendCredits', credits: 4, at: 'Ramsey leisure centre' }))
    .thenRejects('insufficient-credits')
  credits(t)
    .given(events)
    .when(c({ type: 'AdjustCredits', credits: -4, reason: 'x' }))
    .thenRejects('insufficient-credits')
  credits(t)
    .given(events)
    .when(c({ type: 'GiftCredits', credits: 2, to: { kind: 'pot', id: 'ramsey-community-pot' } }))
    .thenState({ balance: 1.5, earnedFrom: ['p1/e1'] })
  t.truthy(creditEvents)
})

// --- personal data is marked everywhere ---

const PERSONAL_FIELD =
  /^(name|email|phone|dateOfBirth|homeLsoa|address|postcode|refereeName|guardianName|certificateNumber)$/

test('every event field that holds personal data is marked personal, in every codec of the context', (t) => {
  const all: ReadonlyArray<AnyEventDefinition> = [
    ...volunteerEvents.definitions,
    ...roleEvents.definitions,
    ...timesheetEvents.definitions,
    ...creditEvents.definitions,
  ]
  const unmarked: string[] = []
  const walk = (codec: unknown, path: string[], definition: AnyEventDefinition): void => {
    const c = codec as { _tag?: string; props?: Record<string, unknown>; types?: unknown[]; type?: unknown }
    if (c._tag === 'PersonalType') return
    if (c.props !== undefined)
      for (const [key, inner] of Object.entries(c.props)) {
        if (PERSONAL_FIELD.test(key) && personalPaths(inner).length === 0)
          unmarked.push(`${definition.type}: ${[...path, key].join('.')}`)
        walk(inner, [...path, key], definition)
      }
    for (const inner of c.types ?? []) walk(inner, path, definition)
    if (c.type !== undefined) walk(c.type, path, definition)
  }
  for (const definition of all) walk(definition.codec, [], definition)
  t.deepEqual(unmarked, [])
  t.true(all.filter(hasPersonalData).length >= 4, 'the check looked at events that have personal data')
})
