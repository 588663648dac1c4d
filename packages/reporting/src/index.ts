/**
 * `@civic-ledger/reporting`: the reports Civic Ledger's boards use — service delivery area review,
 * grants by fund, round and area, volunteering and safeguarding, the partnership tracker and area
 * profiles — each as typed data, as one self-contained HTML page (maps and charts as inline SVG),
 * as CSV and as JSON; every figure explained by the events it was computed from.
 *
 * ```ts
 * const data = await produceReports(ledger, ['grants', 'sda-review'], { asOf: { recordedAt: '2026-04-01T00:00:00Z' } })
 * writeFileSync('report.html', renderHtml(data, { title: 'Think Communities: quarterly report' }))
 * const why = await explain(ledger, 'grants', 'funds/innovate/amountAwarded')
 * ```
 *
 * Inside: `model.ts` (what a report is), `source.ts` (replaying read models as of a point),
 * `draft.ts` and `evidence.ts` (figures and the events behind them), `suppression.ts`,
 * `geography.ts` (the boundaries), `reports/` (one file per report), `render/` (HTML, SVG, CSV,
 * JSON), `registry.ts` (the reports by name, `produceReports`, `explain`).
 */

// --- the model ---
export type {
  BarChart,
  Cell,
  Column,
  EventPick,
  EventRef,
  Explanation,
  MapSpec,
  ReportBasis,
  ReportData,
  Table,
} from './model'

// --- producing and explaining ---
export type { ReportDefinition } from './definition'
export type { ReportName, ReportOptions } from './registry'
export { explain, explainIn, isReportName, produceReports, reports } from './registry'
export type { AreaProfileOptions } from './reports/area-profile'
export type { VolunteeringOptions } from './reports/volunteering'
export type { SchemeChoice } from './schemes'
export type { AsOf, ReportLedger, ReportLog, ReportSource } from './source'
export { openSource } from './source'

// --- rendering ---
export { toCsv, toJson } from './render/formats'
export type { PageMeta } from './render/html'
export { evidenceAnchor, renderHtml } from './render/html'

// --- suppression and geography ---
export { ATTRIBUTION } from './geography'
export type { EntryCreditsDoc } from './read-models/credits-by-entry'
export { creditsByEntry, entryCreditDocs } from './read-models/credits-by-entry'
export type { Group, Suppression } from './suppression'
export { isSmall, protect, SMALL_COUNT } from './suppression'
