/**
 * `catchUpSubscription` over hand-made sources: it reads in batches from where it left off, wakes on
 * a commit signal (including one that arrives mid-read), passes read errors on, completes when the
 * store closes after delivering what is left, and stops reading once unsubscribed.
 */
import test from 'ava'
import { lastValueFrom, Subject, toArray } from 'rxjs'

import type { RecordedEvent } from '../events/envelope'
import type { SubscriptionBatch } from './subscription'
import { catchUpSubscription } from './subscription'

// --- fixtures ---

const event = (position: number): RecordedEvent => ({
  eventId: `00000000-0000-4000-8000-${position.toString(16).padStart(12, '0')}`,
  streamId: 'volunteers.volunteer-v-1',
  revision: position - 1,
  position,
  type: 'volunteers.HoursRecorded',
  schemaVersion: 1,
  data: { hours: position },
  metadata: {
    actor: { id: 'u', organisation: 'o', role: 'r' },
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2026-04-01T09:30:00Z',
  } as RecordedEvent['metadata'],
  recordedAt: '2026-04-01T09:30:00Z',
})

/** A ledger in an array, read `batchSize` events at a time; it records every read. */
const arraySource = (initial: number, batchSize = 2) => {
  const log: RecordedEvent[] = Array.from({ length: initial }, (_, i) => event(i + 1))
  const commits = new Subject<void>()
  const reads: number[] = []
  const read = async (fromPosition: number): Promise<SubscriptionBatch> => {
    reads.push(fromPosition)
    await Promise.resolve()
    const events = log.slice(fromPosition - 1, fromPosition - 1 + batchSize)
    const nextPosition = fromPosition + events.length
    return { events, nextPosition, reachedHead: nextPosition > log.length }
  }
  const append = (n: number): void => {
    for (let i = 0; i < n; i++) log.push(event(log.length + 1))
  }
  return { log, commits, reads, read, append }
}

