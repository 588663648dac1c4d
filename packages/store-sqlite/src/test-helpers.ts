/**
 * Checks of a ledger file after a fault, shared by the fault tests (a writer killed, storage that
 * refused a write) and importable by other runners: `LedgerFileCheck` reads the file directly, and
 * each `check` looks only at what changed since the one before, so it can run after every kill.
 *
 * Each check: `PRAGMA quick_check` (or `integrity_check`); the rows checked before are still there
 * (the last one still holds the same event and hash, and nothing below the head is missing); the
 * new rows follow on at positions with no gap, each event id new, each stream's revisions 0, 1, 2…,
 * each stored hash the one its stream's chain gives (as `verifyLedger` computes it, from the last
 * checked head); every acknowledged event at the position, stream and revision it was acknowledged
 * at; and every attempted append all stored or not at all.
 *
 * Test support only: not exported from the package.
 */
import { chainHash, GENESIS_HASH } from '@civic-ledger/core'
import BetterSqlite3 from 'better-sqlite3'

import type { AckResult } from './child-protocol'

// --- model ---

/** Where an event is stored. */
export interface StoredAt {
  readonly position: number
  readonly streamId: string
  readonly revision: number
}

/** What a check is told to expect. */
export interface Expected {
  /** Appends acknowledged since the last check: each event must be where the store said. */
  readonly acked?: ReadonlyArray<AckResult>
  /** Appends attempted since the last check (acknowledged or not), as their event ids: all or none stored. */
  readonly attempts?: ReadonlyArray<ReadonlyArray<string>>
}

export interface CheckReport {
  /** What the integrity pragma said: `ok` or its first complaints. */
  readonly integrity: string
  /** Events in the file now, and how many were new to this check. */
  readonly events: number
  readonly newEvents: number
  readonly problems: ReadonlyArray<string>
}

/** `quick_check` is O(N) and checks every page, row and record; `integrity_check` also checks that each index matches its table. */
export type IntegrityPragma = 'quick_check' | 'integrity_check'

interface Row {
  readonly position: number
  readonly stream: string
  readonly revision: number
  readonly event_id: string
  readonly type: string
  readonly schema_version: number
  readonly data: string
  readonly metadata: string
  readonly recorded_at: string
  readonly hash: Buffer | null
}

const ROWS_AFTER = `SELECT e.position, s.name AS stream, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, e.hash
  FROM events e JOIN streams s ON s.id = e.stream WHERE e.position > ? ORDER BY e.position`

// --- the check ---

/** Checks one ledger file, incrementally: create it before the first writer, call `check` after each fault. */
export class LedgerFileCheck {
  private checkedUpTo = 0
  private lastHash = ''
  private lastId = ''
  private readonly heads = new Map<string, { readonly revision: number; readonly hash: string }>()
  private readonly where = new Map<string, StoredAt>()

  constructor(
    readonly path: string,
    private readonly integrity: IntegrityPragma = 'quick_check',
  ) {}

  /** Where an event is stored, as of the last check. */
  locate(eventId: string): StoredAt | undefined {
    return this.where.get(eventId)
  }

  /** Events checked so far, and streams seen. */
  get events(): number {
    return this.checkedUpTo
  }
  get streams(): number {
    return this.heads.size
  }

