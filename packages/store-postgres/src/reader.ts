/**
 * The store's reads. Pages of one stream or of the log are queries on the pool; a forward read of
 * the log (filtered by type at most) and the log as stored stream through one COPY each
 * (`copy-read.ts`): one query, one snapshot, the rows split by the client. Live subscriptions hear
 * commits through LISTEN/NOTIFY, with a slow poll behind it in case a notification connection drops.
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
import { isEventStoreError } from '@civic-ledger/core'
import type { BatchRequest, PagedIterable, PageRequest, SubscriptionBatch } from '@civic-ledger/core/store-kit'
import { batchUpToHead, logPageCursor, pagedIterable, streamPageCursor } from '@civic-ledger/core/store-kit'
import pg, { escapeLiteral } from 'pg'
import { Observable, share } from 'rxjs'

import { isConnectionLost } from './checkout'
import { copyRows } from './copy-read'
import type { LedgerDb } from './queries'
import { unavailable } from './queries'
import type { EventRow, StoredFields } from './rows'
import { fromStoredFields, recordedFromFields, toRecorded } from './rows'
import { channelOf, isoTimeSql } from './schema'

export const DEFAULT_BATCH_SIZE = 1_000

const COLUMNS = `e.position, e.revision, e.event_id::text AS event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, s.name AS stream_name`
const COPY_COLUMNS = `e.position, s.name, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, ${isoTimeSql('e.recorded_at')}`

const filterSql = (filter: EventFilter | undefined, params: unknown[]): string => {
  let sql = ''
  if (filter?.types !== undefined) {
    params.push(filter.types)
    sql += ` AND e.type = ANY($${params.length}::text[])`
  }
  if (filter?.streamPrefixes !== undefined) {
    const clauses = filter.streamPrefixes.map((prefix) => {
      params.push(prefix.length, prefix)
      return `left(s.name, $${params.length - 1}) = $${params.length}`
    })
    sql += ` AND (${clauses.join(' OR ')})`
  }
  return sql
}

const copyError = (error: unknown): Error =>
  isEventStoreError(error) ? error : unavailable('reading the log failed', error)

/** A reader's pages, fetched one query at a time; `nextPage` returns `undefined` when done. */
const paged = <A>(nextPage: () => Promise<ReadonlyArray<A> | undefined>): PagedIterable<A> => pagedIterable(nextPage)

export class PostgresReader {
  /**
   * Every stream's last event at or below $1, in one statement (one snapshot). A stream no event
   * after $1 touched is at its head, kept in `streams`; only the streams touched later are looked
   * up, each by its (stream, revision) index from the top down. At the head, nothing was touched.
   */
  private readonly streamHeadsSql: string

  constructor(
    private readonly db: LedgerDb,
    private readonly ensureOpen: () => void,
  ) {
    const s = db.s
    this.streamHeadsSql = `WITH touched AS (SELECT DISTINCT stream FROM ${s}.events WHERE position > $1)
    SELECT s.name, s.revision, encode(s.head_hash, 'hex') FROM ${s}.streams s
    WHERE s.revision >= 0 AND NOT EXISTS (SELECT 1 FROM touched t WHERE t.stream = s.id)
    UNION ALL
    SELECT s.name, e.revision, encode(e.hash, 'hex')
    FROM touched t JOIN ${s}.streams s ON s.id = t.stream
    CROSS JOIN LATERAL (
      SELECT x.revision, x.hash FROM ${s}.events x WHERE x.stream = t.stream AND x.position <= $1
      ORDER BY x.revision DESC LIMIT 1
    ) e`
  }

  async head(): Promise<number> {
    const [row] = await this.db.query<{ head: number }>(
      `SELECT coalesce(max(position), 0)::bigint AS head FROM ${this.db.s}.events`,
    )
    return row?.head ?? 0
  }

