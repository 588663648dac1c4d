/**
 * Appends and imports. Appends are written with group commit: those that arrive while a group is on
 * its way to the server wait, and go together as the next group — one call of the schema's
 * `append_group` function, one round trip, one transaction, one durable commit — each with its own
 * expected-revision check, its own idempotency check and its own result, so one caller's conflict
 * fails only that caller. The function takes an advisory lock first, so positions are gap-free and in
 * commit order across every app instance; it waits for the lock for at most the store's
 * `appendLockTimeoutMs`, and an append that waited longer fails with `AppendLockTimeoutError`,
 * having written nothing. With inline projections each append is a transaction of its own, the
 * handler run in it. A refusal is reported as the store kit expects it (`WrongExpectedRevisionError`,
 * `EventIdTakenError`), and the kit tells a retry from a conflict.
 */
import { performance } from 'node:perf_hooks'

import type { AppendResult, InlineHandler, StoredEvent, StreamHead } from '@civic-ledger/core'
import {
  AppendLockTimeoutError,
  EventIdConflictError,
  InvalidArgumentError,
  isEventStoreError,
  ProjectionFailedError,
  StoreUnavailableError,
  toRecorded as storedToRecorded,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import type { CheckedStreamAppend, StoredEventLocation, StoreLimits } from '@civic-ledger/core/store-kit'
import { checkStoredEvents, continueChains, EventIdTakenError, recordedEvents } from '@civic-ledger/core/store-kit'
import type { PoolClient, QueryArrayConfig } from 'pg'
import { Subject } from 'rxjs'

import { isConnectionLost } from './checkout'
import type { LedgerDb } from './queries'
import { pgCode, unavailable } from './queries'
import { transactionOn } from './read-models'
import { appendLockKey, channelOf, isoTimeSql } from './schema'

/** The most callers, and (past the first caller) the most events, one group carries. */
const MAX_GROUP_MEMBERS = 256
const MAX_GROUP_EVENTS = 4_096
/**
 * Groups on their way at once. One is enough to fill the lock: a second would only wait on the
 * server for it, and make both groups smaller.
 */
const MAX_IN_FLIGHT = 1
/** Between events' data (and metadata) in `append_group`'s parameters: canonical JSON escapes it. */
const EVENT_SEPARATOR = '\u0001'
/** The least wait for the lock a group is given, whatever its oldest caller has waited already. */
const MIN_LOCK_WAIT_MS = 20

/** An append waiting for the next group. */
interface Pending {
  readonly appends: ReadonlyArray<CheckedStreamAppend>
  /** When it arrived (`performance.now()`). */
  readonly since: number
  readonly resolve: (results: ReadonlyArray<AppendResult>) => void
  readonly reject: (error: unknown) => void
}

/** What `append_group` says of one stream of a member: written there, or why the member was refused. */
type SegmentOutcome =
  | { readonly firstRevision: number; readonly firstPosition: number }
  | { readonly refusal: 'revision'; readonly actual: number }
  | { readonly refusal: 'taken'; readonly eventId: string }
  | { readonly refusal: 'with-another' }

/** Reads `append_group`'s answer: a part per segment, joined by `;` (schema.ts describes them). */
const segmentOutcomes = (answer: string): SegmentOutcome[] =>
  answer.split(';').map((part): SegmentOutcome => {
    const comma = part.indexOf(',')
    if (part.startsWith('!t,')) return { refusal: 'taken', eventId: part.slice(3) }
    if (part.startsWith('!r,')) return { refusal: 'revision', actual: Number(part.slice(3)) }
    if (part.startsWith('!')) return { refusal: 'with-another' }
    return { firstRevision: Number(part.slice(0, comma)), firstPosition: Number(part.slice(comma + 1)) }
  })

export interface WriterOptions {
  /** The longest an append waits for the append lock, in milliseconds. */
  readonly lockTimeoutMs: number
}

/**
 * True when PostgreSQL gave up waiting for the append lock (`lock_timeout`): the statement that
 * waited was the lock itself, or, inside `append_group`, its `pg_advisory_xact_lock`.
 */
const isLockTimeout = (error: unknown): boolean => {
  if (pgCode(error) !== '55P03') return false
  const where = (error as { where?: unknown }).where
  return typeof where !== 'string' || where.includes('pg_advisory_xact_lock')
}

export class PostgresWriter {
  /** Commits of this instance: a signal for its subscriptions. */
  readonly commits = new Subject<void>()
  /** The inline projections' handler, while there are any. */
  inline: InlineHandler | undefined
  private readonly groupSql: string
  private readonly statementName: string
  private pending: Pending[] = []
  private inFlight = 0
  private scheduled = false
  private idle: Array<() => void> = []

  constructor(
    private readonly db: LedgerDb,
    private readonly limits: () => StoreLimits,
    private readonly options: WriterOptions,
  ) {
    this.groupSql = `SELECT ${db.s}.append_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
    this.statementName = `civic_ledger_append_group_${db.schema}`
  }

  /** The lock appends wait for, as errors name it. */
  private get lockName(): string {
    return `the append lock of the ledger in schema ${this.db.schema} (the advisory lock that keeps commit order equal to position order)`
  }

  /** Writes the appends, all or nothing: with the next group, or with the inline projections. */
  write(appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> {
    const inline = this.inline
    if (inline !== undefined) return this.appendInline(appends, inline)
    return new Promise((resolve, reject) => {
      this.pending.push({ appends, since: performance.now(), resolve, reject })
      this.schedule()
    })
  }

  /** Resolves once no append is queued or on its way (the store is closing). */
  drain(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  /**
   * The next group goes once the callers that are ready have queued: after the current turn of the
   * event loop, so the callers a group's results set going are in the group after it.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.pending.length === 0) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  private flush(): void {
    this.scheduled = false
    if (this.inFlight >= MAX_IN_FLIGHT || this.pending.length === 0) return
    const group = this.take()
    this.inFlight++
    void this.runGroup(group).finally(() => {
      this.inFlight--
      if (this.pending.length > 0) this.schedule()
      else if (this.inFlight === 0) for (const done of this.idle.splice(0)) done()
    })
  }

  private take(): Pending[] {
    let events = 0
    let n = 0
    for (const p of this.pending) {
      const size = p.appends.reduce((sum, a) => sum + a.events.length, 0)
      if (n > 0 && (n >= MAX_GROUP_MEMBERS || events + size > MAX_GROUP_EVENTS)) break
      events += size
      n++
    }
    return this.pending.splice(0, n)
  }

  /**
   * `append_group`'s parameters for a group: its members' streams in order, their events flattened,
   * joined as text the server splits (the kit has checked that no stream id or type holds a comma;
   * uuids, integers and expected revisions cannot), data and metadata joined by U+0001, a character
   * canonical JSON never holds unescaped.
   */
  private groupParams(group: ReadonlyArray<Pending>, now: number): string[] {
    const members: number[] = []
    const streams: string[] = []
    const expected: string[] = []
    const counts: number[] = []
    const ids: string[] = []
    const types: string[] = []
    const versions: number[] = []
    const data: string[] = []
    const metadata: string[] = []
    let oldest = now
    for (let m = 0; m < group.length; m++) {
      const member = group[m] as Pending
      if (member.since < oldest) oldest = member.since
      for (const append of member.appends) {
        members.push(m + 1)
        streams.push(append.streamId)
        expected.push(String(append.expectedRevision))
        counts.push(append.events.length)
        for (const e of append.events) {
          ids.push(e.event.eventId)
          types.push(e.event.type)
          versions.push(e.event.schemaVersion)
          data.push(e.data)
          metadata.push(e.metadata)
        }
      }
    }
    // Each caller waits for the lock about the store's limit in all, its time in the queue included.
    const timeout = this.options.lockTimeoutMs
    const wait = Math.max(Math.min(timeout, MIN_LOCK_WAIT_MS), Math.ceil(timeout - (now - oldest)))
    return [
      `${wait}ms`,
      members.join(','),
      streams.join(','),
      expected.join(','),
      counts.join(','),
      ids.join(','),
      types.join(','),
      versions.join(','),
      data.join(EVENT_SEPARATOR),
      metadata.join(EVENT_SEPARATOR),
    ]
  }

  private async callGroup(
    client: LedgerDb['pool'] | PoolClient,
    group: ReadonlyArray<Pending>,
  ): Promise<SegmentOutcome[]> {
    const config: QueryArrayConfig = {
      name: this.statementName,
      text: this.groupSql,
      values: this.groupParams(group, performance.now()),
      rowMode: 'array',
    }
    const { rows } = await client.query<[string]>(config)
    const answer = rows[0]?.[0]
    return typeof answer === 'string' ? segmentOutcomes(answer) : []
  }

  /** Writes one group and gives each caller its own outcome. */
  private async runGroup(group: ReadonlyArray<Pending>): Promise<void> {
    let rows: SegmentOutcome[]
    try {
      rows = await this.callGroup(this.db.pool, group)
    } catch (error) {
      await this.groupFailed(group, error)
      return
    }
    let wrote = false
    let at = 0
    const outcomes: Array<() => void> = []
    for (const member of group) {
      const mine = rows.slice(at, at + member.appends.length)
      at += member.appends.length
      const settled = this.settle(member.appends, mine)
      if (settled.results !== undefined) {
        wrote = true
        const results = settled.results
        outcomes.push(() => member.resolve(results))
      } else outcomes.push(() => member.reject(settled.error))
    }
    if (wrote) this.commits.next()
    for (const outcome of outcomes) outcome()
  }

  /**
   * A group the server did not write. A lock wait that ran out, or a lost connection, is every
   * caller's; any other answer (the statement was rolled back, nothing written) is one caller's, so
   * a group of several is written again one caller at a time, and only that caller fails.
   */
  private async groupFailed(group: ReadonlyArray<Pending>, error: unknown): Promise<void> {
    if (isLockTimeout(error)) {
      const now = performance.now()
      for (const member of group)
        member.reject(
          new AppendLockTimeoutError(this.lockName, Math.round(now - member.since), this.options.lockTimeoutMs, {
            cause: error,
          }),
        )
      return
    }
    if (group.length > 1 && pgCode(error) !== undefined && !isConnectionLost(error)) {
      for (const member of group) await this.runGroup([member])
      return
    }
    const failure =
      pgCode(error) !== undefined && !isConnectionLost(error)
        ? this.refusal(group[0]?.appends ?? [], error)
        : unavailable('the append failed and nothing is known to have been written', error)
    for (const member of group) member.reject(failure)
  }

  /** One member's outcome from its segments': its results, or why it was refused. */
  private settle(
    appends: ReadonlyArray<CheckedStreamAppend>,
    rows: ReadonlyArray<SegmentOutcome>,
  ): { readonly results?: ReadonlyArray<AppendResult>; readonly error?: unknown } {
    if (rows.length !== appends.length)
      return {
        error: new StoreUnavailableError('the append returned no result; nothing is known to have been written'),
      }
    const results: AppendResult[] = []
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as SegmentOutcome
      const append = appends[i] as CheckedStreamAppend
      if ('refusal' in row) {
        if (row.refusal === 'taken') return { error: new EventIdTakenError(row.eventId) }
        const failed = rows.findIndex((r) => 'refusal' in r && r.refusal === 'revision')
        const at = appends[failed] ?? append
        const actual = rows[failed]
        return {
          error: new WrongExpectedRevisionError(
            at.streamId,
            at.expectedRevision,
            actual !== undefined && 'actual' in actual ? actual.actual : -1,
          ),
        }
      }
      const count = append.events.length
      results.push({
        streamId: append.streamId,
        firstRevision: row.firstRevision,
        lastRevision: row.firstRevision + count - 1,
        firstPosition: row.firstPosition,
        lastPosition: row.firstPosition + count - 1,
        alreadyStored: false,
      })
    }
    return { results }
  }

  /** Where each of `eventIds` is stored. */
  async locate(eventIds: ReadonlyArray<string>): Promise<ReadonlyMap<string, StoredEventLocation>> {
    const rows = await this.db.query<{
      event_id: string
      stream_name: string
      revision: number
      position: number
      type: string
    }>(
      `SELECT e.event_id::text, s.name AS stream_name, e.revision, e.position, e.type
       FROM ${this.db.s}.events e JOIN ${this.db.s}.streams s ON s.id = e.stream WHERE e.event_id = ANY($1::uuid[])`,
      [eventIds],
    )
    return new Map(
      rows.map((r) => [
        r.event_id,
        { eventId: r.event_id, streamId: r.stream_name, revision: r.revision, position: r.position, type: r.type },
      ]),
    )
  }

  /**
   * What a failed append was, as the kit reads it: a stream not at its expected revision, an event
   * id stored already, a lock wait that ran out, or an outage (nothing known to have been written).
   */
  private refusal(appends: ReadonlyArray<CheckedStreamAppend>, error: unknown, since?: number): unknown {
    if (isEventStoreError(error) || error instanceof EventIdTakenError) return error
    if (isLockTimeout(error) && since !== undefined)
      return new AppendLockTimeoutError(
        this.lockName,
        Math.round(performance.now() - since),
        this.options.lockTimeoutMs,
        { cause: error },
      )
    if (pgCode(error) === '23505') {
      if ((error as { constraint?: string }).constraint === 'events_event_id') return new EventIdTakenError()
      // A writer of an older release took the same (stream, revision) first: the stream has moved.
      const append = appends[0]
      if (append !== undefined) return new WrongExpectedRevisionError(append.streamId, append.expectedRevision, -1)
    }
    return unavailable('the append failed and nothing is known to have been written', error)
  }

  /**
   * Appends with inline projections: in one transaction, the events are written, handed to the
   * inline handler with the same client, and committed together. If the handler throws, nothing is
   * written and its `ProjectionFailedError` is what the caller gets.
   */
  private async appendInline(
    appends: ReadonlyArray<CheckedStreamAppend>,
    handler: InlineHandler,
  ): Promise<ReadonlyArray<AppendResult>> {
    const since = performance.now()
    let results: ReadonlyArray<AppendResult> = []
    const failed = await this.db.inTransaction(async (client) => {
      const settled = this.settle(
        appends,
        await this.callGroup(client, [{ appends, since, resolve: () => undefined, reject: () => undefined }]),
      )
      if (settled.results === undefined) throw settled.error
      results = settled.results
      // One call stamps every event with one time (to the millisecond): read it back.
      const { rows: stamps } = await client.query<{ recorded_at: string }>(
        `SELECT ${isoTimeSql('recorded_at')} AS recorded_at FROM events WHERE position = $1`,
        [results[0]?.firstPosition ?? 0],
      )
      const recordedAt = stamps[0]?.recorded_at ?? ''
      const events = appends
        .flatMap((append, a) => {
          const result = results[a]
          return result === undefined
            ? []
            : recordedEvents(append, { revision: result.firstRevision, position: result.firstPosition }, recordedAt)
        })
        .sort((x, y) => x.position - y.position)
      await handler(events, transactionOn(client, this.db.schema))
    })
    if (failed === undefined) {
      this.commits.next()
      return results
    }
    if (failed.failure instanceof ProjectionFailedError) throw failed.failure
    throw this.refusal(appends, failed.failure, since)
  }

  /**
   * Writes imported events in one transaction under the append lock: the log's head read and the
   * events checked against it (positions, canonical text, ids not yet stored, each stream's chain),
   * then rows and stream heads written as given, and inline projections run on the same
   * transaction. Any failure rolls back everything.
   */
  async importStored(events: ReadonlyArray<StoredEvent>): Promise<void> {
    const since = performance.now()
    const failed = await this.db.inTransaction(async (client) => {
      // The lock is waited for as an append waits for it, no longer than the store allows.
      await client.query("SELECT set_config('lock_timeout', $1, true)", [`${this.options.lockTimeoutMs}ms`])
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [appendLockKey(this.db.schema)])
      await client.query('SET LOCAL lock_timeout TO DEFAULT')
      const { rows: logHead } = await client.query<{ head: number }>(
        'SELECT coalesce(max(position), 0)::bigint AS head FROM events',
      )
      const checked = checkStoredEvents(events, logHead[0]?.head ?? 0, this.limits())
      await refuseTaken(client, checked)
      const next = continueChains(checked, await headsOf(client, checked))
      const idOf = await writeStreams(client, [...next.values()])
      await insertStored(client, checked, idOf)
      await client.query('SELECT pg_notify($1, $2)', [
        channelOf(this.db.schema),
        String(checked[checked.length - 1]?.position ?? 0),
      ])
      const inline = this.inline
      if (inline !== undefined) await inline(checked.map(storedToRecorded), transactionOn(client, this.db.schema))
    })
    if (failed === undefined) {
      this.commits.next()
      return
    }
    const { failure } = failed
    if (isEventStoreError(failure)) throw failure
    if (isLockTimeout(failure))
      throw new AppendLockTimeoutError(
        this.lockName,
        Math.round(performance.now() - since),
        this.options.lockTimeoutMs,
        {
          cause: failure,
        },
      )
    // A data exception (class 22): a value PostgreSQL cannot hold, such as a time outside its range.
    if (pgCode(failure)?.startsWith('22') === true)
      throw new InvalidArgumentError('events', `cannot be stored: ${(failure as Error).message}`)
    throw unavailable('the import failed and nothing is known to have been written', failure)
  }
}

// --- importing ---

const refuseTaken = async (client: PoolClient, checked: ReadonlyArray<StoredEvent>): Promise<void> => {
  const { rows: taken } = await client.query<{ event_id: string }>(
    'SELECT event_id::text AS event_id FROM events WHERE event_id = ANY($1::uuid[])',
    [checked.map((e) => e.eventId)],
  )
  if (taken.length === 0) return
  const stored = new Set(taken.map((r) => r.event_id))
  const first = checked.find((e) => stored.has(e.eventId))
  throw new EventIdConflictError(first?.eventId ?? taken[0]?.event_id ?? '', 'is already stored')
}

/** The heads of the streams the imported events continue. */
const headsOf = async (client: PoolClient, checked: ReadonlyArray<StoredEvent>): Promise<Map<string, StreamHead>> => {
  const { rows: current } = await client.query<{ name: string; revision: number; hash: string | null }>(
    "SELECT name, revision, encode(head_hash, 'hex') AS hash FROM streams WHERE name = ANY($1::text[])",
    [[...new Set(checked.map((e) => e.streamId))]],
  )
  return new Map(
    current.flatMap((r): Array<[string, StreamHead]> =>
      r.hash === null ? [] : [[r.name, { streamId: r.name, revision: r.revision, hash: r.hash }]],
    ),
  )
}

/** Writes each touched stream's new head; resolves with each stream's key. */
const writeStreams = async (client: PoolClient, touched: ReadonlyArray<StreamHead>): Promise<Map<string, number>> => {
  const { rows } = await client.query<{ id: number; name: string }>(
    `INSERT INTO streams (name, revision, head_hash)
       SELECT u.name, u.revision, decode(u.hash, 'hex')
       FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u (name, revision, hash)
     ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, head_hash = excluded.head_hash
     RETURNING id, name`,
    [touched.map((h) => h.streamId), touched.map((h) => h.revision), touched.map((h) => h.hash)],
  )
  return new Map(rows.map((r) => [r.name, r.id]))
}

const insertStored = async (
  client: PoolClient,
  checked: ReadonlyArray<StoredEvent>,
  idOf: ReadonlyMap<string, number>,
): Promise<void> => {
  await client.query(
    `INSERT INTO events
         (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)
       SELECT u.position, u.stream, u.revision, u.event_id, u.type, u.schema_version, u.data::json, u.metadata::json,
              u.recorded_at::timestamptz, decode(u.hash, 'hex')
       FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::uuid[], $5::text[], $6::integer[], $7::text[],
                   $8::text[], $9::text[], $10::text[])
         AS u (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)`,
    [
      checked.map((e) => e.position),
      checked.map((e) => idOf.get(e.streamId)),
      checked.map((e) => e.revision),
      checked.map((e) => e.eventId),
      checked.map((e) => e.type),
      checked.map((e) => e.schemaVersion),
      checked.map((e) => e.data),
      checked.map((e) => e.metadata),
      checked.map((e) => e.recordedAt),
      checked.map((e) => e.hash),
    ],
  )
}
