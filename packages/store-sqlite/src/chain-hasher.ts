/**
 * Chain hashes of a long append, computed on a thread of their own while the writer inserts rows.
 *
 * A bulk append is CPU-bound, and an event's chain hash (building its canonical envelope, then
 * SHA-256 over a kilobyte) costs about a tenth of its insert. The hashes depend only on what is
 * known when the transaction starts (the stream's head hash, the first position, the events), so
 * the writer copies each event's fields into shared memory, the thread works down the chain, and
 * the writer takes each hash as it reaches that row. It never waits for the thread: a hash the
 * thread has not reached yet (it is waking up, or was held up) the writer computes itself, from the
 * one before, and takes the thread's again once it has caught up.
 *
 * The thread runs core's own `chainHash`, so its hashes are the writer's by construction. If it
 * fails, or has not started a run `stallMs` after it was sent, it is given up and the writer
 * hashes every run itself.
 */
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { CheckedEvent } from '@civic-ledger/core'
import { chainHash } from '@civic-ledger/core/chain'

/** Words of the control array the writer and the thread share. */
export const CONTROL = {
  /** The job whose hashes `done` counts (written by the thread). */
  job: 0,
  /** How many of that job's hashes are in the output (written by the thread). */
  done: 1,
  /** The job the writer is taking hashes of; the thread drops any other at its next event. */
  latest: 2,
  /** 1 once the thread has loaded and takes jobs (written by the thread). */
  ready: 3,
} as const

/** Per event in the index: ends of data, metadata, event id and type in the input; schema version. */
export const FIELDS_PER_EVENT = 5

/** A stream's run of events in one append, and where it starts. */
export interface ChainRun {
  /** The stream's head hash before the run (`GENESIS_HASH` for a new stream). */
  readonly prev: string
  readonly streamId: string
  readonly recordedAt: string
  readonly firstRevision: number
  readonly firstPosition: number
  /** The events, with their data and metadata as stored. */
  readonly events: ReadonlyArray<CheckedEvent>
}

/** What the thread is sent for each job: a run without its events, which are in shared memory. */
export interface ChainJob extends Omit<ChainRun, 'events'> {
  readonly id: number
  readonly count: number
  readonly control: SharedArrayBuffer
  readonly index: SharedArrayBuffer
  readonly input: SharedArrayBuffer
  readonly output: SharedArrayBuffer
}

/** The chain hashes of one run, taken in order by the writer. */
export interface ChainHashes {
  /** The hash of the run's `i`-th event (32 bytes): the thread's if it has it, else computed here. */
  at(i: number): Buffer
  /** The writer is done with the run (all taken, or the write failed): the thread may drop it. */
  release(): void
}

export interface ChainHasher {
  /**
   * Starts hashing a run: a run of `threadFrom` events or more on the thread, if it is ready;
   * any other on the caller's, one hash at a time as it is taken.
   */
  start(run: ChainRun): ChainHashes
  /** True once the thread has loaded and takes runs (until it fails or the hasher is closed). */
  onThread(): boolean
  /** Events whose hash came from the thread, since the hasher was made. */
  hashedAside(): number
  /** Ends the thread. */
  close(): Promise<void>
}

export interface ChainHasherOptions {
  /**
   * Runs of at least this many events go to the thread (default 128). Below it, waking the thread
   * spares less than copying the run costs; the thread is started by the first such run.
   */
  readonly threadFrom?: number
  /** A thread that has not started a run this long after it was sent is given up (default 2000 ms). */
  readonly stallMs?: number
  /** The thread's script (default `chain-worker.js`): for tests of a thread that fails or stalls. */
  readonly script?: string
}

/** Past this many bytes of fields in one run, the writer hashes it itself rather than copy it all. */
const MAX_INPUT_BYTES = 32 * 1024 * 1024

/** The hash of the run's `i`-th event, after `prev`. */
const hashOf = (run: ChainRun, i: number, prev: string): string => {
  const { event, data, metadata } = run.events[i] as CheckedEvent
  return chainHash(prev, {
    eventId: event.eventId,
    streamId: run.streamId,
    revision: run.firstRevision + i,
    position: run.firstPosition + i,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data,
    metadata,
    recordedAt: run.recordedAt,
  })
}

/** A run hashed on the caller's thread, one event at a time as the writer reaches it. */
const hashedHere = (run: ChainRun): ChainHashes => {
  let hash = run.prev
  let next = 0
  return {
    at: (i) => {
      if (i !== next) throw new RangeError(`chain hash ${i} taken out of order (expected ${next})`)
      hash = hashOf(run, i, hash)
      next++
      return Buffer.from(hash, 'hex')
    },
    release: () => undefined,
  }
}

/**
 * The thread's side of a job: each event's fields read back from shared memory, hashed with
 * core's `chainHash`, and published as soon as it is known. A job the writer has moved on from is
 * dropped at the next event.
 */
export const hashJob = (job: ChainJob): void => {
  const control = new Int32Array(job.control)
  const index = new Int32Array(job.index)
  const input = Buffer.from(job.input)
  const output = Buffer.from(job.output)
  Atomics.store(control, CONTROL.done, 0)
  Atomics.store(control, CONTROL.job, job.id)
  let prev = job.prev
  let start = 0
  for (let i = 0; i < job.count; i++) {
    if (Atomics.load(control, CONTROL.latest) !== job.id) return
    const at = i * FIELDS_PER_EVENT
    const dataEnd = index[at] as number
    const metadataEnd = index[at + 1] as number
    const eventIdEnd = index[at + 2] as number
    const typeEnd = index[at + 3] as number
    prev = chainHash(prev, {
      data: input.toString('utf8', start, dataEnd),
      metadata: input.toString('utf8', dataEnd, metadataEnd),
      eventId: input.toString('utf8', metadataEnd, eventIdEnd),
      type: input.toString('utf8', eventIdEnd, typeEnd),
      schemaVersion: index[at + 4] as number,
      streamId: job.streamId,
      revision: job.firstRevision + i,
      position: job.firstPosition + i,
      recordedAt: job.recordedAt,
    })
    output.write(prev, i * 32, 32, 'hex')
    start = typeEnd
    Atomics.store(control, CONTROL.done, i + 1)
  }
}

