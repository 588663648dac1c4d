/**
 * Appends and imports. An append is one call of the schema's `append_events` function, one round
 * trip, serialised by an advisory lock so that positions are gap-free and in commit order; several
 * streams, or inline projections, share one transaction on a client of its own. A refusal is
 * reported as the store kit expects it (`WrongExpectedRevisionError`, `EventIdTakenError`), and
 * the kit tells a retry from a conflict.
 */
import type { AppendResult, InlineHandler, StoredEvent, StreamHead } from '@civic-ledger/core'
import {
  EventIdConflictError,
  InvalidArgumentError,
  isEventStoreError,
  ProjectionFailedError,
  StoreUnavailableError,
  toRecorded as storedToRecorded,
  WrongExpectedRevisionError,
} from '@civic-ledger/core'
import type { CheckedStreamAppend, StoredEventLocation, StoreLimits } from '@civic-ledger/core/store-kit'
import {
  checkStoredEvents,
  continueChains,
  EventIdTakenError,
  recordedEvents,
  revisionMatches,
} from '@civic-ledger/core/store-kit'
import type { Pool, PoolClient } from 'pg'
import { Subject } from 'rxjs'

import type { LedgerDb } from './queries'
import { pgCode, unavailable } from './queries'
import { transactionOn } from './read-models'
import { appendLockKey, channelOf, isoTimeSql } from './schema'

export class PostgresWriter {
  /** Commits of this instance: a signal for its subscriptions. */
  readonly commits = new Subject<void>()
  /** The inline projections' handler, while there are any. */
  inline: InlineHandler | undefined
  private readonly appendSql: string

  constructor(
    private readonly db: LedgerDb,
    private readonly limits: () => StoreLimits,
  ) {
    this.appendSql = `SELECT first_revision, last_revision, first_position, last_position FROM ${db.s}.append_events($1, $2, $3, $4, $5, $6, $7)`
  }

  /** Writes the appends: alone, in one transaction, or with the inline projections. */
  async write(appends: ReadonlyArray<CheckedStreamAppend>): Promise<ReadonlyArray<AppendResult>> {
    const inline = this.inline
    if (inline !== undefined) return this.appendInline(appends, inline)
    const [only] = appends
    if (appends.length === 1 && only !== undefined) {
      let result: AppendResult
      try {
        result = await this.runAppend(this.db.pool, only)
      } catch (error) {
        throw await this.refusal(appends, error)
      }
      this.commits.next()
      return [result]
    }
    const results: AppendResult[] = []
    const failed = await this.db.inTransaction(async (client) => {
      for (const append of appends) results.push(await this.runAppend(client, append))
    })
    if (failed !== undefined) throw await this.refusal(appends, failed.failure)
    this.commits.next()
    return results
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

  private async runAppend(client: Pool | PoolClient, append: CheckedStreamAppend): Promise<AppendResult> {
    const { rows } = await client.query<{
      first_revision: number
      last_revision: number
      first_position: number
      last_position: number
    }>(this.appendSql, [
      append.streamId,
      String(append.expectedRevision),
      append.events.map(({ event }) => event.eventId),
      append.events.map(({ event }) => event.type),
      append.events.map(({ event }) => event.schemaVersion),
      `[${append.events.map((e) => e.data).join(',')}]`,
      `[${append.events.map((e) => e.metadata).join(',')}]`,
    ])
    const row = rows[0]
    if (row === undefined) throw new StoreUnavailableError('the append returned no result')
    return {
      streamId: append.streamId,
      firstRevision: row.first_revision,
      lastRevision: row.last_revision,
      firstPosition: row.first_position,
      lastPosition: row.last_position,
      alreadyStored: false,
    }
  }

  /**
   * What a failed append was, as the kit reads it: a stream not at its expected revision, an event
   * id stored already, or an outage (nothing known to have been written).
   */
  private async refusal(appends: ReadonlyArray<CheckedStreamAppend>, error: unknown): Promise<unknown> {
    if (isEventStoreError(error)) return error
    const code = pgCode(error)
    if (code === 'CL001') {
      const reported = Number((error as { detail?: string }).detail ?? -1)
      const failed = await this.firstWrongExpectation(appends, reported)
      return new WrongExpectedRevisionError(failed.streamId, failed.expectedRevision, failed.actual)
    }
    if (code === '23505') {
      if ((error as { constraint?: string }).constraint === 'events_event_id') return new EventIdTakenError()
      // A concurrent writer took the same (stream, revision) first: the stream has moved.
      const append = appends[0]
      if (append !== undefined) return new WrongExpectedRevisionError(append.streamId, append.expectedRevision, -1)
    }
    return unavailable('the append failed and nothing is known to have been written', error)
  }

  private async firstWrongExpectation(
    appends: ReadonlyArray<CheckedStreamAppend>,
    reported: number,
  ): Promise<{ streamId: string; expectedRevision: CheckedStreamAppend['expectedRevision']; actual: number }> {
    if (appends.length === 1 && appends[0] !== undefined)
      return { streamId: appends[0].streamId, expectedRevision: appends[0].expectedRevision, actual: reported }
    const rows = await this.db.query<{ name: string; revision: number }>(
      `SELECT name, revision FROM ${this.db.s}.streams WHERE name = ANY($1::text[])`,
      [appends.map((a) => a.streamId)],
    )
    const revisions = new Map(rows.map((r) => [r.name, r.revision]))
    for (const a of appends) {
      const actual = revisions.get(a.streamId) ?? -1
      if (!revisionMatches(a.expectedRevision, actual))
        return { streamId: a.streamId, expectedRevision: a.expectedRevision, actual }
    }
    const a = appends[0]
    return { streamId: a?.streamId ?? '', expectedRevision: a?.expectedRevision ?? 'any', actual: reported }
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
    const results: AppendResult[] = []
    const failed = await this.db.inTransaction(async (client) => {
      for (const append of appends) results.push(await this.runAppend(client, append))
      // Each stream's part was stamped by its own call (to the millisecond): read the times back.
      const { rows: stamps } = await client.query<{ position: number; recorded_at: string }>(
        `SELECT position, ${isoTimeSql('recorded_at')} AS recorded_at FROM events WHERE position = ANY($1::bigint[])`,
        [results.map((r) => r.firstPosition)],
      )
      const recordedAt = new Map(stamps.map((r) => [r.position, r.recorded_at]))
      const events = appends
        .flatMap((append, a) => {
          const result = results[a]
          return result === undefined
            ? []
            : recordedEvents(
                append,
                { revision: result.firstRevision, position: result.firstPosition },
                recordedAt.get(result.firstPosition) ?? '',
              )
        })
        .sort((x, y) => x.position - y.position)
      await handler(events, transactionOn(client, this.db.schema))
    })
    if (failed === undefined) {
      this.commits.next()
      return results
    }
    if (failed.failure instanceof ProjectionFailedError) throw failed.failure
    throw await this.refusal(appends, failed.failure)
  }

  /**
   * Writes imported events in one transaction under the append lock: the log's head read and the
   * events checked against it (positions, canonical text, ids not yet stored, each stream's chain),
   * then rows and stream heads written as given, and inline projections run on the same
   * transaction. Any failure rolls back everything.
   */
  async importStored(events: ReadonlyArray<StoredEvent>): Promise<void> {
    const failed = await this.db.inTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [appendLockKey(this.db.schema)])
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
