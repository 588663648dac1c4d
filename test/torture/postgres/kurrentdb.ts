/**
 * The KurrentDB phase of the torture run, against a real server only: `CIVIC_LEDGER_KURRENTDB_URL`
 * (e.g. `kurrentdb://localhost:2113?tls=false`); without it the phase is unavailable, never run
 * against a stand-in. N = 2 and 8 writers race on one stream with the same expected revision,
 * round after round, losers retrying; every acknowledged append is then resent with the same ids
 * and expectation, and must come back `alreadyStored` at the same positions, writing nothing.
 * Each run writes to a ledger of its own name on the server.
 */
import '@civic-ledger/store-kurrentdb'

import { randomBytes } from 'node:crypto'

import type { AppendResult, EventStore, NewEvent } from '@civic-ledger/core'
import { openEventStore, systemClock, WrongExpectedRevisionError } from '@civic-ledger/core'

import type { LedgerChecker } from '../checker'
import type { Invariant, Phase, PhaseBudget, PhaseResult } from '../phase'
import {
  classifyLedger,
  invariant,
  kindOf,
  percentile,
  phaseResult,
  sendUntilAcknowledged,
  startPhase,
  Tally,
  tortureEvents,
} from './common'

const URL_VARIABLE = 'CIVIC_LEDGER_KURRENTDB_URL'

const kurrentUrl = (): string | undefined => {
  const url = process.env[URL_VARIABLE]
  return url === undefined || url.length === 0 ? undefined : url
}

const unavailable = async (): Promise<string | undefined> => {
  const url = kurrentUrl()
  if (url === undefined) return `${URL_VARIABLE} is not set: no KurrentDB server to run against`
  try {
    const store = await openEventStore(withLedger(url, `cl-torture-probe-${randomBytes(4).toString('hex')}`), {
      clock: systemClock,
    })
    await store.headPosition()
    await store.close()
    return undefined
  } catch (error) {
    return `the KurrentDB server did not answer (${error instanceof Error ? error.message : String(error)})`
  }
}

const withLedger = (url: string, ledger: string): string => `${url}${url.includes('?') ? '&' : '?'}ledger=${ledger}`

interface Acknowledged {
  readonly streamId: string
  readonly events: ReadonlyArray<NewEvent>
  readonly expectedRevision: number | 'noStream'
  readonly result: AppendResult
}

/** Rounds of `writers` racing on one stream until `until`; each success is kept for its resend. */
const races = async (
  store: EventStore,
  checker: LedgerChecker,
  writers: number,
  until: number,
  acknowledged: Acknowledged[],
): Promise<{ rounds: number; oneWinner: number; conflicts: number; attempts: number; latencies: number[] }> => {
  const streamId = `torture.contended-${writers}`
  const figures = { rounds: 0, oneWinner: 0, conflicts: 0, attempts: 0, latencies: [] as number[] }
  const tally = new Tally()
  let expected = -1
  while (Date.now() < until || figures.rounds === 0) {
    const started = Date.now()
    let firstWinners = 0
    let head = expected
    await Promise.all(
      Array.from({ length: writers }, async () => {
        let expectation = expected
        for (let attempt = 0; attempt < 1_000; attempt++) {
          const events = tortureEvents(1)
          const expectedRevision = expectation === -1 ? ('noStream' as const) : expectation
          figures.attempts += 1
          const sent = await sendUntilAcknowledged(
            checker,
            [{ streamId, events }],
            async () => [await store.appendToStream(streamId, events, { expectedRevision })],
            tally,
          )
          const result = sent.results?.[0]
          if (result !== undefined) {
            if (attempt === 0) firstWinners += 1
            figures.latencies.push(Date.now() - started)
            acknowledged.push({ streamId, events, expectedRevision, result })
            head = Math.max(head, result.lastRevision)
            return
          }
          if (!(sent.refused instanceof WrongExpectedRevisionError)) return
          figures.conflicts += 1
          expectation = sent.refused.actual
        }
      }),
    )
    figures.rounds += 1
    if (firstWinners === 1) figures.oneWinner += 1
    expected = head
  }
  return figures
}

const PHASE_NAME = 'writers racing on one stream, and idempotent resends'

const run = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const phase = startPhase(budget)
  const { started, checker, tally } = phase
  const url = kurrentUrl()
  if (url === undefined) throw new Error(`${URL_VARIABLE} is not set`)
  const store = await openEventStore(withLedger(url, `cl-torture-${randomBytes(5).toString('hex')}`), {
    clock: systemClock,
  })
  const invariants: Invariant[] = []
  const acknowledged: Acknowledged[] = []
  try {
    for (const [index, writers] of [2, 8].entries()) {
      const until = started + ((budget.seconds * 1_000 * 0.6) / 2) * (index + 1)
      const f = await races(store, checker, writers, until, acknowledged)
      tally.add(`n${writers}.rounds`, f.rounds)
      tally.add(`n${writers}.conflictRatePercent`, f.attempts === 0 ? 0 : Math.round((100 * f.conflicts) / f.attempts))
      tally.add(`n${writers}.p50Ms`, percentile(f.latencies, 50))
      tally.add(`n${writers}.p99Ms`, percentile(f.latencies, 99))
      invariants.push(
        invariant(
          `optimistic concurrency, N = ${writers}`,
          f.oneWinner === f.rounds,
          `${f.oneWinner} of ${f.rounds} rounds had exactly one first-try winner; ${f.conflicts} typed conflicts`,
        ),
      )
    }
    // Every acknowledged append, sent again as it was: the original positions, nothing written.
    const head = await store.headPosition()
    let same = 0
    const differed: string[] = []
    for (const a of acknowledged) {
      const operation = checker.begin([{ streamId: a.streamId, events: a.events }])
      try {
        const again = await store.appendToStream(a.streamId, a.events, { expectedRevision: a.expectedRevision })
        checker.acknowledge(operation, [again])
        if (again.alreadyStored && again.firstPosition === a.result.firstPosition) same += 1
        else if (differed.length < 5) differed.push(`${a.streamId}@${a.result.firstRevision}`)
      } catch (error) {
        checker.fail(operation, error, 'unknown')
        tally.add(`resendErrors.${kindOf(error)}`)
      }
    }
    tally.add('resends', acknowledged.length)
    tally.add('resendsAlreadyStored', same)
    const headAfter = await store.headPosition()
    invariants.push(
      invariant(
        'an idempotent resend returns the original positions',
        same === acknowledged.length && headAfter === head,
        `${same} of ${acknowledged.length} resends came back already stored at their positions; the head moved from ${head} to ${headAfter} ${differed.join(', ')}`.trim(),
      ),
    )
    const { classification, invariants: ledger } = await classifyLedger(checker, store)
    invariants.push(...ledger)
    return phaseResult(phase, { store: 'kurrentdb', phase: PHASE_NAME, classification, invariants })
  } finally {
    await store.close()
  }
}

export const kurrentdbPhases: ReadonlyArray<Phase> = [{ store: 'kurrentdb', name: PHASE_NAME, unavailable, run }]
