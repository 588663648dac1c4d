/**
 * The security sweeps' figures for the torture run's report: when `CIVIC_LEDGER_SECURITY_COUNTS`
 * names a file, each sweep appends one JSON line to it with its counts (refusals, attacks, values
 * searched for); otherwise nothing is written.
 */
import { appendFileSync } from 'node:fs'

/** One sweep's line in the counts file. */
export interface SweepCounts {
  readonly sweep: string
  readonly store: string
  readonly counts: Readonly<Record<string, number>>
}

/** Appends a sweep's counts to the file named by `CIVIC_LEDGER_SECURITY_COUNTS`, if set. */
export const recordSweep = (sweep: string, store: string, counts: Readonly<Record<string, number>>): void => {
  const file = process.env['CIVIC_LEDGER_SECURITY_COUNTS']
  if (file === undefined || file === '') return
  const line: SweepCounts = { sweep, store, counts }
  appendFileSync(file, `${JSON.stringify(line)}\n`)
}
