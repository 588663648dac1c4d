/**
 * Kill -9 of a writer process mid-append, many times, on one ledger file (RELIABILITY "Faults").
 *
 * Each round starts a `crash-writer` child on the same file, lets it append for a random 5–60 ms
 * after its first acknowledgement, and kills it with SIGKILL. Every few rounds the next writer first
 * re-sends, with the same ids, attempts of the killed writer that were never acknowledged: each must
 * come back `alreadyStored` at its original positions if it had committed, or be written fresh if
 * not — never twice.
 *
 * After every kill the file is checked, incrementally (`LedgerFileCheck` in `test-helpers.ts`):
 * `PRAGMA quick_check`, the events checked before still there, and the new ones at positions with
 * no gap, no id twice, each stream's revisions following on, each hash the one its chain gives
 * (the chain check `verifyLedger` does, from the heads the last check left), every event
 * acknowledged in the round where the store said, and no partial batch. `quick_check` rather than
 * `integrity_check`: it reads every page and record, in O(N), and skips only the comparison of each
 * index with its table, a sort per index (on a 30,000-event, 10 MB file: 34 ms a check against 87
 * ms, on a loaded two-core host); `CIVIC_LEDGER_CRASH_INTEGRITY=integrity_check` runs the full one
 * after every kill instead, and the final check always does. Every `VERIFY_EVERY` kills
 * `verifyLedger` runs on a reopened store too. Afterwards the file must pass `PRAGMA
 * integrity_check` and `verifyLedger`, hold every acknowledged event at the position the store
 * returned, no id twice, positions 1..N and stream revisions 0..n with no gap, no partial batch,
 * and read the same through a reopened store.
 *
 * Children are started ahead of time (a small pool that has loaded its modules and waits on stdin),
 * so a round costs the writer's run, not Node's start-up. `CIVIC_LEDGER_CRASH_ROUNDS` sets the
 * number of rounds (default 200) and `CIVIC_LEDGER_CRASH_SEED` repeats a run. A long run needs ava's
 * own timeout raised too, e.g.
 * `CIVIC_LEDGER_CRASH_ROUNDS=1000 npx ava --timeout=30m packages/store-sqlite/dist/crash.int.test.js`.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { verifyLedger } from '@civic-ledger/core'
import { collect } from '@civic-ledger/testing'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import type { AckLine, AttemptLine, ChildLine, GoMessage } from './child-protocol'
import { lineReader, prng } from './child-protocol'
import { openSqliteEventStore } from './sqlite-store'
import type { IntegrityPragma } from './test-helpers'
import { LedgerFileCheck } from './test-helpers'

const WRITER = join(__dirname, 'crash-writer.js')
const ROUNDS = Math.max(1, Number.parseInt(process.env['CIVIC_LEDGER_CRASH_ROUNDS'] ?? '', 10) || 200)
/** Children loading their modules ahead of the round that will use them. */
const POOL = 3
/** Every this many rounds, the writer first re-sends unacknowledged attempts of the one before. */
const RETRY_EVERY = 4
const RETRIES_PER_ROUND = 3
/** How long a writer may take to load, open the file and acknowledge its first append. */
const START_TIMEOUT_MS = 30_000
/** The integrity pragma run after each kill (`CIVIC_LEDGER_CRASH_INTEGRITY=integrity_check` for the full one). */
const PER_KILL_INTEGRITY: IntegrityPragma =
  process.env['CIVIC_LEDGER_CRASH_INTEGRITY'] === 'integrity_check' ? 'integrity_check' : 'quick_check'
/** Every this many kills, `verifyLedger` on a reopened store as well as the incremental chain check. */
const VERIFY_EVERY = 50

// --- a writer child ---

interface Writer {
  readonly child: ChildProcessWithoutNullStreams
  /** True once the child has loaded its modules; false if it exited first. */
  readonly loaded: Promise<boolean>
  /** True at the first acknowledgement of a new (not re-sent) append; false if it exited first. */
  readonly firstAck: Promise<boolean>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  readonly attempts: Map<number, AttemptLine>
  readonly acks: AckLine[]
  readonly failures: string[]
  readonly stderr: () => string
  readonly go: (message: GoMessage) => void
}