/**
 * A hasher whose thread is started by the first run and serves the runs after it (the first ones,
 * while the thread loads, are hashed by the writer).
 */
export const createChainHasher = (options: ChainHasherOptions = {}): ChainHasher => {
  const stallMs = options.stallMs ?? 2000
  const threadFrom = options.threadFrom ?? 128
  const control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT))
  let index = new Int32Array(new SharedArrayBuffer(0))
  let input = Buffer.from(new SharedArrayBuffer(0))
  let output = Buffer.from(new SharedArrayBuffer(0))
  let worker: Worker | undefined
  let failed = false
  let jobs = 0
  let aside = 0

  const giveUp = (): void => {
    failed = true
    void worker?.terminate()
  }

  const spawn = (): void => {
    // Readiness is read from shared memory, not a message: a writer whose appends follow one
    // another without the event loop turning must still see it.
    const thread = new Worker(options.script ?? join(__dirname, 'chain-worker.js'), {
      workerData: { control: control.buffer },
    })
    thread.on('error', giveUp)
    thread.on('exit', giveUp)
    // The thread never keeps the process alive: a store left open must not.
    thread.unref()
    worker = thread
  }

  /** Room for the run's fields, or false if it is too large to copy. */
  const reserve = (events: ReadonlyArray<CheckedEvent>): boolean => {
    let bound = 0
    for (const { event, data, metadata } of events)
      bound += 3 * (data.length + metadata.length + event.eventId.length + event.type.length)
    if (bound > MAX_INPUT_BYTES) return false
    // The buffers are reused from run to run. A run dropped half-way may still be read by the
    // thread while the next is written: it then hashes garbage for a job no one waits for, and
    // writes it before it takes the next job, which writes every hash afresh. Grown to twice the
    // need, so that runs of about one size share them.
    const ints = events.length * FIELDS_PER_EVENT
    if (input.length < bound) input = Buffer.from(new SharedArrayBuffer(Math.max(bound, 2 * input.length)))
    if (index.length < ints) index = new Int32Array(new SharedArrayBuffer(4 * Math.max(ints, 2 * index.length)))
    if (output.length < 32 * events.length)
      output = Buffer.from(new SharedArrayBuffer(Math.max(32 * events.length, 2 * output.length)))
    return true
  }

  /** Copies the run's fields into the input, and sends the thread the job. */
  const post = (run: ChainRun): number => {
    const { events } = run
    let offset = 0
    for (let i = 0; i < events.length; i++) {
      const { event, data, metadata } = events[i] as CheckedEvent
      const at = i * FIELDS_PER_EVENT
      offset += input.write(data, offset)
      index[at] = offset
      offset += input.write(metadata, offset)
      index[at + 1] = offset
      offset += input.write(event.eventId, offset)
      index[at + 2] = offset
      offset += input.write(event.type, offset)
      index[at + 3] = offset
      index[at + 4] = event.schemaVersion
    }
    const id = ++jobs
    Atomics.store(control, CONTROL.latest, id)
    const job: ChainJob = {
      id,
      prev: run.prev,
      streamId: run.streamId,
      recordedAt: run.recordedAt,
      firstRevision: run.firstRevision,
      firstPosition: run.firstPosition,
      count: events.length,
      control: control.buffer,
      index: index.buffer,
      input: input.buffer,
      output: output.buffer,
    }
    worker?.postMessage(job)
    return id
  }

  const onThread = (): boolean => !failed && Atomics.load(control, CONTROL.ready) === 1

  /** The last job posted, and when. */
  let lastPosted = { id: 0, at: 0 }
  /** True (and the thread given up) if it has not even started a job posted `stallMs` ago. */
  const stalled = (): boolean => {
    if (lastPosted.id === 0 || Atomics.load(control, CONTROL.job) >= lastPosted.id) return false
    if (performance.now() - lastPosted.at < stallMs) return false
    giveUp()
    return true
  }

  return {
    start: (run) => {
      if (run.events.length < threadFrom) return hashedHere(run)
      if (worker === undefined && !failed) spawn()
      if (!onThread() || stalled() || !reserve(run.events)) return hashedHere(run)
      const id = post(run)
      lastPosted = { id, at: performance.now() }
      const results = output
      let taken = 0
      /** The last hash as hex if it was computed here; undefined if it came from the thread. */
      let last: string | undefined = run.prev
      return {
        at: (i) => {
          if (i !== taken) throw new RangeError(`chain hash ${i} taken out of order (expected ${taken})`)
          taken++
          if (Atomics.load(control, CONTROL.job) === id && Atomics.load(control, CONTROL.done) > i) {
            aside++
            last = undefined
            return results.subarray(i * 32, i * 32 + 32)
          }
          // The thread has not got this far (it is waking up, or was held up): the writer never
          // waits for it, but computes this hash itself, the same, from the one before.
          last = hashOf(run, i, last ?? results.toString('hex', i * 32 - 32, i * 32))
          return Buffer.from(last, 'hex')
        },
        release: () => {
          // A run left half-way is dropped by the thread at its next event.
          if (Atomics.load(control, CONTROL.latest) === id) Atomics.store(control, CONTROL.latest, 0)
        },
      }
    },
    onThread,
    hashedAside: () => aside,
    close: async () => {
      failed = true
      await worker?.terminate()
    },
  }
}
