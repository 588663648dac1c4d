/**
 * Registering projection plug-ins: what is refused at registration and why, plug-in modules loaded
 * by path, projections registered on a container, typed decoding with upcasters, and events that do
 * not decode. The behaviour of running projections on every store is the projection contract in
 * `@civic-ledger/testing`.
 */
import 'reflect-metadata'

import test from 'ava'
import * as t from 'io-ts'
import { container as rootContainer } from 'tsyringe'

import { allowAll } from '../commands/policy'
import { defineEvent, upcaster } from '../events/event'
import { personal } from '../events/personal'
import { InvalidArgumentError } from '../kernel/errors'
import { createLedger } from '../ledger/ledger'
import { definePlugin, loadPlugin, registerProjection } from '../ledger/plugin'
import { hoursByVolunteer, HoursLogged, plugin } from '../ledger/plugin.test-fixture'
import { createMemoryKeyStore } from '../memory/keys'
import { createMemoryEventStore } from '../memory/memory-store'
import { defineCollection } from '../port/read-model'
import { createPrivacy } from '../privacy/privacy'
import { createMemoryReadModelStorage } from '../store-kit/memory-read-models'
import type { ProjectedEvent } from './projection'
import type { AnyProjection } from './projection'
import { defineProjection } from './projection'
import { createProjectionRunner } from './projection-runner'
import { ProjectionError } from './runner/types'

const metadata = {
  actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' },
  correlationId: 'c-1',
  causationId: 'c-1',
  occurredAt: '2026-04-01T09:00:00.000Z',
}
let nextId = 0
const eventId = (): string => `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`

const logged = (volunteerId: string, hours: number, schemaVersion = 1, data?: object) => ({
  eventId: eventId(),
  type: HoursLogged.type,
  schemaVersion,
  data: (data ?? { volunteerId, hours }) as never,
  metadata: metadata as never,
})

const plain = (name: string, handles: ReadonlyArray<string> = [HoursLogged.type]): AnyProjection => ({
  name,
  version: 1,
  handles,
  apply: () => undefined,
})

const quiet = { warn: () => undefined }

// --- refused at registration ---

test('two projections with the same name are refused, naming it', (t) => {
  const store = createMemoryEventStore()
  const error = t.throws(() => createProjectionRunner({ store, projections: [plain('hours'), plain('hours')] }), {
    instanceOf: InvalidArgumentError,
  })
  t.regex(error?.message ?? '', /hours is registered twice/)
})

test('malformed names, versions and handlers are refused, naming the field', (t) => {
  const store = createMemoryEventStore()
  const refused = (candidate: unknown, pattern: RegExp): void => {
    const error = t.throws(() => createProjectionRunner({ store, projections: [candidate as AnyProjection] }), {
      instanceOf: InvalidArgumentError,
    })
    t.regex(error?.message ?? '', pattern)
  }
  refused({ ...plain('x'), name: 'Hours_By_Ward' }, /name.*kebab-case/)
  refused({ ...plain('x'), name: 'a'.repeat(31) }, /longer than 30/)
  refused({ ...plain('ok'), version: 0 }, /version: must be a whole number from 1/)
  refused({ ...plain('ok'), version: 1.5 }, /version/)
  refused({ ...plain('ok'), handles: [] }, /handles: must list at least one/)
  refused({ ...plain('ok'), handles: ['HoursLogged'] }, /"HoursLogged" is not <context>/)
  refused({ ...plain('ok'), apply: 'nope' }, /apply: must be a function/)
  refused({ ...plain('ok'), mode: 'sometimes' }, /mode: must be async or inline/)
  refused({ ...plain('ok'), onFailure: { kind: 'ignore' } }, /onFailure.kind: must be halt, retry or dead-letter/)
  refused({ ...plain('ok'), onFailure: { kind: 'retry', maxAttempts: 0 } }, /maxAttempts/)
  refused({ ...plain('ok'), collections: [{ name: 'Bad Name', indexes: [] }] }, /collections\[0\]/)
  refused(
    { ...plain('ok'), collections: [hoursByVolunteer, hoursByVolunteer] },
    /collection hours-by-volunteer is declared twice/,
  )
})

