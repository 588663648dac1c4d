/**
 * The EventStore contract (DESIGN §4): one suite of cases that every store runs. Each case opens a
 * fresh store from the factory, exercises one guarantee, and throws an `AssertionError` if the store
 * breaks it. `eventStoreContract` registers the cases as ava tests; `runEventStoreContract` runs them
 * programmatically (the suite's own tests use it to show that a broken store fails).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'

import type { EventStore, NewEvent, RecordedEvent, StoredEvent } from '@civic-ledger/core'
import {
  canonicalJson,
  chainHash,
  EventIdConflictError,
  GENESIS_HASH,
  InvalidArgumentError,
  LimitExceededError,
  ProjectionFailedError,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import { firstValueFrom, take, tap, timeout, toArray } from 'rxjs'

import { collect, testEvent, testEvents, testMetadata } from './fixtures'

// --- model ---

/** A store under test, and how to reopen its storage to prove durability. */
export interface ContractSubject {
  readonly store: EventStore
  /** Closes the store and opens the same storage again (persistent stores only). */
  readonly reopen?: () => Promise<EventStore>
  /** Releases whatever the factory made (files, schemas); called after each case. */
  readonly dispose?: () => Promise<void>
}

/** Makes a fresh, empty store for one case. */
export type EventStoreFactory = () => Promise<EventStore | ContractSubject>

/** The guarantees of DESIGN §4 the cases are grouped by. */
export type Guarantee =
  | 'appending'
  | 'optimistic concurrency'
  | 'idempotent retries'
  | 'atomic batches'
  | 'global order'
  | 'reading'
  | 'subscriptions'
  | 'bad arguments'
  | 'durability'
  | 'snapshots'
  | 'hash chain'

/** One case of the EventStore contract: the guarantee it proves, its title, and the check. */
export interface ContractCase {
  readonly guarantee: Guarantee
  readonly title: string
  /** Runs the case on a fresh store; rejects when the store breaks the guarantee. */
  readonly run: (subject: ContractSubject) => Promise<void>
}

/** How one case went when the contract was run programmatically (`runEventStoreContract`). */
export interface ContractResult {
  readonly guarantee: Guarantee
  readonly title: string
  readonly passed: boolean
  readonly error?: unknown
}

// --- helpers ---

const S = (id: string): string => `test.stream-${id}`

const readStream = (store: EventStore, streamId: string, options?: Parameters<EventStore['readStream']>[1]) =>
  collect(() => store.readStream(streamId, options))
const readAll = (store: EventStore, options?: Parameters<EventStore['readAll']>[0]) =>
  collect(() => store.readAll(options))

const show = (value: unknown): string =>
  value === undefined ? 'success' : value instanceof Error ? `${value.name}: ${value.message}` : JSON.stringify(value)

const rejectsWith = async (
  action: () => Promise<unknown>,
  kind: new (...args: never[]) => Error,
  mentions?: RegExp,
  what = 'the call',
): Promise<void> => {
  let thrown: unknown
  try {
    await action()
  } catch (error) {
    thrown = error
  }
  assert.ok(thrown !== undefined, `${what}: expected a ${kind.name}, but the call succeeded`)
  assert.ok(thrown instanceof kind, `${what}: expected a ${kind.name}, got ${show(thrown)}`)
  if (mentions !== undefined) assert.match(thrown.message, mentions, what)
}

const assertUntouched = async (store: EventStore, before: number): Promise<void> => {
  assert.equal(await store.headPosition(), before, 'the head position moved: something was written')
  assert.equal((await readAll(store)).length, before, 'events were written')
}

const ids = (events: ReadonlyArray<{ readonly eventId: string }>): ReadonlyArray<string> => events.map((e) => e.eventId)

const assertGapFree = (events: ReadonlyArray<RecordedEvent>): void => {
  events.forEach((e, i) =>
    assert.equal(e.position, i + 1, `position ${i + 1} is missing or out of order (found ${e.position})`),
  )
  const revisions = new Map<string, number>()
  for (const e of events) {
    const expected = revisions.get(e.streamId) ?? 0
    assert.equal(e.revision, expected, `${e.streamId}: revision ${expected} expected, found ${e.revision}`)
    revisions.set(e.streamId, expected + 1)
  }
  assert.equal(new Set(ids(events)).size, events.length, 'an event id appears twice')
}

// --- cases ---

const cases: ContractCase[] = []
const check = (guarantee: Guarantee, title: string, run: (subject: ContractSubject) => Promise<void>): void => {
  cases.push({ guarantee, title, run })
}

check('appending', 'appends to a new stream with revisions from 0 and consecutive positions', async ({ store }) => {
  const events = testEvents(3)
  const result = await store.appendToStream(S('a'), events, { expectedRevision: 'noStream' })
  assert.deepEqual(result, {
    streamId: S('a'),
    firstRevision: 0,
    lastRevision: 2,
    firstPosition: 1,
    lastPosition: 3,
    alreadyStored: false,
  })
  const read = await readStream(store, S('a'))
  assert.deepEqual(ids(read), ids(events))
  assert.deepEqual(
    read.map((e) => [e.revision, e.position]),
    [
      [0, 1],
      [1, 2],
      [2, 3],
    ],
  )
  assert.equal(await store.headPosition(), 3)
})

