/**
 * The store's reads, on a connection of their own: they see committed state only, even while the
 * writer is inside a transaction that an inline projection or a projection batch keeps open across
 * awaits. A long forward read of the log is stepped through on a thread of its own
 * (`threads/read-ahead`); commits by other processes are noticed by `PRAGMA data_version`.
 */
import type {
  EventFilter,
  ReadAllOptions,
  ReadStoredOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEvent,
  StreamHead,
} from '@civic-ledger/core'
import type { BatchRequest, PagedIterable, PageRequest, SubscriptionBatch } from '@civic-ledger/core/store-kit'
import { batchUpToHead, logPageCursor, pagedIterable, streamPageCursor } from '@civic-ledger/core/store-kit'
import type { Database, Statement } from 'better-sqlite3'
import type { Observable } from 'rxjs'
import { filter as keep, interval, map, share } from 'rxjs'

import type { EventRow } from './columns'
import { EVENT_COLUMNS, toStored } from './columns'
import { toRecorded } from './rows'
import type { ReaderStatements } from './statements'
import { isStorageFailure, storageError } from './storage-errors'
import type { ReadAhead } from './threads/read-ahead'
import { startReadAhead } from './threads/read-ahead'

const DEFAULT_BATCH_SIZE = 500
/** Rows a page of a read ahead, and pages it may be ahead of the reader. */
const READ_AHEAD_PAGE_ROWS = 100
const READ_AHEAD_CREDITS = 6
/** Reading the log as stored (verify, export) goes page by page through the whole of it. */
const STORED_BATCH_SIZE = 2_000

/** A stored hash as hex; a missing one reads as empty, which no chain hash equals (verify names it). */
export const hexOf = (hash: Buffer | null | undefined): string => hash?.toString('hex') ?? ''

/**
 * A reader's pages of the ledger at `path`; a storage failure, or a failure that is not an Error,
 * becomes a StoreUnavailableError saying what to check.
 */
export const paged = <A>(
  path: string,
  nextPage: () => ReadonlyArray<A> | undefined | Promise<ReadonlyArray<A> | undefined>,
  abandon?: () => void,
): PagedIterable<A> =>
  pagedIterable(
    nextPage,
    (error) =>
      error instanceof Error && !isStorageFailure(error)
        ? error
        : storageError(error, { path, operation: 'the read', stage: 'read' }),
    abandon,
  )

const filterSql = (
  filter: EventFilter | undefined,
): { readonly sql: string; readonly params: ReadonlyArray<string | number> } => {
  const clauses: string[] = []
  const params: Array<string | number> = []
  if (filter?.types !== undefined) {
    clauses.push(`e.type IN (${filter.types.map(() => '?').join(', ')})`)
    params.push(...filter.types)
  }
  if (filter?.streamPrefixes !== undefined) {
    clauses.push(`(${filter.streamPrefixes.map(() => 'substr(s.name, 1, ?) = ?').join(' OR ')})`)
    for (const prefix of filter.streamPrefixes) params.push(prefix.length, prefix)
  }
  return { sql: clauses.map((c) => ` AND ${c}`).join(''), params }
}

/** The SQL of one page of the log, taking low, high, the filter's parameters and a limit. */
const logPageSql = (filterClauses: string, backwards: boolean): string =>
  `SELECT ${EVENT_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream WHERE e.position BETWEEN ? AND ?${filterClauses} ORDER BY e.position ${backwards ? 'DESC' : 'ASC'} LIMIT ?`

const streamPageSql = (backwards: boolean): string =>
  `SELECT ${EVENT_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream WHERE e.stream = ? AND e.revision BETWEEN ? AND ? AND e.position <= ? ORDER BY e.revision ${backwards ? 'DESC' : 'ASC'} LIMIT ?`

export interface ReaderOptions {
  readonly path: string
  readonly busyTimeoutMs: number
  readonly pollIntervalMs: number
  /** Forward reads of the log over at least this many positions are read ahead; undefined: never. */
  readonly readAheadFrom: number | undefined
  /** Throws `StoreUnavailableError` once the store is closed. */
  readonly ensureOpen: () => void
  readonly isClosed: () => boolean
}

export class SqliteReader {
  /** Long reads under way: closing the store stops their threads. */
  private readonly readAheads = new Set<ReadAhead>()
  private readonly statements = new Map<string, Statement<unknown[], EventRow>>()
  /** Commits by other processes: `data_version` changes when another connection commits. */
  readonly foreignCommits: Observable<void>

  constructor(
    private readonly db: Database,
    private readonly s: ReaderStatements,
    private readonly options: ReaderOptions,
  ) {
    this.foreignCommits = interval(Math.max(5, options.pollIntervalMs)).pipe(
      map(() => (options.isClosed() ? -1 : (db.pragma('data_version', { simple: true }) as number))),
      keep(
        (() => {
          // The first poll counts as a change: a commit by another process between a subscriber's
          // catch-up read and this first look would otherwise be taken as the starting point.
          let last = -1
          return (version: number) => {
            const changed = version !== last
            last = version
            return changed
          }
        })(),
      ),
      map(() => undefined),
      share(),
    )
  }

  head(): number {
    return this.s.head.get()?.head ?? 0
  }

