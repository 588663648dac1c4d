/**
 * Checking stored hashes, on this thread or on a worker thread. An event's hash is checked against
 * the *stored* hash of the event before it in its stream: if every event passes, every chain is
 * intact (by induction from each stream's first event), and the checks of different events do not
 * wait for each other. So `verify` can read the log on one thread while another hashes it.
 *
 * Results come back in the order events were given; `firstFailure` resolves once every event given
 * so far has been checked, with the earliest that failed.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads'

import type { StoredEvent } from './chain'
import { chainHash } from './chain'

/** An event whose stored hash is not the chain's, with the hash it should have. */
export interface HashFailure {
  readonly event: StoredEvent
  readonly computed: string
}

export interface ChainChecker {
  /** Queues `event`'s check against `prev`; resolves when there is room for more. */
  check(event: StoredEvent, prev: string): Promise<void> | undefined
  /** Waits for every queued check; the earliest failure, if any. */
  firstFailure(): Promise<HashFailure | undefined>
  close(): Promise<void>
}

/** Checks each event as it is given. */
export const inlineChecker = (): ChainChecker => {
  let failure: HashFailure | undefined
  return {
    check: (event, prev) => {
      if (failure !== undefined) return undefined
      const computed = chainHash(prev, event)
      if (computed !== event.hash) failure = { event, computed }
      return undefined
    },
    firstFailure: async () => failure,
    close: async () => undefined,
  }
}

// --- the worker ---

/** A batch as it crosses to the worker: columns of strings and numbers, which copy cheaply. */
interface Batch {
  readonly prev: string[]
  readonly text: string[] // eventId, streamId, type, data, metadata, recordedAt per event
  readonly numbers: number[] // revision, position, schemaVersion per event
  readonly hash: string[]
}

/** The first event of a batch whose hash is not the chain's, with the computed hash; or -1. */
interface Verdict {
  readonly index: number
  readonly computed: string
}

const checkBatch = (batch: Batch): Verdict => {
  for (let i = 0; i < batch.hash.length; i++) {
    const t = i * 6
    const n = i * 3
    const computed = chainHash(batch.prev[i] ?? '', {
      eventId: batch.text[t] ?? '',
      streamId: batch.text[t + 1] ?? '',
      type: batch.text[t + 2] ?? '',
      data: batch.text[t + 3] ?? '',
      metadata: batch.text[t + 4] ?? '',
      recordedAt: batch.text[t + 5] ?? '',
      revision: batch.numbers[n] ?? 0,
      position: batch.numbers[n + 1] ?? 0,
      schemaVersion: batch.numbers[n + 2] ?? 0,
    })
    if (computed !== batch.hash[i]) return { index: i, computed }
  }
  return { index: -1, computed: '' }
}

/** What marks a thread as a chain checker (an application's own worker threads are left alone). */
const MARK = 'civic-ledger:chain-check'

if (parentPort !== null && (workerData as { readonly role?: unknown } | null)?.role === MARK) {
  const port = parentPort
  port.on('message', (batch: Batch) => port.postMessage(checkBatch(batch)))
}

const BATCH = 1_000
/** Batches in flight before `check` waits: enough to keep the worker busy, few enough to bound memory. */
const IN_FLIGHT = 4

/** Checks events on a worker thread, in batches, while the caller goes on reading. */
export const workerChecker = (): ChainChecker => {
  const worker = new Worker(__filename, { workerData: { role: MARK } })
  const waiting: Array<(verdict: Verdict) => void> = []
  let broken: Error | undefined
  worker.on('message', (verdict: Verdict) => waiting.shift()?.(verdict))
  worker.on('error', (error) => {
    broken = error
    for (const resolve of waiting.splice(0)) resolve({ index: -1, computed: '' })
  })
  const inFlight: Array<{ readonly events: ReadonlyArray<StoredEvent>; readonly verdict: Promise<Verdict> }> = []
  let events: StoredEvent[] = []
  let batch: { prev: string[]; text: string[]; numbers: number[]; hash: string[] } = {
    prev: [],
    text: [],
    numbers: [],
    hash: [],
  }
  let failure: HashFailure | undefined

  const send = (): void => {
    if (events.length === 0) return
    const sent = batch
    inFlight.push({
      events,
      verdict: new Promise<Verdict>((resolve) => {
        waiting.push(resolve)
        worker.postMessage(sent)
      }),
    })
    events = []
    batch = { prev: [], text: [], numbers: [], hash: [] }
  }

  /** Takes the oldest batch's verdict. */
  const settleOldest = async (): Promise<void> => {
    const oldest = inFlight.shift()
    if (oldest === undefined) return
    const verdict = await oldest.verdict
    if (broken !== undefined) throw broken
    const event = oldest.events[verdict.index]
    if (failure === undefined && event !== undefined) failure = { event, computed: verdict.computed }
  }

  return {
    check: (event, prev) => {
      events.push(event)
      batch.prev.push(prev)
      batch.text.push(event.eventId, event.streamId, event.type, event.data, event.metadata, event.recordedAt)
      batch.numbers.push(event.revision, event.position, event.schemaVersion)
      batch.hash.push(event.hash)
      if (events.length < BATCH) return undefined
      send()
      return inFlight.length > IN_FLIGHT ? settleOldest() : undefined
    },
    firstFailure: async () => {
      send()
      while (inFlight.length > 0) await settleOldest()
      return failure
    },
    close: async () => {
      await worker.terminate()
    },
  }
}