test('a handler for an event type the ledger does not know is refused at registration', async (t) => {
  const error = await t.throwsAsync(
    createLedger({ events: [HoursLogged], projections: [plain('hours', ['volunteers.HoursLoged'])] }),
    { instanceOf: InvalidArgumentError },
  )
  t.regex(error?.message ?? '', /volunteers\.HoursLoged is not an event type this ledger knows/)
  const catalogMismatch = { ...plugin.projections[0], handles: ['volunteers.VolunteerApproved'] }
  t.throws(() => createProjectionRunner({ store: createMemoryEventStore(), projections: [catalogMismatch as never] }), {
    message: /volunteers.VolunteerApproved" is not in the projection's event catalog/,
  })
})

test('defineCollection refuses bad names and index fields', (t) => {
  t.throws(() => defineCollection('Hours'), { instanceOf: InvalidArgumentError, message: /kebab-case/ })
  t.throws(() => defineCollection<{ a: number }, 'a'>('hours', { indexes: ['a', 'a'] }), { message: /twice/ })
  t.throws(() => defineCollection<Record<string, number>, string>('hours', { indexes: ['a.b'] }), {
    message: /"a.b" is not a top-level field/,
  })
})

test('an inline projection whose read models are not in the store’s own database is refused at start', async (t) => {
  const runner = createProjectionRunner({
    store: createMemoryEventStore(),
    storage: createMemoryReadModelStorage(),
    projections: [{ ...plain('hours'), mode: 'inline' }],
  })
  const error = await t.throwsAsync(runner.start(), { instanceOf: ProjectionError })
  t.is(error?.problem, 'inline-unavailable')
})

// --- plug-ins and containers ---

test('a plug-in module is loaded by path and its projection runs in the ledger', async (t) => {
  const loaded = await loadPlugin('../ledger/plugin.test-fixture.js', __dirname)
  t.is(loaded.name, 'volunteer-hours')
  const ledger = await createLedger({ plugins: [loaded], logger: quiet })
  await ledger.trusted.store.appendToStream('volunteers.timesheet-1', [logged('v-1', 3), logged('v-1', 2)], {
    expectedRevision: 'noStream',
  })
  await ledger.projections.waitUntilCaughtUp()
  t.deepEqual(await ledger.projections.query('volunteer-hours', hoursByVolunteer).get('v-1'), { hours: 5 })
  await ledger.close()
})

test('a module that exports no plug-in, or cannot be found, is refused naming it', async (t) => {
  await t.throwsAsync(loadPlugin('../commands/policy.js', __dirname), { message: /does not export a `plugin`/ })
  await t.throwsAsync(loadPlugin('./no-such-plugin.js', __dirname), { message: /no-such-plugin.js: cannot be found/ })
  await t.throwsAsync(createLedger({ plugins: [42 as never] }), { message: /plugins\[0\]/ })
  t.throws(() => definePlugin({ name: 'empty', projections: [] }), { message: /at least one projection/ })
})

test('projections registered on a container run in a ledger built on it, and a second one of a name is refused', async (t) => {
  const parent = rootContainer.createChildContainer()
  registerProjection(parent, plugin.projections[0] as AnyProjection)
  t.throws(() => registerProjection(parent, plugin.projections[0] as AnyProjection), {
    message: /volunteer-hours is already registered/,
  })
  const ledger = await createLedger({ container: parent, policy: allowAll, logger: quiet })
  t.deepEqual(ledger.projections.names, ['volunteer-hours', 'privacy-erasures'])
  await t.throwsAsync(createLedger({ container: parent, projections: [plugin.projections[0] as AnyProjection] }), {
    message: /volunteer-hours is registered twice/,
  })
  await ledger.close()
})

// --- decoding ---

