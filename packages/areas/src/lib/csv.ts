/**
 * A small RFC 4180 CSV reader for the reference files and NHS extracts: quoted fields (with commas,
 * doubled quotes and line breaks inside), CRLF or LF line ends, a header row. Rows come back as
 * records keyed by header, each with its 1-based line number for error messages.
 */

export interface CsvRow {
  /** The line the row starts on (the header is line 1). */
  readonly line: number
  readonly fields: Readonly<Record<string, string>>
}

/** A CSV text that could not be read: the line, and what is wrong with it. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`)
    this.name = 'CsvError'
  }
}

/** Splits CSV text into rows of fields. */
const records = (text: string): Array<{ readonly line: number; readonly cells: string[] }> => {
  const out: Array<{ line: number; cells: string[] }> = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else {
        if (c === '\n') line++
        cell += c
      }
      continue
    }
    if (c === '"' && cell.length === 0) quoted = true
    else if (c === ',') {
      cells.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      cells.push(cell)
      if (!(cells.length === 1 && cells[0] === '')) out.push({ line: rowLine, cells })
      cells = []
      cell = ''
      line++
      rowLine = line
    } else cell += c
  }
  if (quoted) throw new CsvError(rowLine, 'a quoted field is not closed')
  if (cell.length > 0 || cells.length > 0) {
    cells.push(cell)
    out.push({ line: rowLine, cells })
  }
  return out
}

/** Parses CSV text with a header row; `required` columns must be in the header. */
export const parseCsv = (text: string, required: ReadonlyArray<string> = []): ReadonlyArray<CsvRow> => {
  const [header, ...rows] = records(text)
  if (header === undefined) throw new CsvError(1, 'the file is empty')
  const names = header.cells.map((h) => h.trim())
  const missing = required.filter((r) => !names.includes(r))
  if (missing.length > 0) throw new CsvError(1, `the header lacks ${missing.join(', ')}`)
  return rows.map(({ line, cells }) => {
    if (cells.length !== names.length)
      throw new CsvError(line, `has ${cells.length} fields where the header has ${names.length}`)
    return { line, fields: Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ''])) }
  })
}
