/**
 * Disk full mid-batch on SQLite (RELIABILITY "Faults"): a `disk-full-writer` child runs under a
 * file-size limit a little above the ledger's current files (`ulimit -f`, SIGXFSZ ignored) and
 * appends ten-event batches until one fails. The failing append must fail cleanly — no part of its
 * batch stored, every acknowledged event present, the file intact — and once the limit is lifted
 * the store must take appends again. A failure counts as "not written" only when the error says
 * so by its fields; otherwise its outcome is unknown, and the checker still forbids a torn batch.
 */
import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { verifyLedger } from '@civic-ledger/core'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'
import { between, seededRandom } from '@civic-ledger/testing'

import { LedgerChecker } from '../checker'
import type { Phase, PhaseBudget, PhaseResult } from '../phase'
import { appendProbe, followWriter, integrityOf } from '../protocol'
import { classificationInvariants, invariant, scratchDirectory, secondsSince } from '../support'

const WRITER = join(__dirname, '..', 'disk-full-writer.js')
const CHILD_TIMEOUT_MS = 120_000

const sizeOf = (path: string): number => (existsSync(path) ? statSync(path).size : 0)

interface Round {
  acknowledged: number
  failures: number
  notWritten: number
  typed: number
  firstError: string
}

/** Runs the writer under a file-size limit of `limitKiB` and records what it says. */
const writeUntilFull = async (
  path: string,
  limitKiB: number,
  firstOp: number,
  checker: LedgerChecker,
): Promise<Round> => {
  const round: Round = { acknowledged: 0, failures: 0, notWritten: 0, typed: 0, firstError: '' }
  const script = `trap '' XFSZ; ulimit -f ${limitKiB}; exec "$0" "$@"`
  const child = spawn('bash', ['-c', script, process.execPath, WRITER, path, String(firstOp)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  await followWriter(
    child,
    checker,
    {
      ack: (line, operation) => {
        checker.acknowledge(operation, line.results)
        round.acknowledged += 1
      },
      failed: (line) => {
        round.failures += 1
        if (line.written === 'no') round.notWritten += 1
        if (/^(StoreUnavailableError|LimitExceededError)/.test(line.error)) round.typed += 1
        if (round.firstError === '') round.firstError = line.error
      },
      crashed: (error) => {
        if (round.firstError === '') round.firstError = error
      },
    },
    CHILD_TIMEOUT_MS,
  )
  return round
}

const run = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const started = performance.now()
  const rounds = budget.size === 'short' ? 2 : 8
  const scratch = scratchDirectory('disk-full')
  const path = join(scratch.dir, 'ledger.db')
  const checker = new LedgerChecker()
  const random = seededRandom(budget.seed)
  const totals = {
    acknowledged: 0,
    failures: 0,
    notWritten: 0,
    typed: 0,
    afterLifted: 0,
    liftedRefused: 0,
    integrity: 0,
    verify: 0,
    noLimit: 0,
  }
  let firstError = ''
  let problem = ''
  try {
    await (await openSqliteEventStore({ path })).close()
    for (let round = 0; round < rounds && performance.now() < started + budget.seconds * 1000; round++) {
      // A limit a little above the largest file the ledger has now (the database or its log).
      const largest = Math.max(sizeOf(path), sizeOf(`${path}-wal`))
      const limitKiB = Math.ceil(largest / 1024) + between(random, 64, 512)
      const r = await writeUntilFull(path, limitKiB, (round + 1) * 10_000_000, checker)
      totals.acknowledged += r.acknowledged
      totals.failures += r.failures
      totals.notWritten += r.notWritten
      totals.typed += r.typed
      if (r.failures === 0) totals.noLimit += 1
      if (firstError === '') firstError = r.firstError
      if (integrityOf(path) !== 'ok') totals.integrity += 1
      // The limit is lifted: this process has none. The store must work again.
      const store = await openSqliteEventStore({ path })
      try {
        await checker.observe(store)
        for (let k = 0; k < 3; k++) {
          const refused = await appendProbe(store, checker, 'torture.full-lifted')
          if (refused === undefined) totals.afterLifted += 1
          else {
            totals.liftedRefused += 1
            if (problem === '') problem = refused
          }
        }
        await checker.observe(store)
        const report = await verifyLedger(store, { threads: 0 })
        if (!report.ok) totals.verify += 1
      } finally {
        await store.close()
      }
    }
    const classification = checker.classify()
    return {
      store: 'sqlite',
      phase: PHASE_NAME,
      seconds: secondsSince(started),
      counts: {
        rounds,
        'batches acknowledged under the limit': totals.acknowledged,
        'appends failed at the limit': totals.failures,
        'failures typed StoreUnavailableError': totals.typed,
        'failures saying "not written"': totals.notWritten,
        'batches acknowledged once the limit was lifted': totals.afterLifted,
        'integrity_check failures': totals.integrity,
        'verify failures': totals.verify,
      },
      classification,
      invariants: [
        invariant(
          'every writer reached the limit and failed',
          totals.noLimit + (totals.failures === rounds ? 0 : Math.abs(rounds - totals.failures)),
          `${totals.failures} failing appends; first: ${firstError.slice(0, 160)}`,
        ),
        invariant(
          'the failing append is typed',
          totals.failures - totals.typed,
          'StoreUnavailableError',
          firstError.slice(0, 160),
        ),
        invariant(
          'the store works once the limit is lifted',
          totals.liftedRefused,
          `${totals.afterLifted} batches acknowledged`,
          problem,
        ),
        invariant('integrity and verify after every round', totals.integrity + totals.verify, `${rounds} rounds`),
        ...classificationInvariants(classification),
      ],
    }
  } finally {
    scratch.remove()
  }
}

const PHASE_NAME = 'disk full mid-batch (a file-size limit)'

/** The SQLite disk-full phase. */
export const diskFullPhase: Phase = { store: 'sqlite', name: PHASE_NAME, run }
