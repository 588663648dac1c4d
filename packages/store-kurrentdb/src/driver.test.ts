/**
 * The driver's logic on the recorded client (`recorded-client.test-fixture.ts`) — NOT a KurrentDB
 * server. The shared contract suite and the model-based property run here to check the driver's
 * mapping of the port onto the client's calls; they prove nothing about a real server, which
 * `kurrentdb-store.int.test.ts` runs them against when `CIVIC_LEDGER_KURRENTDB_URL` is set.
 */
import { fixedClock, StoreUnavailableError, verifyLedger, WrongExpectedRevisionError } from '@civic-ledger/core'
import { collect, eventStoreContract, testEvent, testEvents } from '@civic-ledger/testing'
import test from 'ava'
import { firstValueFrom, take, toArray } from 'rxjs'

import { KurrentDBAccessDeniedError, MultiStreamAppendNotSupportedError } from './errors'
import { openKurrentDBEventStore } from './kurrentdb-store'
import { recorded, RecordedClient } from './recorded-client.test-fixture'

const open = (client = new RecordedClient(), ledger = 'test') =>
  openKurrentDBEventStore({ client, ledger, reconnectDelayMs: 5 })

eventStoreContract(
  'kurrentdb driver on the recorded client (not a server)',
  async () => {
    const client = new RecordedClient()
    const store = open(client)
    return { store, reopen: async () => (await store.close(), open(client)) }
  },
  { modelRuns: 25 },
)

test('an append writes the positions event, the stream, then one id reservation per event, in one multi-stream append', async (t) => {
  const client = new RecordedClient()
  const store = open(client)
  const a = testEvent()
  const b = testEvent()
  await store.appendToStream('test.stream-s', [a, b], { expectedRevision: 'noStream' })
  t.deepEqual(
    client.log.map((e) => [e.event.streamId, e.event.revision]),
    [
      ['test.positions', 0n],
      ['test/test.stream-s', 0n],
      ['test/test.stream-s', 1n],
      [`test.id-${a.eventId}`, 0n],
      [`test.id-${b.eventId}`, 0n],
    ],
  )
  t.is(client.calls.filter((c) => c === 'multiStreamAppend').length, 1)
  await store.close()
  t.true(client.disposed)
})

test('the expected revision is checked by the driver, and the server is asked for exactly the revision read', async (t) => {
  const client = new RecordedClient()
  const store = open(client)
  await store.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'any' })
  const error = await t.throwsAsync(
    store.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'noStream' }),
  )
  t.true(error instanceof WrongExpectedRevisionError)
  t.is((error as WrongExpectedRevisionError).actual, 0)
  await store.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'streamExists' })
  t.is(client.streams.get('test/test.stream-s')?.length, 2)
})

test('another writer moving the ledger between the read and the append: the driver reads again, positions stay gap-free', async (t) => {
  const client = new RecordedClient()
  const mine = open(client)
  const theirs = open(client)
  let once = true
  client.beforeAppend = async () => {
    if (!once) return
    once = false
    client.beforeAppend = undefined
    await theirs.appendToStream('test.stream-theirs', [testEvent()], { expectedRevision: 'noStream' })
  }
  const result = await mine.appendToStream('test.stream-mine', [testEvent()], { expectedRevision: 'noStream' })
  t.is(result.firstPosition, 2)
  t.deepEqual(
    (await collect(() => mine.readAll())).map((e) => [e.position, e.streamId]),
    [
      [1, 'test.stream-theirs'],
      [2, 'test.stream-mine'],
    ],
  )
})

test('a numeric expectation overtaken by another writer is the port conflict, with the actual revision', async (t) => {
  const client = new RecordedClient()
  const mine = open(client)
  const theirs = open(client)
  await mine.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'noStream' })
  client.beforeAppend = async () => {
    client.beforeAppend = undefined
    await theirs.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 0 })
  }
  const error = await t.throwsAsync(mine.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 0 }))
  t.true(error instanceof WrongExpectedRevisionError)
  t.is((error as WrongExpectedRevisionError).actual, 1)
})

test('server errors become the port errors: not leader, unavailable and deadline are StoreUnavailable', async (t) => {
  for (const make of [recorded.notLeader, recorded.unavailable, recorded.deadline]) {
    const client = new RecordedClient()
    const store = open(client)
    client.failNext('multiStreamAppend', make)
    const error = await t.throwsAsync(store.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'any' }))
    t.true(error instanceof StoreUnavailableError, String(error))
    t.false(error instanceof KurrentDBAccessDeniedError)
  }
})

test('access denied is a clear KurrentDBAccessDeniedError, on appends and on reads', async (t) => {
  const client = new RecordedClient()
  const store = open(client)
  client.failNext('multiStreamAppend', recorded.accessDenied)
  const append = await t.throwsAsync(store.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'any' }))
  t.true(append instanceof KurrentDBAccessDeniedError)
  t.regex(append?.message ?? '', /access denied/)
  client.failNext('readAll', recorded.accessDenied)
  const read = await t.throwsAsync(collect(() => store.readAll()))
  t.true(read instanceof KurrentDBAccessDeniedError)
})