  /** Checks the file as it is now against everything checked before and `expected`. */
  check(expected: Expected = {}, integrity: IntegrityPragma = this.integrity): CheckReport {
    const problems: string[] = []
    const db = new BetterSqlite3(this.path, { readonly: true, fileMustExist: true })
    let result: string
    let newEvents = 0
    try {
      db.exec('BEGIN')
      const complaints = db.pragma(`${integrity}(5)`, { simple: false }) as ReadonlyArray<Record<string, string>>
      result = complaints.map((row) => Object.values(row).join(' ')).join('; ')
      if (result !== 'ok') problems.push(`${integrity}: ${result}`)
      this.checkStillThere(db, problems)
      for (const row of db.prepare<[number], Row>(ROWS_AFTER).iterate(this.checkedUpTo)) {
        this.checkRow(row, problems)
        newEvents++
      }
      db.exec('COMMIT')
    } finally {
      db.close()
    }
    for (const ack of expected.acked ?? []) this.checkAck(ack, problems)
    for (const ids of expected.attempts ?? []) {
      const stored = ids.filter((id) => this.where.has(id)).length
      if (stored !== 0 && stored !== ids.length)
        problems.push(`an append of ${ids.length} events is partly stored (${stored}), from ${ids[0] ?? ''}`)
    }
    return { integrity: result, events: this.checkedUpTo, newEvents, problems }
  }

  /** The rows checked before are still there: the head has not gone back, and its last row is unchanged. */
  private checkStillThere(db: BetterSqlite3.Database, problems: string[]): void {
    if (this.checkedUpTo === 0) return
    const count = db
      .prepare<[number], { n: number }>('SELECT count(*) AS n FROM events WHERE position <= ?')
      .get(this.checkedUpTo)?.n
    if (count !== this.checkedUpTo)
      problems.push(`${this.checkedUpTo - (count ?? 0)} of the ${this.checkedUpTo} events checked before are gone`)
    const last = db
      .prepare<[number], { event_id: string; hash: Buffer | null }>(
        'SELECT event_id, hash FROM events WHERE position = ?',
      )
      .get(this.checkedUpTo)
    if (last?.event_id !== this.lastId || last.hash?.toString('hex') !== this.lastHash)
      problems.push(`position ${this.checkedUpTo} no longer holds event ${this.lastId} as checked`)
  }

  private checkRow(row: Row, problems: string[]): void {
    const expectedPosition = this.checkedUpTo + 1
    if (row.position !== expectedPosition)
      problems.push(`position ${expectedPosition} is missing (next is ${row.position})`)
    if (this.where.has(row.event_id)) problems.push(`event ${row.event_id} is stored twice (position ${row.position})`)
    const head = this.heads.get(row.stream)
    const revision = (head?.revision ?? -1) + 1
    if (row.revision !== revision)
      problems.push(`${row.stream}: revision ${row.revision} at position ${row.position}, expected ${revision}`)
    const hash = chainHash(head?.hash ?? GENESIS_HASH, {
      eventId: row.event_id,
      streamId: row.stream,
      revision: row.revision,
      position: row.position,
      type: row.type,
      schemaVersion: row.schema_version,
      data: row.data,
      metadata: row.metadata,
      recordedAt: row.recorded_at,
    })
    const stored = row.hash?.toString('hex') ?? ''
    if (stored !== hash) problems.push(`${row.stream}@${row.revision} (position ${row.position}): the chain is broken`)
    this.heads.set(row.stream, { revision: row.revision, hash: stored })
    this.where.set(row.event_id, { position: row.position, streamId: row.stream, revision: row.revision })
    this.checkedUpTo = row.position
    this.lastId = row.event_id
    this.lastHash = stored
  }

  private checkAck(ack: AckResult, problems: string[]): void {
    if (ack.lastPosition - ack.firstPosition + 1 !== ack.ids.length)
      problems.push(`${ack.ids.length} events acknowledged at ${ack.firstPosition}..${ack.lastPosition}`)
    ack.ids.forEach((id, i) => {
      const at = this.where.get(id)
      if (at === undefined) problems.push(`acknowledged event ${id} (position ${ack.firstPosition + i}) is lost`)
      else if (
        at.position !== ack.firstPosition + i ||
        at.revision !== ack.firstRevision + i ||
        at.streamId !== ack.streamId
      )
        problems.push(
          `acknowledged event ${id} at ${ack.streamId}@${ack.firstRevision + i} position ${ack.firstPosition + i} is at ${at.streamId}@${at.revision} position ${at.position}`,
        )
    })
  }
}
