/**
 * A worker's loop: take the next page (alone or in a convoy), apply it, and wait for commits once
 * at the head.
 */
import { resync } from './apply'
import { together } from './convoy'
import { handleFailure, processBatch } from './failures'
import { eventsFor, handledBetween, readPage } from './log-reader'
import { arrive, refresh } from './rebuild'
import type { Runtime, Worker } from './runtime'
import { messageOf } from './runtime'
import { pause, target, update } from './status'
import { ProjectionError } from './types'

/** Takes the next pages of the log for `worker`, in a convoy, following its policy if an event fails. */
export const step = async (rt: Runtime, worker: Worker, end: number): Promise<void> => {
  const page = await readPage(rt, worker.position + 1, end)
  const outcome = await together(rt, worker, page, end)
  switch (outcome.kind) {
    case 'committed':
      worker.position = outcome.to
      if (worker.position >= end) return arrive(rt, worker, { parked: outcome.parked })
      update(rt, worker, {
        parked: outcome.parked,
        ...(worker.status.value.state === 'retrying' ? { state: 'catching-up' } : {}),
      })
      return
    case 'moved':
      return resync(rt, worker, outcome.moved)
    case 'failed': {
      // The convoy may have taken several pages: the events before the failing one are read again.
      const events = await handledBetween(rt, worker, worker.position + 1, outcome.event.position)
      const index = events.findIndex((e) => e.position === outcome.event.position)
      return handleFailure(rt, worker, events, index, outcome.reason, undefined)
    }
    case 'alone':
      return processBatch(rt, worker, eventsFor(rt, worker, page), worker.position, page.to, page.decoded)
  }
}

export const loop = async (rt: Runtime, worker: Worker): Promise<void> => {
  let transientDelay = 100
  while (rt.running) {
    const seen = worker.wakes
    try {
      if (worker.mode === 'inline') await refresh(rt, worker)
      // The head is asked for only once the worker has reached the last one seen.
      if (worker.position >= rt.head) rt.head = Math.max(rt.head, await rt.store.headPosition())
      const end = target(rt, rt.head)
      if (worker.position >= end) {
        await arrive(rt, worker)
        if (!rt.live) return
        await pause(rt, worker, seen)
        continue
      }
      if (worker.status.value.state !== 'catching-up') update(rt, worker, { state: 'catching-up' })
      await step(rt, worker, end)
      transientDelay = 100
    } catch (error) {
      if (!rt.running) return
      if (error instanceof ProjectionError) {
        update(rt, worker, { state: 'halted', lastError: undefined })
        rt.logger.warn(error.message, {})
        return
      }
      // The store or the read-model storage failed: try again, visibly, with growing pauses.
      rt.logger.warn(`projection ${worker.projection.name} could not proceed: ${messageOf(error)}`, {})
      update(rt, worker, { state: 'retrying', attempts: worker.status.value.attempts + 1 })
      await pause(rt, worker, worker.wakes, transientDelay)
      transientDelay = Math.min(transientDelay * 2, 30_000)
    }
  }
}