check(
  'appending',
  'keeps type, schema version, data and metadata exactly, and stamps recordedAt',
  async ({ store }) => {
    const event: NewEvent = {
      eventId: randomUUID(),
      type: 'grants.GrantAwarded',
      schemaVersion: 2,
      data: {
        amount: { amount: 1_500_000, currency: 'GBP' },
        areas: ['E01017994', 'E01018001'],
        note: 'Ünïcödé ✓ "quoted"',
        nested: { a: [1, null, true] },
      },
      metadata: testMetadata({ source: 'paper-form', extra: { reason: 'panel' } }),
    }
    const before = Date.now()
    await store.appendToStream(S('b'), [event], { expectedRevision: 'any' })
    const [read] = await readStream(store, S('b'))
    assert.ok(read !== undefined)
    assert.equal(read.type, event.type)
    assert.equal(read.schemaVersion, 2)
    assert.deepEqual(read.data, event.data)
    assert.deepEqual(read.metadata, event.metadata)
    assert.match(read.recordedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)
    assert.ok(Date.parse(read.recordedAt) >= before - 5_000, 'recordedAt is not the time of the append')
  },
)

check('appending', 'a caller mutating what it appended or read cannot change history', async ({ store }) => {
  const data = { list: [1, 2], name: 'Hunts Forum' }
  await store.appendToStream(S('c'), [testEvent(data)], { expectedRevision: 'noStream' })
  data.list.push(3)
  data.name = 'changed'
  const [first] = await readStream(store, S('c'))
  try {
    ;(first?.data as { name: string }).name = 'mutated by a reader'
  } catch {
    // frozen: fine
  }
  const [again] = await readStream(store, S('c'))
  assert.deepEqual(again?.data, { list: [1, 2], name: 'Hunts Forum' })
})

check('optimistic concurrency', 'noStream fails on a stream that has events, and writes nothing', async ({ store }) => {
  await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'noStream' })
  await rejectsWith(
    () => store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'noStream' }),
    WrongExpectedRevisionError,
  )
  await assertUntouched(store, 1)
})

check('optimistic concurrency', 'an exact revision succeeds when current and fails when stale', async ({ store }) => {
  await store.appendToStream(S('a'), testEvents(2), { expectedRevision: 'noStream' })
  const ok = await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 1 })
  assert.equal(ok.lastRevision, 2)
  let error: unknown
  try {
    await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 1 })
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof WrongExpectedRevisionError, `expected a WrongExpectedRevisionError, got ${show(error)}`)
  assert.equal(error.actual, 2, 'the error reports the actual revision')
  await rejectsWith(
    () => store.appendToStream(S('b'), testEvents(1), { expectedRevision: 0 }),
    WrongExpectedRevisionError,
  )
  await assertUntouched(store, 3)
})

check('optimistic concurrency', "streamExists needs an event, 'any' never checks", async ({ store }) => {
  await rejectsWith(
    () => store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'streamExists' }),
    WrongExpectedRevisionError,
  )
  await assertUntouched(store, 0)
  await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'any' })
  await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'streamExists' })
  await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'any' })
  assert.deepEqual(
    (await readStream(store, S('a'))).map((e) => e.revision),
    [0, 1, 2],
  )
})

check(
  'optimistic concurrency',
  'of 16 concurrent writers with the same expectation exactly one wins',
  async ({ store }) => {
    await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'noStream' })
    for (const expectation of [0, 'noStream'] as const) {
      const stream = expectation === 'noStream' ? S('fresh') : S('a')
      const batches = Array.from({ length: 16 }, () => testEvents(2))
      const outcomes = await Promise.allSettled(
        batches.map((events) => store.appendToStream(stream, events, { expectedRevision: expectation })),
      )
      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []))
      assert.equal(winners.length, 1, `${winners.length} writers won with expectation ${String(expectation)}`)
      for (const o of outcomes)
        if (o.status === 'rejected')
          assert.ok(
            o.reason instanceof WrongExpectedRevisionError,
            `a loser got ${show(o.reason)}, not a WrongExpectedRevisionError`,
          )
      const winner = batches[winners[0] ?? -1] ?? []
      const read = await readStream(store, stream)
      assert.deepEqual(
        ids(read).slice(expectation === 'noStream' ? 0 : 1),
        ids(winner),
        "the stream holds only the winner's events",
      )
    }
    assert.equal(await store.headPosition(), 5)
  },
)

check(
  'idempotent retries',
  'a retry with the same event ids returns the original positions and writes nothing',
  async ({ store }) => {
    const events = testEvents(3)
    await store.appendToStream(S('other'), testEvents(2), { expectedRevision: 'noStream' })
    const first = await store.appendToStream(S('a'), events, { expectedRevision: 'noStream' })
    await store.appendToStream(S('other'), testEvents(1), { expectedRevision: 'any' })
    const again = await store.appendToStream(S('a'), events, { expectedRevision: 'noStream' })
    assert.deepEqual({ ...again, alreadyStored: false }, first, 'the retry got different positions')
    assert.equal(again.alreadyStored, true)
    const anyAgain = await store.appendToStream(S('a'), events, { expectedRevision: 'any' })
    assert.deepEqual({ ...anyAgain, alreadyStored: false }, first)
    await assertUntouched(store, 6)
    assert.equal((await readStream(store, S('a'))).length, 3)
  },
)

check('idempotent retries', 'concurrent retries of one append store it once', async ({ store }) => {
  const events = testEvents(2)
  const results = await Promise.all(
    Array.from({ length: 8 }, () => store.appendToStream(S('a'), events, { expectedRevision: 'noStream' })),
  )
  assert.equal(results.filter((r) => !r.alreadyStored).length, 1, 'exactly one attempt wrote')
  assert.equal(new Set(results.map((r) => r.firstPosition)).size, 1)
  await assertUntouched(store, 2)
})