const HoursLoggedV2 = defineEvent({
  type: 'volunteers.HoursLogged',
  version: 2,
  codec: t.type({ volunteerId: t.string, minutes: t.number }),
  upcasters: [
    upcaster(1, t.type({ volunteerId: t.string, hours: t.number }), (v1) => ({
      volunteerId: v1.volunteerId,
      minutes: v1.hours * 60,
    })),
  ],
})
const minutes = defineCollection<{ readonly minutes: number }>('minutes')

test('defineProjection decodes and upcasts stored events before apply', async (t) => {
  const store = createMemoryEventStore()
  await store.appendToStream(
    'volunteers.timesheet-1',
    [logged('v-1', 2), { ...logged('v-1', 0, 2, { volunteerId: 'v-1', minutes: 30 }) }],
    { expectedRevision: 'noStream' },
  )
  const projection = defineProjection({
    name: 'minutes',
    version: 1,
    events: [HoursLoggedV2],
    collections: [minutes],
    apply: async (event, ctx) => {
      const docs = ctx.collection(minutes)
      await docs.put(event.data.volunteerId, {
        minutes: ((await docs.get(event.data.volunteerId))?.minutes ?? 0) + event.data.minutes,
      })
    },
  })
  const runner = createProjectionRunner({ store, projections: [projection], logger: quiet })
  await runner.start()
  await runner.waitUntilCaughtUp()
  t.deepEqual(await runner.query(projection, minutes).get('v-1'), { minutes: 150 })
  await runner.stop()
})

/** Counts the values codecs below check, to see how often events are decoded. */
const checked = { hours: 0, names: 0 }
const countedHours = t.refinement(t.number, (n) => {
  checked.hours++
  return n >= 0
})
const CountedLogged = defineEvent({
  type: 'volunteers.HoursLogged',
  codec: t.type({ volunteerId: t.string, hours: countedHours }),
})
// An exact codec strips unknown fields, so its decode builds new data rather than checking it.
const Placed = defineEvent({ type: 'volunteers.PlacedInRole', codec: t.exact(t.type({ volunteerId: t.string })) })
const Registered = defineEvent({
  type: 'volunteers.VolunteerRegistered',
  codec: t.type({
    volunteerId: t.string,
    name: personal(
      t.refinement(t.string, (n) => {
        checked.names++
        return n.length > 0
      }),
    ),
  }),
  subject: 'volunteerId',
})

test.serial(
  'projections reading events by the same definition decode each event once and share it, frozen',
  async (t) => {
    checked.hours = 0
    const Logged = CountedLogged
    const seen = new Map<string, ProjectedEvent[]>()
    const recorder = (name: string) =>
      defineProjection({
        name,
        version: 1,
        events: [Logged, Placed],
        apply: (event) => {
          seen.set(name, [...(seen.get(name) ?? []), event])
        },
      })
    const store = createMemoryEventStore()
    await store.appendToStream(
      'volunteers.timesheet-1',
      [
        logged('v-1', 2),
        logged('v-1', 3),
        { ...logged('v-1', 0), type: Placed.type, data: { volunteerId: 'v-1', note: 'stripped' } },
        logged('v-1', 4),
      ],
      { expectedRevision: 'noStream' },
    )
    const runner = createProjectionRunner({
      store,
      projections: [recorder('first'), recorder('second')],
      logger: quiet,
    })
    await runner.start()
    await runner.waitUntilCaughtUp()
    await runner.stop()
    t.is(checked.hours, 3, 'each HoursLogged checked once, not once per projection')
    const [first, second] = [seen.get('first') ?? [], seen.get('second') ?? []]
    t.is(first.length, 4)
    first.forEach((event, i) => t.true(event === second[i], `event ${i} is the same object for both`))
    const placed = first[2]
    t.deepEqual(placed?.data, { volunteerId: 'v-1' })
    t.true(Object.isFrozen(placed) && Object.isFrozen(placed?.data), 'decoded data that was built is frozen')
    t.throws(() => {
      ;(placed?.data as { volunteerId: string }).volunteerId = 'v-2'
    })
  },
)

