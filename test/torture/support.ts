/**
 * What the torture phases share: fresh events, the stores a phase opens,
 * and small counting helpers. Event data holds only counters and stream names, never anything
 * personal, so it can be printed.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { EventStore, NewEvent } from '@civic-ledger/core'
import { createMemoryEventStore } from '@civic-ledger/core'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'

import type { Classification } from './checker'
import type { Invariant, StoreName } from './phase'

// --- events ---

/** Valid metadata for every event a phase writes. */
export const TORTURE_METADATA: NewEvent['metadata'] = {
  actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
  correlationId: 'torture',
  causationId: 'torture',
  occurredAt: '2026-04-01T09:00:00.000Z',
}

/** A new event; the id is fresh unless given (a resend gives the ids of the first send). */
export const tortureEvent = (
  type: string,
  data: Readonly<Record<string, number | string>>,
  eventId: string = randomUUID(),
): NewEvent => ({ eventId, type, schemaVersion: 1, data, metadata: TORTURE_METADATA })

// --- stores ---

/** A fresh store of one kind, and how to be rid of it. */
export interface OpenedStore {
  readonly store: EventStore
  /** The SQLite file, for stores that have one. */
  readonly path?: string
  /** Closes the store and removes its files. */
  readonly dispose: () => Promise<void>
}

/** A fresh temporary directory, removed by the returned function. */
export const scratchDirectory = (label: string): { readonly dir: string; readonly remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), `civic-ledger-torture-${label}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Opens a new, empty store of `kind` (memory or a SQLite file in a temporary directory). */
export const openFreshStore = async (kind: 'memory' | 'sqlite'): Promise<OpenedStore> => {
  if (kind === 'memory') {
    const store = createMemoryEventStore()
    return { store, dispose: () => store.close() }
  }
  const scratch = scratchDirectory('sqlite')
  const path = join(scratch.dir, 'ledger.db')
  const store = await openSqliteEventStore({ path })
  return {
    store,
    path,
    dispose: async () => {
      await store.close()
      scratch.remove()
    },
  }
}

/** The stores whose phases share code (memory and SQLite): the PostgreSQL phases bring their own. */
export type SharedStore = Extract<StoreName, 'memory' | 'sqlite'>

// --- figures ---

/** The q-th quantile (0..1) of some numbers, by nearest rank; 0 for none. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[index] ?? 0
}

/** Rounds to a tenth, for figures in milliseconds. */
export const tenths = (value: number): number => Math.round(value * 10) / 10

/** An invariant that held when `failures` is 0. */
export const invariant = (name: string, failures: number, checked: string, failed = ''): Invariant => ({
  name,
  held: failures === 0,
  detail: failures === 0 ? checked : `${failures} failures${failed === '' ? '' : `; first: ${failed}`}`,
})

/** Seconds since `started` (from `performance.now()`), to a tenth. */
export const secondsSince = (started: number): number => tenths((performance.now() - started) / 1000)

/** The message of an error, or the text of anything thrown. */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error)

/** The invariants a classification proves or breaks, as the reliability notes name them. */
export const classificationInvariants = (c: Classification): ReadonlyArray<Invariant> => {
  const first = (pattern: RegExp): string => c.problems.find((text) => pattern.test(text)) ?? ''
  const held = (name: string, failures: number, checked: string, pattern: RegExp): Invariant => ({
    name,
    held: failures === 0,
    detail: failures === 0 ? checked : `${failures} failures; first: ${first(pattern)}`,
  })
  const stored = c.counts['acknowledged-present'] + c.counts.recovered
  return [
    held(
      'no lost acknowledgement',
      c.counts.lost,
      `${c.counts['acknowledged-present']} acknowledged events at their positions`,
      /acknowledged at/,
    ),
    held('no duplicate', c.counts.duplicated, `${stored} events, each id once`, /stored \d+ times/),
    held('nothing unexpected', c.counts.unexpected, 'every stored event was sent by the run', /sent by no/),
    held('atomic batches', c.tornBatches, 'no operation partly stored', /events stored$/),
    held(
      'a failure saying "not written" wrote nothing',
      c.writtenDespiteNotWritten,
      'no such failure was stored',
      /failed saying/,
    ),
    held('stream contiguity', c.positionGaps + c.revisionGaps, 'positions 1..N and revisions 0..n, no gap', /follows/),
  ]
}
