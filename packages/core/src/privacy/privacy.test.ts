/**
 * Personal data in an immutable ledger: encrypted per subject before it is stored, readable while
 * the subject's key exists, `Erased` after — with aggregates still loading, projections removing the
 * subject's rows, new personal data for the subject refused, and erasure requests recorded with
 * their deadlines or their exemptions. On the in-memory store; the SQLite and PostgreSQL byte scans
 * are in their packages.
 */
import test from 'ava'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { loadAggregate } from '../commands/command-handler'
import { allowAll } from '../commands/policy'
import { accept, defineAggregate, reject } from '../events/decider'
import type { RecordedEvent } from '../events/envelope'
import type { EventsOf } from '../events/event'
import { defineEvent, eventCatalog } from '../events/event'
import type { Erased } from '../events/personal'
import { isErased, personal } from '../events/personal'
import { addMonths, IsoDate, NonEmptyString } from '../kernel/codecs'
import { createLedger } from '../ledger/ledger'
import { defineCollection } from '../port/read-model'
import { defineProjection } from '../projections/projection'
import { dataSubjects, erasureRequestDocs, erasureRequests } from './erasure'

const VolunteerApplied = defineEvent({
  type: 'volunteers.VolunteerApplied',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({
      volunteerId: NonEmptyString,
      name: personal(NonEmptyString),
      contact: t.readonly(t.type({ email: personal(t.string), phone: personal(t.string) })),
      dateOfBirth: personal(IsoDate),
      role: t.string,
    }),
  ),
})
const events = eventCatalog(VolunteerApplied)
type Event = EventsOf<[typeof VolunteerApplied]>
type State = { readonly name?: string | Erased; readonly email?: string | Erased }

const Apply = t.type({
  type: t.literal('Apply'),
  volunteerId: NonEmptyString,
  name: NonEmptyString,
  email: t.string,
  phone: t.string,
  dateOfBirth: IsoDate,
})
const volunteers = defineAggregate({
  context: 'volunteers',
  name: 'volunteer',
  commands: Apply,
  events,
  id: (c) => c.volunteerId,
  decider: {
    initialState: {},
    evolve: (_s: State, e: Event): State => ({ name: e.data.name, email: e.data.contact.email }),
    decide: (c: t.TypeOf<typeof Apply>, s: State) =>
      s.name !== undefined && !isErased(s.name)
        ? reject('already-applied', 'already applied')
        : accept<Event>(
            VolunteerApplied.create({
              volunteerId: c.volunteerId,
              name: c.name,
              contact: { email: c.email, phone: c.phone },
              dateOfBirth: c.dateOfBirth,
              role: 'health-walk-leader',
            }),
          ),
  },
})

const roster = defineCollection<{ readonly name: string; readonly role: string }>('roster')
const rosterProjection = defineProjection({
  name: 'roster',
  version: 1,
  events: [VolunteerApplied],
  collections: [roster],
  apply: async (e, ctx) => {
    await ctx.collection(roster).put(e.data.volunteerId, {
      name: isErased(e.data.name) ? '(erased)' : e.data.name,
      role: e.data.role,
    })
  },
  erase: async (subject, ctx) => {
    await ctx.collection(roster).delete(subject)
  },
})

const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' }
const apply = (volunteerId: string, name: string) => ({
  type: 'Apply',
  volunteerId,
  name,
  email: `${name.toLowerCase().replace(/ /g, '.')}@example.org`,
  phone: '01223 000000',
  dateOfBirth: '1990-05-17',
})

const setup = async () => {
  const ledger = await createLedger({ policy: allowAll, projections: [rosterProjection, erasureRequests] })
  await ledger.execute(volunteers, apply('v-1', 'Ada Lovelace'), { actor })()
  await ledger.execute(volunteers, apply('v-2', 'Mary Somerville'), { actor })()
  await ledger.projections.waitUntilCaughtUp()
  return ledger
}

const storedText = async (ledger: Awaited<ReturnType<typeof setup>>): Promise<string> => {
  const parts: string[] = []
  for await (const e of ledger.events.readAll()) parts.push(JSON.stringify(e))
  return parts.join('\n')
}

test('personal fields are stored encrypted, and read back in plain text while the key exists', async (t) => {
  const ledger = await setup()
  const stored = await storedText(ledger)
  for (const plain of ['Ada Lovelace', 'ada.lovelace@example.org', '01223 000000', '1990-05-17'])
    t.false(stored.includes(plain), `${plain} is not stored`)
  t.true(stored.includes('health-walk-leader'), 'fields that are not personal are stored as they are')
  const again = await ledger.execute(volunteers, apply('v-1', 'Ada Lovelace'), { actor })()
  t.true(E.isLeft(again) && again.left._tag === 'Rejected', 'the aggregate loaded the plain name and decided on it')
  t.deepEqual(await ledger.projections.query(rosterProjection, roster).get('v-1'), {
    name: 'Ada Lovelace',
    role: 'health-walk-leader',
  })
  await ledger.close()
})