/** Lets pending promise callbacks and timers run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

const positions = (events: ReadonlyArray<RecordedEvent>): ReadonlyArray<number> => events.map((e) => e.position)

// --- delivery ---

test('delivers every event from fromPosition in order, reading on from where each batch ended', async (t) => {
  const source = arraySource(5)
  const received: RecordedEvent[] = []
  const subscription = catchUpSubscription({ fromPosition: 2, commits: source.commits, read: source.read }).subscribe(
    (e) => received.push(e),
  )
  await settle()
  t.deepEqual(positions(received), [2, 3, 4, 5])
  t.deepEqual(source.reads, [2, 4])
  subscription.unsubscribe()
})

test('waits for a commit signal once caught up, then delivers the new events', async (t) => {
  const source = arraySource(2)
  const received: RecordedEvent[] = []
  const subscription = catchUpSubscription({ fromPosition: 1, commits: source.commits, read: source.read }).subscribe(
    (e) => received.push(e),
  )
  await settle()
  const readsWhenCaughtUp = source.reads.length
  source.append(3)
  await settle()
  t.deepEqual(positions(received), [1, 2], 'nothing is read without a signal')
  t.is(source.reads.length, readsWhenCaughtUp)

  source.commits.next()
  await settle()
  t.deepEqual(positions(received), [1, 2, 3, 4, 5])
  subscription.unsubscribe()
})

test('a commit signalled while a read is in flight is not lost', async (t) => {
  const log = [event(1)]
  const commits = new Subject<void>()
  const pending: Array<() => void> = []
  const reads: number[] = []
  const read = (fromPosition: number): Promise<SubscriptionBatch> =>
    new Promise((resolve) => {
      reads.push(fromPosition)
      // The batch is what was committed when the read began.
      const events = log.slice(fromPosition - 1)
      pending.push(() => resolve({ events, nextPosition: fromPosition + events.length, reachedHead: true }))
    })
  const received: RecordedEvent[] = []
  const subscription = catchUpSubscription({ fromPosition: 1, commits, read }).subscribe((e) => received.push(e))
  t.is(pending.length, 1)

  log.push(event(2))
  commits.next()
  pending.shift()?.()
  await settle()
  t.deepEqual(positions(received), [1])
  t.deepEqual(reads, [1, 2], 'it read again after the signal that came mid-read')
  pending.shift()?.()
  await settle()
  t.deepEqual(positions(received), [1, 2])
  subscription.unsubscribe()
})

// --- errors ---

test('an error from the first read errors the Observable', async (t) => {
  const failure = new Error('connection refused')
  const subscription = catchUpSubscription({
    fromPosition: 1,
    commits: new Subject<void>(),
    read: async () => {
      throw failure
    },
  })
  const error = await t.throwsAsync(lastValueFrom(subscription))
  t.is(error, failure)
})

test('an error from a later read errors the Observable after the events before it', async (t) => {
  const source = arraySource(2)
  let calls = 0
  const failure = new Error('connection lost')
  const read = async (fromPosition: number): Promise<SubscriptionBatch> => {
    if (++calls === 2) throw failure
    return source.read(fromPosition)
  }
  const received: RecordedEvent[] = []
  let error: unknown
  catchUpSubscription({ fromPosition: 1, commits: source.commits, read }).subscribe({
    next: (e) => received.push(e),
    error: (e: unknown) => {
      error = e
    },
  })
  await settle()
  t.is(error, undefined)
  source.append(1)
  source.commits.next()
  await settle()
  t.is(error, failure)
  t.deepEqual(positions(received), [1, 2])
})

test('an error from the commit signal errors the Observable', async (t) => {
  const source = arraySource(1)
  const failure = new Error('LISTEN connection dropped')
  let error: unknown
  catchUpSubscription({ fromPosition: 1, commits: source.commits, read: source.read }).subscribe({
    error: (e: unknown) => {
      error = e
    },
  })
  await settle()
  source.commits.error(failure)
  await settle()
  t.is(error, failure)
})

// --- completion ---

test('when the commit signal completes, what is left is delivered and then the subscription completes', async (t) => {
  const source = arraySource(2)
  const received: RecordedEvent[] = []
  let completed = false
  catchUpSubscription({ fromPosition: 1, commits: source.commits, read: source.read }).subscribe({
    next: (e) => received.push(e),
    complete: () => {
      completed = true
    },
  })
  await settle()
  t.deepEqual(positions(received), [1, 2])
  t.false(completed, 'a caught-up subscription stays open')

  // Committed, but the store closed before it signalled them.
  source.append(3)
  source.commits.complete()
  await settle()
  t.deepEqual(positions(received), [1, 2, 3, 4, 5])
  t.true(completed)
})

test('a source already closed delivers its events and completes', async (t) => {
  const source = arraySource(3)
  source.commits.complete()
  const all = await lastValueFrom(
    catchUpSubscription({ fromPosition: 1, commits: source.commits, read: source.read }).pipe(toArray()),
  )
  t.deepEqual(positions(all), [1, 2, 3])
})

// --- unsubscribing ---

test('unsubscribing stops reads and releases the commit signal', async (t) => {
  const source = arraySource(2)
  const received: RecordedEvent[] = []
  const subscription = catchUpSubscription({ fromPosition: 1, commits: source.commits, read: source.read }).subscribe(
    (e) => received.push(e),
  )
  await settle()
  t.true(source.commits.observed)
  const reads = source.reads.length

  subscription.unsubscribe()
  t.false(source.commits.observed)
  source.append(2)
  source.commits.next()
  await settle()
  t.is(source.reads.length, reads)
  t.deepEqual(positions(received), [1, 2])
})

test('unsubscribing during a read delivers nothing from it and reads no more', async (t) => {
  const pending: Array<() => void> = []
  let reads = 0
  const read = (fromPosition: number): Promise<SubscriptionBatch> =>
    new Promise((resolve) => {
      reads++
      pending.push(() =>
        resolve({
          events: [event(fromPosition), event(fromPosition + 1)],
          nextPosition: fromPosition + 2,
          reachedHead: false,
        }),
      )
    })
  const received: RecordedEvent[] = []
  const subscription = catchUpSubscription({ fromPosition: 1, commits: new Subject<void>(), read }).subscribe((e) =>
    received.push(e),
  )
  t.is(reads, 1)
  subscription.unsubscribe()
  pending.shift()?.()
  await settle()
  t.deepEqual(received, [])
  t.is(reads, 1)
})

test('unsubscribing from inside next stops delivery of the rest of the batch', async (t) => {
  const source = arraySource(4, 10)
  const received: RecordedEvent[] = []
  const subscription = catchUpSubscription({ fromPosition: 1, commits: source.commits, read: source.read }).subscribe(
    (e) => {
      received.push(e)
      if (e.position === 2) subscription.unsubscribe()
    },
  )
  await settle()
  t.deepEqual(positions(received), [1, 2])
  t.is(source.reads.length, 1)
})
