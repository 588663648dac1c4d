/**
 * Tables as the CLI prints them: aligned text for people, CSV (RFC 4180) and JSON for programs.
 */

// --- model ---

/** A cell: text, a number, a flag, or nothing. */
export type Cell = string | number | boolean | null

/** A column of a report's table: the key of its cells, its heading, and its alignment. */
export interface Column {
  /** The key of the cell in each row; also the CSV header. */
  readonly key: string
  /** The heading people read. */
  readonly title: string
  /** Where the text sits in its column; numbers go right when it is not given. */
  readonly align?: 'left' | 'right'
}

/** A report as a table: columns, and rows of cells by column key. `renderText` and `renderCsv` print one. */
export interface Table {
  readonly columns: ReadonlyArray<Column>
  readonly rows: ReadonlyArray<Readonly<Record<string, Cell>>>
}

// --- rendering ---

const text = (cell: Cell | undefined): string => (cell === null || cell === undefined ? '' : String(cell))

/** Aligned columns with a heading and a rule; numbers to the right. */
export const renderText = (table: Table): string => {
  const cells = table.rows.map((row) => table.columns.map((c) => text(row[c.key])))
  const widths = table.columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]?.length ?? 0)))
  const right = table.columns.map(
    (c) =>
      c.align === 'right' ||
      (c.align === undefined && table.rows.length > 0 && table.rows.every((r) => typeof r[c.key] === 'number')),
  )
  const line = (values: ReadonlyArray<string>): string =>
    values
      .map((v, i) => (right[i] === true ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return (
    [line(table.columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') +
    '\n'
  )
}

const csvField = (cell: Cell | undefined): string => {
  const value = text(cell)
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** CSV with a header row of column keys, CRLF line ends as RFC 4180 has them. */
export const renderCsv = (table: Table): string =>
  [
    table.columns.map((c) => csvField(c.key)),
    ...table.rows.map((row) => table.columns.map((c) => csvField(row[c.key]))),
  ]
    .map((fields) => fields.join(','))
    .join('\r\n') + '\r\n'
