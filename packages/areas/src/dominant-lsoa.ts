/**
 * The dominant-LSOA method: each LSOA goes to the PCN whose practices hold the largest share of its
 * registered patients. Pure: given the LSOAs in scope, registration rows (practice, LSOA, patients)
 * and which PCN each practice belongs to, it returns every LSOA's winner with its share, the
 * runner-up and the total — or every row it could not use, each named.
 *
 * Ties are broken deterministically: equal counts go to the PCN whose code sorts first, and the
 * assignment says it was a tie. The result does not depend on the order of the rows.
 */
import type { Either } from 'fp-ts/Either'
import { left, right } from 'fp-ts/Either'

export interface RegistrationRow {
  readonly practice: string
  readonly lsoa: string
  readonly patients: number
  /** Where the row came from (e.g. the line of the file), for error messages. */
  readonly line?: number
}

export interface Assignment {
  readonly lsoa: string
  readonly area: string
  readonly patients: number
  readonly total: number
  /** `patients / total`, rounded to 4 decimal places. */
  readonly share: number
  readonly runnerUp?: { readonly area: string; readonly patients: number }
  /** True when the runner-up had as many patients, and the lower code won. */
  readonly tie: boolean
}

export interface AssignmentRun {
  readonly assignments: ReadonlyArray<Assignment>
  /** LSOAs in scope with no registered patients in the extract: they need an override. */
  readonly unassigned: ReadonlyArray<string>
  readonly rowsUsed: number
  /** Rows for LSOAs outside the scope, ignored. */
  readonly rowsOutOfScope: number
}

export interface RowProblem {
  readonly row: number
  readonly line?: number
  readonly problem: string
}

const where = (row: RegistrationRow, index: number): string =>
  row.line === undefined ? `row ${index + 1}` : `line ${row.line}`

export const assignDominantLsoa = (
  scope: ReadonlyArray<string>,
  rows: ReadonlyArray<RegistrationRow>,
  pcnOf: (practice: string) => string | undefined,
): Either<ReadonlyArray<RowProblem>, AssignmentRun> => {
  const inScope = new Set(scope)
  const counts = new Map<string, Map<string, number>>()
  const problems: RowProblem[] = []
  let rowsUsed = 0
  let rowsOutOfScope = 0
  rows.forEach((row, index) => {
    const problem = (text: string): void => {
      problems.push({
        row: index,
        ...(row.line === undefined ? {} : { line: row.line }),
        problem: `${where(row, index)}: ${text}`,
      })
    }
    if (!Number.isSafeInteger(row.patients) || row.patients < 0) {
      problem(`NUMBER_OF_PATIENTS ${String(row.patients)} for ${row.practice} in ${row.lsoa} is not a whole number ≥ 0`)
      return
    }
    const pcn = pcnOf(row.practice)
    if (pcn === undefined) {
      problem(`practice ${row.practice} is not a member of any PCN in the reference on the extract's date`)
      return
    }
    if (!inScope.has(row.lsoa)) {
      rowsOutOfScope++
      return
    }
    rowsUsed++
    let byPcn = counts.get(row.lsoa)
    if (byPcn === undefined) {
      byPcn = new Map()
      counts.set(row.lsoa, byPcn)
    }
    byPcn.set(pcn, (byPcn.get(pcn) ?? 0) + row.patients)
  })
  if (problems.length > 0) return left(problems)
  const assignments: Assignment[] = []
  const unassigned: string[] = []
  for (const lsoa of [...inScope].sort()) {
    const ranked = [...(counts.get(lsoa) ?? new Map<string, number>())]
      .filter(([, patients]) => patients > 0)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    const total = ranked.reduce((sum, [, patients]) => sum + patients, 0)
    const [winner, second] = ranked
    if (winner === undefined || total === 0) {
      unassigned.push(lsoa)
      continue
    }
    assignments.push({
      lsoa,
      area: winner[0],
      patients: winner[1],
      total,
      share: Math.round((winner[1] / total) * 10_000) / 10_000,
      ...(second === undefined ? {} : { runnerUp: { area: second[0], patients: second[1] } }),
      tie: second !== undefined && second[1] === winner[1],
    })
  }
  return right({ assignments, unassigned, rowsUsed, rowsOutOfScope })
}
