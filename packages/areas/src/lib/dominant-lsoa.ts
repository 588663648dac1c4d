/**
 * The dominant-LSOA method, as the Think Communities report describes it: each LSOA goes to the
 * PCN whose practices hold the largest share of its registered patients — its dominant PCN — and so
 * to the service delivery area that PCN is grouped into. Pure: given the LSOAs in scope,
 * registration rows (practice, LSOA, patients), each practice's PCN and each PCN's area, it returns
 * every LSOA's winning PCN and area with its share, the runner-up and the total — or every row it
 * could not use, each named.
 *
 * Dominance is counted over PCNs, not over areas: the area is the one the dominant PCN is in, even
 * where the PCNs of another area hold more of the LSOA's patients between them. So regrouping PCNs
 * never changes which PCN dominates an LSOA, only which area that PCN is in.
 *
 * Ties are broken deterministically: equal counts go to the PCN whose code sorts first, and the
 * assignment says it was a tie. Practices with no PCN in the reference on the extract's date (a
 * practice over the county boundary, in a national extract) are left out and counted, never fatal.
 * The result does not depend on the order of the rows.
 */
import type { Either } from 'fp-ts/Either'
import { left, right } from 'fp-ts/Either'

// --- model ---

/** One row of a registration extract: the patients of a practice who live in an LSOA. */
export interface RegistrationRow<Code extends string = string> {
  readonly practice: Code
  readonly lsoa: Code
  readonly patients: number
  /** Where the row came from (e.g. the line of the file), for error messages. */
  readonly line?: number
}

/**
 * An LSOA given to the area of its dominant PCN: the PCN, its share of the LSOA's patients, and the
 * runner-up.
 */
export interface Assignment<Code extends string = string, Area extends string = string> {
  readonly lsoa: Code
  /** The dominant PCN: the one whose practices hold most of the LSOA's patients. */
  readonly pcn: Code
  /** The area of the scheme the dominant PCN is in; absent when it is in none. */
  readonly area?: Area
  readonly patients: number
  readonly total: number
  /** `patients / total`, rounded to 4 decimal places. */
  readonly share: number
  readonly runnerUp?: { readonly pcn: Code; readonly patients: number; readonly area?: Area }
  /** True when the runner-up had as many patients, and the lower code won. */
  readonly tie: boolean
}

/** The practices of an extract with no PCN in the reference on its date, left out of the run. */
export interface Excluded<Code extends string = string> {
  /** How many such practices the extract has, anywhere. */
  readonly practices: number
  /** Their patients, anywhere. */
  readonly patients: number
  /** Those with patients in LSOAs of the scope, by code: the ones that could have changed a winner. */
  readonly practicesInScope: ReadonlyArray<Code>
  /** Their patients in LSOAs of the scope. */
  readonly patientsInScope: number
}

/**
 * What `assignDominantLsoa` made of an extract: each LSOA's assignment, those it could not assign,
 * and the rows and practices it left out.
 */
export interface AssignmentRun<Code extends string = string, Area extends string = string> {
  readonly assignments: ReadonlyArray<Assignment<Code, Area>>
  /** LSOAs in scope with no patients registered at the reference's practices: they need an override. */
  readonly unassigned: ReadonlyArray<Code>
  readonly rowsUsed: number
  /** Rows for LSOAs outside the scope, ignored. */
  readonly rowsOutOfScope: number
  readonly excluded: Excluded<Code>
}

/** A row of an extract that could not be used: its index, its line when known, and why. */
export interface RowProblem {
  readonly row: number
  readonly line?: number
  readonly problem: string
}

// --- counting ---

const where = (row: RegistrationRow, index: number): string =>
  row.line === undefined ? `row ${index + 1}` : `line ${row.line}`

const byCode = <Code extends string>(a: Code, b: Code): number => (a < b ? -1 : a > b ? 1 : 0)

interface Counts<Code extends string> {
  readonly byLsoa: Map<Code, Map<Code, number>>
  readonly problems: RowProblem[]
  readonly excludedPractices: Set<Code>
  readonly excludedInScope: Set<Code>
  excludedPatients: number
  excludedPatientsInScope: number
  rowsUsed: number
  rowsOutOfScope: number
}