  private cached(sql: string): Statement<unknown[], EventRow> {
    let statement = this.statements.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], EventRow>(sql).raw(true)
      this.statements.set(sql, statement)
    }
    return statement
  }

  /** One page of the log: positions `low..high` in the page's order, filtered. */
  private readAllPage(page: PageRequest, filter: EventFilter | undefined): ReadonlyArray<EventRow> {
    const f = filterSql(filter)
    return this.cached(logPageSql(f.sql, page.backwards)).all(page.low, page.high, ...f.params, page.limit)
  }

  readStream(streamId: string, o: ReadStreamOptions): PagedIterable<RecordedEvent> {
    const statement = this.cached(streamPageSql(o.direction === 'backwards'))
    const cursor = streamPageCursor(o, DEFAULT_BATCH_SIZE)
    const until = o.until ?? Number.MAX_SAFE_INTEGER
    let stream: { id: number; revision: number } | undefined
    let started = false
    return paged(this.options.path, () => {
      if (!started) {
        started = true
        stream = this.s.selectStream.get(streamId)
      }
      const page = stream === undefined ? undefined : cursor.next()
      if (stream === undefined || page === undefined) return undefined
      this.options.ensureOpen()
      const rows = statement.all(stream.id, page.low, page.high, until, page.limit)
      cursor.advance(rows.length, rows[rows.length - 1]?.[1])
      return toRecorded(rows)
    })
  }

  readAll(o: ReadAllOptions): PagedIterable<RecordedEvent> {
    const ahead = this.readAheadOf(o)
    if (ahead !== undefined) return ahead
    const cursor = logPageCursor(o, DEFAULT_BATCH_SIZE)
    return paged(this.options.path, () => {
      const page = cursor.next()
      if (page === undefined) return undefined
      this.options.ensureOpen()
      const rows = this.readAllPage(page, o.filter)
      cursor.advance(rows.length, rows[rows.length - 1]?.[0])
      return toRecorded(rows)
    })
  }

  /** A subscription's next batch: the rows and the head from one read transaction. */
  readBatch(fromPosition: number, request: BatchRequest): SubscriptionBatch {
    // One read transaction: the rows and the head come from the same snapshot, so a filtered read
    // can skip to the head without passing a commit it did not see.
    const { rows, head } = this.db.transaction(() => ({
      rows: this.readAllPage(
        { low: fromPosition, high: Number.MAX_SAFE_INTEGER, backwards: false, limit: request.batchSize },
        request.filter,
      ),
      head: this.head(),
    }))()
    return batchUpToHead(toRecorded(rows), fromPosition, head, request.batchSize)
  }

  readStored(o: ReadStoredOptions): PagedIterable<StoredEvent> {
    const cursor = logPageCursor({ ...o, direction: 'forwards' }, o.batchSize ?? STORED_BATCH_SIZE)
    return paged(this.options.path, () => {
      const page = cursor.next()
      if (page === undefined) return undefined
      this.options.ensureOpen()
      const rows = this.s.selectStored.all(page.low, page.high, page.limit)
      cursor.advance(rows.length, rows[rows.length - 1]?.[0])
      return rows.map(toStored)
    })
  }

  streamHeads(position: number): PagedIterable<StreamHead> {
    // Each stream's last event (at or before the position), from the top of its (stream,
    // revision) index; at the head no position need be compared.
    const headsAt = this.db.transaction(() =>
      position >= this.head() ? this.s.selectCurrentHeads.all() : this.s.selectHeads.all({ at: position }),
    )
    let done = false
    return paged(this.options.path, () => {
      if (done) return undefined
      done = true
      return headsAt().map((row) => ({ streamId: row.stream_name, revision: row.revision, hash: hexOf(row.hash) }))
    })
  }

  /** A long forward read of the log, stepped through on a thread of its own; undefined for others. */
  private readAheadOf(o: ReadAllOptions): PagedIterable<RecordedEvent> | undefined {
    const from = this.options.readAheadFrom
    if (from === undefined || o.direction === 'backwards' || o.maxCount !== undefined) return undefined
    const low = Math.max(o.fromPosition ?? 1, 1)
    const high = o.toPosition ?? Number.MAX_SAFE_INTEGER
    if (Math.min(high, this.head()) - low + 1 < from) return undefined
    const f = filterSql(o.filter)
    const ahead = startReadAhead(
      {
        path: this.options.path,
        busyTimeoutMs: this.options.busyTimeoutMs,
        sql: logPageSql(f.sql, false),
        params: f.params,
        low,
        high,
        // Pages of a hundred-odd rows: their text stays under V8's large-object size, so it is
        // allocated young and dies young, instead of piling up for a full collection.
        limit: Math.min(o.batchSize ?? DEFAULT_BATCH_SIZE, READ_AHEAD_PAGE_ROWS),
        credits: READ_AHEAD_CREDITS,
      },
      (first, last) =>
        toRecorded(this.readAllPage({ low: first, high: last, backwards: false, limit: last - first + 1 }, o.filter)),
    )
    this.readAheads.add(ahead)
    const finish = (): void => {
      this.readAheads.delete(ahead)
      ahead.stop()
    }
    return paged(
      this.options.path,
      async () => {
        this.options.ensureOpen()
        let page: ReadonlyArray<RecordedEvent> | undefined
        try {
          page = await ahead.next()
        } catch (error) {
          this.options.ensureOpen()
          throw error
        }
        if (page === undefined) finish()
        return page
      },
      finish,
    )
  }

  /** Stops every read ahead: the store is closing. */
  stop(): void {
    for (const ahead of this.readAheads) ahead.stop()
    this.readAheads.clear()
  }
}