  /** One page of the log: positions `low..high` in the page's order, filtered. */
  private async readAllPage(page: PageRequest, filter: EventFilter | undefined): Promise<ReadonlyArray<RecordedEvent>> {
    const params: unknown[] = [page.low, page.high, page.limit]
    const where = filterSql(filter, params)
    const s = this.db.s
    const rows = await this.db.query<EventRow>(
      `SELECT ${COLUMNS} FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
       WHERE e.position BETWEEN $1 AND $2${where} ORDER BY e.position ${page.backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      params,
    )
    return rows.map(toRecorded)
  }

  readStream(streamId: string, o: ReadStreamOptions): PagedIterable<RecordedEvent> {
    const cursor = streamPageCursor(o, DEFAULT_BATCH_SIZE)
    const until = o.until ?? Number.MAX_SAFE_INTEGER
    const s = this.db.s
    return paged(async () => {
      const page = cursor.next()
      if (page === undefined) return undefined
      this.ensureOpen()
      const rows = await this.db.query<EventRow>(
        `SELECT ${COLUMNS} FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
         WHERE s.name = $1 AND e.revision BETWEEN $2 AND $3 AND e.position <= $4
         ORDER BY e.revision ${page.backwards ? 'DESC' : 'ASC'} LIMIT $5`,
        [streamId, page.low, page.high, until, page.limit],
      )
      cursor.advance(rows.length, rows[rows.length - 1]?.revision)
      return rows.map(toRecorded)
    })
  }

  readAll(o: ReadAllOptions): PagedIterable<RecordedEvent> {
    // Forwards, filtered by type at most: one COPY of the range.
    if (o.direction !== 'backwards' && o.filter?.streamPrefixes === undefined)
      return this.copyLog(
        COPY_COLUMNS,
        { low: Math.max(o.fromPosition ?? 1, 1), high: o.toPosition ?? Number.MAX_SAFE_INTEGER, maxCount: o.maxCount },
        o.filter?.types,
        recordedFromFields,
      )
    const cursor = logPageCursor(o, DEFAULT_BATCH_SIZE)
    return paged(async () => {
      const page = cursor.next()
      if (page === undefined) return undefined
      this.ensureOpen()
      const events = await this.readAllPage(page, o.filter)
      cursor.advance(events.length, events[events.length - 1]?.position)
      return events
    })
  }

  /** Every position up to the head read first is committed and visible (commits are serialised). */
  async readBatch(fromPosition: number, request: BatchRequest): Promise<SubscriptionBatch> {
    const headNow = await this.head()
    const page =
      headNow < fromPosition
        ? []
        : await this.readAllPage(
            { low: fromPosition, high: headNow, backwards: false, limit: request.batchSize },
            request.filter,
          )
    return batchUpToHead(page, fromPosition, headNow, request.batchSize)
  }

  /** Events exactly as stored: data and metadata as text, the time as the chain writes it. */
  readStored(o: ReadStoredOptions): PagedIterable<StoredEvent> {
    const range = { low: Math.max(o.fromPosition ?? 1, 1), high: o.toPosition ?? Number.MAX_SAFE_INTEGER }
    return this.copyLog(`${COPY_COLUMNS}, encode(e.hash, 'hex')`, range, undefined, (fields) =>
      fromStoredFields(fields as StoredFields),
    )
  }

  streamHeads(position: number): AsyncIterable<StreamHead> {
    const { db, ensureOpen, streamHeadsSql } = this
    return {
      async *[Symbol.asyncIterator]() {
        ensureOpen()
        for (const [streamId, revision, hash] of await db.queryArrays<[string, number, string]>(streamHeadsSql, [
          position,
        ]))
          yield { streamId, revision, hash }
      },
    }
  }

  /**
   * Events of the log forwards in a range, of `types` when given, at most `maxCount`, as `read`
   * turns each row's fields into one. COPY takes no parameters: the query is built from checked
   * numbers and escaped literals. A lost connection resumes after the last event delivered.
   */
  private copyLog<A extends { readonly position: number }>(
    columns: string,
    range: { readonly low: number; readonly high: number; readonly maxCount?: number | undefined },
    types: ReadonlyArray<string> | undefined,
    read: (fields: string[]) => A,
  ): PagedIterable<A> {
    const s = this.db.s
    const select = (low: number, maxCount: number | undefined): string =>
      `SELECT ${columns} FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
       WHERE e.position BETWEEN ${Math.floor(low)} AND ${Math.floor(range.high)}${
         types === undefined
           ? ''
           : ` AND e.type IN (${types.length === 0 ? 'NULL' : types.map(escapeLiteral).join(', ')})`
       } ORDER BY e.position${maxCount === undefined ? '' : ` LIMIT ${Math.floor(maxCount)}`}`
    return copyRows(this.db.pool, {
      select: (last, delivered) =>
        select(
          last === undefined ? range.low : last.position + 1,
          range.maxCount === undefined ? undefined : range.maxCount - delivered,
        ),
      fromFields: read,
      toError: copyError,
      retries: this.db.poolSize,
      isConnectionLost,
    })
  }

  /** Commits of other app instances, as notifications on the ledger's channel. */
  notifications(connectionString: string): Observable<void> {
    const channel = channelOf(this.db.schema)
    return new Observable<void>((subscriber) => {
      const client = new pg.Client({ connectionString })
      let ended = false
      client.on('notification', () => subscriber.next())
      client.on('error', () => undefined)
      client
        .connect()
        .then(() => client.query(`LISTEN ${channel}`))
        .then(() => subscriber.next())
        .catch(() => undefined)
      return () => {
        if (ended) return
        ended = true
        void client.end().catch(() => undefined)
      }
    }).pipe(share())
  }
}
