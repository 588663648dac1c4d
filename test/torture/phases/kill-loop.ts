/**
 * `kill -9` of a SQLite writer mid-append, a thousand times (RELIABILITY "Faults"), with every
 * check made after every kill: `PRAGMA quick_check` (and `integrity_check` every 25 kills and at
 * the end), then the checker reads what was committed since the last kill and classifies every
 * event sent so far — acknowledged and present, no duplicate, no torn batch, positions and
 * revisions without a gap — and `verifyLedger` checks the hash chains.
 *
 * The writers are `kill-writer` children, started ahead in a small pool so that a round costs the
 * writer's run, not Node's start-up. Every fourth round the next writer first re-sends, with the
 * same ids, up to three attempts the killed one never saw acknowledged: each must come back at the
 * position it was committed at, or be written once — so "recovered" shows up in the figures.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import { verifyLedger } from '@civic-ledger/core'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'
import { between, seededRandom } from '@civic-ledger/testing'
import BetterSqlite3 from 'better-sqlite3'

import type { Operation } from '../checker'
import { clean, LedgerChecker } from '../checker'
import type { Phase, PhaseBudget, PhaseResult } from '../phase'
import type { AttemptLine, ChildLine, GoMessage } from '../protocol'
import { lineReader } from '../protocol'
import { classificationInvariants, invariant, scratchDirectory, secondsSince } from '../support'

const WRITER = join(__dirname, '..', 'kill-writer.js')
const POOL = 3
const RESEND_EVERY = 4
const RESENDS_PER_ROUND = 3
const INTEGRITY_EVERY = 25
const START_TIMEOUT_MS = 30_000

// --- a writer child ---

interface Writer {
  readonly child: ChildProcessWithoutNullStreams
  readonly loaded: Promise<boolean>
  /** True at the first acknowledgement of a new (not re-sent) append; false if it exited first. */
  readonly firstAck: Promise<boolean>
  readonly exited: Promise<void>
  /** Attempts not yet acknowledged, by op number. */
  readonly unacknowledged: Map<number, AttemptLine>
  readonly crashes: string[]
  readonly go: (message: GoMessage) => void
}

const startWriter = (path: string, seed: number, firstOp: number, checker: LedgerChecker, tally: Tally): Writer => {
  const child = spawn(process.execPath, [WRITER, path, String(seed), String(firstOp)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const operations = new Map<number, Operation>()
  const unacknowledged = new Map<number, AttemptLine>()
  const crashes: string[] = []
  let onLoaded: (loaded: boolean) => void = () => undefined
  let onFirstAck: (acked: boolean) => void = () => undefined
  const loaded = new Promise<boolean>((resolve) => (onLoaded = resolve))
  const firstAck = new Promise<boolean>((resolve) => (onFirstAck = resolve))
  const exited = new Promise<void>((resolve) => {
    child.on('close', () => {
      onLoaded(false)
      onFirstAck(false)
      resolve()
    })
  })
  child.stdout.on(
    'data',
    lineReader((line: ChildLine) => {
      if (line.k === 'loaded') onLoaded(true)
      else if (line.k === 'attempt') {
        operations.set(
          line.op,
          checker.begin(
            line.appends.map((a) => ({ streamId: a.streamId, events: a.ids.map((eventId) => ({ eventId })) })),
          ),
        )
        unacknowledged.set(line.op, line)
        if (line.resend) tally.resent += 1
      } else if (line.k === 'ack') {
        const operation = operations.get(line.op)
        if (operation !== undefined) checker.acknowledge(operation, line.results)
        const attempt = unacknowledged.get(line.op)
        unacknowledged.delete(line.op)
        tally.acknowledged += 1
        if (attempt?.resend === true && line.results.every((r) => r.alreadyStored)) tally.resentAlreadyStored += 1
        if (attempt?.resend !== true) onFirstAck(true)
      } else if (line.k === 'crashed') crashes.push(line.error)
    }),
  )
  // A writer's own complaints are part of the run's output.
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  child.stdin.on('error', () => undefined)
  return {
    child,
    loaded,
    firstAck,
    exited,
    unacknowledged,
    crashes,
    go: (message) => child.stdin.end(`${JSON.stringify(message)}\n`),
  }
}

interface Tally {
  acknowledged: number
  resent: number
  resentAlreadyStored: number
}

// --- checks on the file ---

const pragmaCheck = (path: string, pragma: 'quick_check' | 'integrity_check'): string => {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true })
  try {
    return String(db.pragma(pragma, { simple: true }))
  } finally {
    db.close()
  }
}

// --- the phase ---

