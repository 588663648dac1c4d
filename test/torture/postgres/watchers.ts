/**
 * Watchers the PostgreSQL phases run beside their writers: live subscribers that check every event
 * arrives once and in position order, and an async projection whose read model shows how often each
 * event took effect, checked against a rebuild.
 */
import type { AnyProjection, EventStore, ProjectionRunner, RecordedEvent } from '@civic-ledger/core'
import { canonicalJson, createProjectionRunner, defineCollection, replayProjections } from '@civic-ledger/core'
import type { Subscription } from 'rxjs'

import type { Invariant } from '../phase'
import { invariant, sleep } from './common'

/** A live subscriber from position 1 that counts skips, repeats and reorderings. */
export class WatchedSubscriber {
  /** The last position delivered. */
  position = 0
  delivered = 0
  skipped = 0
  repeated = 0
  private readonly subscription: Subscription
  private failure: string | undefined

  constructor(
    readonly name: string,
    store: Pick<EventStore, 'subscribe'>,
  ) {
    this.subscription = store.subscribe({ batchSize: 200 }).subscribe({
      next: (event: RecordedEvent) => this.see(event),
      error: (error: unknown) => {
        this.failure = error instanceof Error ? error.message : String(error)
      },
    })
  }

  private see(event: RecordedEvent): void {
    this.delivered += 1
    if (event.position <= this.position) this.repeated += 1
    else {
      if (event.position !== this.position + 1) this.skipped += event.position - this.position - 1
      this.position = event.position
    }
  }

  /** Waits until the subscriber has delivered `head`, or `ms` have passed; true when it has. */
  async reach(head: number, ms: number): Promise<boolean> {
    const until = Date.now() + ms
    while (this.position < head && Date.now() < until && this.failure === undefined) await sleep(20)
    return this.position >= head
  }

  stop(): void {
    this.subscription.unsubscribe()
  }

  invariant(head: number): Invariant {
    return invariant(
      `subscriber completeness (${this.name})`,
      this.skipped === 0 && this.repeated === 0 && this.position === head && this.failure === undefined,
      `${this.delivered} delivered up to ${this.position} of ${head}, ${this.skipped} skipped, ${this.repeated} repeated` +
        (this.failure === undefined ? '' : `, ended: ${this.failure}`),
    )
  }
}

/**
 * Three live subscribers to one ledger: on `store`, the instance the writers use, and on two more
 * instances of it, `second` and `third`.
 */
export const threeSubscribers = (
  store: EventStore,
  second: EventStore,
  third: EventStore,
): ReadonlyArray<WatchedSubscriber> => [
  new WatchedSubscriber('same instance', store),
  new WatchedSubscriber('second instance', second),
  new WatchedSubscriber('third instance', third),
]

/** One document per event applied (with how many times), and one per stream: not idempotent on purpose. */
export const applied = defineCollection<{ readonly position: number; readonly times: number }>('applied')
export const perStream = defineCollection<{ readonly events: number; readonly lastRevision: number }>('per-stream')

/** An async projection whose read model shows how many times each event took effect. */
export const countingProjection = (
  name: string,
  types: ReadonlyArray<string> = ['torture.Happened'],
  mode: 'async' | 'inline' = 'async',
): AnyProjection => ({
  name,
  version: 1,
  mode,
  handles: types,
  collections: [applied, perStream],
  // A connection lost mid-batch rolls the batch back; the runner tries it again.
  onFailure: { kind: 'retry', maxAttempts: 1_000_000, maxDelayMs: 200 },
  apply: async (event, ctx) => {
    const docs = ctx.collection(applied)
    const before = await docs.get(event.eventId)
    await docs.put(event.eventId, { position: event.position, times: (before?.times ?? 0) + 1 })
    const streams = ctx.collection(perStream)
    const stream = await streams.get(event.streamId)
    await streams.put(event.streamId, { events: (stream?.events ?? 0) + 1, lastRevision: event.revision })
  },
})

