/**
 * The boards' reports of `@civic-ledger/reporting` — service delivery area review, grants,
 * volunteering, partnerships, area profile — as the CLI prints them: each table as aligned text,
 * the whole report as CSV, JSON or one self-contained HTML page, and `--explain CELL` as the list
 * of events one figure was computed from. They replay the read models they need into memory (now,
 * or as of a past point), so the live read models are never touched.
 */
import type { Ledger } from '@civic-ledger/core'
import type { ReportData as BoardReport, ReportName } from '@civic-ledger/reporting'
import { explainIn, isReportName, produceReports, renderHtml, reports, toCsv, toJson } from '@civic-ledger/reporting'

import { CliError, ExitCode } from '../exit-codes'
import type { Table } from '../table'
import { renderText } from '../table'

export type BoardFormat = 'table' | 'csv' | 'json' | 'html'

/** The board reports, for `civic-ledger report` without a name. */
export const boardReports = (): ReadonlyArray<{ readonly name: string; readonly description: string }> =>
  Object.values(reports).map((r) => ({ name: r.name, description: `${r.title} (with maps in --format html)` }))

export const isBoardReport = (name: string): name is ReportName => isReportName(name)

/** Each table of a board report as text, under its title; notes first; where it stands last. */
const asText = (report: BoardReport): string => {
  const tables = report.tables.map((table) => {
    const rendered: Table = {
      columns: table.columns.map((c) => ({
        key: c.id,
        title: c.label,
        ...(c.kind === 'label' ? {} : { align: 'right' as const }),
      })),
      rows: table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c.id, row.cells[i]?.text ?? '']))),
    }
    return `${table.title}\n\n${renderText(rendered)}${table.note === undefined ? '' : `\n${table.note}`}`
  })
  return [
    report.title,
    report.notes.map((n) => `- ${n}`).join('\n'),
    ...tables,
    `Ledger position ${report.basis.position}.`,
  ].join('\n\n')
}

/** One board report, now or as of a point, in `format`. */
export const boardReport = async (
  ledger: Ledger,
  name: ReportName,
  format: BoardFormat,
  asOf: { readonly position: number } | { readonly recordedAt: string } | undefined,
): Promise<string> => {
  const [report] = await produceReports(ledger, [name], asOf === undefined ? {} : { asOf })
  if (report === undefined) throw new CliError(ExitCode.failed, `report ${name} produced nothing`)
  switch (format) {
    case 'table':
      return asText(report)
    case 'csv':
      return toCsv(report)
    case 'json':
      return toJson(report)
    case 'html':
      return renderHtml([report], { title: report.title, producedBy: 'civic-ledger report' })
  }
}

/** The events behind one figure of a board report: stream, revision, position, type, recorded, who. */
export const explainCell = async (
  ledger: Ledger,
  name: ReportName,
  cell: string,
  asOf: { readonly position: number } | { readonly recordedAt: string } | undefined,
): Promise<{ readonly text: string; readonly json: unknown }> => {
  const [report] = await produceReports(ledger, [name], asOf === undefined ? {} : { asOf })
  const explanation = report === undefined ? undefined : explainIn(report, cell)
  if (report === undefined || explanation === undefined) {
    const cells = (report?.tables ?? []).flatMap((t) =>
      t.rows.flatMap((r) => r.cells.filter((c) => c.evidence !== undefined).map((c) => c.id)),
    )
    throw new CliError(
      ExitCode.usage,
      `--explain: report ${name} has no figure ${JSON.stringify(cell)} (figures look like ${cells.slice(0, 3).join(', ') || 'table/row/column'})`,
    )
  }
  const table: Table = {
    columns: [
      { key: 'position', title: 'position', align: 'right' },
      { key: 'stream', title: 'stream' },
      { key: 'revision', title: 'revision', align: 'right' },
      { key: 'type', title: 'type' },
      { key: 'recordedAt', title: 'recorded' },
      { key: 'who', title: 'who' },
    ],
    rows: explanation.events.map((e) => ({ ...e })),
  }
  const cellText =
    explanation.cell.withheld === undefined
      ? explanation.cell.text
      : `${explanation.cell.text} (${explanation.cell.withheld})`
  return {
    text: `${name} ${cell} = ${cellText}, at position ${explanation.position}: ${explanation.events.length} events\n\n${renderText(table)}`,
    json: explanation,
  }
}
