/**
 * `npm start`: builds `var/cambridgeshire.db` anew from the real reference data and the dated
 * history of the two council reports, seals and verifies it, writes the 360Giving file of its
 * (modelled) grants and the board reports (`report.html`), and prints a summary.
 */
import { resolve } from 'node:path'

import { runExample } from './example'
import { summaryLines } from './summary'

/** Where the example writes: `var/` under the working directory, unless told otherwise. */
const DIR = resolve(process.env['CIVIC_LEDGER_EXAMPLE_DIR'] ?? 'var')

export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  const result = await runExample({ dir: DIR })
  for (const line of summaryLines(result)) log(line)
  if (!result.verify.ok || result.givingErrors.length > 0) process.exitCode = 1
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