test.serial('events with personal fields are opened and decoded by each projection itself', async (t) => {
  checked.names = 0
  const privacy = createPrivacy(createMemoryKeyStore())
  const names = new Map<string, unknown[]>()
  const reader = (projection: string) =>
    defineProjection({
      name: projection,
      version: 1,
      events: [Registered],
      apply: (event) => {
        names.set(projection, [...(names.get(projection) ?? []), event.data.name])
      },
      erase: () => undefined,
    })
  const store = createMemoryEventStore()
  const data = await privacy.seal(Registered, { volunteerId: 'v-1', name: 'Ada Lovelace' })
  await store.appendToStream(
    'volunteers.volunteer-1',
    [{ eventId: eventId(), type: Registered.type, schemaVersion: 1, data, metadata: metadata }],
    { expectedRevision: 'noStream' },
  )
  const runner = createProjectionRunner({
    store,
    projections: [reader('one'), reader('two')],
    logger: quiet,
    privacy,
  })
  await runner.start()
  await runner.waitUntilCaughtUp()
  await runner.stop()
  t.deepEqual([names.get('one'), names.get('two')], [['Ada Lovelace'], ['Ada Lovelace']])
  t.is(checked.names, 2, 'one decode per projection')
})

test('an event that does not decode follows the failure policy: halt names its position and the problem', async (t) => {
  const store = createMemoryEventStore()
  await store.appendToStream('volunteers.timesheet-1', [logged('v-1', 1), logged('v-1', 0, 1, { volunteerId: 7 })], {
    expectedRevision: 'noStream',
  })
  const runner = createProjectionRunner({ store, projections: [plugin.projections[0] as AnyProjection], logger: quiet })
  await runner.start()
  const error = await t.throwsAsync(runner.waitUntilCaughtUp(), { instanceOf: ProjectionError })
  t.is(error?.failure?.position, 2)
  t.regex(error?.failure?.message ?? '', /does not decode.*volunteerId/)
  t.is(runner.status('volunteer-hours').position, 1)
  await runner.stop()
})

test('documents that are not JSON, and collections a projection did not declare, are refused', async (t) => {
  const store = createMemoryEventStore()
  await store.appendToStream('volunteers.timesheet-1', [logged('v-1', 1)], { expectedRevision: 'noStream' })
  const problems: string[] = []
  const undeclared = defineCollection<{ n: number }>('undeclared')
  const projection: AnyProjection = {
    name: 'careless',
    version: 1,
    handles: [HoursLogged.type],
    collections: [hoursByVolunteer],
    apply: async (_event, ctx) => {
      for (const attempt of [
        () => ctx.collection(hoursByVolunteer).put('v-1', { hours: Number.NaN }),
        () => ctx.collection(hoursByVolunteer).put('v-1', { hours: 1, when: new Date() } as never),
        () => ctx.collection(hoursByVolunteer).put('', { hours: 1 }),
        () => ctx.collection(hoursByVolunteer).put('v-\ud800', { hours: 1 }),
        () => ctx.collection(hoursByVolunteer).delete('\udc00v-1'),
        async () => ctx.collection(undeclared).put('x', { n: 1 }),
      ])
        await attempt().catch((e: unknown) => problems.push(e instanceof InvalidArgumentError ? e.argument : 'other'))
    },
  }
  const runner = createProjectionRunner({ store, projections: [projection], logger: quiet })
  await runner.start()
  await runner.waitUntilCaughtUp()
  t.deepEqual(problems, [
    'hours-by-volunteer.v-1',
    'hours-by-volunteer.v-1',
    'hours-by-volunteer.id',
    'hours-by-volunteer.id',
    'hours-by-volunteer.id',
    'collection',
  ])
  t.deepEqual(await runner.query(projection, hoursByVolunteer).find(), [])
  await runner.stop()
})
