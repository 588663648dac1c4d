/**
 * Concurrent writers on one stream (RELIABILITY "Load"): N = 2, 8 and 32 writers each append one
 * event at a time to the same stream with the exact revision they last read, and retry on conflict
 * (with the same event id) until they are written. Among the attempts that expected one revision,
 * exactly one may win; every other gets a typed `WrongExpectedRevisionError` and writes nothing.
 * Reports the conflict rate and the p50/p99 latency of an append, retries included.
 */
import type { EventStore } from '@civic-ledger/core'
import { WrongExpectedRevisionError } from '@civic-ledger/core'

import { LedgerChecker } from '../checker'
import type { Invariant, Phase, PhaseBudget, PhaseResult } from '../phase'
import type { SharedStore } from '../support'
import {
  classificationInvariants,
  invariant,
  messageOf,
  openFreshStore,
  quantile,
  secondsSince,
  tenths,
  tortureEvent,
} from '../support'

const WRITER_COUNTS = [2, 8, 32] as const
/** A writer that cannot get its event in after this many tries stops: a figure, not a hang. */
const MAX_TRIES = 1_000

interface Contention {
  attempts: number
  conflicts: number
  untyped: number
  gaveUp: number
  readonly latencies: number[]
  /** Attempts and wins by the revision they expected. */
  readonly byExpected: Map<number, { attempts: number; wins: number }>
  firstUntyped: string
}

const lastRevision = async (store: EventStore, streamId: string): Promise<number> => {
  for await (const event of store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) return event.revision
  return -1
}

/** One writer getting one event into the stream, however many tries it takes. */
const writeOne = async (store: EventStore, checker: LedgerChecker, streamId: string, c: Contention): Promise<void> => {
  const event = tortureEvent('torture.WriterWon', { stream: streamId })
  const started = performance.now()
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const expected = await lastRevision(store, streamId)
    const tally = c.byExpected.get(expected) ?? { attempts: 0, wins: 0 }
    c.byExpected.set(expected, tally)
    tally.attempts += 1
    c.attempts += 1
    const operation = checker.begin([{ streamId, events: [event] }])
    try {
      const result = await store.appendToStream(streamId, [event], {
        expectedRevision: expected < 0 ? 'noStream' : expected,
      })
      checker.acknowledge(operation, [result])
      tally.wins += 1
      c.latencies.push(performance.now() - started)
      return
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && error.actual !== expected) {
        checker.fail(operation, error, 'no')
        c.conflicts += 1
      } else {
        checker.fail(operation, error, 'unknown')
        c.untyped += 1
        if (c.firstUntyped === '') c.firstUntyped = messageOf(error)
      }
    }
  }
  c.gaveUp += 1
}

const run = async (kind: SharedStore, budget: PhaseBudget): Promise<PhaseResult> => {
  const started = performance.now()
  const opened = await openFreshStore(kind)
  const checker = new LedgerChecker()
  const counts: Record<string, number> = {}
  const invariants: Invariant[] = []
  try {
    for (const writers of WRITER_COUNTS) {
      const deadline = performance.now() + (budget.seconds * 1000) / WRITER_COUNTS.length
      const maxRounds = budget.size === 'short' ? 3 : 500
      const streamId = `torture.contended-n${writers}`
      const c: Contention = {
        attempts: 0,
        conflicts: 0,
        untyped: 0,
        gaveUp: 0,
        latencies: [],
        byExpected: new Map(),
        firstUntyped: '',
      }
      let rounds = 0
      while (rounds < maxRounds && (rounds === 0 || performance.now() < deadline)) {
        await Promise.all(Array.from({ length: writers }, () => writeOne(opened.store, checker, streamId, c)))
        rounds += 1
      }
      const notOneWinner = [...c.byExpected.entries()].filter(([, tally]) => tally.wins !== 1)
      counts[`n${writers} rounds`] = rounds
      counts[`n${writers} appends`] = c.latencies.length
      counts[`n${writers} conflicts`] = c.conflicts
      counts[`n${writers} conflict rate %`] = tenths((100 * c.conflicts) / Math.max(1, c.attempts))
      counts[`n${writers} p50 ms`] = tenths(quantile(c.latencies, 0.5))
      counts[`n${writers} p99 ms`] = tenths(quantile(c.latencies, 0.99))
      invariants.push(
        invariant(
          `optimistic concurrency, N = ${writers}: exactly one winner per expected revision`,
          notOneWinner.length + c.gaveUp,
          `${c.byExpected.size} revisions contended, each won once`,
          notOneWinner.length > 0
            ? `revision ${notOneWinner[0]?.[0]} won ${notOneWinner[0]?.[1].wins} times`
            : 'a writer gave up',
        ),
        invariant(
          `optimistic concurrency, N = ${writers}: every loser gets a typed conflict`,
          c.untyped,
          `${c.conflicts} conflicts, all WrongExpectedRevisionError`,
          c.firstUntyped,
        ),
      )
    }
    await checker.observe(opened.store)
    const classification = checker.classify()
    return {
      store: kind,
      phase: PHASE_NAME,
      seconds: secondsSince(started),
      counts,
      classification,
      invariants: [...invariants, ...classificationInvariants(classification)],
    }
  } finally {
    await opened.dispose()
  }
}

const PHASE_NAME = 'concurrent writers on one stream (N = 2, 8, 32)'

/** The phase on a fresh store of `kind`. */
export const concurrentWritersPhase = (kind: SharedStore): Phase => ({
  store: kind,
  name: PHASE_NAME,
  run: (budget) => run(kind, budget),
})