check(
  'idempotent retries',
  'ids already used elsewhere, or only part of a batch, are refused and nothing is written',
  async ({ store }) => {
    const events = testEvents(2)
    await store.appendToStream(S('a'), events, { expectedRevision: 'noStream' })
    const [e0, e1] = events
    assert.ok(e0 !== undefined && e1 !== undefined)
    await rejectsWith(() => store.appendToStream(S('b'), [e0], { expectedRevision: 'any' }), EventIdConflictError)
    await rejectsWith(
      () => store.appendToStream(S('a'), [e0, testEvent()], { expectedRevision: 'any' }),
      EventIdConflictError,
    )
    await rejectsWith(
      () => store.appendToStream(S('a'), [testEvent(), e1], { expectedRevision: 'any' }),
      EventIdConflictError,
    )
    await rejectsWith(() => store.appendToStream(S('a'), [e1, e0], { expectedRevision: 'any' }), EventIdConflictError)
    await assertUntouched(store, 2)
  },
)

check(
  'idempotent retries',
  'a multi-stream batch retried with the same ids returns the original results',
  async ({ store }) => {
    const appends = [
      { streamId: S('fund'), events: testEvents(1), expectedRevision: 'noStream' as const },
      { streamId: S('grant'), events: testEvents(2), expectedRevision: 'noStream' as const },
    ]
    const first = await store.appendMulti(appends)
    const again = await store.appendMulti(appends)
    assert.deepEqual(
      again.map((r) => ({ ...r, alreadyStored: false })),
      first,
    )
    assert.ok(again.every((r) => r.alreadyStored))
    await assertUntouched(store, 3)
  },
)

check(
  'idempotent retries',
  'a multi-stream batch that is partly a retry and partly new is refused whole',
  async ({ store }) => {
    const fund = testEvents(1)
    await store.appendToStream(S('fund'), fund, { expectedRevision: 'noStream' })
    await rejectsWith(
      () =>
        store.appendMulti([
          { streamId: S('fund'), events: fund, expectedRevision: 'noStream' },
          { streamId: S('grant'), events: testEvents(1), expectedRevision: 'noStream' },
        ]),
      EventIdConflictError,
    )
    await assertUntouched(store, 1)
  },
)

check('atomic batches', 'a batch with one bad event writes none of it', async ({ store }) => {
  await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'noStream' })
  const bad = { ...testEvent(), data: { when: new Date() } } as unknown as NewEvent
  await rejectsWith(
    () => store.appendToStream(S('a'), [testEvent(), testEvent(), bad], { expectedRevision: 0 }),
    InvalidArgumentError,
  )
  await assertUntouched(store, 1)
})

check('atomic batches', 'appendMulti writes every stream or none', async ({ store }) => {
  await store.appendToStream(S('fund'), testEvents(1), { expectedRevision: 'noStream' })
  await rejectsWith(
    () =>
      store.appendMulti([
        { streamId: S('fund'), events: testEvents(1), expectedRevision: 0 },
        { streamId: S('grant'), events: testEvents(2), expectedRevision: 'streamExists' },
      ]),
    WrongExpectedRevisionError,
  )
  await assertUntouched(store, 1)
  const results = await store.appendMulti([
    { streamId: S('fund'), events: testEvents(1), expectedRevision: 0 },
    { streamId: S('grant'), events: testEvents(2), expectedRevision: 'noStream' },
  ])
  assert.deepEqual(
    results.map((r) => [r.streamId, r.firstRevision, r.lastRevision, r.firstPosition, r.lastPosition]),
    [
      [S('fund'), 1, 1, 2, 2],
      [S('grant'), 0, 1, 3, 4],
    ],
  )
  assertGapFree(await readAll(store))
})

check(
  'atomic batches',
  'concurrent multi-stream batches on a shared stream: one wins, no partial batch is visible',
  async ({ store }) => {
    await store.appendToStream(S('fund'), testEvents(1), { expectedRevision: 'noStream' })
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        store.appendMulti([
          { streamId: S(`grant${i}`), events: testEvents(1), expectedRevision: 'noStream' },
          { streamId: S('fund'), events: testEvents(1), expectedRevision: 0 },
        ]),
      ),
    )
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1)
    const all = await readAll(store)
    assert.equal(all.length, 3, 'only the winning batch is stored')
    assert.equal(all.filter((e) => e.streamId.startsWith(S('grant'))).length, 1)
  },
)

check(
  'global order',
  'positions are gap-free and follow commit order under concurrent appends to many streams',
  async ({ store }) => {
    const acknowledged: Array<{ readonly id: string; readonly position: number }> = []
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const events = testEvents(1 + (i % 3))
        const r = await store.appendToStream(S(`s${i % 7}`), events, { expectedRevision: 'any' })
        events.forEach((e, k) => acknowledged.push({ id: e.eventId, position: r.firstPosition + k }))
      }),
    )
    const all = await readAll(store)
    assertGapFree(all)
    assert.equal(all.length, acknowledged.length)
    const byId = new Map(all.map((e) => [e.eventId, e.position]))
    for (const a of acknowledged)
      assert.equal(byId.get(a.id), a.position, 'an acknowledged position differs from the stored one')
    assert.equal(await store.headPosition(), all.length)
  },
)