test('a server without multi-stream appends: a typed MultiStreamAppendNotSupportedError, nothing written', async (t) => {
  const client = new RecordedClient()
  const store = open(client)
  client.failNext('multiStreamAppend', recorded.unsupported)
  const error = await t.throwsAsync(
    store.appendMulti([{ streamId: 'test.stream-a', events: [testEvent()], expectedRevision: 'any' }]),
  )
  t.true(error instanceof MultiStreamAppendNotSupportedError)
  t.is((error as MultiStreamAppendNotSupportedError).minimumVersion, '25.1')
  t.is(client.log.length, 0)
})

test('an event id already stored in another stream is refused, through its id reservation', async (t) => {
  const client = new RecordedClient()
  const store = open(client)
  const event = testEvent()
  await store.appendToStream('test.stream-a', [event], { expectedRevision: 'any' })
  await t.throwsAsync(store.appendToStream('test.stream-b', [event], { expectedRevision: 'any' }), {
    name: 'EventIdConflictError',
  })
  t.is(client.streams.get('test/test.stream-b'), undefined)
})

test('a live subscription that drops is resubscribed from its checkpoint; events are neither skipped nor repeated', async (t) => {
  const client = new RecordedClient()
  const store = open(client)
  const writer = open(client)
  const received = firstValueFrom(store.subscribe().pipe(take(4), toArray()))
  await writer.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'any' })
  await new Promise((resolve) => setTimeout(resolve, 20))
  client.dropSubscriptions()
  await writer.appendToStream('test.stream-s', testEvents(2), { expectedRevision: 'any' })
  await new Promise((resolve) => setTimeout(resolve, 20))
  await writer.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'any' })
  t.deepEqual(
    (await received).map((e) => e.position),
    [1, 2, 3, 4],
  )
  const live = client.subscriptions.filter((s) => s.options?.filter !== undefined)
  t.true(live.length >= 2, 'resubscribed after the drop')
  t.is(live[0]?.options?.fromPosition, 'end', 'the first live subscription starts at the end of $all')
  t.deepEqual(
    live[1]?.options?.fromPosition,
    client.log.find((e) => e.event.streamId === 'test.positions')?.event.position,
    'the resubscription starts from the last $all position seen before the drop',
  )
  t.deepEqual(
    live.map((s) => s.options?.filter),
    live.map(() => ({
      filterOn: 'streamName',
      prefixes: ['test.positions'],
      checkpointInterval: 1,
      checkpointReached: undefined,
    })),
    'filtered on the server to the positions stream',
  )
  await store.close()
  await writer.close()
})

test('seals and verify work on the hash chain the driver computes', async (t) => {
  const client = new RecordedClient()
  const store = openKurrentDBEventStore({ client, ledger: 'test', clock: fixedClock('2026-01-01T00:00:00.000Z') })
  await store.appendToStream('test.stream-a', testEvents(3), { expectedRevision: 'noStream' })
  await store.appendMulti([
    { streamId: 'test.stream-a', events: [testEvent()], expectedRevision: 2 },
    { streamId: 'test.stream-b', events: testEvents(2), expectedRevision: 'noStream' },
  ])
  const report = await verifyLedger(store)
  t.true(report.ok, JSON.stringify(report))
  t.is(report.events, 6)
})

test('reads from the middle of the ledger start near it in $all, through the position index', async (t) => {
  const client = new RecordedClient()
  const store = open(client)
  for (let i = 0; i < 5; i++) await store.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'any' })
  t.is((await collect(() => store.readAll({ fromPosition: 3 }))).length, 3)
  t.is((await collect(() => store.readAll({ fromPosition: 4, toPosition: 4 }))).length, 1)
  t.deepEqual(
    (await collect(() => store.readAll({ direction: 'backwards', fromPosition: 4, maxCount: 2 }))).map(
      (e) => e.position,
    ),
    [4, 3],
  )
})

test('two ledgers on one server do not see each other', async (t) => {
  const client = new RecordedClient()
  const one = open(client, 'one')
  const two = open(client, 'two')
  await one.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'noStream' })
  await two.appendToStream('test.stream-s', [testEvent()], { expectedRevision: 'noStream' })
  t.is((await collect(() => one.readAll())).length, 1)
  t.is((await collect(() => two.readAll({ filter: { types: [testEvent().type] } }))).length, 1)
  t.is(await two.headPosition(), 1)
})

test('a process new to a long ledger finds a position by searching the positions stream, not by reading $all from the start', async (t) => {
  const client = new RecordedClient()
  const writer = open(client)
  for (let i = 0; i < 1100; i++)
    await writer.appendToStream('test.stream-s', [testEvent()], { expectedRevision: i === 0 ? 'noStream' : i - 1 })
  const fresh = open(client)
  let delivered = 0
  const readAll = client.readAll.bind(client)
  client.readAll = (options) => {
    const events = readAll(options)
    return (async function* () {
      for await (const event of events) {
        delivered++
        yield event
      }
    })()
  }
  const read = await collect(() => fresh.readAll({ fromPosition: 1090, toPosition: 1095 }))
  t.deepEqual(
    read.map((e) => e.position),
    [1090, 1091, 1092, 1093, 1094, 1095],
  )
  t.true(delivered < 20, `the server gave ${delivered} events to find six`)
})
