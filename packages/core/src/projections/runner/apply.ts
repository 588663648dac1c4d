/**
 * Applying events: each opened and decoded as its projection declares, applied in a batch that
 * claims the checkpoint and moves it in the same read-model transaction, and parked or failed as
 * the projection's failure policy says.
 */
import type { RecordedEvent } from '../../events/envelope'
import { isPromise } from '../../kernel/promise'
import { redactPersonal } from '../../port/privacy'
import type { ParkedEvent, ProjectionCheckpoint, ReadModelTransaction } from '../../port/read-model'
import type { BatchContext } from '../context'
import { projectionContext } from '../context'
import type { AnyProjection, ProjectedEvent } from '../projection'
import type { ProjectionContext } from '../projection'
import { projectedEvent } from '../projection'
import type { Decoded, Runtime, Worker } from './runtime'
import { CheckpointMoved, EventFailed, freezeDecoded, messageOf, SUBJECT_ERASED } from './runtime'
import { now } from './status'
import type { ProjectionFailure } from './types'
import { ProjectionError } from './types'

/** The event as `projection` receives it: opened (personal fields decrypted) and decoded. */
export const decodeFor = (
  rt: Runtime,
  projection: AnyProjection,
  event: RecordedEvent,
): ProjectedEvent | Promise<ProjectedEvent> =>
  rt.privacy !== undefined && projection.events !== undefined
    ? rt.privacy.open(event).then((opened) => projectedEvent(projection, opened))
    : projectedEvent(projection, event)

/**
 * The event as the worker's projection receives it, decoded once for every worker that reads it
 * by the same definition (`decoded` is kept per page of the log): several projections reading the
 * same events pay for one decode. What a shared decode builds is frozen, as the events are.
 */
export const projectedFor = (
  rt: Runtime,
  worker: Worker,
  event: RecordedEvent,
  decoded: Decoded | undefined,
): ProjectedEvent | Promise<ProjectedEvent> => {
  const definition = decoded === undefined ? undefined : worker.shared?.get(event.type)
  if (decoded === undefined || definition === undefined) return decodeFor(rt, worker.projection, event)
  if (decoded.event !== event) {
    decoded.event = event
    decoded.definitions.length = 0
    decoded.results.length = 0
  }
  const i = decoded.definitions.indexOf(definition)
  if (i >= 0) return decoded.results[i] as ProjectedEvent | Promise<ProjectedEvent>
  const made = decodeFor(rt, worker.projection, event)
  const projected = isPromise(made) ? made.then(freezeDecoded(event)) : freezeDecoded(event)(made)
  decoded.definitions.push(definition)
  decoded.results.push(projected)
  return projected
}

export const applyErasure = async (
  rt: Runtime,
  projection: AnyProjection,
  event: RecordedEvent,
  ctx: ProjectionContext,
) => {
  const data = event.data as { subject?: unknown; part?: unknown } | null
  // A part erased alone (a certificate's details) leaves the subject's rows; only its key goes.
  if (typeof data?.subject === 'string' && data.part === undefined) await projection.erase?.(data.subject, ctx)
  if (projection.handles.includes(SUBJECT_ERASED)) await projection.apply(await decodeFor(rt, projection, event), ctx)
}

/** Applies one event: `erase` for a subject's erasure, `apply` for a handled type. */
export const applyOne = (
  rt: Runtime,
  worker: Worker,
  event: RecordedEvent,
  ctx: ProjectionContext,
  decoded: Decoded | undefined,
): void | Promise<void> => {
  const projection = worker.projection
  if (event.type === SUBJECT_ERASED && projection.erase !== undefined) return applyErasure(rt, projection, event, ctx)
  const projected = projectedFor(rt, worker, event, decoded)
  return isPromise(projected) ? projected.then((p) => projection.apply(p, ctx)) : projection.apply(projected, ctx)
}

/**
 * The error an event's failure is reported with: its text with the event's personal values
 * taken out, since it reaches logs, statuses and parked records (which outlive an erasure).
 */