check(
  'reading',
  'reads a stream forwards, backwards, in ranges, up to a count and as of a position',
  async ({ store }) => {
    const events = testEvents(6)
    for (const [i, e] of events.entries()) {
      await store.appendToStream(S('a'), [e], { expectedRevision: i === 0 ? 'noStream' : i - 1 })
      await store.appendToStream(S('noise'), testEvents(1), { expectedRevision: 'any' })
    }
    const revs = async (o?: Parameters<EventStore['readStream']>[1]): Promise<ReadonlyArray<number>> =>
      (await readStream(store, S('a'), o)).map((e) => e.revision)
    assert.deepEqual(await revs(), [0, 1, 2, 3, 4, 5])
    assert.deepEqual(await revs({ direction: 'backwards' }), [5, 4, 3, 2, 1, 0])
    assert.deepEqual(await revs({ fromRevision: 2, toRevision: 4 }), [2, 3, 4])
    assert.deepEqual(await revs({ direction: 'backwards', fromRevision: 4, toRevision: 1 }), [4, 3, 2, 1])
    assert.deepEqual(await revs({ fromRevision: 3, maxCount: 2 }), [3, 4])
    assert.deepEqual(await revs({ direction: 'backwards', maxCount: 1 }), [5])
    assert.deepEqual(await revs({ fromRevision: 9 }), [])
    // Event at revision r has position 2r + 1: as of position 6 the stream held revisions 0..2.
    assert.deepEqual(await revs({ until: 6 }), [0, 1, 2])
    assert.deepEqual(await revs({ until: 6, direction: 'backwards' }), [2, 1, 0])
    assert.deepEqual(await readStream(store, S('never-written')), [])
  },
)

check(
  'reading',
  'reads the whole ledger in ranges, backwards and filtered, whatever the batch size',
  async ({ store }) => {
    await store.appendToStream('grants.fund-1', [testEvent({}, 'grants.FundOpened')], { expectedRevision: 'noStream' })
    await store.appendToStream('grants.application-1', [testEvent({}, 'grants.ApplicationSubmitted')], {
      expectedRevision: 'noStream',
    })
    await store.appendToStream('volunteers.volunteer-1', [testEvent({}, 'volunteers.VolunteerApplied')], {
      expectedRevision: 'noStream',
    })
    await store.appendToStream('grants.application-2', [testEvent({}, 'grants.ApplicationSubmitted')], {
      expectedRevision: 'noStream',
    })
    await store.appendToStream('grants.fund-1', [testEvent({}, 'grants.FundClosed')], { expectedRevision: 0 })
    const positions = async (o?: Parameters<EventStore['readAll']>[0]): Promise<ReadonlyArray<number>> =>
      (await readAll(store, o)).map((e) => e.position)
    for (const batchSize of [1, 2, 1000]) {
      assert.deepEqual(await positions({ batchSize }), [1, 2, 3, 4, 5])
      assert.deepEqual(await positions({ batchSize, fromPosition: 2, toPosition: 4 }), [2, 3, 4])
      assert.deepEqual(await positions({ batchSize, direction: 'backwards' }), [5, 4, 3, 2, 1])
      assert.deepEqual(
        await positions({ batchSize, direction: 'backwards', fromPosition: 4, toPosition: 2 }),
        [4, 3, 2],
      )
      assert.deepEqual(await positions({ batchSize, maxCount: 2, fromPosition: 3 }), [3, 4])
      assert.deepEqual(await positions({ batchSize, filter: { types: ['grants.ApplicationSubmitted'] } }), [2, 4])
      assert.deepEqual(
        await positions({ batchSize, filter: { streamPrefixes: ['grants.fund-', 'volunteers.'] } }),
        [1, 3, 5],
      )
      assert.deepEqual(
        await positions({
          batchSize,
          filter: { streamPrefixes: ['grants.'], types: ['grants.FundClosed', 'volunteers.VolunteerApplied'] },
        }),
        [5],
      )
      assert.deepEqual(
        await positions({
          batchSize,
          filter: { types: ['grants.ApplicationSubmitted'] },
          maxCount: 1,
          direction: 'backwards',
        }),
        [4],
      )
    }
    assert.deepEqual(await positions({ fromPosition: 6 }), [])
  },
)

check(
  'subscriptions',
  'catches up from a position, then delivers live events, in order, once each',
  async ({ store }) => {
    await store.appendToStream(S('a'), testEvents(5), { expectedRevision: 'noStream' })
    const received = firstValueFrom(
      store.subscribe({ fromPosition: 3, batchSize: 2 }).pipe(take(8), toArray(), timeout(5_000)),
    )
    await store.appendToStream(S('b'), testEvents(2), { expectedRevision: 'noStream' })
    await new Promise((resolve) => setTimeout(resolve, 20))
    await store.appendToStream(S('a'), testEvents(3), { expectedRevision: 4 })
    assert.deepEqual(
      (await received).map((e) => e.position),
      [3, 4, 5, 6, 7, 8, 9, 10],
    )
  },
)

check('subscriptions', 'never skips an event committed while it is catching up', async ({ store }) => {
  await store.appendToStream(S('a'), testEvents(20), { expectedRevision: 'noStream' })
  const writes: Array<Promise<unknown>> = []
  // Each of the first 20 events, as it is delivered, starts two more appends: they commit while the
  // subscription is still catching up, and must all be delivered too.
  const events = await firstValueFrom(
    store.subscribe({ batchSize: 3 }).pipe(
      tap((e) => {
        if (e.position <= 20)
          writes.push(store.appendToStream(S(`during${e.position}`), testEvents(2), { expectedRevision: 'noStream' }))
      }),
      take(60),
      toArray(),
      timeout(5_000),
    ),
  )
  await Promise.all(writes)
  assertGapFree(events)
  assert.equal(events.length, 60)
})

