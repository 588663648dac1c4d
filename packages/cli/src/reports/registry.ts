/**
 * Reports as the CLI knows them: a registry of producers, each turning a ledger's read models — live,
 * or replayed up to a point — into table data. The contexts' own queries give the first few
 * (`./grants.ts`); `@civic-ledger/reporting` and a council's own modules add more through the config
 * file's `reports` (a module exporting `reports`), and may render HTML.
 */
import type { AnyProjection, ProjectionRunner } from '@civic-ledger/core'

import type { Table } from '../table'

// --- model ---

/** Where a report reads from: the live read models, or a replay of the log up to a point. */
export interface ReportSource {
  /** Reads a collection of one of the report's projections. */
  readonly query: ProjectionRunner['query']
  /** The position of the last event the read models include. */
  readonly position: number
  /** The point asked for, when replayed: a position, or a recorded time. */
  readonly asOf?: { readonly position: number } | { readonly recordedAt: string }
}

/** A report's table, with its title. */
export interface ReportData extends Table {
  readonly title: string
}

/**
 * A report the CLI can print: its name and description, the projections it reads, and how it turns
 * them into a table (and, optionally, HTML). A module listed in the config file's `reports` exports
 * a list of them as `reports`.
 */
export interface ReportProducer {
  /** Kebab-case, as `civic-ledger report <name>` takes it. */
  readonly name: string
  readonly description: string
  /** The projections it reads: those a replay (`--as-of`) runs. */
  readonly projections: ReadonlyArray<AnyProjection>
  /** The report's table, read from the source's read models. */
  readonly produce: (source: ReportSource) => Promise<ReportData>
  /** HTML of the same data, for producers that render it (the reporting package's). */
  readonly html?: (data: ReportData, source: ReportSource) => string
}

/** Reports by name. */
export type ReportRegistry = ReadonlyMap<string, ReportProducer>

// --- constructors ---

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/** Whether a value is a report producer: what the CLI checks each entry of a report module's `reports` is. */
export const isReportProducer = (value: unknown): value is ReportProducer => {
  if (typeof value !== 'object' || value === null) return false
  const p = value as Partial<ReportProducer>
  return (
    typeof p.name === 'string' &&
    NAME.test(p.name) &&
    typeof p.description === 'string' &&
    Array.isArray(p.projections) &&
    typeof p.produce === 'function' &&
    (p.html === undefined || typeof p.html === 'function')
  )
}

/** A registry of the producers given; a later producer of the same name replaces an earlier one. */
export const reportRegistry = (producers: ReadonlyArray<ReportProducer>): ReportRegistry =>
  new Map(producers.map((p) => [p.name, p]))
