/**
 * The reports, by name, and the three calls a host needs: produce reports from a ledger (as of a
 * point of its past, if asked), and explain one figure of one report.
 */
import type { ReportDefinition } from './definition'
import { cellsOf } from './draft'
import type { Explanation, ReportData } from './model'
import { areaProfileReport } from './reports/area-profile'
import { grantsReport } from './reports/grants'
import { partnershipsReport } from './reports/partnerships'
import { sdaReview } from './reports/sda-review'
import { volunteeringReport } from './reports/volunteering'
import type { AsOf, ReportLedger } from './source'
import { openSource } from './source'

/** Every report, by name. */
export const reports = {
  'sda-review': sdaReview,
  grants: grantsReport,
  volunteering: volunteeringReport,
  partnerships: partnershipsReport,
  'area-profile': areaProfileReport,
} as const

/** A report `produceReports` makes: `sda-review`, `grants`, `volunteering`, `partnerships` or `area-profile`. */
export type ReportName = keyof typeof reports

/** The options each report takes. */
export type ReportOptions = {
  readonly [N in ReportName]?: (typeof reports)[N] extends ReportDefinition<infer O> ? O : never
}

/** Whether `name` names a report. */
export const isReportName = (name: string): name is ReportName => Object.prototype.hasOwnProperty.call(reports, name)

/**
 * Produces the reports named (default: all) from one replay of the read models they need, as of
 * `asOf` (default: the ledger's head): every report of one call stands at the same position.
 */
export const produceReports = async (
  ledger: ReportLedger,
  names: ReadonlyArray<ReportName> = Object.keys(reports) as ReportName[],
  options: { readonly asOf?: AsOf; readonly reports?: ReportOptions } = {},
): Promise<ReadonlyArray<ReportData>> => {
  const wanted = names.map((n) => reports[n])
  const source = await openSource(
    ledger,
    wanted.flatMap((r) => r.projections),
    options.asOf,
  )
  const out: ReportData[] = []
  for (const name of names) {
    const report = reports[name] as ReportDefinition<unknown>
    out.push(await report.produce(source, options.reports?.[name]))
  }
  return out
}

/**
 * The events a figure of a report was computed from: stream, revision, position, type, recorded
 * time and who. The report is produced again as of the same point with the same options, and the
 * cell's events read from their streams. Undefined for a cell the report does not have; no events
 * for a label, or for a figure whose events are withheld (see `cell.withheld`).
 */
export const explain = async (
  ledger: ReportLedger,
  reportName: ReportName,
  cellId: string,
  options: { readonly asOf?: AsOf; readonly reports?: ReportOptions } = {},
): Promise<Explanation | undefined> => {
  const [report] = await produceReports(ledger, [reportName], options)
  if (report === undefined) return undefined
  return explainIn(report, cellId)
}

/** A cell's explanation from a report already produced. */
export const explainIn = (report: ReportData, cellId: string): Explanation | undefined => {
  const cell = cellsOf(report).get(cellId)
  if (cell === undefined) return undefined
  return {
    report: report.name,
    cell,
    position: report.basis.position,
    events: cell.evidence === undefined ? [] : (report.evidence[cell.evidence] ?? []),
  }
}
