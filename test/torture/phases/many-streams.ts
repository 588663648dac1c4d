/**
 * Many streams, several writers, three live subscribers and an async projection at once
 * (RELIABILITY "Load"): 10,000 streams (500 in the short run) written by eight concurrent writers
 * with exact expected revisions and some multi-stream appends, while three `store.subscribe`
 * subscribers started before the first append and a projection runner with its checkpoint follow
 * the log. Every subscriber must see positions 1..head in order, none skipped or repeated; the
 * projection's checkpoint may only move forward, and its read model must equal a rebuild from the
 * log.
 */
import type { AnyProjection, EventStore, ProjectionLogger, StreamAppend } from '@civic-ledger/core'
import { createProjectionRunner, defineCollection, replayProjections } from '@civic-ledger/core'
import { between, seededRandom } from '@civic-ledger/testing'
import type { Subscription } from 'rxjs'

import { LedgerChecker } from '../checker'
import type { Phase, PhaseBudget, PhaseResult } from '../phase'
import type { SharedStore } from '../support'
import { classificationInvariants, invariant, messageOf, openFreshStore, secondsSince, tortureEvent } from '../support'

const WRITERS = 8
const SUBSCRIBERS = 3
const EVENT_TYPE = 'torture.StreamWritten'

// --- the projection ---

interface StreamTally {
  readonly events: number
  readonly lastRevision: number
  readonly lastPosition: number
}

const streamTallies = defineCollection<StreamTally>('stream-tallies')

/** A deterministic read model of the log: per stream, how many events and where the last one is. */
const streamTallyProjection: AnyProjection = {
  name: 'torture-stream-tally',
  version: 1,
  handles: [EVENT_TYPE],
  collections: [streamTallies],
  apply: async (event, ctx) => {
    const tallies = ctx.collection(streamTallies)
    const previous = await tallies.get(event.streamId)
    await tallies.put(event.streamId, {
      events: (previous?.events ?? 0) + 1,
      lastRevision: event.revision,
      lastPosition: event.position,
    })
  },
}

// --- subscribers ---

interface Follower {
  last: number
  received: number
  outOfOrder: number
  errors: number
  firstProblem: string
  subscription?: Subscription
}

const follow = (store: EventStore): Follower => {
  const follower: Follower = { last: 0, received: 0, outOfOrder: 0, errors: 0, firstProblem: '' }
  follower.subscription = store.subscribe({ fromPosition: 1 }).subscribe({
    next: (event) => {
      follower.received += 1
      if (event.position !== follower.last + 1) {
        follower.outOfOrder += 1
        if (follower.firstProblem === '') follower.firstProblem = `position ${event.position} after ${follower.last}`
      }
      follower.last = Math.max(follower.last, event.position)
    },
    error: (error: unknown) => {
      follower.errors += 1
      if (follower.firstProblem === '') follower.firstProblem = messageOf(error)
    },
  })
  return follower
}

// --- writers ---

interface WriterState {
  readonly revisions: Map<string, number>
  refused: number
  firstRefusal: string
}

const streamName = (i: number): string => `torture.many-${i}`

/** Writes to the streams it owns: `i % WRITERS === w`. */
const writer = async (
  store: EventStore,
  checker: LedgerChecker,
  w: number,
  streams: number,
  random: () => number,
  keepGoing: (pass: number) => boolean,
  state: WriterState,
): Promise<void> => {
  const owned = Array.from({ length: Math.ceil(streams / WRITERS) }, (_, k) => k * WRITERS + w).filter(
    (i) => i < streams,
  )
  for (let pass = 0; keepGoing(pass); pass++)
    for (let k = 0; k < owned.length; k++) {
      const pair = random() < 0.15 && k + 1 < owned.length
      const ids = pair ? [owned[k] as number, owned[k + 1] as number] : [owned[k] as number]
      if (pair) k += 1
      const appends: StreamAppend[] = ids.map((i) => {
        const streamId = streamName(i)
        const revision = state.revisions.get(streamId) ?? -1
        return {
          streamId,
          events: Array.from({ length: between(random, 1, 3) }, (_, n) =>
            tortureEvent(EVENT_TYPE, { stream: i, n: revision + 1 + n }),
          ),
          expectedRevision: revision < 0 ? 'noStream' : revision,
        }
      })
      const operation = checker.begin(appends)
      try {
        const results =
          appends.length === 1
            ? [
                await store.appendToStream(appends[0]?.streamId ?? '', appends[0]?.events ?? [], {
                  expectedRevision: appends[0]?.expectedRevision ?? 'any',
                }),
              ]
            : await store.appendMulti(appends)
        checker.acknowledge(operation, results)
        for (const result of results) state.revisions.set(result.streamId, result.lastRevision)
      } catch (error) {
        // Each stream has one writer, so nothing should be refused: a refusal is a figure.
        checker.fail(operation, error, 'unknown')
        state.refused += 1
        if (state.firstRefusal === '') state.firstRefusal = messageOf(error)
      }
    }
}

// --- the phase ---

