/**
 * Projection plug-ins failing in each way under each policy (RELIABILITY "Faults"): a plug-in that
 * throws always on one event, a few times on it and then succeeds, or on every event of one type,
 * under `halt`, `retry` (then `halt`, and then `dead-letter`) and `dead-letter`.
 *
 * - `halt` stops before the failing event, with the event's position in its status and a log line;
 *   `restart` resumes there.
 * - `retry` tries again with a growing delay, logs once when an event fails and once if it gives up,
 *   and recovers when the plug-in does.
 * - `dead-letter` parks the event and every later event of its stream and goes on with the others;
 *   `retryParked` applies them once the plug-in recovers.
 *
 * In every case no event at or below the checkpoint may be neither applied nor parked: a silent
 * advance. The log holds 4 streams of 8 events, interleaved.
 */
import type { AnyProjection, EventStore, FailurePolicy, ProjectionLogger, ProjectionRunner } from '@civic-ledger/core'
import { createProjectionRunner, defineCollection } from '@civic-ledger/core'

import type { Invariant, Phase, PhaseBudget, PhaseResult } from '../phase'
import type { SharedStore } from '../support'
import { invariant, openFreshStore, secondsSince, tortureEvent } from '../support'

const STREAMS = 4
const PER_STREAM = 8
const COUNTED = 'torture.ItemCounted'
const POISONED = 'torture.ItemPoisoned'
/** The event the `always` and `a few times` plug-ins fail on, and the poisoned ones. */
const TARGET = { stream: 1, revision: 2 }
const POISON = [
  { stream: 1, revision: 2 },
  { stream: 3, revision: 5 },
]
const TRANSIENT_FAILURES = 2

type Mode = 'always' | 'a few times' | 'one event type'
const MODES: ReadonlyArray<Mode> = ['always', 'a few times', 'one event type']

const POLICIES: ReadonlyArray<{ readonly label: string; readonly policy: FailurePolicy }> = [
  { label: 'halt', policy: { kind: 'halt' } },
  {
    label: 'retry, then halt',
    policy: { kind: 'retry', maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 40, then: 'halt' },
  },
  {
    label: 'retry, then dead-letter',
    policy: { kind: 'retry', maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 40, then: 'dead-letter' },
  },
  { label: 'dead-letter', policy: { kind: 'dead-letter' } },
]

const applied = defineCollection<{ readonly position: number }>('applied')
const NAME = 'torture-failing'

const streamName = (s: number): string => `torture.failing-${s}`
const positionOf = (stream: number, revision: number): number => revision * STREAMS + stream + 1

/** Writes the log: position p is stream (p-1) % 4, revision floor((p-1) / 4). */
const writeLog = async (store: EventStore, mode: Mode): Promise<void> => {
  for (let revision = 0; revision < PER_STREAM; revision++)
    for (let stream = 0; stream < STREAMS; stream++) {
      const poisoned = mode === 'one event type' && POISON.some((p) => p.stream === stream && p.revision === revision)
      await store.appendToStream(
        streamName(stream),
        [tortureEvent(poisoned ? POISONED : COUNTED, { stream, revision })],
        {
          expectedRevision: revision === 0 ? 'noStream' : revision - 1,
        },
      )
    }
}

/** The positions the plug-in fails on (the first time). */
const failingPositions = (mode: Mode): ReadonlyArray<number> =>
  mode === 'one event type'
    ? POISON.map((p) => positionOf(p.stream, p.revision))
    : [positionOf(TARGET.stream, TARGET.revision)]

const failingPlugin = (
  mode: Mode,
  policy: FailurePolicy,
  tally: { failures: number; applies: number },
): AnyProjection => {
  const target = positionOf(TARGET.stream, TARGET.revision)
  return {
    name: NAME,
    version: 1,
    handles: [COUNTED, POISONED],
    collections: [applied],
    onFailure: policy,
    apply: async (event, ctx) => {
      tally.applies += 1
      const fails =
        mode === 'one event type'
          ? event.type === POISONED
          : event.position === target && (mode === 'always' || tally.failures < TRANSIENT_FAILURES)
      if (fails) {
        tally.failures += 1
        throw new Error(`the plug-in cannot count the event at position ${event.position}`)
      }
      await ctx.collection(applied).put(String(event.position).padStart(4, '0'), { position: event.position })
    },
  }
}

