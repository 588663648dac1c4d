/**
 * The composition root: what `createLedger` builds by default, how a connection string picks a
 * store, what the container resolves, and which stores `close` closes.
 */
import test from 'ava'
import * as E from 'fp-ts/Either'
import * as io from 'io-ts'

import { allowAll, denyAll } from '../commands/policy'
import type { Decider } from '../events/decider'
import { accept, defineAggregate } from '../events/decider'
import type { RecordedEvent } from '../events/envelope'
import type { EventOf } from '../events/event'
import { defineEvent, eventCatalog } from '../events/event'
import { fixedClock, sequentialIds, systemClock } from '../kernel/clock'
import { InvalidArgumentError, StoreUnavailableError } from '../kernel/errors'
import { createMemoryEventStore } from '../memory/memory-store'
import type { EventStore } from '../port/event-store'
import type { Projection } from '../projections/projection'
import { createLedger } from './ledger'
import type { StoreProvider } from './store-registry'
import { registerStoreProvider } from './store-registry'
import { Tokens } from './tokens'

// --- fixtures ---

const RecordVolunteerHours = io.type({
  type: io.literal('RecordVolunteerHours'),
  volunteerId: io.string,
  hours: io.number,
})
type RecordVolunteerHours = io.TypeOf<typeof RecordVolunteerHours>
const HoursRecorded = defineEvent({
  type: 'volunteers.HoursRecorded',
  codec: io.type({ volunteerId: io.string, hours: io.number }),
})

const hoursDecider: Decider<RecordVolunteerHours, EventOf<typeof HoursRecorded>, number> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.hours,
  decide: (command) => accept(HoursRecorded.create({ volunteerId: command.volunteerId, hours: command.hours })),
}

const volunteers = defineAggregate({
  context: 'volunteers',
  name: 'volunteer',
  commands: RecordVolunteerHours,
  events: eventCatalog(HoursRecorded),
  decider: hoursDecider,
  id: (command) => command.volunteerId,
})

const record = { type: 'RecordVolunteerHours', volunteerId: 'v-42', hours: 3 }
const actor = { id: 'user-3', organisation: 'ely-timebank', role: 'coordinator' }
const NOW = '2026-04-01T09:30:00.000Z'

const projection = (name: string): Projection => ({
  name,
  version: 1,
  handles: ['volunteers.HoursRecorded'],
  apply: () => undefined,
})

/** A provider of memory stores that remembers what it was asked to open and what was closed. */
const spyProvider = (schemes: ReadonlyArray<string>) => {
  const opened: string[] = []
  const stores: EventStore[] = []
  let closed = 0
  const provider: StoreProvider = {
    schemes,
    open: async (connection, { clock }) => {
      opened.push(connection)
      const inner = createMemoryEventStore({ clock })
      const store: EventStore = {
        ...inner,
        close: async () => {
          closed++
          await inner.close()
        },
      }
      stores.push(store)
      return store
    },
  }
  return { provider, opened, stores, closed: () => closed }
}

// --- defaults ---

test('createLedger() opens memory: and denies every command', async (t) => {
  const spy = spyProvider(['memory'])
  const ledger = await createLedger({ storeProviders: [spy.provider] })
  t.deepEqual(spy.opened, ['memory:'])
  t.is(spy.stores[0], ledger.trusted.store)
  t.is(ledger.policy, denyAll)
  t.is(ledger.clock, systemClock)

  const result = await ledger.execute(volunteers, record, { actor })()
  t.true(E.isLeft(result) && result.left._tag === 'Forbidden')
  t.is(await ledger.events.headPosition(), 0)
  await ledger.close()
})

test('createLedger() with no options gives a working empty memory store', async (t) => {
  const ledger = await createLedger()
  t.is(await ledger.events.headPosition(), 0)
  t.deepEqual(ledger.projections.names, ['privacy-erasures'])
  await ledger.close()
})

// --- choosing a store ---

test('an unknown scheme rejects with InvalidArgumentError listing the known schemes', async (t) => {
  const error = await t.throwsAsync(createLedger({ store: 'nope:x' }), { instanceOf: InvalidArgumentError })
  t.is(error?.argument, 'store')
  t.regex(error?.message ?? '', /the scheme nope:/)
  t.regex(error?.message ?? '', /known schemes: .*\bmemory\b/)
})

test('a connection string without a scheme, or an empty one, is refused', async (t) => {
  await t.throwsAsync(createLedger({ store: './ledger.db' }), { instanceOf: InvalidArgumentError })
  await t.throwsAsync(createLedger({ store: '' }), {
    instanceOf: InvalidArgumentError,
    message: /a connection string is required/,
  })
})

test('schemes are matched whatever their case', async (t) => {
  const ledger = await createLedger({ store: 'MEMORY:' })
  t.is(await ledger.events.headPosition(), 0)
  await ledger.close()
})

