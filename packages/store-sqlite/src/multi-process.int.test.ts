/**
 * Several processes appending to one ledger file at once (`contend-writer` children), mostly to the
 * same streams with exact expected revisions, while this process holds a live subscription on its
 * own store instance for the file, which hears the other processes' commits by polling
 * `PRAGMA data_version`.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import type { RecordedEvent } from '@civic-ledger/core'
import { collect, testEvent } from '@civic-ledger/testing'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import type { AckLine, ChildLine, ConflictLine } from './child-protocol'
import { lineReader } from './child-protocol'
import { openSqliteEventStore } from './sqlite-store'

const WRITER = join(__dirname, 'contend-writer.js')
const WRITERS = 3
const OPERATIONS = 300

const tempDir = (t: { teardown: (fn: () => void) => void }): string => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-multi-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface Child {
  readonly child: ChildProcessWithoutNullStreams
  readonly loaded: Promise<boolean>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  readonly acks: AckLine[]
  readonly conflicts: ConflictLine[]
  readonly failures: string[]
  readonly done: () => boolean
  readonly stderr: () => string
}

const startWriter = (path: string, writer: number, seed: number): Child => {
  const child = spawn(process.execPath, [WRITER, path, String(writer), String(OPERATIONS), String(seed)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const acks: AckLine[] = []
  const conflicts: ConflictLine[] = []
  const failures: string[] = []
  let done = false
  let stderr = ''
  let onLoaded: (loaded: boolean) => void = () => undefined
  const loaded = new Promise<boolean>((resolve) => (onLoaded = resolve))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      onLoaded(false)
      resolve({ code, signal })
    })
  })
  child.stdout.on(
    'data',
    lineReader((line: ChildLine) => {
      if (line.k === 'loaded') onLoaded(true)
      else if (line.k === 'ack') acks.push(line)
      else if (line.k === 'conflict') conflicts.push(line)
      else if (line.k === 'failed') failures.push(line.error)
      else if (line.k === 'done') done = true
    }),
  )
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdin.on('error', () => undefined)
  return { child, loaded, exited, acks, conflicts, failures, done: () => done, stderr: () => stderr }
}

interface Row {
  readonly position: number
  readonly revision: number
  readonly event_id: string
  readonly stream: string
}

test(`${WRITERS} processes append to the same streams while this process subscribes: no loss, no duplicate, concurrency held`, async (t) => {
  t.timeout(90_000)
  const started = Date.now()
  const path = join(tempDir(t), 'ledger.db')

  // This process: its own store on the file, with a live subscription from the start of the ledger.
  const store = await openSqliteEventStore({ path })
  t.teardown(async () => store.close())
  const received: RecordedEvent[] = []
  let subscriptionError: unknown
  let completed = false
  const subscription = store.subscribe().subscribe({
    next: (event) => received.push(event),
    error: (error: unknown) => (subscriptionError = error),
    complete: () => (completed = true),
  })

  const seed = Date.now() % 1_000_000
  t.log(`seed ${seed}`)
  const children = Array.from({ length: WRITERS }, (_, i) => startWriter(path, i + 1, seed + i))
  t.teardown(async () => {
    for (const c of children) c.child.kill('SIGKILL')
    await Promise.all(children.map(async (c) => c.exited))
  })
  const loaded = await Promise.all(children.map(async (c) => c.loaded))
  t.true(
    loaded.every((l) => l),
    children.map((c) => c.stderr()).join('\n'),
  )
  // All start together.
  for (const c of children) c.child.stdin.end('go\n')
  const exits = await Promise.all(children.map(async (c) => c.exited))
  exits.forEach((exit, i) => {
    const c = children[i]
    t.is(exit.code, 0, `writer ${i + 1}: ${c?.failures.join('\n')} ${c?.stderr()}`)
    t.true(c?.done(), `writer ${i + 1} finished its operations`)
  })
  const writersDone = Date.now()

  // The file.
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true })
  let rows: ReadonlyArray<Row>
  try {
    t.is(db.pragma('integrity_check', { simple: true }), 'ok')
    rows = db
      .prepare<[], Row>(
        'SELECT e.position, e.revision, e.event_id, s.name AS stream FROM events e JOIN streams s ON s.id = e.stream ORDER BY e.position',
      )
      .all()
  } finally {
    db.close()
  }

  // The subscriber hears every event, in position order, exactly once.
  const deadline = Date.now() + 15_000
  while (received.length < rows.length && Date.now() < deadline) await sleep(20)
  const subscriberWait = Date.now() - writersDone
  await sleep(300) // anything extra (a repeat) would arrive now
  subscription.unsubscribe()
  t.is(subscriptionError, undefined, 'the subscription did not fail')
  t.false(completed, 'the subscription did not complete while the store was open')
  t.deepEqual(
    received.map((e) => `${e.position} ${e.eventId}`),
    rows.map((r) => `${r.position} ${r.event_id}`),
    'the subscriber received every event once, in position order',
  )

  const problems: string[] = []
  const byId = new Map<string, Row>()
  let duplicates = 0
  rows.forEach((row, i) => {
    if (row.position !== i + 1) problems.push(`position ${i + 1} holds ${row.position}: a gap`)
    if (byId.has(row.event_id)) duplicates++
    byId.set(row.event_id, row)
  })
  const nextRevision = new Map<string, number>()
  for (const row of rows) {
    const expected = nextRevision.get(row.stream) ?? 0
    if (row.revision !== expected)
      problems.push(`stream ${row.stream}: revision ${row.revision} at position ${row.position}, expected ${expected}`)
    nextRevision.set(row.stream, row.revision + 1)
  }

  // Every acknowledged event where the store said; each success followed its expectation; no
  // expectation was met twice (exactly one winner among writers with the same expectation).
  const acks = children.flatMap((c) => c.acks)
  const conflicts = children.flatMap((c) => c.conflicts)
  let acknowledged = 0
  let lost = 0
  const winners = new Map<string, number>()
  for (const ack of acks)
    for (const result of ack.results) {
      result.ids.forEach((id, i) => {
        acknowledged++
        const row = byId.get(id)
        if (row === undefined) lost++
        else if (
          row.position !== result.firstPosition + i ||
          row.revision !== result.firstRevision + i ||
          row.stream !== result.streamId
        )
          problems.push(`event ${id} is at ${row.stream}@${row.revision} #${row.position}, acknowledged elsewhere`)
      })
      if (result.alreadyStored) problems.push(`op ${ack.op}: fresh events acknowledged as alreadyStored`)
      const e = result.expected
      const firstExpected = e === 'noStream' ? 0 : typeof e === 'number' ? e + 1 : undefined
      if (firstExpected !== undefined && result.firstRevision !== firstExpected)
        problems.push(`${result.streamId}: expected ${e}, but written from revision ${result.firstRevision}`)
      if (e !== 'any') {
        const key = `${result.streamId} ${String(e)}`
        winners.set(key, (winners.get(key) ?? 0) + 1)
      }
    }
  for (const [key, n] of winners) if (n > 1) problems.push(`${n} appends succeeded at expectation ${key}`)
  for (const c of conflicts) {
    if (c.expected === c.actual || (c.expected === 'noStream' && c.actual === -1))
      problems.push(`a conflict on ${c.streamId} whose expectation ${c.expected} was met (actual ${c.actual})`)
    if (c.streamId.startsWith('contend.own-'))
      problems.push(`a conflict on ${c.streamId}, which only one writer appends to`)
  }

  t.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`)
  t.is(lost, 0, 'acknowledged events lost')
  t.is(duplicates, 0, 'duplicate event ids')
  t.is(rows.length, acknowledged, 'every stored event was acknowledged (no writer was killed)')
  // The writers really ran at once: their commits interleave in the log.
  const writerOf = new Map<string, number>()
  children.forEach((c, w) => {
    for (const ack of c.acks) for (const result of ack.results) for (const id of result.ids) writerOf.set(id, w)
  })
  let switches = 0
  rows.forEach((row, i) => {
    const previous = rows[i - 1]
    if (previous !== undefined && writerOf.get(previous.event_id) !== writerOf.get(row.event_id)) switches++
  })
  t.true(switches >= WRITERS * 5, `the writers' commits interleave (${switches} switches)`)
  const hotConflicts = conflicts.filter((c) => c.streamId.startsWith('contend.hot-')).length
  t.true(hotConflicts > 0, 'the writers contended (some conflicts on the hot streams)')

  // Read back through the store too.
  t.is(await store.headPosition(), rows.length)
  const hot = await collect(() => store.readStream('contend.hot-0'))
  t.deepEqual(
    hot.map((e) => e.revision),
    Array.from({ length: hot.length }, (_, i) => i),
  )
  await store.close()

  t.log(
    [
      `writers ${WRITERS} × ${OPERATIONS} operations; acknowledgements ${acks.length}, acknowledged events ${acknowledged}, events found ${rows.length}`,
      `conflicts ${conflicts.length} (hot streams ${hotConflicts}), retried until written; expectations met once each: ${[...winners.values()].every((n) => n === 1)}`,
      `commits of different writers next to each other in the log: ${switches}`,
      `subscriber received ${received.length} events in order, ${subscriberWait} ms after the writers ended`,
      `lost ${lost}, duplicates ${duplicates}; writers took ${((writersDone - started) / 1000).toFixed(1)} s`,
    ].join('\n'),
  )
})

// The first `data_version` poll must count as a change: a commit by another connection (another
// process) after a subscription's catch-up read but before the store's first poll would otherwise
// be taken as the baseline, and the subscriber would not wake until some later commit. A second
// store instance in this process is another connection, as another process would be, and makes
// the window deterministic.
test('a commit by another connection just after subscribing is delivered (first poll window)', async (t) => {
  const path = join(tempDir(t), 'ledger.db')
  const subscriberStore = await openSqliteEventStore({ path })
  const otherProcess = await openSqliteEventStore({ path })
  t.teardown(async () => {
    await subscriberStore.close()
    await otherProcess.close()
  })
  const received: RecordedEvent[] = []
  const subscription = subscriberStore.subscribe().subscribe((event) => received.push(event))
  t.teardown(() => subscription.unsubscribe())
  // Committed a few milliseconds after the catch-up read, before the first 50 ms poll.
  await otherProcess.appendToStream('contend.late-1', [testEvent()], { expectedRevision: 'noStream' })
  await sleep(1_000) // twenty poll intervals
  t.is(received.length, 1, 'the subscriber delivered the other connection’s commit')
})

test('a commit by another connection after the first poll is delivered', async (t) => {
  const path = join(tempDir(t), 'ledger.db')
  const subscriberStore = await openSqliteEventStore({ path, pollIntervalMs: 20 })
  const otherProcess = await openSqliteEventStore({ path })
  t.teardown(async () => {
    await subscriberStore.close()
    await otherProcess.close()
  })
  const received: RecordedEvent[] = []
  const subscription = subscriberStore.subscribe().subscribe((event) => received.push(event))
  t.teardown(() => subscription.unsubscribe())
  await sleep(200)
  await otherProcess.appendToStream('contend.late-1', [testEvent()], { expectedRevision: 'noStream' })
  const deadline = Date.now() + 5_000
  while (received.length < 1 && Date.now() < deadline) await sleep(10)
  t.is(received.length, 1)
})
