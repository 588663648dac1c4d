/**
 * Reading a long stretch of the log on a second thread. Stepping SQLite through the rows costs
 * about as much as parsing them: a read-ahead thread does the stepping, on a connection of its
 * own, a few pages ahead of the reader, and hands each page over as the text of one JSON array of
 * recorded events — which the reader's thread turns into objects with a single `JSON.parse`.
 *
 * The thread writes a row's stored JSON into the page only if it cannot read as anything but
 * itself there; a page with a row that is not JSON comes as rows, and a page whose text does not
 * parse is read again on the reader's own connection, so a damaged row is named by position just
 * as an ordinary read names it.
 */
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

import type { RecordedEvent } from '@civic-ledger/core'
import { deepFreeze, StoreUnavailableError } from '@civic-ledger/core'

import type { EventRow } from '../rows'
import { toRecorded } from '../rows'

/** What the thread is asked to read: `sql` takes `low`, `high`, `params` and `limit`, in order. */
export interface ReadAheadRequest {
  readonly path: string
  readonly busyTimeoutMs: number
  readonly sql: string
  readonly params: ReadonlyArray<string | number>
  readonly low: number
  readonly high: number
  /** Rows a page. */
  readonly limit: number
  /** Pages it may be ahead of the reader. */
  readonly credits: number
}

/** What the thread sends: pages (as text, or as rows), then the end or a failure. */
export type ReadAheadMessage =
  | { readonly kind: 'page'; readonly low: number; readonly last: number; readonly text: string }
  | { readonly kind: 'rows'; readonly low: number; readonly last: number; readonly rows: ReadonlyArray<EventRow> }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string }

export interface ReadAhead {
  /** The next page of events, or undefined once the stretch has been read. */
  next(): Promise<ReadonlyArray<RecordedEvent> | undefined>
  /** Stops the thread; a `next` after it, or waiting at the time, rejects. */
  stop(): void
}

/**
 * Starts a read-ahead thread for `request`. `reread` reads positions `low..last` again on the
 * reader's own connection: for a page whose text will not parse.
 */
export const startReadAhead = (
  request: ReadAheadRequest,
  reread: (low: number, last: number) => ReadonlyArray<RecordedEvent>,
): ReadAhead => {
  const worker = new Worker(join(__dirname, 'read-ahead-worker.js'), { workerData: request })
  const received: ReadAheadMessage[] = []
  let failure: Error | undefined
  let ended = false
  let stopped = false
  let wake: (() => void) | undefined
  const nudge = (): void => {
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  worker.on('message', (message: ReadAheadMessage) => {
    received.push(message)
    nudge()
  })
  worker.on('error', (error) => {
    failure ??= new StoreUnavailableError(`the read-ahead thread failed: ${error.message}`, { cause: error })
    nudge()
  })
  worker.on('exit', (code) => {
    if (!ended && !received.some((m) => m.kind === 'done' || m.kind === 'failed'))
      failure ??= new StoreUnavailableError(`the read-ahead thread stopped (exit code ${code})`)
    nudge()
  })
  // The thread keeps the process alive only while a reader waits for it: a reader that drops the
  // iteration half-way must not hold the process open.
  worker.unref()

  const parse = (page: Extract<ReadAheadMessage, { kind: 'page' }>): ReadonlyArray<RecordedEvent> => {
    let events: Array<{ metadata: unknown }>
    try {
      events = JSON.parse(page.text) as Array<{ metadata: unknown }>
    } catch {
      return reread(page.low, page.last)
    }
    // Metadata written as 1 is the event before's: events appended together share it, frozen so
    // that no reader can change it for the others (as an ordinary read shares it).
    let previous: unknown
    for (const event of events) {
      if (event.metadata === 1) event.metadata = deepFreeze(previous)
      previous = event.metadata
    }
    return events as unknown as ReadonlyArray<RecordedEvent>
  }

  // Credits go back for half the pages in one message rather than one message a page: fewer
  // messages from the reader's thread, while the thread, still that many pages ahead, reads on.
  const creditsAtOnce = Math.max(1, Math.floor(request.credits / 2))
  let owed = 0
  const taken = (): void => {
    owed++
    if (owed < creditsAtOnce) return
    worker.postMessage(owed)
    owed = 0
  }

  const next = async (): Promise<ReadonlyArray<RecordedEvent> | undefined> => {
    for (;;) {
      if (stopped) throw new StoreUnavailableError('the read was stopped')
      if (ended) return undefined
      const message = received.shift()
      if (message !== undefined) {
        switch (message.kind) {
          case 'page':
            taken()
            return parse(message)
          case 'rows':
            taken()
            return toRecorded(message.rows)
          case 'done':
            ended = true
            return undefined
          case 'failed':
            ended = true
            throw new StoreUnavailableError(`the read-ahead failed: ${message.message}`)
        }
      }
      if (failure !== undefined) throw failure
      worker.ref()
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      worker.unref()
    }
  }

  return {
    next,
    stop: () => {
      stopped = true
      void worker.terminate()
      nudge()
    },
  }
}