test('registerStoreProvider makes a scheme available to every ledger', async (t) => {
  const spy = spyProvider(['civic-test-global', 'civic-test-global-alias'])
  registerStoreProvider(spy.provider)
  const clock = fixedClock(NOW)
  const ledger = await createLedger({ store: 'civic-test-global://host/db', clock })
  const alias = await createLedger({ store: 'civic-test-global-alias:x' })
  t.deepEqual(spy.opened, ['civic-test-global://host/db', 'civic-test-global-alias:x'])
  t.is(spy.stores[0], ledger.trusted.store)

  // The provider was given the ledger's clock: the store stamps recordedAt with it.
  const recorded = await ledger.trusted.store.appendToStream(
    'volunteers.volunteer-v-1',
    [
      {
        eventId: '3a4b5c6d-7e8f-4a1b-8c2d-3e4f5a6b7c8d',
        type: 'volunteers.HoursRecorded',
        schemaVersion: 1,
        data: { volunteerId: 'v-1', hours: 1 },
        metadata: { actor, correlationId: 'c', causationId: 'c', occurredAt: NOW },
      },
    ],
    { expectedRevision: 'noStream' },
  )
  t.is(recorded.lastPosition, 1)
  for await (const event of ledger.events.readAll()) t.is(event.recordedAt, NOW)

  const error = await t.throwsAsync(createLedger({ store: 'nope:' }), { instanceOf: InvalidArgumentError })
  t.regex(error?.message ?? '', /civic-test-global/)
  await ledger.close()
  await alias.close()
})

test('storeProviders add schemes for one ledger only, ahead of the global ones', async (t) => {
  const local = spyProvider(['civic-test-local'])
  const ledger = await createLedger({ store: 'civic-test-local:one', storeProviders: [local.provider] })
  t.deepEqual(local.opened, ['civic-test-local:one'])
  await t.throwsAsync(createLedger({ store: 'civic-test-local:two' }), { instanceOf: InvalidArgumentError })

  const globalSpy = spyProvider(['civic-test-shadowed'])
  const localSpy = spyProvider(['civic-test-shadowed'])
  registerStoreProvider(globalSpy.provider)
  const shadowed = await createLedger({ store: 'civic-test-shadowed:', storeProviders: [localSpy.provider] })
  t.deepEqual(localSpy.opened, ['civic-test-shadowed:'])
  t.deepEqual(globalSpy.opened, [])
  await ledger.close()
  await shadowed.close()
})

// --- the container ---

test('the container resolves the ledger’s store, policy, clock and id source', async (t) => {
  const store = createMemoryEventStore()
  const clock = fixedClock(NOW)
  const ids = sequentialIds()
  const ledger = await createLedger({ store, policy: allowAll, clock, ids })
  t.is(ledger.trusted.store, store)
  t.is(ledger.resolve(Tokens.EventStore), store)
  t.is(ledger.resolve(Tokens.Policy), allowAll)
  t.is(ledger.resolve(Tokens.Clock), clock)
  t.is(ledger.resolve(Tokens.IdGenerator), ids)
  await ledger.close()
})

test('two ledgers do not share registrations', async (t) => {
  const a = await createLedger({ policy: allowAll, projections: [projection('volunteer-hours')] })
  const b = await createLedger()
  t.not(a.resolve(Tokens.EventStore), b.resolve(Tokens.EventStore))
  t.is(b.resolve(Tokens.Policy), denyAll)
  t.deepEqual(a.projections.names, ['volunteer-hours', 'privacy-erasures'])
  t.deepEqual(b.projections.names, ['privacy-erasures'])
  await a.close()
  await b.close()
})

test('registered projections are listed in order and resolvable from the container', async (t) => {
  const hours = projection('volunteer-hours')
  const credits = projection('time-credits')
  const ledger = await createLedger({ projections: [hours, credits] })
  t.deepEqual(ledger.projections.names, ['volunteer-hours', 'time-credits', 'privacy-erasures'])
  t.deepEqual(ledger.container.resolveAll<Projection>(Tokens.Projection), [hours, credits])
  await ledger.close()
})

test('a projection name registered twice is refused', async (t) => {
  const error = await t.throwsAsync(
    createLedger({
      projections: [projection('volunteer-hours'), projection('time-credits'), projection('volunteer-hours')],
    }),
    { message: /volunteer-hours is registered twice/ },
  )
  t.true(error instanceof Error)
})

test('a ledger that cannot be built leaves no store open', async (t) => {
  const spy = spyProvider(['civic-test-leak'])
  await t.throwsAsync(
    createLedger({
      store: 'civic-test-leak:',
      storeProviders: [spy.provider],
      projections: [projection('volunteer-hours'), projection('volunteer-hours')],
    }),
    { message: /registered twice/ },
  )
  t.is(spy.closed(), spy.opened.length, 'every store it opened was closed again')
})

