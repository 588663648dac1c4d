/**
 * The store's single writer, with group commit: appends that arrive while the event loop is busy
 * are written in one transaction (`BEGIN IMMEDIATE`), each in its own savepoint with its own
 * expected-revision check and its own result, so many concurrent callers share one fsync instead
 * of queueing for one each. Each event is hashed into its stream's chain as it is inserted, on
 * this thread. With inline projections each caller's events are handed to the handler inside its
 * savepoint, before the commit. Async work that needs the writer (a read-model transaction, a key
 * operation, an import) takes its turn with `holding`.
 */
import type {
  AppendResult,
  Clock,
  InlineHandler,
  ReadModelTransaction,
  RecordedEvent,
  StoredEvent,
  StreamHead,
} from '@civic-ledger/core'
import type { StoreUnavailableError } from '@civic-ledger/core'
import {
  chainHash,
  EventIdConflictError,
  GENESIS_HASH,
  toRecorded as storedToRecorded,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import type { CheckedStreamAppend, StoredEventLocation, StoreLimits } from '@civic-ledger/core/store-kit'
import {
  checkStoredEvents,
  continueChains,
  createMutex,
  EventIdTakenError,
  recordedEvents,
  revisionMatches,
} from '@civic-ledger/core/store-kit'
import { Subject } from 'rxjs'

import type { WriterStatements } from './statements'
import type { FailureStage } from './storage-errors'
import { isStorageFailure, storageError } from './storage-errors'

/** An append waiting for the next group commit. */
interface PendingWrite {
  readonly appends: ReadonlyArray<CheckedStreamAppend>
  readonly resolve: (results: ReadonlyArray<AppendResult>) => void
  readonly reject: (error: unknown) => void
}

/** What became of one caller's write in a group. */
interface Outcome {
  readonly results?: ReadonlyArray<AppendResult>
  readonly error?: unknown
}

const isUniqueEventIdViolation = (error: unknown): boolean =>
  error instanceof Error &&
  (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
  error.message.includes('events.event_id')

/**
 * SQLite rolled back the whole transaction (a storage failure can, `SQLITE_FULL` or an I/O error
 * among them): every write of the group is undone, not only the one that failed.
 */
class TransactionLost extends Error {
  constructor(readonly failure: unknown) {
    super('the transaction was rolled back')
    this.name = 'TransactionLost'
  }
}

export interface WriterOptions {
  /** The ledger file, which storage failures name. */
  readonly path: string
  readonly clock: Clock
  readonly limits: () => StoreLimits
  readonly maxGroupSize: number
  /** The name errors give the ledger once it is closed. */
  readonly closedError: () => StoreUnavailableError
  /**
   * Checked after each commit under `synchronous=FULL`: throws when the file system may not have
   * kept the sync (`ext4ErrorWatch`); absent where there is nothing to watch.
   */
  readonly afterSync?: (() => void) | undefined
}

export class SqliteWriter {
  /** Commits of this process: a signal for subscriptions. */
  readonly commits = new Subject<void>()
  transactions = 0
  appendsCommitted = 0
  /** The inline projections' handler, while there are any. */
  inline: InlineHandler | undefined
  /** Set once the store is closing: appends still queued are refused. */
  closing = false
  private pending: PendingWrite[] = []
  private flushScheduled = false
  /** True while an async write transaction (inline projections, a projection batch) holds the writer. */
  private busy = false
  private readonly turns = createMutex()
  /**
   * The head as this transaction has left it, once known: later appends of the same group need not
   * ask. Forgotten whenever a transaction starts (another process may have written since) and
   * whenever a savepoint is rolled back.
   */
  private knownHead: number | undefined

  constructor(
    private readonly s: WriterStatements,
    private readonly options: WriterOptions,
    /** The read-model transaction inline handlers are given. */
    private readonly readModelTx: () => ReadModelTransaction,
  ) {}

  // --- transactions ---

  begin(): void {
    // A transaction SQLite did not end after a failure is never committed by a later write.
    if (this.inTransaction()) this.rollbackQuietly()
    this.s.begin.run()
    this.knownHead = undefined
  }

  /** True while the writer connection is inside a transaction (SQLite may end one on a failure). */
  inTransaction(): boolean {
    return this.s.begin.database.inTransaction
  }

  /** The error to give the caller of `operation` for `error`, which happened at `stage`. */
  failure(error: unknown, operation: string, stage: FailureStage): Error {
    return storageError(error, { path: this.options.path, operation, stage })
  }

  /**
   * Runs `work` in a write transaction and commits it; the caller holds the writer. A failure to
   * begin or commit, or a storage failure inside `work`, is told as a `StoreUnavailableError` saying
   * whether `operation` was written; any other error of `work` is passed on as it is, after the
   * rollback.
   */
  async transact<A>(operation: string, work: () => Promise<A> | A): Promise<A> {
    try {
      this.begin()
    } catch (error) {
      this.rollbackQuietly()
      throw this.failure(error, operation, 'not-begun')
    }
    let result: A
    try {
      result = await work()
    } catch (error) {
      this.rollbackQuietly()
      throw isStorageFailure(error) ? this.failure(error, operation, 'rolled-back') : error
    }
    try {
      this.commit()
    } catch (error) {
      this.rollbackQuietly()
      throw this.failure(error, operation, 'commit')
    }
    return result
  }

  /**
   * Commits, and under `synchronous=FULL` checks the sync was real: if the file system recorded an
   * error as it synced, the caller is told its write may or may not have been stored.
   */
  commit(): void {
    this.s.commit.run()
    this.options.afterSync?.()
  }

  rollbackQuietly(): void {
    try {
      this.s.rollback.run()
    } catch {
      // the transaction is already gone
    }
  }

  private undoAppend(): void {
    this.s.rollbackTo.run()
    this.knownHead = undefined
  }

  /**
   * Undoes one caller's savepoint after it failed. If SQLite has rolled back the whole transaction,
   * or the savepoint cannot be undone, throws `TransactionLost`: the group cannot go on.
   */
  private undoSavepoint(error: unknown): void {
    if (this.inTransaction())
      try {
        this.undoAppend()
        this.s.release.run()
        return
      } catch {
        // the transaction is not what it was: abandon it
      }
    this.rollbackQuietly()
    throw new TransactionLost(error)
  }

  /** Every write of a group whose transaction was lost is told why, and that it was not written. */
  private abortGroup(group: ReadonlyArray<PendingWrite>, error: unknown): void {
    this.rollbackQuietly()
    this.knownHead = undefined
    for (const write of group) write.reject(this.failure(error, 'the append', 'rolled-back'))
  }

  private headForWrite(): number {
    return (this.knownHead ??= this.s.writerHead.get()?.head ?? 0)
  }

  /** Runs `work` holding the writer: group commits wait until it is done. */
  holding<A>(work: () => Promise<A>): Promise<A> {
    return this.turns(async () => {
      this.busy = true
      try {
        return await work()
      } finally {
        this.busy = false
        if (this.pending.length > 0) this.schedule()
      }
    })
  }

  locate(eventId: string): StoredEventLocation | undefined {
    const row = this.s.findEvent.get(eventId)
    return row === undefined
      ? undefined
      : { eventId, streamId: row.stream_name, revision: row.revision, position: row.position, type: row.type }
  }

  // --- appending ---

  /** Queues appends for the next group commit. */
  write(appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ appends, resolve, reject })
      this.schedule()
    })
  }

  /**
   * Writes one stream's events, each hashed into its stream's chain. Throws
   * `WrongExpectedRevisionError` or `EventIdTakenError` (the caller rolls back).
   */
  private writeStream(append: CheckedStreamAppend, recordedAt: string): AppendResult {
    const s = this.s
    const stream = s.selectStream.get(append.streamId)
    const actual = stream?.revision ?? -1
    if (!revisionMatches(append.expectedRevision, actual))
      throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, actual)
    const streamKey = stream?.id ?? Number(s.insertStream.run(append.streamId).lastInsertRowid)
    // One writer at a time: the next position is the head plus one, known before the insert, so
    // each event's hash (which covers its position) is written with it.
    const firstPosition = this.headForWrite() + 1
    let revision = actual
    let position = firstPosition - 1
    let prev = stream?.head_hash?.toString('hex') ?? GENESIS_HASH
    for (const { event, data, metadata } of append.events) {
      revision++
      position++
      prev = chainHash(prev, {
        eventId: event.eventId,
        streamId: append.streamId,
        revision,
        position,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data,
        metadata,
        recordedAt,
      })
      try {
        s.insertEvent.run(
          position,
          streamKey,
          revision,
          event.eventId,
          event.type,
          event.schemaVersion,
          data,
          metadata,
          recordedAt,
          Buffer.from(prev, 'hex'),
        )
      } catch (error) {
        if (isUniqueEventIdViolation(error)) throw new EventIdTakenError(event.eventId)
        throw error
      }
    }
    this.knownHead = position
    return {
      streamId: append.streamId,
      firstRevision: actual + 1,
      lastRevision: revision,
      firstPosition,
      lastPosition: position,
      alreadyStored: false,
    }
  }

  private writeAppends(write: PendingWrite, recordedAt: string): ReadonlyArray<AppendResult> {
    return write.appends.map((append) => this.writeStream(append, recordedAt))
  }

  /** Writes one caller's appends inside a group's transaction, all or nothing, in a savepoint. */
  private writeInSavepoint(write: PendingWrite, recordedAt: string): ReadonlyArray<AppendResult> {
    try {
      this.s.savepoint.run()
      const results = this.writeAppends(write, recordedAt)
      this.s.release.run()
      return results
    } catch (error) {
      this.undoSavepoint(error)
      throw error
    }
  }

  private settle(write: PendingWrite, outcome: Outcome): boolean {
    if (outcome.results !== undefined) {
      write.resolve(outcome.results)
      return true
    }
    write.reject(this.failure(outcome.error, 'the append', 'rolled-back'))
    return false
  }

  /** A group of one needs no savepoint: if it fails, the whole transaction is rolled back. */
  private flushOne(write: PendingWrite, recordedAt: string): void {
    let results: ReadonlyArray<AppendResult>
    try {
      results = this.writeAppends(write, recordedAt)
    } catch (error) {
      this.rollbackQuietly()
      this.settle(write, { error })
      return
    }
    try {
      this.commit()
    } catch (cause) {
      this.rollbackQuietly()
      write.reject(this.failure(cause, 'the append', 'commit'))
      return
    }
    this.transactions++
    this.appendsCommitted++
    if (this.settle(write, { results })) this.commits.next()
  }

  /** The events one caller's write recorded, as an inline projection sees them. */
  private recordedOf(write: PendingWrite, results: ReadonlyArray<AppendResult>, recordedAt: string): RecordedEvent[] {
    return write.appends
      .flatMap((append, a) => {
        const result = results[a]
        return result === undefined
          ? []
          : recordedEvents(append, { revision: result.firstRevision, position: result.firstPosition }, recordedAt)
      })
      .sort((x, y) => x.position - y.position)
  }

  /** Commits a group's transaction, then gives each caller its own outcome; a failed commit fails them all. */
  private commitGroup(group: ReadonlyArray<PendingWrite>, outcomes: ReadonlyArray<Outcome>): void {
    try {
      this.commit()
    } catch (cause) {
      this.rollbackQuietly()
      for (const write of group) write.reject(this.failure(cause, 'the append', 'commit'))
      return
    }
    this.transactions++
    this.appendsCommitted += group.length
    let wrote = false
    group.forEach((write, i) => {
      wrote = this.settle(write, outcomes[i] ?? { error: new Error('the append produced no outcome') }) || wrote
    })
    if (wrote) this.commits.next()
  }

  /** Begins a group's transaction; if it cannot be begun, every caller in the group is told why. */
  private beginGroup(group: ReadonlyArray<PendingWrite>): boolean {
    try {
      this.begin()
      return true
    } catch (cause) {
      this.rollbackQuietly()
      for (const write of group) write.reject(this.failure(cause, 'the append', 'not-begun'))
      return false
    }
  }

  /**
   * Group commit with inline projections: as `flush`, but each caller's events are handed to the
   * inline handler inside its savepoint, before the commit. A handler that throws undoes that
   * caller's write alone. The writer is held meanwhile; appends arriving wait for the next group.
   */
  private async flushInline(group: ReadonlyArray<PendingWrite>, handler: InlineHandler): Promise<void> {
    if (!this.beginGroup(group)) return
    const recordedAt = this.options.clock.now().toISOString()
    const outcomes: Outcome[] = []
    for (const write of group) {
      try {
        this.s.savepoint.run()
        const results = this.writeAppends(write, recordedAt)
        const events = this.recordedOf(write, results, recordedAt)
        if (events.length > 0) await handler(events, this.readModelTx())
        this.s.release.run()
        outcomes.push({ results })
      } catch (error) {
        try {
          this.undoSavepoint(error)
        } catch {
          this.abortGroup(group, error)
          return
        }
        outcomes.push({ error })
      }
    }
    this.commitGroup(group, outcomes)
  }

  /** Writes every pending append in one transaction: one commit, one fsync, many callers. */
  private flush(): void {
    this.flushScheduled = false
    if (this.busy) return
    const handler = this.inline
    if (handler !== undefined && this.pending.length > 0 && !this.closing) {
      const group = this.take()
      void this.holding(() => this.flushInline(group, handler))
      return
    }
    const group = this.take()
    if (this.pending.length > 0) this.schedule()
    if (group.length === 0) return
    if (this.closing) {
      for (const write of group) write.reject(this.options.closedError())
      return
    }
    if (!this.beginGroup(group)) return
    const recordedAt = this.options.clock.now().toISOString()
    const [only] = group
    if (group.length === 1 && only !== undefined) {
      this.flushOne(only, recordedAt)
      return
    }
    const outcomes: Outcome[] = []
    for (const write of group) {
      try {
        outcomes.push({ results: this.writeInSavepoint(write, recordedAt) })
      } catch (error) {
        if (error instanceof TransactionLost) {
          this.abortGroup(group, error.failure)
          return
        }
        outcomes.push({ error })
      }
    }
    this.commitGroup(group, outcomes)
  }

  private take(): PendingWrite[] {
    const group = this.pending.slice(0, this.options.maxGroupSize)
    this.pending = this.pending.slice(group.length)
    return group
  }

  private schedule(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    queueMicrotask(() => this.flush())
  }

  /** Writes the appends still queued, then refuses any more: the store is closing. */
  async drain(): Promise<void> {
    await this.turns(async () => undefined)
    this.inline = undefined
    while (this.pending.length > 0) this.flush()
    this.closing = true
    this.commits.complete()
  }

  // --- importing ---

  /** Writes events as recorded elsewhere, in one transaction, each chain continued and checked. */
  importStored(events: ReadonlyArray<StoredEvent>): Promise<void> {
    return this.holding(async () => {
      if (this.closing) throw this.options.closedError()
      let stage: FailureStage = 'not-begun'
      try {
        this.begin()
        stage = 'rolled-back'
        const checked = checkStoredEvents(events, this.headForWrite(), this.options.limits())
        const keys = this.streamKeysOf(checked)
        this.insertStored(checked, keys.ids)
        // Checks each stream's chain continues from its head; the heads are the events themselves.
        continueChains(checked, keys.heads)
        const inline = this.inline
        if (inline !== undefined) await inline(checked.map(storedToRecorded), this.readModelTx())
        stage = 'commit'
        this.commit()
      } catch (error) {
        this.rollbackQuietly()
        throw this.failure(error, 'the import', stage)
      }
      this.transactions++
      this.commits.next()
    })
  }

  /** Each imported stream's key (made if new) and, for streams with events, its head. */
  private streamKeysOf(checked: ReadonlyArray<StoredEvent>): {
    readonly ids: Map<string, number>
    readonly heads: Map<string, StreamHead>
  } {
    const ids = new Map<string, number>()
    const heads = new Map<string, StreamHead>()
    for (const event of checked) {
      if (ids.has(event.streamId)) continue
      const stream = this.s.selectStream.get(event.streamId)
      ids.set(event.streamId, stream?.id ?? Number(this.s.insertStream.run(event.streamId).lastInsertRowid))
      if (stream !== undefined && stream.revision >= 0)
        heads.set(event.streamId, {
          streamId: event.streamId,
          revision: stream.revision,
          hash: stream.head_hash?.toString('hex') ?? '',
        })
    }
    return { ids, heads }
  }

  private insertStored(checked: ReadonlyArray<StoredEvent>, ids: ReadonlyMap<string, number>): void {
    for (const event of checked)
      try {
        this.s.insertEvent.run(
          event.position,
          ids.get(event.streamId) ?? 0,
          event.revision,
          event.eventId,
          event.type,
          event.schemaVersion,
          event.data,
          event.metadata,
          event.recordedAt,
          Buffer.from(event.hash, 'hex'),
        )
      } catch (error) {
        if (isUniqueEventIdViolation(error)) throw new EventIdConflictError(event.eventId, 'is already stored')
        throw error
      }
  }
}
