/**
 * Runs projection plug-ins against a store and keeps their read models (DESIGN §5).
 *
 * Each projection has a worker that reads the log from its checkpoint in batches and applies a
 * batch in one read-model transaction that also moves the checkpoint, after checking that nobody
 * else moved it: so each event has its effect exactly once, even if the process dies mid-batch or
 * two app instances run the same projection. Inline projections are also applied inside each append
 * transaction once they have caught up; their worker catches them up first and covers commits made
 * by processes that do not run them.
 *
 * A failing event is never skipped silently: the projection halts before it, retries it with
 * backoff, or parks it (and the later events of its stream) where it can be listed, retried or
 * discarded. Status, position, lag and the last error are Observables.
 */
import { InvalidArgumentError } from '../kernel/errors'
import { positionAsOf } from '../port/as-of'
import type { EventLog, EventStore } from '../port/event-store'
import type { ReadModelStorage } from '../port/read-model'
import { createMemoryReadModelStorage } from '../store-kit/memory-read-models'
import type { AnyProjection } from './projection'
import { start, stop } from './runner/lifecycle'
import { discardParked, retryParked } from './runner/parked'
import { query, sql } from './runner/reads'
import { bound, createRuntime } from './runner/runtime'
import { waitUntilCaughtUp, workerOf } from './runner/status'
import type { ProjectionRunner, ProjectionRunnerOptions } from './runner/types'

/** A projection runner over `options.store`; `start` it to begin. */
export const createProjectionRunner = (options: ProjectionRunnerOptions): ProjectionRunner => {
  const rt = createRuntime(options)
  return {
    start: bound(rt, start),
    stop: bound(rt, stop),
    storage: rt.storage,
    names: rt.projections.map((p) => p.name),
    status$: rt.status$,
    statusOf$: (name) => workerOf(rt, name).status.asObservable(),
    status: (name) => workerOf(rt, name).status.value,
    waitUntilCaughtUp: bound(rt, waitUntilCaughtUp),
    restart: (name) => {
      const worker = workerOf(rt, name)
      worker.restart?.()
    },
    query: bound(rt, query),
    sql: bound(rt, sql),
    parked: async (name) => {
      const worker = workerOf(rt, name)
      return rt.storage.read((r) => r.parked(name, worker.projection.version))
    },
    retryParked: bound(rt, retryParked),
    discardParked: bound(rt, discardParked),
  }
}

/**
 * Runs `projections` over the log up to a position or a recorded time into a scratch store (by
 * default a fresh in-memory one), without touching live read models, and returns a way to query
 * them, with `position`: the position of the last event included (`0` when none), where the replay
 * stands. A recorded time is taken by the one rule of `positionAsOf` — the log up to its first event
 * recorded later — so a replay and `loadAggregateAsOf` agree even when the clock stepped back.
 * Rejects with a `ProjectionError` naming the event if a projection fails.
 */
export const replayProjections = async (options: {
  readonly store: EventLog & Pick<EventStore, 'readModels'>
  readonly projections: ReadonlyArray<AnyProjection>
  readonly until?: { readonly position?: number; readonly recordedAt?: string }
  readonly storage?: ReadModelStorage
  readonly batchSize?: number
}): Promise<{
  readonly position: number
  readonly storage: ReadModelStorage
  /** Reads a collection of a replayed projection, as `ProjectionRunner.query` does. */
  query: ProjectionRunner['query']
}> => {
  const storage = options.storage ?? createMemoryReadModelStorage()
  if (storage === options.store.readModels)
    throw new InvalidArgumentError('storage', 'a replay must not write into the live read models')
  const until = await positionAsOf(options.store, options.until ?? {})
  const runner = createProjectionRunner({
    store: options.store,
    storage,
    projections: options.projections.map((p) => ({ ...p, mode: 'async', onFailure: { kind: 'halt' } })),
    until: { position: until },
    logger: { warn: () => undefined },
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  })
  await runner.start()
  try {
    await runner.waitUntilCaughtUp({ timeoutMs: 24 * 3_600_000 })
    return { position: until, storage, query: (projection, collection) => runner.query(projection, collection) }
  } finally {
    await runner.stop()
  }
}
