/**
 * Checking the ledger's chains on several threads (`checkChains`). Each thread takes a share of the
 * streams — those whose row id leaves its number when divided by the number of threads — reads their
 * events in position order on a connection of its own, and follows their chains (`chainFollower`).
 * No thread waits for another's hashes: a chain never crosses from one share into another.
 *
 * At each position where seals are to be checked, every thread sends its streams' heads, and the
 * heads of all the shares together are checked against the seals there. A thread runs at most
 * `HEADS_AHEAD` such positions ahead of the slowest, so only that many sets of heads per thread
 * wait in memory.
 */
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

import type { ChainCheckRequest, ChainCheckResult, StreamHead } from '@civic-ledger/core'
import { StoreUnavailableError } from '@civic-ledger/core'

/** What one thread is asked to check. */
export interface ChainCheckPart {
  readonly path: string
  readonly busyTimeoutMs: number
  readonly toPosition: number
  /** This thread's share: streams whose id leaves `part` when divided by `parts`. */
  readonly part: number
  readonly parts: number
  readonly headsAt: ReadonlyArray<number>
  /** Positions a read covers: about `window / parts` rows of the thread's share. */
  readonly window: number
  /** Sets of heads the thread may send before the first of them has been checked. */
  readonly headsAhead: number
}

/** What a thread sends: its streams' heads at each position asked for, in order; then how it ended. */
export type ChainCheckMessage =
  | { readonly kind: 'heads'; readonly position: number; readonly heads: ReadonlyArray<StreamHead> }
  | { readonly kind: 'done'; readonly intact: boolean; readonly events: number; readonly streams: number }
  | { readonly kind: 'failed'; readonly message: string }

/** Sets of heads a thread may send before the first of them has been checked. */
const HEADS_AHEAD = 2

/** Rows each thread reads at a time. */
const ROWS_PER_READ = 2_000

/** A check under way: its result, and a way to stop it (the store is closing). */
export interface ChainCheck {
  readonly result: Promise<ChainCheckResult>
  /** Stops the threads; the result rejects with `reason`. */
  stop(reason: Error): void
}

/** Starts `request` on its threads, each reading the ledger at `path` on a connection of its own. */
export const startChainCheck = (
  ledger: { readonly path: string; readonly busyTimeoutMs: number },
  request: ChainCheckRequest,
): ChainCheck => {
  let stop: (reason: Error) => void = () => undefined
  const result = new Promise<ChainCheckResult>((resolve, reject) => {
    const parts = request.threads
    const workers: Worker[] = []
    /** Heads gathered for each position of `headsAt` not yet checked, with how many threads sent theirs. */
    const gathered = new Map<number, { heads: StreamHead[]; from: number }>()
    /** The index in `headsAt` of the next set each thread will send, and of the next to check. */
    const sentBy = new Array<number>(parts).fill(0)
    let toCheck = 0
    /** How each thread that has ended ended, by its part. */
    const ended = new Map<number, Extract<ChainCheckMessage, { kind: 'done' }>>()
    let settled = false

    const finish = (outcome: { readonly result?: ChainCheckResult; readonly error?: Error }): void => {
      if (settled) return
      settled = true
      for (const worker of workers) void worker.terminate()
      if (outcome.error !== undefined) reject(outcome.error)
      else if (outcome.result !== undefined) resolve(outcome.result)
    }
    const totals = (): { events: number; streams: number } => {
      let events = 0
      let streams = 0
      for (const done of ended.values()) {
        events += done.events
        streams += done.streams
      }
      return { events, streams }
    }
    const broken = (): void => finish({ result: { intact: false, ...totals() } })
    stop = (reason) => finish({ error: reason })

    /** Checks each position whose heads every thread has sent, in order, and lets the threads go on. */
    const checkGathered = (): void => {
      for (;;) {
        const set = gathered.get(toCheck)
        const position = request.headsAt[toCheck]
        if (set === undefined || set.from < parts || position === undefined) return
        gathered.delete(toCheck)
        toCheck++
        if (!request.checkHeads(position, set.heads)) return broken()
        for (const worker of workers) worker.postMessage(0)
      }
    }

    const onMessage = (part: number, message: ChainCheckMessage): void => {
      if (settled) return
      switch (message.kind) {
        case 'heads': {
          const index = sentBy[part] ?? 0
          sentBy[part] = index + 1
          const set = gathered.get(index) ?? { heads: [], from: 0 }
          for (const head of message.heads) set.heads.push(head)
          set.from++
          gathered.set(index, set)
          return checkGathered()
        }
        case 'done':
          ended.set(part, message)
          if (!message.intact) return broken()
          if (ended.size === parts) {
            const { events, streams } = totals()
            // Every position from 1 to the last holds one event (positions are the table's keys).
            const intact = events === request.toPosition && toCheck === request.headsAt.length
            finish({ result: { intact, events, streams } })
          }
          return
        case 'failed':
          return finish({ error: new StoreUnavailableError(`the chain check failed: ${message.message}`) })
      }
    }

    for (let part = 0; part < parts; part++) {
      const work: ChainCheckPart = {
        path: ledger.path,
        busyTimeoutMs: ledger.busyTimeoutMs,
        toPosition: request.toPosition,
        part,
        parts,
        headsAt: request.headsAt,
        window: ROWS_PER_READ * parts,
        headsAhead: HEADS_AHEAD,
      }
      const worker = new Worker(join(__dirname, 'chain-check-worker.js'), { workerData: work })
      workers.push(worker)
      worker.on('message', (message: ChainCheckMessage) => onMessage(part, message))
      worker.on('error', (error) =>
        finish({ error: new StoreUnavailableError(`a chain check thread failed: ${error.message}`, { cause: error }) }),
      )
      worker.on('exit', (code) => {
        if (!settled && !ended.has(part))
          finish({ error: new StoreUnavailableError(`a chain check thread stopped (exit code ${code})`) })
      })
    }
  })
  return { result, stop: (reason) => stop(reason) }
}
