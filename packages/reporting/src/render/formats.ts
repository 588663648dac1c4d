/** Reports as CSV (RFC 4180) and JSON. */
import type { ReportData } from '../model'

const field = (value: string | number | boolean | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
const line = (fields: ReadonlyArray<string | number | boolean | null | undefined>): string =>
  `${fields.map(field).join(',')}\r\n`

/**
 * A report as CSV. With `table`, that table, wide: a header of column labels, then a row per row
 * with each figure's value (blank where withheld; money in pence). Without, every table, long: one
 * line per cell — `table,row,column,value,text,withheld,evidence` — so nothing is lost.
 */
export const toCsv = (report: ReportData, options: { readonly table?: string } = {}): string => {
  if (options.table !== undefined) {
    const table = report.tables.find((t) => t.id === options.table)
    if (table === undefined) throw new Error(`${report.name} has no table ${options.table}`)
    return (
      line(['key', ...table.columns.map((c) => c.label)]) +
      table.rows.map((r) => line([r.key, ...r.cells.map((c) => c.value)])).join('')
    )
  }
  let out = line(['table', 'row', 'column', 'value', 'text', 'withheld', 'evidence'])
  for (const table of report.tables)
    for (const row of table.rows)
      for (const [i, cell] of row.cells.entries())
        out += line([table.id, row.key, table.columns[i]?.id, cell.value, cell.text, cell.withheld, cell.evidence])
  return out
}

/** A report as JSON: the `ReportData` itself, evidence included. */
export const toJson = (report: ReportData): string => `${JSON.stringify(report, null, 2)}\n`
