/**
 * The failure policy: a batch that fails is halted before, retried with backoff, or has its event
 * parked (with the later events of its stream) so the projection goes on.
 */
import type { RecordedEvent } from '../../events/envelope'
import { applyBatch, claim, failureOf, parkedRecord, resync, settle } from './apply'
import type { Decoded, Runtime, Worker } from './runtime'
import { CheckpointMoved, EventFailed, messageOf } from './runtime'
import { now, pause, update } from './status'
import type { ProjectionFailure } from './types'

/** Parks a failing event and moves the checkpoint past it. */
export const park = async (rt: Runtime, worker: Worker, event: RecordedEvent, error: unknown): Promise<number> => {
  const parked = await rt.storage.transaction(async (tx) => {
    // Every event between the checkpoint and this one is of a type the projection does not
    // handle (those it handles were committed before it got here), so park from the checkpoint.
    const checkpoint = await claim(rt, tx, worker, worker.position)
    await tx.park(parkedRecord(rt, worker, event, messageOf(error)))
    await tx.saveCheckpoint({ ...checkpoint, position: event.position, updatedAt: now(rt) })
    return (await tx.parked(worker.projection.name, worker.projection.version)).length
  })
  settle(rt, worker, undefined, parked)
  return parked
}

/** Halts before `event` until `restart`. */
export const halt = async (
  rt: Runtime,
  worker: Worker,
  failure: ProjectionFailure,
  attempts: number,
): Promise<void> => {
  rt.logger.warn(`projection ${worker.projection.name} halted before position ${failure.position}`, { ...failure })
  update(rt, worker, { state: 'halted', lastError: failure, attempts })
  await new Promise<void>((resolve) => {
    worker.restart = resolve
    if (!rt.running) resolve()
  })
  worker.restart = undefined
  if (rt.running) update(rt, worker, { state: 'catching-up', attempts: 0 })
}

/**
 * Deals with `events[index]` failing: commits the events before it, then follows the policy.
 * Returns once the worker may continue from its checkpoint.
 */
export const handleFailure = async (
  rt: Runtime,
  worker: Worker,
  events: ReadonlyArray<RecordedEvent>,
  index: number,
  cause: unknown,
  decoded: Decoded | undefined,
): Promise<void> => {
  const event = events[index] as RecordedEvent
  if (index > 0) {
    await processBatch(rt, worker, events.slice(0, index), worker.position, event.position - 1, decoded)
    if (worker.position !== event.position - 1) return
  }
  const policy = worker.policy
  let failure = failureOf(rt, event, cause)
  if (policy.kind === 'retry') {
    const maxAttempts = policy.maxAttempts ?? 5
    let delay = policy.initialDelayMs ?? 100
    rt.logger.warn(
      `projection ${worker.projection.name} failed at position ${event.position}; retrying up to ${maxAttempts - 1} more times`,
      { ...failure },
    )
    for (let attempt = 2; attempt <= maxAttempts && rt.running; attempt++) {
      update(rt, worker, { state: 'retrying', lastError: failure, attempts: attempt - 1 })
      await pause(rt, worker, worker.wakes, delay)
      delay = Math.min(delay * 2, policy.maxDelayMs ?? 30_000)
      try {
        const parked = await applyBatch(rt, worker, [event], worker.position, event.position)
        worker.position = event.position
        update(rt, worker, { state: 'catching-up', attempts: 0, parked })
        return
      } catch (error) {
        if (error instanceof CheckpointMoved) return resync(rt, worker, error)
        failure = failureOf(rt, event, error instanceof EventFailed ? error.reason : error)
      }
    }
    if (!rt.running) return
    if ((policy.then ?? 'halt') === 'halt') return halt(rt, worker, failure, maxAttempts)
  } else if (policy.kind === 'halt') return halt(rt, worker, failure, 1)
  try {
    const parked = await park(rt, worker, event, failure.message)
    worker.position = event.position
    rt.logger.warn(`projection ${worker.projection.name} parked the event at position ${event.position}`, {
      ...failure,
    })
    update(rt, worker, { state: 'catching-up', lastError: failure, attempts: 0, parked })
  } catch (error) {
    if (error instanceof CheckpointMoved) return resync(rt, worker, error)
    throw error
  }
}

/** Processes one batch read from the log, following the policy for a failing event. */
export const processBatch = async (
  rt: Runtime,
  worker: Worker,
  events: ReadonlyArray<RecordedEvent>,
  from: number,
  to: number,
  decoded: Decoded | undefined,
): Promise<void> => {
  try {
    const parked = await applyBatch(rt, worker, events, from, to, decoded)
    worker.position = to
    update(rt, worker, { parked, ...(worker.status.value.state === 'retrying' ? { state: 'catching-up' } : {}) })
  } catch (error) {
    if (error instanceof CheckpointMoved) return resync(rt, worker, error)
    if (error instanceof EventFailed) return handleFailure(rt, worker, events, error.index, error.reason, decoded)
    throw error
  }
}