const waitFor = async (done: () => boolean, timeoutMs: number): Promise<boolean> => {
  const until = performance.now() + timeoutMs
  while (!done() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
  return done()
}

const run = async (kind: SharedStore, budget: PhaseBudget): Promise<PhaseResult> => {
  const started = performance.now()
  const streams = budget.size === 'short' ? 500 : 10_000
  const opened = await openFreshStore(kind)
  const { store } = opened
  const checker = new LedgerChecker()
  const warnings: string[] = []
  const logger: ProjectionLogger = { warn: (message) => warnings.push(message) }
  const runner = createProjectionRunner({ store, projections: [streamTallyProjection], logger })
  const followers = Array.from({ length: SUBSCRIBERS }, () => follow(store))
  let backwards = 0
  let lastCheckpoint = 0
  const statuses = runner.statusOf$(streamTallyProjection.name).subscribe((status) => {
    if (status.position < lastCheckpoint) backwards += 1
    lastCheckpoint = Math.max(lastCheckpoint, status.position)
  })
  try {
    await runner.start()
    // The first pass creates every stream; later passes, in the full run, append more until half
    // the budget is spent, leaving the rest for the subscribers and the projection to catch up.
    const writeUntil = performance.now() + (budget.seconds * 1000) / 2
    const keepGoing = (pass: number): boolean =>
      pass === 0 || (budget.size === 'full' && pass < 4 && performance.now() < writeUntil)
    const state: WriterState = { revisions: new Map(), refused: 0, firstRefusal: '' }
    await Promise.all(
      Array.from({ length: WRITERS }, (_, w) =>
        writer(store, checker, w, streams, seededRandom(budget.seed * 31 + w), keepGoing, state),
      ),
    )
    const head = await store.headPosition()
    const caughtUp = await waitFor(() => followers.every((f) => f.last >= head || f.errors > 0), 120_000)
    await runner.waitUntilCaughtUp({ timeoutMs: 120_000 })
    await checker.observe(store)
    const classification = checker.classify()

    const live = await runner.query(streamTallyProjection.name, streamTallies).entries()
    const rebuilt = await replayProjections({ store, projections: [streamTallyProjection] })
    const replayed = await rebuilt.query(streamTallyProjection.name, streamTallies).entries()
    const asText = (entries: ReadonlyArray<{ readonly id: string; readonly doc: StreamTally }>) =>
      new Map(entries.map((entry) => [entry.id, JSON.stringify(entry.doc)]))
    const liveDocs = asText(live)
    const replayedDocs = asText(replayed)
    const differing =
      [...replayedDocs].filter(([id, doc]) => liveDocs.get(id) !== doc).length +
      [...liveDocs.keys()].filter((id) => !replayedDocs.has(id)).length
    const streamsStored = new Set(
      [...state.revisions.keys()].filter((streamId) => (state.revisions.get(streamId) ?? -1) >= 0),
    ).size

    const subscriberProblems = followers.reduce(
      (sum, f) => sum + f.outOfOrder + f.errors + (f.received === head ? 0 : 1),
      0,
    )
    const firstProblem =
      followers.find((f) => f.firstProblem !== '')?.firstProblem ??
      (caughtUp ? '' : 'a subscriber did not reach the head')
    return {
      store: kind,
      phase: PHASE_NAME,
      seconds: secondsSince(started),
      counts: {
        streams: streamsStored,
        writers: WRITERS,
        events: head,
        'appends refused': state.refused,
        subscribers: SUBSCRIBERS,
        'events delivered': followers.reduce((sum, f) => sum + f.received, 0),
        'delivered out of order or skipped': followers.reduce((sum, f) => sum + f.outOfOrder, 0),
        'checkpoint moved back': backwards,
        'read-model docs': live.length,
        'docs differing from a rebuild': differing,
        'projection warnings': warnings.length,
      },
      classification,
      invariants: [
        invariant(
          'every append of a stream’s only writer is acknowledged',
          state.refused,
          `${streamsStored} streams written`,
          state.firstRefusal,
        ),
        invariant(
          'subscriber completeness: every event, in position order, to every subscriber',
          subscriberProblems,
          `${SUBSCRIBERS} subscribers each received positions 1..${head}`,
          firstProblem,
        ),
        invariant('checkpoints only move forward', backwards, `checkpoint reached ${lastCheckpoint}`),
        invariant(
          'projection determinism: the read model equals a rebuild',
          differing + (live.length === streamsStored ? 0 : 1),
          `${live.length} documents equal`,
        ),
        ...classificationInvariants(classification),
      ],
    }
  } finally {
    statuses.unsubscribe()
    for (const follower of followers) follower.subscription?.unsubscribe()
    await runner.stop()
    await opened.dispose()
  }
}

const PHASE_NAME = 'many streams (10,000; 500 short), 8 writers, 3 subscribers and a projection'

/** The phase on a fresh store of `kind`. */
export const manyStreamsPhase = (kind: SharedStore): Phase => ({
  store: kind,
  name: PHASE_NAME,
  run: (budget) => run(kind, budget),
})
