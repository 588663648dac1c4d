/**
 * What the PostgreSQL phases of the torture run share: the server and a schema of their own per
 * phase, a seeded random source, error kinds, latency figures and the invariants every phase that
 * appends reports from its checker's classification.
 */
import { randomBytes, randomUUID } from 'node:crypto'

import type { AppendResult, NewEvent, StreamAppend } from '@civic-ledger/core'
import { testMetadata } from '@civic-ledger/testing'
import pg from 'pg'

import type { Classification, LedgerChecker } from '../checker'
import type { Invariant } from '../phase'

export const PG_URL = process.env['CIVIC_LEDGER_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A fresh schema name for one phase. */
export const freshSchema = (): string => `cl_torture_${randomBytes(5).toString('hex')}`

/** The connection string with an `application_name`, so an admin connection can find its backends. */
export const withApplication = (url: string, application: string): string => {
  const parsed = new URL(url)
  parsed.searchParams.set('application_name', application)
  return parsed.toString()
}

/** Runs `work` with a connected client, always closing it. */
export const withClient = async <A>(work: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: PG_URL })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Drops a phase's schema and everything in it. */
export const dropSchema = (schema: string): Promise<unknown> =>
  withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined)

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export const postgresUnavailable = async (): Promise<string | undefined> => {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return `PostgreSQL at ${new URL(PG_URL).host} is unreachable (${error instanceof Error ? error.message : String(error)})`
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** A seeded random source: the same seed gives the same schedule. */
export { seededRandom as seeded } from '@civic-ledger/testing'

/** The error's `kind` when it is one of the store's typed errors, else `unknown`. */
export const kindOf = (error: unknown): string => {
  const kind = typeof error === 'object' && error !== null ? (error as { kind?: unknown }).kind : undefined
  return typeof kind === 'string' && /^[A-Za-z]+$/.test(kind) ? kind : 'unknown'
}

/**
 * Kinds whose error says by its type that nothing was written. Every other kind, and an untyped
 * error, leaves it unknown: the operation is resent with the same ids.
 */
const NOT_WRITTEN = new Set([
  'WrongExpectedRevision',
  'InvalidArgument',
  'EventIdConflict',
  'LimitExceeded',
  // An inline projection failed: the append was refused, nothing written.
  'ProjectionFailed',
])

export const writtenOf = (error: unknown): 'no' | 'unknown' => (NOT_WRITTEN.has(kindOf(error)) ? 'no' : 'unknown')

/** Kinds that a writer resends after: an outage, a lock wait given up, anything not typed. */
export const retryable = (error: unknown): boolean => writtenOf(error) === 'unknown'

/** Counts by name; `add` bumps one. */
export class Tally {
  readonly counts: Record<string, number> = {}
  add(name: string, by = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + by
  }
  get(name: string): number {
    return this.counts[name] ?? 0
  }
}

/** The p-th percentile (0..100) of `values`, in whole milliseconds; 0 when there are none. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return Math.round(sorted[index] ?? 0)
}

/** `n` events of `type` with fresh ids, numbered in their data. */
export const tortureEvents = (n: number, type = 'torture.Happened', tag = ''): ReadonlyArray<NewEvent> =>
  Array.from({ length: n }, (_, i) => ({
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data: { n: i, tag },
    metadata: testMetadata(),
  }))

/** The invariants every classification speaks to, as the reliability notes name them. */
export const ledgerInvariants = (c: Classification): Invariant[] => {
  const first = c.problems[0] ?? ''
  return [
    {
      name: 'no lost acknowledgement',
      held: c.counts.lost === 0,
      detail: `${c.counts['acknowledged-present']} acknowledged events present, ${c.counts.lost} lost ${first}`.trim(),
    },
    {
      name: 'no duplicate',
      held: c.counts.duplicated === 0 && c.counts.unexpected === 0,
      detail: `${c.counts.duplicated} duplicated, ${c.counts.unexpected} unexpected`,
    },
    {
      name: 'atomic batches',
      held: c.tornBatches === 0,
      detail: `${c.tornBatches} torn batches`,
    },
    {
      name: 'a refusal wrote nothing',
      held: c.writtenDespiteNotWritten === 0,
      detail: `${c.writtenDespiteNotWritten} operations refused yet written`,
    },
    {
      name: 'stream contiguity',
      held: c.positionGaps === 0 && c.revisionGaps === 0,
      detail: `${c.positionGaps} position gaps, ${c.revisionGaps} revision gaps`,
    },
  ]
}

/** An invariant from a condition. */
export const invariant = (name: string, held: boolean, detail: string): Invariant => ({ name, held, detail })

/** Seconds since `started`, to a tenth. */
export const secondsSince = (started: number): number => Math.round((Date.now() - started) / 100) / 10

/** A message for an error, without its data. */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error)

/**
 * Sends `appends` with `send` until acknowledged, recording every attempt with the checker: a
 * failure that leaves the write unknown is resent with the same ids (and expectations); a typed
 * refusal is returned as it is. Gives up, leaving the outcome unknown, after `giveUpMs`.
 */
export const sendUntilAcknowledged = async (
  checker: LedgerChecker,
  appends: ReadonlyArray<Pick<StreamAppend, 'streamId' | 'events'>>,
  send: () => Promise<ReadonlyArray<AppendResult>>,
  tally: Tally,
  options: {
    readonly giveUpMs?: number
    readonly pauseMs?: number
    readonly onFailure?: (error: unknown) => void
  } = {},
): Promise<{
  readonly results?: ReadonlyArray<AppendResult>
  readonly refused?: unknown
  readonly attempts: number
}> => {
  const giveUp = Date.now() + (options.giveUpMs ?? 120_000)
  for (let attempts = 1; ; attempts++) {
    const operation = checker.begin(appends)
    try {
      const results = await send()
      checker.acknowledge(operation, results)
      if (attempts > 1) {
        tally.add('resendsAcknowledged')
        if (results.every((r) => r.alreadyStored)) tally.add('resendsFoundStored')
      }
      return { results, attempts }
    } catch (error) {
      checker.fail(operation, error, writtenOf(error))
      tally.add(`errors.${kindOf(error)}`)
      options.onFailure?.(error)
      if (!retryable(error)) return { refused: error, attempts }
      if (Date.now() > giveUp) {
        tally.add('gaveUp')
        return { attempts }
      }
      tally.add('resends')
      await sleep(options.pauseMs ?? 5)
    }
  }
}
