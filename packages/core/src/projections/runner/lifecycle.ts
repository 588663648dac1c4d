/**
 * Starting and stopping the runner: workers prepared, the inline handler set, the live feed
 * followed.
 */
import { applyInline } from './inline'
import { closeCursors } from './log-reader'
import { loop } from './loop'
import { prepare } from './rebuild'
import type { Runtime } from './runtime'
import { bound, messageOf } from './runtime'
import { update, wake } from './status'
import { ProjectionError } from './types'

export const start = async (rt: Runtime): Promise<void> => {
  if (rt.running) return
  if (rt.inlineWorkers.length > 0) {
    const canInline = rt.storage === rt.store.readModels && rt.storage.setInlineHandler !== undefined
    const first = rt.inlineWorkers[0]
    if (!canInline && first !== undefined)
      throw new ProjectionError(
        first.projection.name,
        'inline-unavailable',
        'runs inline, but its read models are not kept in the event store’s own database, so it cannot share the append transaction',
      )
  }
  for (const worker of rt.workers.values()) await prepare(rt, worker)
  rt.running = true
  if (rt.inlineWorkers.length > 0) rt.storage.setInlineHandler?.(bound(rt, applyInline))
  rt.head = await rt.store.headPosition()
  if (rt.live && rt.workers.size > 0) {
    const types = rt.allTypes
    rt.liveFeed = rt.store.subscribe({ fromPosition: rt.head + 1, filter: { types } }).subscribe({
      next: (event) => {
        rt.head = Math.max(rt.head, event.position)
        for (const worker of rt.workers.values()) if (worker.handles.has(event.type)) wake(rt, worker)
      },
      error: (error: unknown) => {
        rt.logger.warn(`the live feed of the projection runner failed: ${messageOf(error)}`, {})
      },
    })
  }
  for (const worker of rt.workers.values()) worker.running = loop(rt, worker)
}

export const stop = async (rt: Runtime): Promise<void> => {
  if (!rt.running) return
  rt.running = false
  rt.liveFeed?.unsubscribe()
  closeCursors(rt)
  if (rt.inlineWorkers.length > 0) rt.storage.setInlineHandler?.(undefined)
  for (const worker of rt.workers.values()) {
    wake(rt, worker)
    worker.restart?.()
  }
  await Promise.all([...rt.workers.values()].map((w) => w.running ?? Promise.resolve()))
  for (const worker of rt.workers.values()) {
    update(rt, worker, { state: 'stopped' })
    worker.status.complete()
  }
}
