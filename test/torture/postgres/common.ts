/**
 * What the PostgreSQL phases of the torture run share: the server and a schema of their own per
 * phase with the stores opened on it, a phase's start (its clock, checker, figures and seeded
 * random source) and its end (the classification, the audit chain and the result), error kinds,
 * latency figures and the invariants every phase that appends reports from its checker's
 * classification.
 */
import { randomBytes, randomUUID } from 'node:crypto'

import type { AppendResult, EventStore, NewEvent, StreamAppend } from '@civic-ledger/core'
import { verifyLedger } from '@civic-ledger/core'
import type { PostgresEventStore } from '@civic-ledger/store-postgres'
import { openPostgresEventStore } from '@civic-ledger/store-postgres'
import { seededRandom, testMetadata } from '@civic-ledger/testing'
import pg from 'pg'

import type { Classification } from '../checker'
import { LedgerChecker } from '../checker'
import type { Invariant, PhaseBudget, PhaseResult, StoreName } from '../phase'

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

/** A schema of a phase's own, and the stores the phase opens on it. */
export interface PhaseSchema {
  readonly name: string
  /** Opens another store on the schema, with `poolSize` connections (the store's default if none). */
  readonly open: (poolSize?: number) => Promise<PostgresEventStore>
  /**
   * Closes every store opened, in the order opened, then drops the schema. A store that fails to
   * close throws, leaving the rest and the schema as they are, unless `ignoringErrors`, which goes
   * on past it.
   */
  readonly close: (options?: { readonly ignoringErrors?: boolean }) => Promise<void>
}

/** A fresh schema for one phase, its stores polling every `pollIntervalMs` (the store's default if none). */
export const phaseSchema = (options: { readonly pollIntervalMs?: number } = {}): PhaseSchema => {
  const name = freshSchema()
  const opened: PostgresEventStore[] = []
  return {
    name,
    open: async (poolSize) => {
      const store = await openPostgresEventStore({
        connectionString: PG_URL,
        schema: name,
        ...(poolSize === undefined ? {} : { poolSize }),
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      })
      opened.push(store)
      return store
    },
    close: async ({ ignoringErrors = false } = {}) => {
      for (const store of opened)
        if (ignoringErrors) await store.close().catch(() => undefined)
        else await store.close()
      await dropSchema(name)
    },
  }
}

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

// --- a phase's start and end ---

/** What a phase keeps from its start. */
export interface PhaseRun {
  /** When the phase started (`Date.now()`): its seconds and deadlines count from here. */
  readonly started: number
  /** Told of every append the phase makes. */
  readonly checker: LedgerChecker
  /** The phase's figures. */
  readonly tally: Tally
  /** Seeded from the budget, so the same seed gives the same schedule. */
  readonly random: () => number
}

/** Starts a phase: its clock, a checker for its appends, its figures and its seeded random source. */
export const startPhase = (budget: PhaseBudget): PhaseRun => ({
  started: Date.now(),
  checker: new LedgerChecker(),
  tally: new Tally(),
  random: seededRandom(budget.seed),
})

/** What `store` holds, observed by `checker` and classified, and the invariants the classification speaks to. */
export const classifyLedger = async (
  checker: LedgerChecker,
  store: EventStore,
): Promise<{ readonly classification: Classification; readonly invariants: ReadonlyArray<Invariant> }> => {
  await checker.observe(store)
  const classification = checker.classify()
  return { classification, invariants: ledgerInvariants(classification) }
}

/** The audit chain of `store`, verified, as the invariant `name`. */
export const auditChain = async (store: EventStore, name = 'audit chain'): Promise<Invariant> => {
  const verified = await verifyLedger(store)
  return invariant(name, verified.ok, verified.failure?.message ?? 'verify passed')
}

/** What a phase returns, timed from its start: its figures are its tally's unless `counts` is given. */
export const phaseResult = (
  run: PhaseRun,
  result: {
    readonly phase: string
    readonly classification: Classification
    readonly invariants: ReadonlyArray<Invariant>
    readonly store?: StoreName
    readonly counts?: Readonly<Record<string, number>>
  },
): PhaseResult => ({
  store: result.store ?? 'postgres',
  phase: result.phase,
  seconds: secondsSince(run.started),
  counts: result.counts ?? run.tally.counts,
  classification: result.classification,
  invariants: result.invariants,
})

/**
 * Ends a phase on one ledger: what `store` holds is observed and classified by the run's checker,
 * and its audit chain verified. The result's invariants are the phase's own (`invariants`), then
 * the classification's, then the audit chain's.
 */
export const finishPhase = async (
  run: PhaseRun,
  store: EventStore,
  phase: string,
  invariants: ReadonlyArray<Invariant>,
): Promise<PhaseResult> => {
  const ledger = await classifyLedger(run.checker, store)
  const audit = await auditChain(store)
  return phaseResult(run, {
    phase,
    classification: ledger.classification,
    invariants: [...invariants, ...ledger.invariants, audit],
  })
}