check('subscriptions', 'filters, serves several subscribers, and stops when unsubscribed', async ({ store }) => {
  const grants = firstValueFrom(
    store.subscribe({ filter: { streamPrefixes: ['grants.'] } }).pipe(take(3), toArray(), timeout(5_000)),
  )
  const everything = firstValueFrom(store.subscribe().pipe(take(5), toArray(), timeout(5_000)))
  // Both are awaited below, after a wait of up to 5 s: a store that never delivers must fail those
  // awaits, not leave their rejections unhandled in the meantime.
  grants.catch(() => undefined)
  everything.catch(() => undefined)
  const stopped: RecordedEvent[] = []
  const early = store.subscribe().subscribe((e) => stopped.push(e))
  await store.appendToStream('grants.fund-1', testEvents(1), { expectedRevision: 'noStream' })
  // The first event reaches it (on a loaded host that may take more than a few milliseconds)...
  for (let waited = 0; stopped.length === 0 && waited < 5_000; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10))
  // ...and once it has unsubscribed, nothing more does.
  early.unsubscribe()
  await store.appendToStream('volunteers.volunteer-1', testEvents(2), { expectedRevision: 'noStream' })
  await store.appendToStream('grants.fund-1', testEvents(2), { expectedRevision: 0 })
  assert.deepEqual(
    (await grants).map((e) => e.position),
    [1, 4, 5],
  )
  assert.deepEqual(
    (await everything).map((e) => e.position),
    [1, 2, 3, 4, 5],
  )
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.deepEqual(
    stopped.map((e) => e.position),
    [1],
    'an unsubscribed subscriber kept receiving',
  )
})

check('subscriptions', 'a subscription from past the head waits for that position', async ({ store }) => {
  await store.appendToStream(S('a'), testEvents(2), { expectedRevision: 'noStream' })
  const head = await store.headPosition()
  const live = firstValueFrom(store.subscribe({ fromPosition: head + 1 }).pipe(take(1), timeout(5_000)))
  await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 1 })
  assert.equal((await live).position, 3)
})

const badAppends: ReadonlyArray<readonly [string, (store: EventStore) => Promise<unknown>, RegExp]> = [
  ['an empty stream id', (s) => s.appendToStream('', testEvents(1), { expectedRevision: 'any' }), /streamId.*empty/],
  [
    'a malformed stream id',
    (s) => s.appendToStream('no spaces allowed', testEvents(1), { expectedRevision: 'any' }),
    /streamId/,
  ],
  ['a negative revision', (s) => s.appendToStream(S('a'), testEvents(1), { expectedRevision: -1 }), /expectedRevision/],
  [
    'a fractional revision',
    (s) => s.appendToStream(S('a'), testEvents(1), { expectedRevision: 1.5 }),
    /expectedRevision/,
  ],
  ['a missing expectation', (s) => s.appendToStream(S('a'), testEvents(1), {} as never), /expectedRevision/],
  ['no events', (s) => s.appendToStream(S('a'), [], { expectedRevision: 'any' }), /at least one event/],
  [
    'undefined in the data',
    (s) => s.appendToStream(S('a'), [testEvent({ x: undefined } as never)], { expectedRevision: 'any' }),
    /data\.x is undefined/,
  ],
  [
    'NaN in the data',
    (s) => s.appendToStream(S('a'), [testEvent({ amount: Number.NaN })], { expectedRevision: 'any' }),
    /data\.amount is NaN/,
  ],
  [
    'a function in the data',
    (s) => s.appendToStream(S('a'), [testEvent({ f: (() => 1) as never })], { expectedRevision: 'any' }),
    /function/,
  ],
  [
    'a bigint in the data',
    (s) => s.appendToStream(S('a'), [testEvent({ n: 1n as never })], { expectedRevision: 'any' }),
    /bigint/,
  ],
  [
    'a cycle in the data',
    (s) => {
      const data: Record<string, unknown> = {}
      data['self'] = data
      return s.appendToStream(S('a'), [testEvent(data as never)], { expectedRevision: 'any' })
    },
    /cycle/,
  ],
  [
    'a duplicate event id in one batch',
    (s) => {
      const e = testEvent()
      return s.appendToStream(S('a'), [e, { ...e }], { expectedRevision: 'any' })
    },
    /more than once/,
  ],
  [
    'an event id that is not a UUID',
    (s) =>
      s.appendToStream(S('a'), [testEvent({}, 'test.SomethingHappened', 'not-a-uuid')], { expectedRevision: 'any' }),
    /eventId/,
  ],
  [
    'an event type without a context',
    (s) => s.appendToStream(S('a'), [testEvent({}, 'GrantAwarded')], { expectedRevision: 'any' }),
    /type/,
  ],
  [
    'an event type of 129 characters',
    (s) => s.appendToStream(S('a'), [testEvent({}, `test.${'A'.repeat(124)}`)], { expectedRevision: 'any' }),
    /at most 128 characters/,
  ],
  [
    'a sparse events array',
    (s) => {
      const events = testEvents(3)
      const sparse: NewEvent[] = []
      sparse[0] = events[0] as NewEvent
      sparse[2] = events[2] as NewEvent
      return s.appendToStream(S('a'), sparse, { expectedRevision: 'any' })
    },
    /events\[1\].*hole/,
  ],
  [
    'schema version 0',
    (s) => s.appendToStream(S('a'), [{ ...testEvent(), schemaVersion: 0 }], { expectedRevision: 'any' }),
    /schemaVersion/,
  ],
  [
    'metadata without an actor',
    (s) =>
      s.appendToStream(S('a'), [{ ...testEvent(), metadata: testMetadata({ actor: undefined }) }], {
        expectedRevision: 'any',
      }),
    /metadata.*actor/,
  ],
  [
    'an occurredAt that is not a timestamp',
    (s) =>
      s.appendToStream(S('a'), [{ ...testEvent(), metadata: testMetadata({ occurredAt: 'yesterday' }) }], {
        expectedRevision: 'any',
      }),
    /occurredAt/,
  ],
  ['appendMulti with no streams', (s) => s.appendMulti([]), /at least one stream/],
  [
    'appendMulti naming a stream twice',
    (s) =>
      s.appendMulti([
        { streamId: S('a'), events: testEvents(1), expectedRevision: 'any' },
        { streamId: S('a'), events: testEvents(1), expectedRevision: 'any' },
      ]),
    /more than once/,
  ],
  [
    'appendMulti with one event id in two streams',
    (s) => {
      const e = testEvent()
      return s.appendMulti([
        { streamId: S('a'), events: [e], expectedRevision: 'any' },
        { streamId: S('b'), events: [{ ...e }], expectedRevision: 'any' },
      ])
    },
    /more than once/,
  ],
]