const settle = async (runner: ProjectionRunner, head: number): Promise<void> => {
  const until = performance.now() + 20_000
  for (;;) {
    const status = runner.status(NAME)
    if (status.state === 'halted' || (status.position >= head && status.state !== 'retrying')) return
    if (performance.now() > until) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

interface Outcome {
  readonly invariant: Invariant
  readonly halted: boolean
  readonly recovered: boolean
  readonly parked: number
  readonly warnings: number
  readonly silent: number
}

/** One plug-in, one policy, on a fresh store. */
const scenario = async (kind: SharedStore, mode: Mode, label: string, policy: FailurePolicy): Promise<Outcome> => {
  const opened = await openFreshStore(kind)
  const warnings: string[] = []
  const logger: ProjectionLogger = { warn: (message) => warnings.push(message) }
  const tally = { failures: 0, applies: 0 }
  const runner = createProjectionRunner({
    store: opened.store,
    projections: [failingPlugin(mode, policy, tally)],
    logger,
  })
  const problems: string[] = []
  try {
    await writeLog(opened.store, mode)
    const head = STREAMS * PER_STREAM
    await runner.start()
    await settle(runner, head)
    const failing = failingPositions(mode)
    const first = Math.min(...failing)
    const parksAfterRetries = policy.kind === 'retry' && policy.then === 'dead-letter'
    const parks = policy.kind === 'dead-letter' || parksAfterRetries
    const retries = policy.kind === 'retry'
    const transient = mode === 'a few times'
    const recoversByRetrying = retries && transient && TRANSIENT_FAILURES < (policy.maxAttempts ?? 5)
    const status = runner.status(NAME)
    const appliedNow = new Set((await runner.query(NAME, applied).find()).map((doc) => doc.position))
    const parkedNow = await runner.parked(NAME)
    const parkedPositions = new Set(parkedNow.map((event) => event.position))

    // Never a silent advance: every event at or below the checkpoint is applied or parked.
    let silent = 0
    for (let p = 1; p <= status.position; p++) if (!appliedNow.has(p) && !parkedPositions.has(p)) silent += 1
    if (silent > 0) problems.push(`${silent} events below the checkpoint neither applied nor parked`)

    let halted = false
    let recovered = false
    if (recoversByRetrying) {
      if (status.position !== head || appliedNow.size !== head) problems.push('retry did not recover')
      recovered = status.position === head && appliedNow.size === head
      if (warnings.length > 1) problems.push(`${warnings.length} log lines for one recovered failure`)
    } else if (!parks) {
      // Halts (at once, or once the tries run out) before the first failing event, and says so.
      halted = status.state === 'halted'
      if (!halted) problems.push(`state ${status.state}, not halted`)
      if (status.position !== first - 1) problems.push(`checkpoint ${status.position}, not ${first - 1}`)
      if (status.lastError?.position !== first) problems.push('the status does not name the failing event')
      if ([...appliedNow].some((p) => p >= first)) problems.push('an event at or after the failure was applied')
      if (!warnings.some((w) => w.includes('halted') && w.includes(String(first))))
        problems.push('no log line says it halted there')
      if (warnings.length > (retries ? 2 : 1)) problems.push(`${warnings.length} log lines for one failure`)
      if (transient) {
        // The plug-in recovers: restart resumes at the event, as many times as it still fails.
        for (
          let restarts = 0;
          restarts < TRANSIENT_FAILURES + 1 && runner.status(NAME).state === 'halted';
          restarts++
        ) {
          runner.restart(NAME)
          // The worker leaves `halted` once it resumes; only then can settling tell anything.
          for (let i = 0; i < 200 && runner.status(NAME).state === 'halted'; i++)
            await new Promise((resolve) => setTimeout(resolve, 5))
          await settle(runner, head)
        }
        recovered = runner.status(NAME).position === head
        if (!recovered) problems.push('restart did not resume and finish')
      }
    } else {
      // Parks the failing events and every later event of their streams; the rest is applied.
      const expected = new Set<number>()
      for (const p of failing) {
        const stream = (p - 1) % STREAMS
        for (let q = p; q <= head; q += STREAMS) if ((q - 1) % STREAMS === stream) expected.add(q)
      }
      const parkedRight = expected.size === parkedPositions.size && [...expected].every((p) => parkedPositions.has(p))
      if (!parkedRight) problems.push(`parked ${[...parkedPositions].join(',')}, expected ${[...expected].join(',')}`)
      if (status.position !== head) problems.push(`checkpoint ${status.position}, not the head ${head}`)
      if (appliedNow.size + parkedPositions.size !== head) problems.push('applied and parked do not cover the log')
      if (warnings.length > (retries ? 2 : 1) * failing.length + 0) problems.push(`${warnings.length} log lines`)
      if (transient) {
        for (let tries = 0; tries < TRANSIENT_FAILURES + 1 && (await runner.parked(NAME)).length > 0; tries++)
          await runner.retryParked(NAME)
        const after = await runner.query(NAME, applied).find()
        recovered = (await runner.parked(NAME)).length === 0 && after.length === head
        if (!recovered) problems.push('retryParked did not apply the parked events')
      }
    }
    return {
      invariant: invariant(
        `plug-in failing ${mode}, policy ${label}: ${recoversByRetrying ? 'recovers' : parks ? 'parks the event and its stream' : 'halts before the event'}, never a silent advance`,
        problems.length,
        `${appliedNow.size} applied, ${parkedNow.length} parked, ${warnings.length} log lines, state ${status.state}`,
        problems[0] ?? '',
      ),
      halted,
      recovered,
      parked: parkedNow.length,
      warnings: warnings.length,
      silent,
    }
  } finally {
    await runner.stop()
    await opened.dispose()
  }
}

const run = async (kind: SharedStore, _budget: PhaseBudget): Promise<PhaseResult> => {
  const started = performance.now()
  const outcomes: Outcome[] = []
  for (const mode of MODES)
    for (const { label, policy } of POLICIES) outcomes.push(await scenario(kind, mode, label, policy))
  const sum = (pick: (outcome: Outcome) => number): number => outcomes.reduce((total, o) => total + pick(o), 0)
  return {
    store: kind,
    phase: PHASE_NAME,
    seconds: secondsSince(started),
    counts: {
      scenarios: outcomes.length,
      'halted before the event': sum((o) => (o.halted ? 1 : 0)),
      recovered: sum((o) => (o.recovered ? 1 : 0)),
      'events parked': sum((o) => o.parked),
      'log lines': sum((o) => o.warnings),
      'most log lines in a scenario': Math.max(...outcomes.map((o) => o.warnings)),
      'silent advances': sum((o) => o.silent),
    },
    invariants: outcomes.map((o) => o.invariant),
  }
}

const PHASE_NAME = 'projection plug-ins failing under halt, retry and dead-letter'

/** The phase on fresh stores of `kind`, one per case. */
export const projectionFailuresPhase = (kind: SharedStore): Phase => ({
  store: kind,
  name: PHASE_NAME,
  run: (budget) => run(kind, budget),
})