test('projectionRunner sets the page size and the kept documents of the ledger’s runner', async (t) => {
  const store = createMemoryEventStore()
  const asked: Array<number | undefined> = []
  const watched: EventStore = {
    ...store,
    readAll: (options) => {
      asked.push(options?.batchSize)
      return store.readAll(options)
    },
  }
  const events = Array.from({ length: 20 }, (_, i) => ({
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'volunteers.HoursRecorded',
    schemaVersion: 1,
    data: { volunteerId: 'v-42', hours: 1 },
    metadata: { actor, occurredAt: NOW, correlationId: 'c-1', causationId: 'c-1' },
  }))
  await store.appendToStream('volunteers.volunteer-v-42', events, { expectedRevision: 'noStream' })
  const applied: number[] = []
  const counting: Projection = { ...projection('volunteer-hours'), apply: (e) => void applied.push(e.position) }
  const ledger = await createLedger({
    store: watched,
    projections: [counting],
    projectionRunner: { batchSize: 7, cachedDocuments: 0 },
  })
  await ledger.projections.waitUntilCaughtUp({ timeoutMs: 10_000 })
  t.deepEqual(
    applied,
    events.map((_, i) => i + 1),
  )
  t.true(asked.length > 0)
  t.true(
    asked.every((size) => size === 7),
    `asked for pages of ${asked.join(', ')}`,
  )
  await ledger.close()
})

test('projectionRunner options the runner cannot take refuse the ledger, naming them', async (t) => {
  for (const [options, argument] of [
    [{ batchSize: 0 }, 'batchSize'],
    [{ cachedDocuments: -1 }, 'cachedDocuments'],
  ] as const) {
    const spy = spyProvider(['civic-test-runner'])
    const error = await t.throwsAsync(
      createLedger({ store: 'civic-test-runner:', storeProviders: [spy.provider], projectionRunner: options }),
      { instanceOf: InvalidArgumentError },
    )
    t.is((error as InvalidArgumentError | undefined)?.argument, argument)
    t.is(spy.closed(), spy.opened.length, 'the store it opened was closed again')
  }
})

// --- commands ---

test('execute sends a command end to end through the ledger’s policy, clock and store', async (t) => {
  const clock = fixedClock(NOW)
  const ledger = await createLedger({ policy: allowAll, clock, ids: sequentialIds() })
  const result = await ledger.execute(volunteers, record, { actor })()
  if (E.isLeft(result)) return t.fail(result.left.message)
  t.is(result.right.state, 3)
  t.is(result.right.streamId, 'volunteers.volunteer-v-42')

  const again = await ledger.handler(volunteers)({ ...record, hours: 2 }, { actor })()
  t.true(E.isRight(again) && again.right.state === 5 && again.right.revision === 1)

  const stored: RecordedEvent[] = []
  for await (const event of ledger.events.readStream('volunteers.volunteer-v-42')) stored.push(event)
  t.deepEqual(
    stored.map((e) => [e.data, e.metadata.occurredAt, e.recordedAt]),
    [
      [{ volunteerId: 'v-42', hours: 3 }, NOW, NOW],
      [{ volunteerId: 'v-42', hours: 2 }, NOW, NOW],
    ],
  )
  const invalid = await ledger.execute(volunteers, { ...record, hours: 'three' }, { actor })()
  t.true(E.isLeft(invalid) && invalid.left._tag === 'InvalidCommand')
  await ledger.close()
})

test('maxAttempts is passed to the command handler', async (t) => {
  const ledger = await createLedger({ policy: allowAll, maxAttempts: 1 })
  const results = await Promise.all(Array.from({ length: 5 }, () => ledger.execute(volunteers, record, { actor })()))
  t.true(results.some((r) => E.isLeft(r) && r.left._tag === 'Conflict'))
  await ledger.close()
})

// --- closing ---

test('close() closes a store the ledger opened', async (t) => {
  const spy = spyProvider(['civic-test-close'])
  const ledger = await createLedger({ store: 'civic-test-close:', storeProviders: [spy.provider] })
  await ledger.close()
  t.is(spy.closed(), 1)

  const memory = await createLedger()
  await memory.close()
  await t.throwsAsync(memory.events.headPosition(), { instanceOf: StoreUnavailableError })
})

test('close() leaves open a store that was passed in', async (t) => {
  const store = createMemoryEventStore()
  const ledger = await createLedger({ store, policy: allowAll })
  await ledger.close()
  t.is(await store.headPosition(), 0)
  const again = await createLedger({ store, policy: allowAll })
  t.true(E.isRight(await again.execute(volunteers, record, { actor })()))
  t.is(await store.headPosition(), 1)
  await store.close()
})