check(
  'bad arguments',
  'every malformed append is refused with an InvalidArgumentError naming the problem, and nothing is written',
  async ({ store }) => {
    await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 'noStream' })
    for (const [what, attempt, mentions] of badAppends) {
      let error: unknown
      try {
        await attempt(store)
      } catch (e) {
        error = e
      }
      assert.ok(error instanceof InvalidArgumentError, `${what}: expected an InvalidArgumentError, got ${show(error)}`)
      assert.match(error.message, mentions, `${what}: the error does not name the problem`)
    }
    await assertUntouched(store, 1)
  },
)

check(
  'bad arguments',
  'oversized events are refused with a LimitExceededError before anything is written',
  async ({ store }) => {
    await rejectsWith(
      () =>
        store.appendToStream(S('a'), [testEvent(), testEvent({ text: 'x'.repeat(2_000_000) })], {
          expectedRevision: 'any',
        }),
      LimitExceededError,
      /events\[1\]/,
    )
    await assertUntouched(store, 0)
  },
)

check(
  'bad arguments',
  'malformed read and subscribe options are refused with an InvalidArgumentError',
  async ({ store }) => {
    const attempts: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
      ['readStream of an empty id', () => readStream(store, '')],
      ['readStream from a negative revision', () => readStream(store, S('a'), { fromRevision: -1 })],
      ['readStream with maxCount 0', () => readStream(store, S('a'), { maxCount: 0 })],
      ['readStream sideways', () => readStream(store, S('a'), { direction: 'sideways' as never })],
      ['readAll from a fractional position', () => readAll(store, { fromPosition: 1.5 })],
      ['readAll with batchSize 0', () => readAll(store, { batchSize: 0 })],
      ['readAll with an empty type filter', () => readAll(store, { filter: { types: [] } })],
      ['subscribe from a negative position', async () => store.subscribe({ fromPosition: -3 })],
    ]
    for (const [what, attempt] of attempts) {
      let error: unknown
      try {
        await attempt()
      } catch (e) {
        error = e
      }
      assert.ok(error instanceof InvalidArgumentError, `${what}: expected an InvalidArgumentError, got ${show(error)}`)
    }
  },
)

check('durability', 'acknowledged events are there after the store is reopened', async ({ store, reopen }) => {
  const events = testEvents(3)
  const acknowledged = await store.appendToStream(S('a'), events, { expectedRevision: 'noStream' })
  if (reopen === undefined) return
  const reopened = await reopen()
  try {
    const read = await readStream(reopened, S('a'))
    assert.deepEqual(ids(read), ids(events))
    assert.equal(read[2]?.position, acknowledged.lastPosition)
    const retry = await reopened.appendToStream(S('a'), events, { expectedRevision: 'noStream' })
    assert.equal(retry.alreadyStored, true, 'a retry after reopening was not recognised')
  } finally {
    await reopened.close()
  }
})

check(
  'snapshots',
  'keeps the latest snapshot, never an older one over a newer, and only of events that exist',
  async ({ store, reopen }) => {
    const snapshots = store.snapshots
    if (snapshots === undefined) return
    await store.appendToStream(S('a'), testEvents(5), { expectedRevision: 'noStream' })
    assert.equal(await snapshots.readSnapshot(S('a')), undefined)
    await snapshots.writeSnapshot({
      streamId: S('a'),
      revision: 3,
      version: 1,
      state: { total: 4, names: ['Ely'] },
    })
    await snapshots.writeSnapshot({ streamId: S('a'), revision: 1, version: 1, state: { total: 2, names: [] } })
    assert.deepEqual(await snapshots.readSnapshot(S('a')), {
      streamId: S('a'),
      revision: 3,
      version: 1,
      state: { total: 4, names: ['Ely'] },
    })
    await snapshots.writeSnapshot({ streamId: S('a'), revision: 4, version: 2, state: { total: 5 } })
    assert.equal((await snapshots.readSnapshot(S('a')))?.revision, 4)
    await rejectsWith(
      () => snapshots.writeSnapshot({ streamId: S('a'), revision: 5, version: 2, state: {} }),
      InvalidArgumentError,
      /revision/,
    )
    await rejectsWith(
      () => snapshots.writeSnapshot({ streamId: S('never'), revision: 0, version: 1, state: {} }),
      InvalidArgumentError,
    )
    await rejectsWith(
      () => snapshots.writeSnapshot({ streamId: S('a'), revision: 4, version: 2, state: { at: new Date() } as never }),
      InvalidArgumentError,
      /state/,
    )
    assert.equal(await store.headPosition(), 5, 'a snapshot wrote events')
    if (reopen === undefined) return
    const reopened = await reopen()
    try {
      assert.deepEqual((await reopened.snapshots?.readSnapshot(S('a')))?.state, { total: 5 })
    } finally {
      await reopened.close()
    }
  },
)

