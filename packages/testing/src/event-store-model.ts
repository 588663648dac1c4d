/**
 * A model-based property test of an EventStore: fast-check generates sequences of appends (right and
 * wrong expectations, single and multi-stream, retries), reads and subscriptions, runs them against
 * the store and against a plain model of streams and a log, and compares every answer.
 */
import assert from 'node:assert/strict'

import type { EventStore, ExpectedRevision, NewEvent } from '@civic-ledger/core'
import { WrongExpectedRevisionError } from '@civic-ledger/core'
import fc from 'fast-check'
import { firstValueFrom, take, timeout, toArray } from 'rxjs'

import type { ContractSubject, EventStoreFactory } from './event-store-contract'
import { collect, testEvents } from './fixtures'

// --- model ---

/** What the model-based store test expects of a store: the streams and log it has been sent. */
export interface EventStoreModel {
  readonly streams: Map<string, string[]>
  readonly log: Array<{ readonly eventId: string; readonly streamId: string }>
  lastAppend:
    | {
        readonly streamId: string
        readonly events: ReadonlyArray<NewEvent>
        readonly expected: ExpectedRevision
        readonly firstPosition: number
      }
    | undefined
}

type Expectation = 'right' | 'stale' | 'noStream' | 'streamExists' | 'any'

const STREAMS = ['test.stream-a', 'test.stream-b', 'test.stream-c', 'test.stream-d'] as const

const revisionOf = (m: EventStoreModel, streamId: string): number => (m.streams.get(streamId)?.length ?? 0) - 1

const expectationFor = (m: EventStoreModel, streamId: string, kind: Expectation): ExpectedRevision => {
  const rev = revisionOf(m, streamId)
  switch (kind) {
    case 'right':
      return rev < 0 ? 'noStream' : rev
    case 'stale':
      return rev + 1
    default:
      return kind
  }
}

const accepts = (expected: ExpectedRevision, actual: number): boolean =>
  expected === 'any' ||
  (expected === 'noStream' ? actual === -1 : expected === 'streamExists' ? actual >= 0 : expected === actual)

const record = (m: EventStoreModel, streamId: string, events: ReadonlyArray<NewEvent>): void => {
  const stream = m.streams.get(streamId) ?? []
  m.streams.set(streamId, stream)
  for (const e of events) {
    stream.push(e.eventId)
    m.log.push({ eventId: e.eventId, streamId })
  }
}

// --- commands ---

type StoreCommand = fc.AsyncCommand<EventStoreModel, EventStore, false>

class Append implements StoreCommand {
  constructor(
    readonly stream: string,
    readonly count: number,
    readonly kind: Expectation,
  ) {}
  check = (): boolean => true
  async run(m: EventStoreModel, store: EventStore): Promise<void> {
    const expected = expectationFor(m, this.stream, this.kind)
    const events = testEvents(this.count)
    const ok = accepts(expected, revisionOf(m, this.stream))
    try {
      const r = await store.appendToStream(this.stream, events, { expectedRevision: expected })
      assert.ok(
        ok,
        `append with ${String(expected)} to ${this.stream} at ${revisionOf(m, this.stream)} should have failed`,
      )
      assert.equal(r.firstPosition, m.log.length + 1)
      assert.equal(r.firstRevision, revisionOf(m, this.stream) + 1)
      m.lastAppend = { streamId: this.stream, events, expected, firstPosition: r.firstPosition }
      record(m, this.stream, events)
    } catch (error) {
      if (ok || !(error instanceof WrongExpectedRevisionError)) throw error
    }
  }
  toString = (): string => `append(${this.stream}, ${this.count}, ${this.kind})`
}

class Retry implements StoreCommand {
  check = (m: Readonly<EventStoreModel>): boolean => m.lastAppend !== undefined
  async run(m: EventStoreModel, store: EventStore): Promise<void> {
    const last = m.lastAppend
    if (last === undefined) return
    const r = await store.appendToStream(last.streamId, last.events, { expectedRevision: last.expected })
    assert.equal(r.alreadyStored, true)
    assert.equal(r.firstPosition, last.firstPosition)
  }
  toString = (): string => 'retry-last'
}