test('after erasure: the aggregate loads with Erased values, projections drop the subject, others are untouched', async (t) => {
  const ledger = await setup()
  const erasedOnce = await ledger.privacy.erase('v-1', 'the volunteer asked', { actor })()
  t.deepEqual(erasedOnce, E.right({ recorded: true, complete: true, waitingFor: [] }))
  t.is(await ledger.projections.query(rosterProjection, roster).get('v-1'), undefined)
  t.deepEqual(await ledger.projections.query(rosterProjection, roster).get('v-2'), {
    name: 'Mary Somerville',
    role: 'health-walk-leader',
  })
  const loaded = await ledger.execute(volunteers, apply('v-1', 'Ada Lovelace'), { actor })()
  t.true(
    E.isLeft(loaded) && loaded.left._tag === 'Rejected' && loaded.left.code === 'subject-erased',
    'new personal data for an erased subject is refused',
  )
  t.deepEqual(
    await ledger.privacy.erase('v-1', 'asked again', { actor })(),
    E.right({ recorded: false, complete: true, waitingFor: [] }),
  )
  t.deepEqual(await ledger.projections.query(erasureRequests, erasureRequestDocs).get('v-1'), {
    subject: 'v-1',
    status: 'erased',
    requestedOn: null,
    deadline: null,
    exemption: null,
    decidedAt: (await ledger.projections.query(erasureRequests, erasureRequestDocs).get('v-1'))?.decidedAt ?? null,
  })
  await ledger.close()
})

test('the aggregate of an erased subject still loads, its personal fields Erased', async (t) => {
  const ledger = await setup()
  await ledger.privacy.erase('v-1', 'the volunteer asked', { actor })()
  const loaded = await loadAggregate(ledger.events, volunteers, 'volunteers.volunteer-v-1', {
    privacy: ledger.privacy,
  })
  if (E.isLeft(loaded)) return t.fail(String(loaded.left))
  t.deepEqual(loaded.right.state.name, { _tag: 'Erased', subject: 'v-1' })
  t.deepEqual(loaded.right.state.email, { _tag: 'Erased', subject: 'v-1' })
  await ledger.close()
})

test('a ciphertext that was altered or moved is reported as an unreadable event, never decrypted', async (t) => {
  const ledger = await setup()
  const privacy = ledger.privacy
  const read: RecordedEvent[] = []
  for await (const e of ledger.events.readAll({ maxCount: 1 })) read.push(e)
  const first = read[0]
  if (first === undefined) return t.fail()
  const data = first.data as { name: { ct: string } }
  const flipped = Buffer.from(data.name.ct, 'base64')
  flipped[0] = (flipped[0] ?? 0) ^ 1
  const tampered = { ...first, data: { ...data, name: { ...data.name, ct: flipped.toString('base64') } } }
  await t.throwsAsync(privacy.open(tampered as never), { message: /personal value at \$\.name does not decrypt/ })
  const moved = { ...first, data: { ...data, role: data.name } }
  await t.throwsAsync(privacy.open(moved as never), { message: /at \$\.role does not decrypt/ })
  await ledger.close()
})

test('an event with personal fields must name its subject; a projection reading them must say how to erase', (tt) => {
  tt.throws(() => defineEvent({ type: 'volunteers.Noted', codec: t.type({ name: personal(t.string) }) }), {
    message: /personal fields \(name\), so it must name its data subject/,
  })
  tt.throws(
    () =>
      defineEvent({
        type: 'volunteers.Noted',
        subject: 'id',
        codec: t.type({ id: t.string, x: t.union([t.type({ name: personal(t.string) }), t.string]) }),
      }),
    { message: /inside a union/ },
  )
  const careless = defineProjection({
    name: 'careless',
    version: 1,
    events: [VolunteerApplied],
    apply: () => undefined,
  })
  return tt.throwsAsync(createLedger({ projections: [careless] }), {
    message: /reads personal data \(volunteers.VolunteerApplied\), so it must say how to erase/,
  })
})

test('an erasure request has a one-month deadline, and can be refused with a stated exemption', async (t) => {
  const ledger = await setup()
  const requested = await ledger.execute(
    dataSubjects,
    { type: 'RequestErasure', subject: 'v-2', requestedOn: '2026-01-31' },
    { actor },
  )()
  t.true(E.isRight(requested))
  const refused = await ledger.execute(
    dataSubjects,
    { type: 'RefuseErasure', subject: 'v-2', exemption: 'legal-claims', explanation: 'a safeguarding claim is open' },
    { actor },
  )()
  t.true(E.isRight(refused))
  await ledger.projections.waitUntilCaughtUp()
  t.like(await ledger.projections.query(erasureRequests, erasureRequestDocs).get('v-2'), {
    status: 'refused',
    requestedOn: '2026-01-31',
    deadline: '2026-02-28',
    exemption: 'legal-claims',
  })
  const unknownExemption = await ledger.execute(
    dataSubjects,
    { type: 'RefuseErasure', subject: 'v-2', exemption: 'convenience', explanation: 'x' },
    { actor },
  )()
  t.true(E.isLeft(unknownExemption) && unknownExemption.left._tag === 'InvalidCommand')
  t.is(String(addMonths('2024-01-31' as IsoDate, 1)), '2024-02-29')
  t.is(String(addMonths('2026-12-15' as IsoDate, 1)), '2027-01-15')
  await ledger.close()
})

test('keys appear in no stored event, read model or error message', async (t) => {
  const ledger = await setup()
  const key = await ledger.trusted.keys.find('v-1')
  if (key === undefined) return t.fail('v-1 has a key')
  const forms = [key.toString('base64'), key.toString('hex'), key.toString('latin1')]
  const stored = await storedText(ledger)
  const readModel = JSON.stringify(await ledger.projections.query(rosterProjection, roster).find())
  await ledger.privacy.erase('v-1', 'the volunteer asked', { actor })()
  const refused = await ledger.execute(volunteers, apply('v-1', 'Ada Lovelace'), { actor })()
  const message = E.isLeft(refused) ? refused.left.message : ''
  for (const form of forms) {
    t.false(stored.includes(form))
    t.false(readModel.includes(form))
    t.false(message.includes(form))
  }
  t.is(await ledger.trusted.keys.find('v-1'), undefined)
  await ledger.close()
})