// --- hash chain ---

/** Checks that stored events chain along their streams, each hash being the chain's own. */
const assertChained = (stored: ReadonlyArray<StoredEvent>): void => {
  const heads = new Map<string, string>()
  for (const e of stored) {
    const expected = chainHash(heads.get(e.streamId) ?? GENESIS_HASH, e)
    assert.equal(e.hash, expected, `${e.streamId}@${e.revision}: the stored hash is not the chain's`)
    heads.set(e.streamId, e.hash)
  }
}

/** A stream of events recorded elsewhere, with their chain, ready to import from `position + 1`. */
const recordedElsewhere = (
  streamId: string,
  count: number,
  from: { readonly position: number; readonly revision?: number; readonly prev?: string },
): StoredEvent[] => {
  const out: StoredEvent[] = []
  let prev = from.prev ?? GENESIS_HASH
  for (let i = 0; i < count; i++) {
    const fields = {
      eventId: randomUUID(),
      streamId,
      revision: (from.revision ?? 0) + i,
      position: from.position + 1 + i,
      type: 'test.SomethingImported',
      schemaVersion: 1,
      data: canonicalJson({ n: i, note: 'recorded elsewhere', nested: { z: 1, a: [true, null] } }),
      metadata: canonicalJson(testMetadata()),
      recordedAt: `2025-01-0${1 + (i % 9)}T10:00:00.000Z`,
    }
    prev = chainHash(prev, fields)
    out.push({ ...fields, hash: prev })
  }
  return out
}

check(
  'hash chain',
  'stores data and metadata as canonical JSON, each event hashed along its stream',
  async ({ store }) => {
    await store.appendToStream(S('a'), [testEvent({ z: 1, a: { y: 2, b: [3, 'x'] } })], {
      expectedRevision: 'noStream',
    })
    await store.appendMulti([
      { streamId: S('b'), events: testEvents(2), expectedRevision: 'noStream' },
      { streamId: S('a'), events: testEvents(3), expectedRevision: 0 },
    ])
    await store.appendToStream(S('b'), testEvents(1), { expectedRevision: 1 })
    const stored = await collect(() => store.readStored())
    const read = await readAll(store)
    assert.deepEqual(
      stored.map((e) => e.position),
      read.map((e) => e.position),
    )
    stored.forEach((e, i) => {
      const r = read[i]
      assert.ok(r !== undefined)
      assert.equal(e.data, canonicalJson(r.data), `position ${e.position}: data is not stored canonically`)
      assert.equal(e.metadata, canonicalJson(r.metadata), `position ${e.position}: metadata is not stored canonically`)
      assert.deepEqual(
        [e.eventId, e.streamId, e.revision, e.type, e.recordedAt],
        [r.eventId, r.streamId, r.revision, r.type, r.recordedAt],
      )
    })
    assert.equal(stored[0]?.data, '{"a":{"b":[3,"x"],"y":2},"z":1}')
    assertChained(stored)
    const middle = await collect(() => store.readStored({ fromPosition: 3, toPosition: 5 }))
    assert.deepEqual(
      middle.map((e) => e.position),
      [3, 4, 5],
    )
  },
)

check('hash chain', "gives every stream's head at the head and at an earlier position", async ({ store }) => {
  await store.appendToStream(S('a'), testEvents(2), { expectedRevision: 'noStream' })
  await store.appendToStream(S('b'), testEvents(1), { expectedRevision: 'noStream' })
  await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 1 })
  const stored = await collect(() => store.readStored())
  const headsAt = async (position: number): Promise<ReadonlyArray<readonly [string, number, string]>> =>
    (await collect(() => store.streamHeads(position)))
      .map((h) => [h.streamId, h.revision, h.hash] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1))
  const hashAt = (position: number): string => stored[position - 1]?.hash ?? ''
  assert.deepEqual(await headsAt(4), [
    [S('a'), 2, hashAt(4)],
    [S('b'), 0, hashAt(3)],
  ])
  assert.deepEqual(await headsAt(2), [[S('a'), 1, hashAt(2)]])
  assert.deepEqual(await headsAt(0), [])
  // At every position, interleaved streams of different lengths: the heads the log itself gives.
  await store.appendMulti([
    { streamId: S('c'), events: testEvents(3), expectedRevision: 'noStream' },
    { streamId: S('b'), events: testEvents(2), expectedRevision: 0 },
  ])
  await store.appendToStream(S('a'), testEvents(2), { expectedRevision: 2 })
  const log = await collect(() => store.readStored())
  const fromLog = new Map<string, readonly [string, number, string]>()
  for (let position = 0; position <= log.length + 1; position++) {
    const e = log[position - 1]
    if (e !== undefined) fromLog.set(e.streamId, [e.streamId, e.revision, e.hash])
    assert.deepEqual(
      await headsAt(position),
      [...fromLog.values()].sort(([x], [y]) => (x < y ? -1 : 1)),
      `heads at position ${position}`,
    )
  }
})

