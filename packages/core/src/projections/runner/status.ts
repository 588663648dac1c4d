/**
 * A worker's status: the Observable each projection's state, position and lag are published on,
 * waking a worker, and waiting until every worker has caught up.
 */
import { filter as rxFilter, firstValueFrom, timeout as rxTimeout } from 'rxjs'

import { InvalidArgumentError, isEventStoreError } from '../../kernel/errors'
import type { Runtime, Worker } from './runtime'
import type { ProjectionStatus } from './types'
import { ProjectionError } from './types'

export const now = (rt: Runtime): string => rt.clock.now().toISOString()

export const workerOf = (rt: Runtime, name: string): Worker => {
  const worker = rt.workers.get(name)
  if (worker === undefined)
    throw new InvalidArgumentError('projection', `no projection named ${String(name)} is running`)
  return worker
}

export const update = (rt: Runtime, worker: Worker, change: Partial<ProjectionStatus>): void => {
  const current = worker.status.value
  const next = { ...current, position: worker.position, stage: worker.stage, head: rt.head, ...change }
  worker.status.next({ ...next, lag: Math.max(0, next.head - next.position) })
}

export const wake = (_rt: Runtime, worker: Worker): void => {
  worker.wakes++
  const resolve = worker.wake
  worker.wake = undefined
  resolve?.()
}

/** The end of the log this runner follows: the head, or the replay's stopping point. */
export const target = (rt: Runtime, at: number): number =>
  rt.until?.position === undefined ? at : Math.min(at, rt.until.position)

/** Waits for a wake-up (or `ms`), unless one came since `seen`. */
export const pause = async (rt: Runtime, worker: Worker, seen: number, ms?: number): Promise<void> => {
  if (!rt.running || worker.wakes !== seen) return
  await new Promise<void>((resolve) => {
    worker.wake = resolve
    if (ms !== undefined) setTimeout(resolve, ms)
  })
  worker.wake = undefined
}

export const waitUntilCaughtUp = async (
  rt: Runtime,
  waitOptions: { readonly timeoutMs?: number } = {},
): Promise<number> => {
  const timeoutMs = waitOptions.timeoutMs ?? 30_000
  const goal = target(rt, await rt.store.headPosition())
  rt.head = Math.max(rt.head, goal)
  for (const worker of rt.workers.values()) wake(rt, worker)
  if (rt.statuses.length === 0) return goal
  // A new version counts as caught up once it also serves: queries after this read it.
  const done = (list: ReadonlyArray<ProjectionStatus>): boolean =>
    list.every((s) => s.position >= goal && s.stage === 'active') ||
    list.some((s) => s.state === 'halted' || s.state === 'stopped')
  let result: ReadonlyArray<ProjectionStatus>
  try {
    result = await firstValueFrom(rt.status$.pipe(rxFilter(done), rxTimeout(timeoutMs)))
  } catch (error) {
    const slow = [...rt.workers.values()].find((w) => w.status.value.position < goal)
    if (slow !== undefined && !isEventStoreError(error))
      throw new ProjectionError(
        slow.projection.name,
        'timeout',
        `not caught up with position ${goal} after ${timeoutMs} ms (at ${slow.status.value.position}, ${slow.status.value.state})`,
      )
    throw error
  }
  // A halted projection is the reason to give, before any the wait left behind it.
  const stuck = result.find((s) => s.state === 'halted') ?? result.find((s) => s.position < goal)
  if (stuck !== undefined)
    throw new ProjectionError(
      stuck.name,
      stuck.state === 'halted' ? 'halted' : 'stopped',
      stuck.lastError === undefined
        ? `${stuck.state} at position ${stuck.position}`
        : `halted before position ${stuck.lastError.position} (${stuck.lastError.type} in ${stuck.lastError.streamId}): ${stuck.lastError.message}`,
      stuck.lastError,
    )
  return goal
}