export const redacted = async (rt: Runtime, event: RecordedEvent, error: unknown): Promise<unknown> => {
  if (rt.privacy === undefined) return error
  const message = messageOf(error)
  const clean = await redactPersonal(rt.privacy, event, message)
  if (clean === message) return error
  const replacement = new Error(clean)
  replacement.name = error instanceof Error ? error.name : 'Error'
  if (error instanceof Error && error.stack !== undefined) replacement.stack = error.stack.split(message).join(clean)
  return replacement
}

export const failureOf = (rt: Runtime, event: RecordedEvent, error: unknown): ProjectionFailure => ({
  position: event.position,
  streamId: event.streamId,
  revision: event.revision,
  eventId: event.eventId,
  type: event.type,
  message: messageOf(error),
  at: now(rt),
})

export const parkedRecord = (rt: Runtime, worker: Worker, event: RecordedEvent, reason: string): ParkedEvent => ({
  projection: worker.projection.name,
  version: worker.projection.version,
  position: event.position,
  streamId: event.streamId,
  revision: event.revision,
  eventId: event.eventId,
  type: event.type,
  reason,
  parkedAt: now(rt),
})

/** Locks the checkpoint and checks it is at `from`; a worker that lost a race re-reads. */
export const claim = async (
  _rt: Runtime,
  tx: ReadModelTransaction,
  worker: Worker,
  from: number,
): Promise<ProjectionCheckpoint> => {
  const checkpoint = await tx.lockCheckpoint(worker.projection.name, worker.projection.version)
  if (checkpoint === undefined || checkpoint.position !== from) throw new CheckpointMoved(checkpoint)
  return checkpoint
}

/**
 * The context for `worker` in `tx`, with its cached documents if they can still be trusted: not
 * if its parked events changed since it last committed (someone retried or discarded some,
 * maybe changing documents).
 */
export const contextFor = (_rt: Runtime, worker: Worker, tx: ReadModelTransaction, parked: number): BatchContext => {
  if (parked !== worker.parkedKnown) worker.documents?.clear()
  return projectionContext(worker.projection, tx, {
    deferredIndexes: worker.deferredIndexes,
    ...(worker.documents === undefined ? {} : { cache: worker.documents }),
  })
}

/** After `worker`'s transaction committed: what it read and wrote is what storage now holds. */
export const settle = (_rt: Runtime, worker: Worker, ctx: BatchContext | undefined, parked: number): void => {
  ctx?.committed()
  worker.parkedKnown = parked
}

/**
 * Applies `events` (all handled by the worker, in position order) and moves the checkpoint from
 * `from` to `to`, in one transaction. Events of streams with a parked event are parked too.
 */
export const applyBatch = async (
  rt: Runtime,
  worker: Worker,
  events: ReadonlyArray<RecordedEvent>,
  from: number,
  to: number,
  decoded?: Decoded,
): Promise<number> => {
  let ctx: BatchContext | undefined
  const parked = await rt.storage.transaction(async (tx) => {
    const checkpoint = await claim(rt, tx, worker, from)
    const kept = await tx.parked(worker.projection.name, worker.projection.version)
    const parkedStreams = new Set(kept.map((p) => p.streamId))
    ctx = contextFor(rt, worker, tx, kept.length)
    let parked = kept.length
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as RecordedEvent
      if (parkedStreams.has(event.streamId)) {
        await tx.park(parkedRecord(rt, worker, event, `an earlier event of ${event.streamId} is parked`))
        parked++
        continue
      }
      try {
        const applying = applyOne(rt, worker, event, ctx, decoded)
        if (isPromise(applying)) await applying
      } catch (error) {
        throw new EventFailed(i, await redacted(rt, event, error))
      }
    }
    await ctx.flush()
    await tx.saveCheckpoint({ ...checkpoint, position: to, updatedAt: now(rt) })
    return parked
  })
  settle(rt, worker, ctx, parked)
  return parked
}

export const resync = (_rt: Runtime, worker: Worker, moved: CheckpointMoved): void => {
  if (moved.checkpoint === undefined)
    throw new ProjectionError(worker.projection.name, 'checkpoint-removed', 'its checkpoint was removed while it ran')
  worker.position = moved.checkpoint.position
  worker.stage = moved.checkpoint.stage
  // Someone else moved it, and may have changed its documents on the way.
  worker.documents?.clear()
}