const count = <Code extends string>(
  inScope: ReadonlySet<Code>,
  rows: ReadonlyArray<RegistrationRow<Code>>,
  pcnOf: (practice: Code) => Code | undefined,
): Counts<Code> => {
  const counts: Counts<Code> = {
    byLsoa: new Map(),
    problems: [],
    excludedPractices: new Set(),
    excludedInScope: new Set(),
    excludedPatients: 0,
    excludedPatientsInScope: 0,
    rowsUsed: 0,
    rowsOutOfScope: 0,
  }
  rows.forEach((row, index) => {
    if (!Number.isSafeInteger(row.patients) || row.patients < 0) {
      counts.problems.push({
        row: index,
        ...(row.line === undefined ? {} : { line: row.line }),
        problem: `${where(row, index)}: NUMBER_OF_PATIENTS ${String(row.patients)} for ${row.practice} in ${row.lsoa} is not a whole number ≥ 0`,
      })
      return
    }
    const pcn = pcnOf(row.practice)
    const scoped = inScope.has(row.lsoa)
    if (pcn === undefined) {
      counts.excludedPractices.add(row.practice)
      counts.excludedPatients += row.patients
      if (scoped && row.patients > 0) {
        counts.excludedInScope.add(row.practice)
        counts.excludedPatientsInScope += row.patients
      }
      return
    }
    if (!scoped) {
      counts.rowsOutOfScope++
      return
    }
    counts.rowsUsed++
    let byPcn = counts.byLsoa.get(row.lsoa)
    if (byPcn === undefined) {
      byPcn = new Map()
      counts.byLsoa.set(row.lsoa, byPcn)
    }
    byPcn.set(pcn, (byPcn.get(pcn) ?? 0) + row.patients)
  })
  return counts
}

// --- the method ---

/**
 * Assigns each LSOA of `scope` to its dominant PCN, and to the area `areaOf` gives that PCN. Rows of
 * practices `pcnOf` knows no PCN for are excluded and counted; rows with a count that is not a whole
 * number ≥ 0 are returned as problems, and then nothing else is.
 */
export const assignDominantLsoa = <Code extends string, Area extends string = string>(
  scope: ReadonlyArray<Code>,
  rows: ReadonlyArray<RegistrationRow<Code>>,
  pcnOf: (practice: Code) => Code | undefined,
  areaOf: (pcn: Code) => Area | undefined = () => undefined,
): Either<ReadonlyArray<RowProblem>, AssignmentRun<Code, Area>> => {
  const inScope = new Set(scope)
  const counts = count(inScope, rows, pcnOf)
  if (counts.problems.length > 0) return left(counts.problems)
  const assignments: Array<Assignment<Code, Area>> = []
  const unassigned: Code[] = []
  const area = (pcn: Code): { readonly area?: Area } => {
    const found = areaOf(pcn)
    return found === undefined ? {} : { area: found }
  }
  for (const lsoa of [...inScope].sort(byCode)) {
    const ranked = [...(counts.byLsoa.get(lsoa) ?? new Map<Code, number>())]
      .filter(([, patients]) => patients > 0)
      .sort(([a, x], [b, y]) => y - x || byCode(a, b))
    const total = ranked.reduce((sum, [, patients]) => sum + patients, 0)
    const [winner, second] = ranked
    if (winner === undefined || total === 0) {
      unassigned.push(lsoa)
      continue
    }
    assignments.push({
      lsoa,
      pcn: winner[0],
      ...area(winner[0]),
      patients: winner[1],
      total,
      share: Math.round((winner[1] / total) * 10_000) / 10_000,
      ...(second === undefined ? {} : { runnerUp: { pcn: second[0], patients: second[1], ...area(second[0]) } }),
      tie: second !== undefined && second[1] === winner[1],
    })
  }
  return right({
    assignments,
    unassigned,
    rowsUsed: counts.rowsUsed,
    rowsOutOfScope: counts.rowsOutOfScope,
    excluded: {
      practices: counts.excludedPractices.size,
      patients: counts.excludedPatients,
      practicesInScope: [...counts.excludedInScope].sort(byCode),
      patientsInScope: counts.excludedPatientsInScope,
    },
  })
}
