/**
 * Reading the log for the workers: pages shared by workers at the same position, and one long read
 * for workers far behind.
 */
import type { RecordedEvent } from '../../events/envelope'
import { deepFreeze } from '../../kernel/json'
import { pagesOf } from '../../store-kit/paging'
import type { LogCursor, LogPage, Runtime, Worker } from './runtime'
import { CATCH_UP_PAGE, decodedOnce, LONG_READ_PAGES } from './runtime'

export const readPage = (rt: Runtime, from: number, end: number): Promise<LogPage> => {
  const cached = rt.pages.get(from)
  if (cached !== undefined) return cached.page
  let behind = Number.MAX_SAFE_INTEGER
  for (const w of rt.workers.values()) behind = Math.min(behind, w.position)
  // Pages every worker has passed go; so do the oldest beyond two a worker and one read ahead.
  for (const [key, kept] of rt.pages)
    if (kept.to <= behind || rt.pages.size > 2 * rt.workers.size + 2) rt.pages.delete(key)
  // A long read kept from the last page goes on even once the worker is near the end: it holds a
  // connection of the store until it is read to its end or closed.
  const long = rt.cursors.has(from) || end - from >= LONG_READ_PAGES * rt.batchSize
  // Far behind, a transaction takes many pages anyway: smaller ones are done with sooner, so
  // fewer of their events outlive a young-generation collection.
  let to = Math.min(end, from + (long ? Math.min(rt.batchSize, CATCH_UP_PAGE) : rt.batchSize) - 1)
  // A long read kept from an earlier page ends where the goal was then: the page ends there too,
  // since the events after it were never asked of that read.
  const cursor = long ? cursorAt(rt, from, end) : undefined
  if (cursor !== undefined) to = Math.min(to, cursor.to)
  const page = (async (): Promise<LogPage> => {
    const events: RecordedEvent[] = []
    if (cursor !== undefined) await takeFrom(rt, cursor, to, events)
    else {
      const read = rt.store.readAll({
        fromPosition: from,
        toPosition: to,
        batchSize: rt.batchSize,
        filter: { types: rt.allTypes },
      })
      for await (const run of pagesOf(read, rt.batchSize)) for (const event of run) events.push(deepFreeze(event))
    }
    return { from, to, events, decoded: decodedOnce() }
  })()
  const entry: { readonly to: number; readonly page: Promise<LogPage>; ready?: LogPage } = { to, page }
  rt.pages.set(from, entry)
  page.then(
    (read) => {
      entry.ready = read
    },
    () => rt.pages.delete(from),
  )
  return page
}

/** The page from `from` if it has been read already: what a transaction may take without waiting. */
export const readyPage = (rt: Runtime, from: number): LogPage | undefined => rt.pages.get(from)?.ready

/**
 * Starts reading the page from `from`, if it is not read or being read: a transaction applying a
 * page asks for the next, so that it is there to take when this one is done.
 */
export const readAhead = (rt: Runtime, from: number, end: number): void => {
  if (from > end || rt.pages.has(from) || !rt.running) return
  // A failed read is dropped from the pages; the worker that needs the page reads it again.
  readPage(rt, from, end).catch(() => undefined)
}

export const cursorAt = (rt: Runtime, from: number, end: number): LogCursor => {
  const found = rt.cursors.get(from)
  if (found !== undefined) {
    rt.cursors.delete(from)
    return found
  }
  // One long read kept at a time: each holds a connection of the store (a COPY under way on
  // PostgreSQL), and kept reads must never take the connections a batch needs to commit. Two groups
  // of workers far behind at different positions take turns, each page a new read.
  closeCursors(rt)
  const read = rt.store.readAll({
    fromPosition: from,
    toPosition: end,
    batchSize: rt.batchSize,
    filter: { types: rt.allTypes },
  })
  return { to: end, pages: pagesOf(read, rt.batchSize)[Symbol.asyncIterator](), run: [], next: 0 }
}

/** Takes the events up to `to` off `cursor` into `events`, frozen; keeps the cursor if there is more. */
export const takeFrom = async (rt: Runtime, cursor: LogCursor, to: number, events: RecordedEvent[]): Promise<void> => {
  try {
    for (;;) {
      while (cursor.next < cursor.run.length) {
        const event = cursor.run[cursor.next] as RecordedEvent
        if (event.position > to) break
        // Frozen: every projection sees the same objects, and none may change them for the others.
        events.push(deepFreeze(event))
        cursor.next++
      }
      if (cursor.next < cursor.run.length) break
      const taken = await cursor.pages.next()
      if (taken.done === true) break
      cursor.run = taken.value
      cursor.next = 0
    }
  } catch (error) {
    void cursor.pages.return?.()
    throw error
  }
  if (to < cursor.to && rt.running) keepCursor(rt, to + 1, cursor)
  else void cursor.pages.return?.()
}

/**
 * Keeps `cursor` for the page from `from`, the only long read kept: any other is closed — among them
 * one kept for the same page (read twice, once ahead and again after it was dropped), which nobody
 * could reach again, holding its connection of the store for good.
 */
const keepCursor = (rt: Runtime, from: number, cursor: LogCursor): void => {
  for (const kept of rt.cursors.values()) if (kept !== cursor) void kept.pages.return?.()
  rt.cursors.clear()
  rt.cursors.set(from, cursor)
}

export const closeCursors = (rt: Runtime): void => {
  for (const cursor of rt.cursors.values()) void cursor.pages.return?.()
  rt.cursors.clear()
}

/** Whether a replay up to a recorded time includes `event`. */
export const withinTime = (rt: Runtime, event: RecordedEvent): boolean =>
  rt.untilTime === undefined || Date.parse(event.recordedAt) <= rt.untilTime

/** The events of `page` that `worker` handles. */
export const eventsFor = (rt: Runtime, worker: Worker, page: LogPage): ReadonlyArray<RecordedEvent> =>
  page.events.filter((event) => worker.handles.has(event.type) && withinTime(rt, event))

/** The events `worker` handles from `from` to `to`, read again: for dealing with a failure. */
export const handledBetween = async (
  rt: Runtime,
  worker: Worker,
  from: number,
  to: number,
): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = []
  const types = [...worker.handles]
  for await (const event of rt.store.readAll({
    fromPosition: from,
    toPosition: to,
    batchSize: rt.batchSize,
    filter: { types },
  }))
    if (withinTime(rt, event)) events.push(deepFreeze(event))
  return events
}