class AppendMulti implements StoreCommand {
  constructor(
    readonly parts: ReadonlyArray<{ readonly stream: string; readonly count: number; readonly kind: Expectation }>,
  ) {}
  check = (): boolean => true
  async run(m: EventStoreModel, store: EventStore): Promise<void> {
    const unique = this.parts.filter((p, i) => this.parts.findIndex((q) => q.stream === p.stream) === i)
    const appends = unique.map((p) => ({
      streamId: p.stream,
      events: testEvents(p.count),
      expectedRevision: expectationFor(m, p.stream, p.kind),
    }))
    const ok = appends.every((a) => accepts(a.expectedRevision, revisionOf(m, a.streamId)))
    try {
      const results = await store.appendMulti(appends)
      assert.ok(ok, 'a multi-stream append with a wrong expectation succeeded')
      assert.equal(results[0]?.firstPosition, m.log.length + 1)
      for (const a of appends) record(m, a.streamId, a.events)
    } catch (error) {
      if (ok || !(error instanceof WrongExpectedRevisionError)) throw error
    }
  }
  toString = (): string => `appendMulti(${this.parts.map((p) => `${p.stream}:${p.count}:${p.kind}`).join(', ')})`
}

class ReadStream implements StoreCommand {
  constructor(
    readonly stream: string,
    readonly backwards: boolean,
  ) {}
  check = (): boolean => true
  async run(m: EventStoreModel, store: EventStore): Promise<void> {
    const read = await collect(() =>
      store.readStream(this.stream, { direction: this.backwards ? 'backwards' : 'forwards' }),
    )
    const expected = [...(m.streams.get(this.stream) ?? [])]
    if (this.backwards) expected.reverse()
    assert.deepEqual(
      read.map((e) => e.eventId),
      expected,
    )
  }
  toString = (): string => `readStream(${this.stream}, ${this.backwards ? 'backwards' : 'forwards'})`
}

class ReadAll implements StoreCommand {
  constructor(readonly from: number) {}
  check = (): boolean => true
  async run(m: EventStoreModel, store: EventStore): Promise<void> {
    const read = await collect(() => store.readAll({ fromPosition: this.from, batchSize: 3 }))
    assert.deepEqual(
      read.map((e) => [e.position, e.eventId, e.streamId]),
      m.log.slice(Math.max(this.from - 1, 0)).map((e, i) => [Math.max(this.from, 1) + i, e.eventId, e.streamId]),
    )
    assert.equal(await store.headPosition(), m.log.length)
  }
  toString = (): string => `readAll(from ${this.from})`
}

class Subscribe implements StoreCommand {
  check = (m: Readonly<EventStoreModel>): boolean => m.log.length > 0
  async run(m: EventStoreModel, store: EventStore): Promise<void> {
    const events = await firstValueFrom(
      store.subscribe({ batchSize: 4 }).pipe(take(m.log.length), toArray(), timeout(5_000)),
    )
    assert.deepEqual(
      events.map((e) => e.eventId),
      m.log.map((e) => e.eventId),
    )
  }
  toString = (): string => 'subscribe'
}

// --- the property ---

const expectation = fc.constantFrom<Expectation>('right', 'right', 'stale', 'noStream', 'streamExists', 'any')
const stream = fc.constantFrom(...STREAMS)

/** The generated command sequences. */
export const storeCommands = fc.commands<EventStoreModel, EventStore, false>(
  [
    fc.tuple(stream, fc.integer({ min: 1, max: 4 }), expectation).map(([s, n, k]) => new Append(s, n, k)),
    fc.constant(new Retry()),
    fc
      .array(fc.record({ stream, count: fc.integer({ min: 1, max: 3 }), kind: expectation }), {
        minLength: 1,
        maxLength: 3,
      })
      .map((parts) => new AppendMulti(parts)),
    fc.tuple(stream, fc.boolean()).map(([s, b]) => new ReadStream(s, b)),
    fc.integer({ min: 0, max: 30 }).map((from) => new ReadAll(from)),
    fc.constant(new Subscribe()),
  ],
  { maxCommands: 40 },
)

/**
 * Runs the model-based property against a store: `numRuns` random command sequences, each on a
 * fresh store. Throws fast-check's report (with the shrunk sequence) on the first difference.
 */
export const checkEventStoreAgainstModel = async (
  factory: EventStoreFactory,
  options: { readonly numRuns?: number; readonly seed?: number } = {},
): Promise<void> => {
  await fc.assert(
    fc.asyncProperty(storeCommands, async (commands) => {
      const made = await factory()
      const subject: ContractSubject = 'store' in made ? made : { store: made }
      try {
        await fc.asyncModelRun(
          () => ({ model: { streams: new Map(), log: [], lastAppend: undefined }, real: subject.store }),
          commands,
        )
      } finally {
        await subject.store.close()
        await subject.dispose?.()
      }
    }),
    { numRuns: options.numRuns ?? 100, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  )
}