/** A projection runner with a watch on its checkpoint, which must only move forward. */
export class WatchedProjection {
  readonly runner: ProjectionRunner
  backwards = 0
  halted = 0
  private last = 0
  private readonly subscription: Subscription

  constructor(
    store: EventStore,
    readonly projection: AnyProjection,
  ) {
    this.runner = createProjectionRunner({ store, projections: [projection], logger: { warn: () => undefined } })
    this.subscription = this.runner.statusOf$(projection.name).subscribe((status) => {
      if (status.position < this.last) this.backwards += 1
      this.last = Math.max(this.last, status.position)
      if (status.state === 'halted') this.halted += 1
    })
  }

  get position(): number {
    return this.last
  }

  async stop(): Promise<void> {
    await this.runner.stop()
    this.subscription.unsubscribe()
  }

  invariant(): Invariant {
    return invariant(
      'projection checkpoint only forward',
      this.backwards === 0 && this.halted === 0,
      `${this.backwards} moves back, ${this.halted} halts, at ${this.last}`,
    )
  }
}

/** Positions in ascending order as ranges, `3-7, 12`, the first ten of them. */
const ranges = (positions: ReadonlyArray<number>): string => {
  const runs: string[] = []
  for (let i = 0; i < positions.length && runs.length < 10;) {
    let j = i
    while (j + 1 < positions.length && (positions[j + 1] as number) === (positions[j] as number) + 1) j++
    runs.push(i === j ? `${positions[i]}` : `${positions[i]}-${positions[j]}`)
    i = j + 1
  }
  return runs.join(', ') + (runs.length === 10 ? ', …' : '')
}

/**
 * Checks a caught-up read model against the log and against a rebuild into memory: every handled
 * event applied exactly once, each stream's count and last revision equal to the log's, and the
 * rebuild equal to the incremental read model.
 */
export const checkReadModel = async (
  store: EventStore,
  projection: AnyProjection,
  query: ProjectionRunner['query'],
): Promise<Invariant[]> => {
  const handles = new Set(projection.handles)
  const expected = new Map<string, { events: number; lastRevision: number }>()
  const handled = new Map<string, number>()
  for await (const event of store.readAll()) {
    if (!handles.has(event.type)) continue
    handled.set(event.eventId, event.position)
    const stream = expected.get(event.streamId)
    expected.set(event.streamId, { events: (stream?.events ?? 0) + 1, lastRevision: event.revision })
  }
  const docs = await query(projection, applied).entries()
  const twice = docs.filter((d) => d.doc.times !== 1).length
  const present = new Set(docs.map((d) => d.id))
  const missingPositions = [...handled].filter(([id]) => !present.has(id)).map(([, position]) => position)
  const missing = missingPositions.length
  const streams = await query(projection, perStream).entries()
  const wrongStreams =
    streams.filter((s) => {
      const e = expected.get(s.id)
      return e === undefined || e.events !== s.doc.events || e.lastRevision !== s.doc.lastRevision
    }).length + Math.max(0, expected.size - streams.length)
  const rebuilt = await replayProjections({ store, projections: [projection] })
  const rebuiltStreams = await rebuilt.query(projection, perStream).entries()
  const rebuiltDocs = await rebuilt.query(projection, applied).entries()
  // Compared as canonical JSON: a database may keep a document's keys in another order.
  const same =
    canonicalJson(rebuiltStreams) === canonicalJson(streams) && canonicalJson(rebuiltDocs) === canonicalJson(docs)
  return [
    invariant(
      'exactly-once effect',
      twice === 0 && missing === 0 && wrongStreams === 0,
      `${docs.length} events applied for ${handled.size} in the log: ${twice} more than once, ${missing} never` +
        (missing === 0 ? '' : ` (positions ${ranges(missingPositions)})`) +
        `; ${wrongStreams} of ${expected.size} streams wrong`,
    ),
    invariant(
      'projection determinism',
      same,
      `a rebuild of ${rebuiltDocs.length} events and ${rebuiltStreams.length} streams ${same ? 'equals' : 'differs from'} the incremental read model`,
    ),
  ]
}
