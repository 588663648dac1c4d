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

import type {
  CreditEvent,
  LogHoursCommand as LogHours,
  PlaceCommandInput,
  RoleDefinition,
  RoleState,
  TimesheetEvent,
  VolunteerCommandInput,
  VolunteerEvent,
  VolunteerState,
} from './index'
import {
  CreditCommand,
  creditEvents,
  CreditsEarned,
  EarnCreditsCommand,
  earnings,
  GiftCreditsCommand,
  gifts,
  hours,
  HoursCorrected,
  initialVolunteer,
  LogHoursCommand,
  PlaceCommand,
  placements,
  purgeDbsDetails,
  RoleCommand,
  RoleDefined,
  roleEvents,
  timeCredits,
  TimesheetCommand,
  timesheetEvents,
  timesheets,
  VolunteerCommand,
  volunteerEvents,
  volunteerRoles,
  volunteers,
} from './index'

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
    ...(level === 'enhanced-barred' ? { barredLists: 'children' } : {}),
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
const roleDefinition: RoleDefinition = decode(RoleDefined.codec, {
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
/** The events the volunteer decider records for `input` after `events`; throws on a refusal. */
const decideAll = (events: VolunteerEvent[], input: VolunteerCommandInput): VolunteerEvent[] => {
  const d = volunteers.decider.decide(cmd(input), fold(volunteers.decider, events))
  if (E.isLeft(d)) throw new Error(`${input.type}: ${d.left.message}`)
  return [...d.right]
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
  t.regex(error?.message ?? '', /needs an enhanced DBS check with the barred list \(enhanced-barred\), not basic/)
  t.regex(error?.message ?? '', /minimumAge/)
  t.regex(error?.message ?? '', /validForMonths/)
  // In England regulated activity needs the barred list for its group: a standard or a plain
  // enhanced check is not enough, for children, adults or both.
  for (const group of ['children', 'adults', 'both'])
    for (const level of ['standard', 'enhanced']) {
      const refused = deciderSpec(volunteerRoles.decider)(t)
        .given([])
        .when(define({ regulatedActivity: group, dbsLevel: level }))
        .thenRejects('invalid-role')
      t.regex(
        refused?.message ?? '',
        new RegExp(`regulated activity with ${group} needs .*enhanced-barred.*not ${level}`),
      )
    }
})

test('a role may require a course with no fixed validity, or one with a named accreditation', (t) => {
  const command = decode(RoleCommand, {
    type: 'DefineRole',
    roleId: 'breastfeeding-peer-supporter',
    title: 'Breastfeeding peer supporter',
    organisation: 'GB-LAE-CAM',
    regulatedActivity: 'none',
    dbsLevel: 'basic',
    minimumAge: 18,
    training: [{ course: 'peer-support', accreditation: 'Open College Network level 2' }, { course: 'induction' }],
    supervision: 'monthly',
  })
  const decided = volunteerRoles.decider.decide(command, { status: 'none' })
  t.deepEqual(E.isRight(decided) ? decided.right.map((e) => e.data) : decided.left, [
    {
      roleId: 'breastfeeding-peer-supporter',
      title: 'Breastfeeding peer supporter',
      organisation: 'GB-LAE-CAM',
      regulatedActivity: 'none',
      dbsLevel: 'basic',
      minimumAge: 18,
      training: [{ course: 'peer-support', accreditation: 'Open College Network level 2' }, { course: 'induction' }],
      supervision: 'monthly',
    },
  ])
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

test('regulated activity needs the barred list of its group: an adults list does not cover children', (t) => {
  const withLists = (barredLists: string) =>
    history(
      apply(),
      reference,
      approve,
      dbs('enhanced-barred', '2026-01-15', { barredLists }),
      training('safeguarding-children'),
    )
  t.regex(placeRefusal(withLists('adults')), /enhanced-barred level with the children barred list/)
  t.is(decidePlace(withLists('children'))._tag, 'Right')
  t.is(decidePlace(withLists('both'))._tag, 'Right')
  const both = { ...roleDefinition, regulatedActivity: 'both' as const }
  const forBoth = (barredLists: string) => decidePlace(withLists(barredLists), place(), { status: 'open', role: both })
  t.is(forBoth('children')._tag, 'Left', 'work with both groups needs both lists')
  t.is(forBoth('both')._tag, 'Right')
  // An enhanced-barred check names its lists; a lower check names none.
  spec(t)
    .given(history(apply()))
    .when(cmd(dbs('enhanced-barred', '2026-01-15', { barredLists: undefined })))
    .thenRejects('barred-lists-needed')
  spec(t)
    .given(history(apply()))
    .when(cmd(dbs('enhanced', '2026-01-15', { barredLists: 'adults' })))
    .thenRejects('invalid-check')
})

test('a check that is not clear awaits a risk assessment, which decides it; placements wait for the decision', (t) => {
  spec(t)
    .given(history(apply()))
    .when(cmd(dbs('enhanced-barred', '2026-01-15', { clear: false })))
    .thenRejects('risk-assessment-needed')
  spec(t)
    .given(history(apply()))
    .when(cmd(dbs('enhanced-barred', '2026-01-15', { decision: 'awaiting-assessment' })))
    .thenRejects('invalid-check')
  const awaiting = history(
    apply(),
    reference,
    approve,
    dbs('enhanced-barred', '2026-01-15', { clear: false, decision: 'awaiting-assessment' }),
    training('safeguarding-children'),
  )
  t.regex(placeRefusal(awaiting), /no accepted DBS check/)
  const assess = (outcome: 'accepted' | 'declined', checkId = 'c1'): VolunteerCommandInput => ({
    type: 'RecordRiskAssessment',
    volunteerId: ID,
    on: '2026-01-28',
    checkId,
    assessor: 'safeguarding-officer-2',
    summary: 'a caution from 2004 for an offence unrelated to the role; references strong',
    outcome,
  })
  const assessed = [...awaiting, ...decideAll(awaiting, assess('accepted'))]
  t.is(decidePlace(assessed)._tag, 'Right', 'accepted by the risk assessment, the check counts')
  const declined = [...awaiting, ...decideAll(awaiting, assess('declined'))]
  t.regex(placeRefusal(declined), /no accepted DBS check/)
  spec(t)
    .given(assessed)
    .when(cmd(assess('accepted')))
    .thenRejects('not-awaiting-assessment')
  spec(t)
    .given(awaiting)
    .when(cmd(assess('accepted', 'c9')))
    .thenRejects('unknown-check')
  // The details are kept six months after the decision the assessment made.
  const purge = (on: string) => cmd({ type: 'PurgeDbsDetails', volunteerId: ID, on, checkId: 'c1' })
  spec(t).given(awaiting).when(purge('2027-01-01')).thenRejects('too-early')
  t.regex(
    spec(t).given(assessed).when(purge('2026-07-27')).thenRejects('too-early')?.message ?? '',
    /kept until 2026-07-28/,
  )
})

test('training may have no expiry and may name an accreditation, which a role can require', (t) => {
  const complete = (input: Record<string, unknown>): VolunteerCommandInput =>
    ({
      type: 'CompleteTraining',
      volunteerId: ID,
      on: '2026-01-20',
      completedOn: '2026-01-20',
      ...input,
    }) as VolunteerCommandInput
  const role = {
    ...roleDefinition,
    regulatedActivity: 'none' as const,
    dbsLevel: 'none' as const,
    training: [
      { course: 'peer-support' as never, accreditation: 'Open College Network level 2' as never },
      { course: 'induction' as never, validForMonths: 12 },
    ],
  }
  const placeIn = (events: VolunteerEvent[], startsOn: string) =>
    decidePlace(events, place(startsOn), { status: 'open', role })
  const base = [apply(), reference, approve]
  const unaccredited = history(...base, complete({ course: 'peer-support' }), complete({ course: 'induction' }))
  const refused = placeIn(unaccredited, '2026-02-01')
  t.regex(E.isLeft(refused) ? refused.left.message : '', /peer-support \(Open College Network level 2\)/)
  const accredited = history(
    ...base,
    complete({ course: 'peer-support', accreditation: 'Open College Network level 2' }),
    complete({ course: 'induction' }),
  )
  t.is(placeIn(accredited, '2026-02-01')._tag, 'Right', 'courses without an expiry stay current')
  const lapsed = placeIn(accredited, '2027-01-20')
  t.regex(
    E.isLeft(lapsed) ? lapsed.left.message : '',
    /training not current on 2027-01-20: induction$/,
    'the role counts a completion for 12 months',
  )
  spec(t)
    .given(history(apply()))
    .when(cmd(complete({ course: 'induction', expiresOn: '2026-01-20' })))
    .thenRejects('invalid-expiry')
})

test('DBS details are kept six months after the decision, then purged', (t) => {
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
        decode(TimesheetCommand, { type: 'VerifyHours', volunteerId: ID, entryId: 'e1', on: '2026-03-01' }),
        fold(timesheets.decider, logged),
      ) as E.Right<never[]>
    ).right,
  ]
  sheet(t)
    .given(verified)
    .when(
      decode(TimesheetCommand, {
        type: 'CorrectHours',
        volunteerId: ID,
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
      volunteerId: ID,
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
          volunteerId: ID,
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
  const c = (input: Record<string, unknown>) => decode(CreditCommand, { volunteerId: ID, on: '2026-03-01', ...input })
  const earn = (entryId: string) =>
    decode(EarnCreditsCommand, { type: 'EarnCredits', volunteerId: ID, entryId, on: '2026-03-05' })
  // A timesheet with e1 (3.5 hours) verified and e2 (2 hours) only logged.
  const first = decideHours([], log('e1', '2026-02-10', 3.5))
  const second = decideHours([], log('e2', '2026-02-11', 2))
  if (E.isLeft(first) || E.isLeft(second)) return t.fail()
  const logged = [...(first.right.timesheet ?? []), ...(second.right.timesheet ?? [])]
  const verify = timesheets.decider.decide(
    decode(TimesheetCommand, { type: 'VerifyHours', volunteerId: ID, entryId: 'e1', on: '2026-03-01' }),
    fold(timesheets.decider, logged),
  )
  if (E.isLeft(verify)) return t.fail()
  const sheetState = fold(timesheets.decider, [...logged, ...verify.right])
  const decideEarn = (events: CreditEvent[], entryId: string) =>
    earnings.decide(earn(entryId), { account: fold(timeCredits.decider, events), timesheet: sheetState })
  const earned = decideEarn([], 'e1')
  if (E.isLeft(earned)) return t.fail(earned.left.message)
  const events = [...(earned.right.account ?? [])]
  t.like(events[0]?.data, { volunteerId: ID, entryId: 'e1', credits: 3.5 }, 'three and a half hours earn 3.5 credits')
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
    .when(c({ type: 'DonateCredits', credits: 2, potId: 'ramsey-community-pot' }))
    .thenState({ balance: 1.5, earnedFrom: { e1: true } })
  t.truthy(creditEvents)
})

test('a gift to a person credits that person, in the same decision; a gift to an unknown person or to oneself is refused', (t) => {
  const account = fold(timeCredits.decider, [
    CreditsEarned.create(decode(CreditsEarned.codec, { volunteerId: ID, entryId: 'e1', credits: 5, on: '2026-03-01' })),
  ])
  const recipient = history(apply())
  const gift = (input: Record<string, unknown>) =>
    decode(GiftCreditsCommand, {
      type: 'GiftCredits',
      volunteerId: ID,
      to: 'v-2',
      credits: 2,
      on: '2026-03-02',
      ...input,
    })
  const states = (recipientEvents: VolunteerEvent[]) => ({
    giver: account,
    recipient: fold(timeCredits.decider, []),
    recipientRecord: fold(volunteers.decider, recipientEvents),
  })
  const given = gifts.decide(gift({}), states(recipient))
  if (E.isLeft(given)) return t.fail(given.left.message)
  t.deepEqual(
    given.right.giver?.map((e) => [e.type, e.data]),
    [
      [
        'volunteers.CreditsGifted',
        { volunteerId: ID, credits: 2, on: '2026-03-02', to: { kind: 'person', id: 'v-2' } },
      ],
    ],
  )
  t.deepEqual(
    given.right.recipient?.map((e) => [e.type, e.data]),
    [['volunteers.CreditsReceived', { volunteerId: 'v-2', credits: 2, on: '2026-03-02', from: ID }]],
  )
  t.is(fold(timeCredits.decider, [...(given.right.recipient ?? [])]).balance, 2, 'the recipient has the credits')
  const refused = (input: Record<string, unknown>, recipientEvents: VolunteerEvent[] = recipient) => {
    const d = gifts.decide(gift(input), states(recipientEvents))
    return E.isLeft(d) ? d.left.code : undefined
  }
  t.is(refused({}, []), 'unknown-recipient')
  t.is(refused({ to: ID }), 'gift-to-self')
  t.is(refused({ credits: 6 }), 'insufficient-credits')
  t.is(refused({ credits: 1.5 }), 'invalid-credits')
})

// --- personal data is marked everywhere ---

const PERSONAL_FIELD =
  /^(name|email|phone|dateOfBirth|homeLsoa|address|postcode|refereeName|guardianName|certificateNumber|summary)$/

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

test('ids named like members of Object.prototype are ids like any other, never inherited state', (t) => {
  for (const id of ['constructor', 'valueOf', 'toString', 'hasOwnProperty']) {
    spec(t)
      .given(ready())
      .when(cmd({ type: 'EndPlacement', volunteerId: ID, on: '2026-03-01', placementId: id, reason: 'x' }))
      .thenRejects('no-active-placement')
    t.is(decidePlace(ready(), { ...place(), placementId: id })._tag, 'Right', `Place ${id}`)
    const noPlacement = decideHours([], log('e1', '2026-02-10', 2, '2026-03-01', id))
    t.is(E.isLeft(noPlacement) ? noPlacement.left.code : undefined, 'no-placement', `LogHours ${id}`)
    const logged = decideHours([], log(id, '2026-02-10', 2))
    t.true(E.isRight(logged), `an entry may be called ${id}`)
    sheet(t)
      .given([])
      .when(
        decode(TimesheetCommand, {
          type: 'CorrectHours',
          volunteerId: ID,
          entryId: id,
          hours: 3,
          on: '2026-03-02',
          reason: 'x',
        }),
      )
      .thenRejects('unknown-entry')
    const earned = earnings.decide(
      decode(EarnCreditsCommand, { type: 'EarnCredits', volunteerId: ID, entryId: id, on: '2026-03-05' }),
      {
        account: fold(timeCredits.decider, []),
        timesheet: fold(timesheets.decider, []),
      },
    )
    t.is(E.isLeft(earned) ? earned.left.code : undefined, 'unknown-entry', `EarnCredits ${id}`)
  }
})