check(
  'hash chain',
  'imports events exactly as recorded elsewhere, and appends continue their chains',
  async ({ store }) => {
    const imported = recordedElsewhere(S('a'), 3, { position: 0 })
    await store.importStored(imported)
    assert.deepEqual(await collect(() => store.readStored()), imported)
    const [first] = await readStream(store, S('a'))
    assert.deepEqual(first?.data, { n: 0, note: 'recorded elsewhere', nested: { z: 1, a: [true, null] } })
    assert.equal(first?.recordedAt, '2025-01-01T10:00:00.000Z')
    await store.appendToStream(S('a'), testEvents(1), { expectedRevision: 2 })
    const more = recordedElsewhere(S('b'), 2, { position: 4 })
    await store.importStored(more)
    assert.equal(await store.headPosition(), 6)
    assertChained(await collect(() => store.readStored()))
  },
)

check(
  'hash chain',
  'refuses an import that does not fit the log or its chain, and writes nothing',
  async ({ store }) => {
    await store.appendToStream(S('a'), testEvents(2), { expectedRevision: 'noStream' })
    const [head] = await collect(() => store.streamHeads(2))
    const good = recordedElsewhere(S('a'), 2, { position: 2, revision: 2, prev: head?.hash ?? '' })
    const [g0, g1] = good
    assert.ok(g0 !== undefined && g1 !== undefined)
    const refusals: ReadonlyArray<readonly [string, ReadonlyArray<StoredEvent>, RegExp]> = [
      ['a wrong hash', [g0, { ...g1, hash: GENESIS_HASH }], /events\[1\]\.hash/],
      ['an altered payload', [g0, { ...g1, data: '{"n":99}' }], /events\[1\]\.hash/],
      ['a gap in positions', [g0, { ...g1, position: 5 }], /events\[1\]\.position/],
      ['a position already taken', recordedElsewhere(S('c'), 1, { position: 1 }), /events\[0\]\.position/],
      ['a revision that skips', [{ ...g0, revision: 3 }], /events\[0\]\.revision/],
      ['non-canonical data', [{ ...g0, data: '{ "n": 0 }' }], /events\[0\]\.data/],
      ['a chain started afresh', recordedElsewhere(S('a'), 1, { position: 2, revision: 2 }), /events\[0\]\.hash/],
    ]
    for (const [what, events, problem] of refusals)
      await rejectsWith(() => store.importStored(events), InvalidArgumentError, problem, what)
    const stored = (await collect(() => store.readStored()))[0]
    assert.ok(stored !== undefined)
    const withStoredId = recordedElsewhere(S('d'), 1, { position: 2 }).map((e) => ({ ...e, eventId: stored.eventId }))
    const fixed = withStoredId.map((e) => ({ ...e, hash: chainHash(GENESIS_HASH, e) }))
    await rejectsWith(() => store.importStored(fixed), EventIdConflictError, /already stored/, 'an id already stored')
    assert.equal(await store.headPosition(), 2, 'a refused import wrote events')
    await store.importStored(good)
    assert.equal(await store.headPosition(), 4)
  },
)

check(
  'hash chain',
  'hands imported events to inline projections in the import, and a failing one refuses it',
  async ({ store }) => {
    const setInline = store.readModels?.setInlineHandler
    if (setInline === undefined) return // a store without inline projections has nothing to hand over
    const seen: RecordedEvent[] = []
    setInline(async (events) => {
      seen.push(...events)
    })
    const first = recordedElsewhere(S('a'), 3, { position: 0 })
    try {
      await store.importStored(first)
      assert.deepEqual(
        seen.map((e) => [e.position, e.streamId, e.revision, e.eventId, e.recordedAt]),
        first.map((e) => [e.position, e.streamId, e.revision, e.eventId, e.recordedAt]),
      )
      assert.deepEqual(seen[0]?.data, { n: 0, note: 'recorded elsewhere', nested: { z: 1, a: [true, null] } })
      setInline(async (events) => {
        throw new ProjectionFailedError('test', events[0]?.type ?? '', events[0]?.streamId ?? '', 'refused')
      })
      const second = recordedElsewhere(S('b'), 2, { position: 3 })
      await rejectsWith(() => store.importStored(second), ProjectionFailedError, /refused/)
      assert.equal(await store.headPosition(), 3, 'a refused import wrote events')
    } finally {
      setInline(undefined)
    }
    await store.importStored(recordedElsewhere(S('b'), 2, { position: 3 }))
    assert.equal(await store.headPosition(), 5)
  },
)

/** Every case of the contract, grouped by guarantee. */
export const eventStoreContractCases: ReadonlyArray<ContractCase> = cases

// --- running ---

const open = async (factory: EventStoreFactory): Promise<ContractSubject> => {
  const made = await factory()
  return 'store' in made ? made : { store: made }
}

/** Runs one case against a fresh store, always closing and disposing it. */
export const runContractCase = async (factory: EventStoreFactory, contractCase: ContractCase): Promise<void> => {
  const subject = await open(factory)
  try {
    await contractCase.run(subject)
  } finally {
    await subject.store.close().catch(() => undefined)
    await subject.dispose?.()
  }
}

/** Runs every case and reports which passed; never throws for a failing case. */
export const runEventStoreContract = async (factory: EventStoreFactory): Promise<ReadonlyArray<ContractResult>> => {
  const results: ContractResult[] = []
  for (const c of cases) {
    try {
      await runContractCase(factory, c)
      results.push({ guarantee: c.guarantee, title: c.title, passed: true })
    } catch (error) {
      results.push({ guarantee: c.guarantee, title: c.title, passed: false, error })
    }
  }
  return results
}