const run = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const started = performance.now()
  const deadline = started + budget.seconds * 1000
  const kills = budget.kills ?? (budget.size === 'short' ? 20 : 1_000)
  const scratch = scratchDirectory('kill')
  const path = join(scratch.dir, 'ledger.db')
  const store = await openSqliteEventStore({ path })
  const checker = new LedgerChecker()
  const random = seededRandom(budget.seed)
  const tally: Tally = { acknowledged: 0, resent: 0, resentAlreadyStored: 0 }
  const live = new Set<Writer>()
  const pool: Writer[] = []
  let spawned = 0
  const refill = (): void => {
    while (pool.length < POOL) {
      spawned += 1
      const writer = startWriter(path, budget.seed * 1_000 + spawned, spawned * 10_000_000, checker, tally)
      live.add(writer)
      void writer.exited.then(() => live.delete(writer))
      pool.push(writer)
    }
  }
  const failures = { quick: 0, integrity: 0, verify: 0, unclean: 0, stalled: 0, crashed: 0 }
  let firstFailure = ''
  const failed = (what: keyof typeof failures, detail: string): void => {
    failures[what] += 1
    if (firstFailure === '') firstFailure = detail
  }
  let done = 0
  let integrityChecks = 0
  let previous: ReadonlyArray<AttemptLine> = []
  try {
    refill()
    while (done < kills && performance.now() < deadline) {
      const writer = pool.shift() as Writer
      refill()
      if (!(await writer.loaded)) {
        failed('crashed', writer.crashes[0] ?? 'a writer exited before loading')
        continue
      }
      const resends = done % RESEND_EVERY === RESEND_EVERY - 1 ? previous.slice(0, RESENDS_PER_ROUND) : []
      writer.go({ resends })
      const acked = await Promise.race([writer.firstAck, sleep(START_TIMEOUT_MS).then(() => false)])
      if (!acked) failed(writer.crashes.length > 0 ? 'crashed' : 'stalled', writer.crashes[0] ?? 'no acknowledgement')
      await sleep(budget.size === 'short' ? between(random, 2, 30) : between(random, 5, 60))
      writer.child.kill('SIGKILL')
      await writer.exited
      done += 1
      checker.abandonPending('the writer was killed')
      previous = [...writer.unacknowledged.values()].filter((attempt) => !attempt.resend)

      // Every check, after every kill.
      const quick = pragmaCheck(path, 'quick_check')
      if (quick !== 'ok') failed('quick', `quick_check after kill ${done}: ${quick.slice(0, 200)}`)
      if (done % INTEGRITY_EVERY === 0 || done === kills) {
        integrityChecks += 1
        const integrity = pragmaCheck(path, 'integrity_check')
        if (integrity !== 'ok') failed('integrity', `integrity_check after kill ${done}: ${integrity.slice(0, 200)}`)
      }
      await checker.observe(store)
      const classification = checker.classify()
      if (!clean(classification)) failed('unclean', `after kill ${done}: ${classification.problems[0] ?? 'unclean'}`)
      const report = await verifyLedger(store, { threads: 0 })
      if (!report.ok) failed('verify', `verify after kill ${done}: ${report.failure?.message ?? 'failed'}`)
    }
    const classification = checker.classify()
    // A fresh handle on the file must read exactly what the checker has seen.
    const reopened = await openSqliteEventStore({ path })
    const head = await reopened.headPosition()
    await reopened.close()
    return {
      store: 'sqlite',
      phase: PHASE_NAME,
      seconds: secondsSince(started),
      counts: {
        kills: done,
        'checks after a kill': done,
        'integrity checks': integrityChecks,
        'appends acknowledged': tally.acknowledged,
        events: head,
        'attempts re-sent': tally.resent,
        're-sent, already stored': tally.resentAlreadyStored,
        'quick_check failures': failures.quick,
        'integrity_check failures': failures.integrity,
        'verify failures': failures.verify,
        'kills after which the ledger was not clean': failures.unclean,
        'writers that stalled or crashed': failures.stalled + failures.crashed,
      },
      classification,
      invariants: [
        invariant(`${kills} kills done`, kills - done, `${done} kills`, `only ${done} kills in ${budget.seconds} s`),
        invariant(
          'integrity after every kill (quick_check; integrity_check every 25)',
          failures.quick + failures.integrity,
          `${done} quick checks, ${integrityChecks} integrity checks`,
          firstFailure,
        ),
        invariant('verify passes after every kill', failures.verify, `${done} verifications`, firstFailure),
        invariant('clean after every kill', failures.unclean, `${done} classifications`, firstFailure),
        invariant(
          'every writer ran until killed',
          failures.stalled + failures.crashed,
          `${spawned} writers started`,
          firstFailure,
        ),
        invariant(
          'a fresh handle reads what the checker saw',
          head === checker.size.lastPosition ? 0 : 1,
          `head ${head}`,
          `head ${head}, checker saw ${checker.size.lastPosition}`,
        ),
        ...classificationInvariants(classification),
      ],
    }
  } finally {
    for (const writer of live) writer.child.kill('SIGKILL')
    await Promise.all([...live].map((writer) => writer.exited))
    await store.close()
    scratch.remove()
  }
}

const PHASE_NAME = 'kill -9 of a writer mid-append'

/** The SQLite kill loop. */
export const killLoopPhase: Phase = { store: 'sqlite', name: PHASE_NAME, run }
