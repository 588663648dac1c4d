/**
 * The copies of public data the package ships in `data/` (its README lists each file with its source
 * and licence), and reading them: a row that cannot be read is an error naming its file and line.
 *
 * Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains
 * OS data © Crown copyright and database right.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { CsvRow } from './csv'
import { CsvError, parseCsv } from './csv'
import type { SourceInput } from './source'

/** Where the package's copies of the reference files are (`dist/lib/` → the package's `data/`). */
export const DATA_DIR = join(__dirname, '..', '..', 'data')

/** Reads one of the shipped files, requiring `columns`; errors name the file and line. */
export const readDataFile = (file: string, columns: ReadonlyArray<string>): ReadonlyArray<CsvRow> => {
  try {
    return parseCsv(readFileSync(join(DATA_DIR, file), 'utf8'), columns)
  } catch (error) {
    if (error instanceof CsvError) throw new CsvError(error.line, `${file}: ${error.problem}`)
    throw error
  }
}

/** A row's field, or the empty string where the row has none. */
export const field = (row: CsvRow, name: string): string => row.fields[name] ?? ''

/** The source of an ONS file, with the attribution its licence asks for. */
export const onsSource = (file: string, note?: string): SourceInput => ({
  name: `Office for National Statistics (${file})`,
  licence: 'Open Government Licence v3.0; contains OS data © Crown copyright and database right',
  ...(note === undefined ? {} : { note }),
})