const startWriter = (path: string, seed: number): Writer => {
  const child = spawn(process.execPath, [WRITER, path, String(seed)], { stdio: ['pipe', 'pipe', 'pipe'] })
  const attempts = new Map<number, AttemptLine>()
  const acks: AckLine[] = []
  const failures: string[] = []
  let stderr = ''
  let onLoaded: (loaded: boolean) => void = () => undefined
  let onFirstAck: (acked: boolean) => void = () => undefined
  const loaded = new Promise<boolean>((resolve) => (onLoaded = resolve))
  const firstAck = new Promise<boolean>((resolve) => (onFirstAck = resolve))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      onLoaded(false)
      onFirstAck(false)
      resolve({ code, signal })
    })
  })
  child.stdout.on(
    'data',
    lineReader((line: ChildLine) => {
      switch (line.k) {
        case 'loaded':
          onLoaded(true)
          break
        case 'attempt':
          attempts.set(line.op, line)
          break
        case 'ack':
          acks.push(line)
          if (!line.retry) onFirstAck(true)
          break
        case 'failed':
          failures.push(line.error)
          break
        default:
          break
      }
    }),
  )
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  // A child killed before it read its go message closes stdin under us.
  child.stdin.on('error', () => undefined)
  return {
    child,
    loaded,
    firstAck,
    exited,
    attempts,
    acks,
    failures,
    stderr: () => stderr,
    go: (message) => {
      child.stdin.end(`${JSON.stringify(message)}\n`)
    },
  }
}

// --- reading the file directly ---

interface Row {
  readonly position: number
  readonly revision: number
  readonly event_id: string
  readonly stream: string
}

const readRows = (path: string): { readonly integrity: string; readonly rows: ReadonlyArray<Row> } => {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true })
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }))
    const rows = db
      .prepare<[], Row>(
        'SELECT e.position, e.revision, e.event_id, s.name AS stream FROM events e JOIN streams s ON s.id = e.stream ORDER BY e.position',
      )
      .all()
    return { integrity, rows }
  } finally {
    db.close()
  }
}

const idsOf = (attempt: AttemptLine): ReadonlyArray<string> => attempt.appends.flatMap((a) => a.ids)

// --- the test ---

