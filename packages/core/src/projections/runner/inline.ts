/** Inline projections, applied inside each append's transaction once they have caught up. */
import type { RecordedEvent } from '../../events/envelope'
import { ProjectionFailedError } from '../../kernel/errors'
import { isPromise } from '../../kernel/promise'
import type { ReadModelTransaction } from '../../port/read-model'
import { projectionContext } from '../context'
import { applyOne, parkedRecord, redacted } from './apply'
import type { Runtime } from './runtime'
import { decodedOnce, messageOf } from './runtime'
import { now } from './status'

export const applyInline = async (
  rt: Runtime,
  events: ReadonlyArray<RecordedEvent>,
  tx: ReadModelTransaction,
): Promise<void> => {
  const first = events[0]
  const last = events[events.length - 1]
  if (first === undefined || last === undefined) return
  const decoded = decodedOnce()
  const batches = []
  for (const worker of rt.inlineWorkers) {
    const { name, version } = worker.projection
    const checkpoint = await tx.lockCheckpoint(name, version)
    // Behind (catching up, halted, or another process appended): the worker will get there.
    if (checkpoint === undefined || checkpoint.position !== first.position - 1) continue
    const parkedStreams = new Set((await tx.parked(name, version)).map((p) => p.streamId))
    const ctx = projectionContext(worker.projection, tx, { deferredIndexes: worker.deferredIndexes })
    batches.push({ worker, checkpoint, parkedStreams, ctx })
  }
  // Event by event, each handed to every projection in turn: one decode for those that share it.
  for (const event of events)
    for (const { worker, parkedStreams, ctx } of batches) {
      if (!worker.handles.has(event.type)) continue
      if (parkedStreams.has(event.streamId)) {
        await tx.park(parkedRecord(rt, worker, event, `an earlier event of ${event.streamId} is parked`))
        continue
      }
      try {
        const applying = applyOne(rt, worker, event, ctx, decoded)
        if (isPromise(applying)) await applying
      } catch (error) {
        const { name } = worker.projection
        const reported = await redacted(rt, event, error)
        throw new ProjectionFailedError(name, event.type, event.streamId, messageOf(reported), { cause: reported })
      }
    }
  for (const { checkpoint, ctx } of batches) {
    await ctx.flush()
    await tx.saveCheckpoint({ ...checkpoint, position: last.position, updatedAt: now(rt) })
  }
}
