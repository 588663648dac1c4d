/**
 * The chain hasher's thread gives, for any run of events, exactly the hashes the writer would have
 * computed itself — whatever text the events hold — and when the thread stalls or dies half-way the
 * writer finishes the run with the same hashes, then stops using the thread.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import type { CheckedEvent } from '@civic-ledger/core'
import { GENESIS_HASH, chainHash } from '@civic-ledger/core'
import { testMetadata } from '@civic-ledger/testing'
import type { ChainHasher, ChainRun } from './chain-hasher'
import { createChainHasher } from './chain-hasher'

/** The hashes of a run as the writer computes them without a thread. */
const expected = (run: ChainRun): ReadonlyArray<string> => {
  let prev = run.prev
  return run.events.map(({ event, data, metadata }, i) => {
    prev = chainHash(prev, {
      eventId: event.eventId,
      streamId: run.streamId,
      revision: run.firstRevision + i,
      position: run.firstPosition + i,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data,
      metadata,
      recordedAt: run.recordedAt,
    })
    return prev
  })
}

const taken = (hasher: ChainHasher, run: ChainRun): ReadonlyArray<string> => {
  const hashes = hasher.start(run)
  try {
    return run.events.map((_, i) => hashes.at(i).toString('hex'))
  } finally {
    hashes.release()
  }
}

/** An event as the store holds it once checked: its data and metadata are the stored text. */
const eventOf = (i: number, data: string, metadata = '{"actor":"officer-1"}'): CheckedEvent => ({
  event: {
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'grants.GrantAwarded',
    schemaVersion: 1 + (i % 3),
    data: {},
    metadata: testMetadata(),
  },
  data,
  metadata,
})

const runOf = (events: ReadonlyArray<CheckedEvent>, prev = GENESIS_HASH): ChainRun => ({
  prev,
  streamId: 'grants.application-7',
  recordedAt: '2026-12-03T10:15:00.000Z',
  firstRevision: 4,
  firstPosition: 1001,
  events,
})

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const untilOnThread = async (hasher: ChainHasher): Promise<void> => {
  // The thread is started by the first run; until it has loaded, runs are hashed here.
  hasher.start(runOf([eventOf(0, '{}')])).at(0)
  for (let waited = 0; !hasher.onThread(); waited += 10) {
    // Generous: under a loaded test run the thread has taken over ten seconds to load.
    if (waited > 90_000) throw new Error('the hasher thread did not start in 90 s')
    await sleep(10)
  }
}

test.serial('the thread gives the hashes the writer would compute, for any text', async (t) => {
  const hasher = createChainHasher({ threadFrom: 1 })
  t.teardown(() => hasher.close())
  await untilOnThread(hasher)
  // Canonical JSON text as stores hold it: any string, written by JSON.stringify (so non-ASCII
  // text as itself, lone surrogates escaped).
  const text = fc.string({ unit: 'binary', maxLength: 200 })
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 60 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex')),
      async (fields, prev) => {
        const run = runOf(
          fields.map(([a, b], i) => eventOf(i, JSON.stringify({ a }), JSON.stringify({ b }))),
          prev,
        )
        // Given a moment, the thread has the whole run before the writer takes any of it.
        const hashes = hasher.start(run)
        await sleep(5)
        t.deepEqual(
          run.events.map((_, i) => hashes.at(i).toString('hex')),
          expected(run),
        )
        hashes.release()
      },
    ),
    { numRuns: 40 },
  )
  t.true(hasher.hashedAside() > 0, 'hashes came from the thread')
})

test.serial('runs of many sizes one after another, and a run dropped half-way, leave the next run right', async (t) => {
  const hasher = createChainHasher({ threadFrom: 1 })
  t.teardown(() => hasher.close())
  await untilOnThread(hasher)
  const big = (n: number, tag: string): ChainRun =>
    runOf(Array.from({ length: n }, (_, i) => eventOf(i, JSON.stringify({ tag, i, note: 'é'.repeat(i % 40) }))))
  for (const n of [1, 500, 3, 2_000, 128]) t.deepEqual(taken(hasher, big(n, `n${n}`)), expected(big(n, `n${n}`)))
  // A write that fails after ten rows releases its run; the thread drops it, the next is whole.
  const dropped = hasher.start(big(1_000, 'dropped'))
  for (let i = 0; i < 10; i++) dropped.at(i)
  dropped.release()
  t.deepEqual(taken(hasher, big(700, 'after')), expected(big(700, 'after')))
  t.true(hasher.onThread())
  t.true(hasher.hashedAside() > 0)
})

test.serial('hashes are taken in order; one out of order is a programming error', async (t) => {
  const hasher = createChainHasher({ threadFrom: 1 })
  t.teardown(() => hasher.close())
  const hashes = hasher.start(runOf([eventOf(0, '{}'), eventOf(1, '{}')]))
  t.throws(() => hashes.at(1), { instanceOf: RangeError, message: /taken out of order/ })
})

/** A thread script in a temporary directory, loading the real hasher module for `hashJob`. */
const fakeThread = (t: { teardown: (f: () => void) => void }, body: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-chain-thread-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const script = join(dir, 'thread.js')
  writeFileSync(
    script,
    `const { parentPort, workerData } = require('node:worker_threads')
const { CONTROL, hashJob } = require(${JSON.stringify(join(__dirname, 'chain-hasher.js'))})
${body}
Atomics.store(new Int32Array(workerData.control), CONTROL.ready, 1)
`,
  )
  return script
}

test.serial(
  'a thread that takes a run and never answers: the writer hashes it, the same, and gives the thread up',
  async (t) => {
    const hasher = createChainHasher({
      threadFrom: 1,
      stallMs: 200,
      script: fakeThread(t, `parentPort.on('message', () => {})`),
    })
    t.teardown(() => hasher.close())
    await untilOnThread(hasher)
    const run = runOf(Array.from({ length: 300 }, (_, i) => eventOf(i, JSON.stringify({ i }))))
    // The writer never waits for the thread: every hash is computed here.
    t.deepEqual(taken(hasher, run), expected(run))
    t.is(hasher.hashedAside(), 0)
    t.true(hasher.onThread(), 'not given up yet: the run was sent only now')
    // A run later than stallMs after one the thread never started gives the thread up.
    await sleep(300)
    t.deepEqual(taken(hasher, run), expected(run))
    t.false(hasher.onThread(), 'given up')
    t.is(hasher.hashedAside(), 0)
  },
)

test.serial('a thread that dies half-way through a run: the writer hashes the rest after its last hash', async (t) => {
  // The thread hashes the first 40 events of the run it is sent, then exits.
  const script = fakeThread(t, `parentPort.on('message', (job) => { hashJob({ ...job, count: 40 }); process.exit(3) })`)
  const hasher = createChainHasher({ threadFrom: 1, stallMs: 500, script })
  t.teardown(() => hasher.close())
  await untilOnThread(hasher)
  const run = runOf(Array.from({ length: 250 }, (_, i) => eventOf(i, JSON.stringify({ i, text: 'ő'.repeat(i % 7) }))))
  const hashes = hasher.start(run)
  // The thread's exit is seen once it has published its 40 hashes.
  for (let waited = 0; hasher.onThread(); waited += 10) {
    if (waited > 90_000) throw new Error('the fake thread did not exit in 90 s')
    await sleep(10)
  }
  t.deepEqual(
    run.events.map((_, i) => hashes.at(i).toString('hex')),
    expected(run),
  )
  t.is(hasher.hashedAside(), 40, 'the first 40 from the thread, the rest here after the 40th')
})