test(`SIGKILL of a writer mid-append, ${ROUNDS} times: nothing acknowledged is lost or duplicated`, async (t) => {
  // A bound on a hung run, not a speed target: on a loaded two-core host 200 rounds, checked after
  // every kill, took over 130 s.
  t.timeout(Math.max(300_000, ROUNDS * 1_500))
  const started = Date.now()
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-crash-'))
  const path = join(dir, 'ledger.db')
  const live = new Set<Writer>()
  t.teardown(async () => {
    for (const writer of live) writer.child.kill('SIGKILL')
    await Promise.all([...live].map(async (writer) => writer.exited))
    rmSync(dir, { recursive: true, force: true })
  })

  const seed = Number.parseInt(process.env['CIVIC_LEDGER_CRASH_SEED'] ?? '', 10) || Date.now() % 1_000_000
  t.log(`seed ${seed} (set CIVIC_LEDGER_CRASH_SEED to repeat)`)
  const random = prng(seed)
  let spawned = 0
  const pool: Writer[] = []
  const refill = (): void => {
    while (pool.length < POOL) {
      const writer = startWriter(path, seed * 1_000 + spawned++)
      live.add(writer)
      pool.push(writer)
    }
  }

  const attempts = new Map<string, AttemptLine>()
  const acks: AckLine[] = []
  const problems: string[] = []
  let kills = 0
  let unackedTotal = 0
  let retriedStored = 0
  let retriedFresh = 0
  let previousUnacked: AttemptLine[] = []
  const check = new LedgerFileCheck(path, PER_KILL_INTEGRITY)
  let checkMs = 0
  let verifyMs = 0
  let verifies = 0

  refill()
  for (let round = 0; round < ROUNDS; round++) {
    const writer = pool.shift()
    if (writer === undefined) throw new Error('the writer pool is empty')
    refill()
    if (!(await writer.loaded)) {
      t.fail(`round ${round}: the writer exited before it loaded: ${writer.stderr()}`)
      return
    }

    // Every few rounds: re-send the last attempts the previous writer never saw acknowledged.
    const retries = round % RETRY_EVERY === RETRY_EVERY - 1 ? previousUnacked.slice(-RETRIES_PER_ROUND) : []
    // Where the retried ids are stored, if anywhere: the check after the last kill knows.
    const before = new Map(
      retries.flatMap(idsOf).flatMap((id) => {
        const at = check.locate(id)
        return at === undefined ? [] : [[id, at] as const]
      }),
    )
    writer.go({ retries })

    const acked = await Promise.race([writer.firstAck, sleep(START_TIMEOUT_MS, false, { ref: false })])
    if (!acked) {
      writer.child.kill('SIGKILL')
      await writer.exited
      live.delete(writer)
      t.fail(
        `round ${round}: no acknowledgement from the writer: ${writer.failures.join('\n')} ${writer.stderr()}`.trim(),
      )
      return
    }
    await sleep(5 + Math.floor(random() * 56))
    writer.child.kill('SIGKILL')
    const exit = await writer.exited
    live.delete(writer)
    if (exit.signal !== 'SIGKILL' || writer.failures.length > 0) {
      t.fail(`round ${round}: the writer ended with ${exit.signal ?? exit.code}: ${writer.failures.join('\n')}`)
      return
    }
    kills++

    // The retries: the original positions if they had committed, written fresh if not.
    for (const retry of retries) {
      const ack = writer.acks.find((a) => a.retry && a.op === retry.op)
      const ids = idsOf(retry)
      const stored = ids.filter((id) => before.has(id)).length
      if (ack === undefined) {
        problems.push(`round ${round}: the retry of op ${retry.op} was not acknowledged`)
        continue
      }
      if (stored !== 0 && stored !== ids.length)
        problems.push(`round ${round}: op ${retry.op} was partly stored (${stored} of ${ids.length})`)
      if (stored === ids.length) retriedStored++
      else retriedFresh++
      retry.appends.forEach((planned, i) => {
        const result = ack.results[i]
        const first = before.get(planned.ids[0] ?? '')
        const last = before.get(planned.ids[planned.ids.length - 1] ?? '')
        if (result === undefined) problems.push(`round ${round}: the retry of op ${retry.op} lacks result ${i}`)
        else if (stored === 0 && result.alreadyStored)
          problems.push(`round ${round}: op ${retry.op} was not stored, but its retry said alreadyStored`)
        else if (stored === ids.length && !result.alreadyStored)
          problems.push(`round ${round}: op ${retry.op} was stored, but its retry wrote it again`)
        else if (
          stored === ids.length &&
          (result.firstPosition !== first?.position ||
            result.lastPosition !== last?.position ||
            result.firstRevision !== first.revision ||
            result.streamId !== first.streamId)
        )
          problems.push(
            `round ${round}: the retry of op ${retry.op} came back at ${result.firstPosition}..${result.lastPosition}, stored at ${first?.position}..${last?.position}`,
          )
      })
    }

    for (const [op, attempt] of writer.attempts) attempts.set(`${round}:${op}`, attempt)
    for (const ack of writer.acks) {
      acks.push(ack)
      if (!ack.retry && ack.results.some((r) => r.alreadyStored))
        problems.push(`round ${round}: op ${ack.op} had fresh ids but was acknowledged alreadyStored`)
    }
    const ackedOps = new Set(writer.acks.filter((a) => !a.retry).map((a) => a.op))
    previousUnacked = [...writer.attempts.values()].filter((a) => !ackedOps.has(a.op))
    unackedTotal += previousUnacked.length

    // The file after this kill: what changed since the last one, and what this writer was told.
    const checkStarted = Date.now()
    const report = check.check({
      acked: writer.acks.flatMap((a) => a.results),
      attempts: [...writer.attempts.values(), ...retries].map(idsOf),
    })
    for (const problem of report.problems) problems.push(`after kill ${kills}: ${problem}`)
    if (kills % VERIFY_EVERY === 0) {
      const store = await openSqliteEventStore({ path })
      try {
        const verified = await verifyLedger(store)
        verifies++
        if (!verified.ok) problems.push(`after kill ${kills}: verify failed: ${verified.failure?.message ?? ''}`)
      } finally {
        await store.close()
      }
      verifyMs += Date.now() - checkStarted
    } else checkMs += Date.now() - checkStarted
    if (problems.length > 0) {
      t.log(`stopping after kill ${kills}: the file failed its check`)
      break
    }
  }
  for (const writer of pool) writer.child.kill('SIGKILL')
  await Promise.all(pool.map(async (writer) => writer.exited))
  for (const writer of pool) live.delete(writer)
  const roundsDone = Date.now()

  // --- the file, read directly ---
  const { integrity, rows } = readRows(path)
  t.is(integrity, 'ok', 'PRAGMA integrity_check')

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

  // Every acknowledged event, where the store said it was.
  const ackedIds = new Set<string>()
  let lost = 0
  let misplaced = 0
  for (const ack of acks)
    for (const result of ack.results)
      result.ids.forEach((id, i) => {
        ackedIds.add(id)
        const row = byId.get(id)
        if (row === undefined) {
          lost++
          if (lost <= 5) problems.push(`acknowledged event ${id} (position ${result.firstPosition + i}) is lost`)
        } else if (
          row.position !== result.firstPosition + i ||
          row.revision !== result.firstRevision + i ||
          row.stream !== result.streamId
        ) {
          misplaced++
          if (misplaced <= 5)
            problems.push(
              `acknowledged event ${id} at ${result.streamId}@${result.firstRevision + i} position ${result.firstPosition + i} is at ${row.stream}@${row.revision} position ${row.position}`,
            )
        }
        if (result.lastPosition - result.firstPosition + 1 !== result.ids.length)
          problems.push(
            `op ${ack.op}: ${result.ids.length} events acknowledged at ${result.firstPosition}..${result.lastPosition}`,
          )
      })

  // No partial batch: each attempt, acknowledged or not, is all there or not at all. No stranger.
  const attemptedIds = new Set<string>()
  let unackedCommitted = 0
  for (const [key, attempt] of attempts) {
    const ids = idsOf(attempt)
    for (const id of ids) attemptedIds.add(id)
    const present = ids.filter((id) => byId.has(id)).length
    if (present !== 0 && present !== ids.length)
      problems.push(`attempt ${key}: ${present} of its ${ids.length} events are stored`)
    if (present === ids.length && !ackedIds.has(ids[0] ?? '')) unackedCommitted++
  }
  for (const row of rows)
    if (!attemptedIds.has(row.event_id)) problems.push(`event ${row.event_id} was never attempted`)

  // --- the file, through a reopened store: the global feed and every stream ---
  const store = await openSqliteEventStore({ path })
  let chain = ''
  try {
    t.is(await store.headPosition(), rows.length, 'headPosition after restart')
    // No kill may leave a chain broken: every hash written is the chain's, whatever was cut off.
    const verified = await verifyLedger(store)
    chain = verified.ok
      ? `verify ok over ${verified.events} events`
      : `verify FAILED: ${verified.failure?.message ?? ''}`
    t.true(verified.ok, chain)
    const all = await collect(() => store.readAll())
    t.deepEqual(
      all.map((e) => `${e.position} ${e.eventId}`),
      rows.map((r) => `${r.position} ${r.event_id}`),
      'readAll after restart',
    )
    for (const [stream, next] of nextRevision) {
      const events = await collect(() => store.readStream(stream))
      t.deepEqual(
        events.map((e) => e.revision),
        Array.from({ length: next }, (_, i) => i),
        `readStream(${stream}) after restart`,
      )
    }
  } finally {
    await store.close()
  }

  t.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`)
  t.is(lost, 0, 'acknowledged events lost')
  t.is(misplaced, 0, 'acknowledged events not where the store said')
  t.is(duplicates, 0, 'duplicate event ids')
  t.true(ackedIds.size > 0)
  t.log(
    [
      `rounds ${ROUNDS}, kills ${kills}, writers started ${spawned}`,
      `acknowledged events ${ackedIds.size} (${acks.length} acknowledgements), events found ${rows.length}, streams ${nextRevision.size}`,
      `unacknowledged attempts ${unackedTotal} (committed all the same: ${unackedCommitted})`,
      `re-sent unacknowledged attempts: ${retriedStored} found stored (alreadyStored, original positions), ${retriedFresh} written fresh`,
      `duplicates ${duplicates}, lost ${lost}, misplaced ${misplaced}, integrity ${integrity}, ${chain}`,
      `checked after every kill (${PER_KILL_INTEGRITY}, new rows, acknowledgements): ${(checkMs / 1000).toFixed(1)} s; with verifyLedger (${verifies} times): ${(verifyMs / 1000).toFixed(1)} s`,
      `rounds took ${((roundsDone - started) / 1000).toFixed(1)} s (checks included), the final checks ${((Date.now() - roundsDone) / 1000).toFixed(1)} s`,
    ].join('\n'),
  )
})
