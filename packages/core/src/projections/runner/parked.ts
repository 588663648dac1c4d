/** Parked events: retried (each stream's in order, in one transaction) or discarded. */
import type { RecordedEvent } from '../../events/envelope'
import { projectionContext } from '../context'
import { applyOne, redacted } from './apply'
import type { Runtime } from './runtime'
import { messageOf } from './runtime'
import { update, workerOf } from './status'
import type { ParkedRetry } from './types'

export const retryParked = async (rt: Runtime, name: string, streamId?: string): Promise<ParkedRetry> => {
  const worker = workerOf(rt, name)
  const { version } = worker.projection
  const all = await rt.storage.read((r) => r.parked(name, version))
  const streams = [...new Set(all.map((p) => p.streamId))].filter((s) => streamId === undefined || s === streamId)
  let retried = 0
  const failed: Array<{ streamId: string; message: string }> = []
  for (const stream of streams) {
    const entries = all.filter((p) => p.streamId === stream)
    const events: RecordedEvent[] = []
    for (const entry of entries)
      for await (const event of rt.store.readStream(stream, {
        fromRevision: entry.revision,
        toRevision: entry.revision,
      }))
        events.push(event)
    try {
      await rt.storage.transaction(async (tx) => {
        await tx.lockCheckpoint(name, version)
        const ctx = projectionContext(worker.projection, tx, { deferredIndexes: worker.deferredIndexes })
        for (const event of events)
          try {
            await applyOne(rt, worker, event, ctx, undefined)
          } catch (error) {
            throw await redacted(rt, event, error)
          }
        await ctx.flush()
        await tx.unpark(
          name,
          version,
          entries.map((e) => e.position),
        )
      })
      retried += entries.length
    } catch (error) {
      failed.push({ streamId: stream, message: messageOf(error) })
    }
  }
  // The retried events changed documents behind the worker's back.
  if (retried > 0) worker.documents?.clear()
  const parked = (await rt.storage.read((r) => r.parked(name, version))).length
  update(rt, worker, { parked })
  return { retried, failed }
}

export const discardParked = async (rt: Runtime, name: string, position: number): Promise<boolean> => {
  const worker = workerOf(rt, name)
  const { version } = worker.projection
  const found = await rt.storage.transaction(async (tx) => {
    const entries = await tx.parked(name, version)
    if (!entries.some((p) => p.position === position)) return false
    await tx.unpark(name, version, [position])
    return true
  })
  const parked = (await rt.storage.read((r) => r.parked(name, version))).length
  update(rt, worker, { parked })
  return found
}
