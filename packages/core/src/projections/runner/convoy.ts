/**
 * Convoys: workers at the same position take a page in one transaction, so projections catching up
 * together share commits and reads.
 */
import type { RecordedEvent } from '../../events/envelope'
import { isPromise } from '../../kernel/promise'
import type { ProjectionCheckpoint } from '../../port/read-model'
import type { BatchContext } from '../context'
import { applyOne, claim, contextFor, parkedRecord, redacted, settle } from './apply'
import { readAhead, readyPage, withinTime } from './log-reader'
import type { LogPage, Outcome, Runtime, Worker } from './runtime'
import { CATCH_UP_TRANSACTION_MS, CheckpointMoved, FLUSH_DOCUMENTS, MemberStopped } from './runtime'
import { now } from './status'

/**
 * Applies the log from `first` for every member in one read-model transaction, event by event,
 * each member with its own context, parked streams and checkpoint. While the members are behind
 * `end` the transaction goes on to the next page for up to `CATCH_UP_TRANSACTION_MS` — fewer
 * commits, and a document changed on many pages written once — but only to a page already read:
 * it never waits on the store while it holds checkpoints that inline appends lock (on a pool of
 * three, an append holding the append lock would wait for the checkpoint, and the transaction for a
 * connection to read with). The next page is read meanwhile. Members lock
 * their checkpoints in name order, so two processes running the same projections never wait on
 * each other in a cycle.
 */
export const runConvoy = async (
  rt: Runtime,
  first: LogPage,
  end: number,
  members: ReadonlyArray<Worker>,
): Promise<ReadonlyMap<Worker, Outcome>> => {
  const everyone = members.length === rt.workers.size
  const ordered = [...members].sort((a, b) => (a.projection.name < b.projection.name ? -1 : 1))
  interface Batch {
    readonly worker: Worker
    readonly checkpoint: ProjectionCheckpoint
    readonly parkedStreams: ReadonlySet<string>
    parked: number
    readonly ctx: BatchContext
  }
  const batches: Batch[] = []
  /** The members that handle each type, in name order: one lookup an event rather than one a member. */
  const byType = new Map<string, ReadonlyArray<Batch>>()
  const handling = (type: string): ReadonlyArray<Batch> => {
    let found = byType.get(type)
    if (found === undefined) {
      found = batches.filter((b) => b.worker.handles.has(type))
      byType.set(type, found)
    }
    return found
  }
  try {
    const outcomes = await rt.storage.transaction(async (tx) => {
      for (const worker of ordered) {
        const checkpoint = await claim(rt, tx, worker, worker.position).catch((error: unknown) => {
          throw error instanceof CheckpointMoved ? new MemberStopped(worker, { kind: 'moved', moved: error }) : error
        })
        const kept = await tx.parked(worker.projection.name, worker.projection.version)
        batches.push({
          worker,
          checkpoint,
          parkedStreams: new Set(kept.map((p) => p.streamId)),
          parked: kept.length,
          ctx: contextFor(rt, worker, tx, kept.length),
        })
      }
      const deadline = Date.now() + CATCH_UP_TRANSACTION_MS
      let page = first
      for (;;) {
        readAhead(rt, page.to + 1, end)
        // Indexed loops: iterators held across an await are objects made for every event.
        const events = page.events
        for (let i = 0; i < events.length; i++) {
          const event = events[i] as RecordedEvent
          if (!withinTime(rt, event)) continue
          const handlers = handling(event.type)
          for (let k = 0; k < handlers.length; k++) {
            const batch = handlers[k] as Batch
            const worker = batch.worker
            if (batch.parkedStreams.size > 0 && batch.parkedStreams.has(event.streamId)) {
              await tx.park(parkedRecord(rt, worker, event, `an earlier event of ${event.streamId} is parked`))
              batch.parked++
              continue
            }
            try {
              const applying = applyOne(rt, worker, event, batch.ctx, page.decoded)
              if (isPromise(applying)) await applying
            } catch (reason) {
              throw new MemberStopped(worker, { kind: 'failed', event, reason: await redacted(rt, event, reason) })
            }
          }
        }
        if (page.to >= end || Date.now() >= deadline) break
        // Written once enough are held, so the documents of a long transaction do not pile up in
        // memory, while one changed on every page (a running total) is written once, not a page.
        for (const batch of batches) if (batch.ctx.held >= FLUSH_DOCUMENTS) await batch.ctx.flush()
        // Nobody else will want a page every worker has taken: drop it, so it is not kept alive.
        if (everyone) rt.pages.delete(page.from)
        const next = readyPage(rt, page.to + 1)
        if (next === undefined) break
        page = next
      }
      const outcomes = new Map<Worker, Outcome>()
      for (const batch of batches) {
        await batch.ctx.flush()
        await tx.saveCheckpoint({ ...batch.checkpoint, position: page.to, updatedAt: now(rt) })
        outcomes.set(batch.worker, { kind: 'committed', to: page.to, parked: batch.parked })
      }
      return outcomes
    })
    for (const batch of batches) settle(rt, batch.worker, batch.ctx, batch.parked)
    return outcomes
  } catch (error) {
    if (!(error instanceof MemberStopped)) throw error
    return new Map(members.map((m) => [m, m === error.worker ? error.outcome : { kind: 'alone' }]))
  }
}

/**
 * Takes the log from `page` for `worker` together with every other worker that asks for the same
 * page before the next turn of the event loop: workers waiting on one read of the log resume
 * together, so a rebuild of several projections commits one transaction where it would commit
 * one a projection.
 */
export const together = async (rt: Runtime, worker: Worker, page: LogPage, end: number): Promise<Outcome> => {
  let convoy = rt.convoys.get(page)
  if (convoy === undefined) {
    const members: Worker[] = []
    const outcomes = new Promise<ReadonlyMap<Worker, Outcome>>((resolve, reject) => {
      setImmediate(() => {
        rt.convoys.delete(page)
        runConvoy(rt, page, end, members).then(resolve, reject)
      })
    })
    convoy = { members, outcomes }
    rt.convoys.set(page, convoy)
  }
  convoy.members.push(worker)
  return (await convoy.outcomes).get(worker) ?? { kind: 'alone' }
}
