/**
 * The dominant-LSOA method on hand-made extracts: each LSOA to its dominant PCN and that PCN's area,
 * dominance counted over PCNs (not areas), ties broken and recorded, practices outside the PCN
 * reference left out and counted, bad counts refused by line, and a result that does not depend on
 * the order of the rows.
 */
import test from 'ava'
import fc from 'fast-check'
import { isLeft, isRight } from 'fp-ts/Either'

import type { RegistrationRow } from './dominant-lsoa'
import { assignDominantLsoa } from './dominant-lsoa'

const L1 = 'E01015589'
const L2 = 'E01015590'
const L3 = 'E01015591'
const MEMBERS: Record<string, string> = {
  D81001: 'U00001',
  D81002: 'U00002',
  D81003: 'U00002',
  D81004: 'U00003',
  D81005: 'U00004',
}
const AREAS: Record<string, string> = { U00001: 'north', U00002: 'south', U00003: 'south' }
const pcnOf = (practice: string): string | undefined => MEMBERS[practice]
const areaOf = (pcn: string): string | undefined => AREAS[pcn]

test('each LSOA goes to its dominant PCN and that PCN’s area, with its share, the runner-up and the total', (t) => {
  const rows: RegistrationRow[] = [
    { practice: 'D81001', lsoa: L1, patients: 500 },
    { practice: 'D81002', lsoa: L1, patients: 300 },
    { practice: 'D81003', lsoa: L1, patients: 300 }, // same PCN as D81002: 600 in all, so U00002 wins
    { practice: 'D81004', lsoa: L2, patients: 10 },
  ]
  const run = assignDominantLsoa([L1, L2, L3], rows, pcnOf, areaOf)
  if (isLeft(run)) return t.fail(run.left.map((p) => p.problem).join('; '))
  t.deepEqual(run.right.assignments, [
    {
      lsoa: L1,
      pcn: 'U00002',
      area: 'south',
      patients: 600,
      total: 1100,
      share: 0.5455,
      runnerUp: { pcn: 'U00001', patients: 500, area: 'north' },
      tie: false,
    },
    { lsoa: L2, pcn: 'U00003', area: 'south', patients: 10, total: 10, share: 1, tie: false },
  ])
  t.deepEqual(run.right.unassigned, [L3], 'an LSOA with no registrations is left for an override')
})

test('dominance is counted over PCNs, not areas: the dominant PCN’s area wins though another area’s PCNs hold more', (t) => {
  // U00001 (north) 400; U00002 350 and U00003 250 (both south, 600 between them).
  const rows: RegistrationRow[] = [
    { practice: 'D81001', lsoa: L1, patients: 400 },
    { practice: 'D81002', lsoa: L1, patients: 350 },
    { practice: 'D81004', lsoa: L1, patients: 250 },
  ]
  const run = assignDominantLsoa([L1], rows, pcnOf, areaOf)
  if (isLeft(run)) return t.fail()
  t.like(run.right.assignments[0], {
    pcn: 'U00001',
    area: 'north',
    share: 0.4,
    runnerUp: { pcn: 'U00002', patients: 350, area: 'south' },
  })
})

test('a tie goes to the lower PCN code, and says it was a tie', (t) => {
  const rows = [
    { practice: 'D81004', lsoa: L1, patients: 250 },
    { practice: 'D81001', lsoa: L1, patients: 250 },
  ]
  const run = assignDominantLsoa([L1], rows, pcnOf, areaOf)
  if (isLeft(run)) return t.fail()
  t.like(run.right.assignments[0], {
    pcn: 'U00001',
    area: 'north',
    tie: true,
    share: 0.5,
    runnerUp: { pcn: 'U00003', patients: 250, area: 'south' },
  })
})

test('a dominant PCN in no area gives the LSOA its PCN and no area', (t) => {
  const run = assignDominantLsoa([L1], [{ practice: 'D81005', lsoa: L1, patients: 9 }], pcnOf, areaOf)
  if (isLeft(run)) return t.fail()
  t.deepEqual(run.right.assignments, [{ lsoa: L1, pcn: 'U00004', patients: 9, total: 9, share: 1, tie: false }])
})

test('practices with no PCN in the reference are left out and counted — in scope and anywhere — and the run goes on', (t) => {
  const run = assignDominantLsoa(
    [L1, L2],
    [
      { practice: 'D81001', lsoa: L1, patients: 40 },
      { practice: 'Y99999', lsoa: L1, patients: 60, line: 9 }, // more than D81001, but over the border
      { practice: 'Y99999', lsoa: 'E01000001', patients: 500 },
      { practice: 'Y99998', lsoa: 'E01000002', patients: 700 },
      { practice: 'Y99997', lsoa: L2, patients: 0 },
    ],
    pcnOf,
    areaOf,
  )
  if (isLeft(run)) return t.fail(run.left.map((p) => p.problem).join('; '))
  t.deepEqual(run.right.excluded, { practices: 3, patients: 1260, practicesInScope: ['Y99999'], patientsInScope: 60 })
  t.like(run.right.assignments[0], { lsoa: L1, pcn: 'U00001', patients: 40, total: 40, share: 1 })
  t.deepEqual(run.right.unassigned, [L2])
  t.is(run.right.rowsUsed, 1)
})

test('negative or fractional counts are refused, each naming its line', (t) => {
  const run = assignDominantLsoa(
    [L1],
    [
      { practice: 'D81001', lsoa: L1, patients: -3, line: 7 },
      { practice: 'D81001', lsoa: L1, patients: 2.5, line: 8 },
      { practice: 'Y99999', lsoa: L1, patients: -1, line: 9 },
    ],
    pcnOf,
  )
  if (isRight(run)) return t.fail('expected problems')
  t.deepEqual(
    run.left.map((p) => p.problem),
    [
      'line 7: NUMBER_OF_PATIENTS -3 for D81001 in E01015589 is not a whole number ≥ 0',
      'line 8: NUMBER_OF_PATIENTS 2.5 for D81001 in E01015589 is not a whole number ≥ 0',
      'line 9: NUMBER_OF_PATIENTS -1 for Y99999 in E01015589 is not a whole number ≥ 0',
    ],
  )
})

const lsoaCode = fc.integer({ min: 0, max: 40 }).map((n) => `E0100${String(n).padStart(4, '0')}`)
const practiceCode = fc.integer({ min: 1, max: 14 }).map((n) => `D8${String(n).padStart(4, '0')}`)

test('property: the assignment does not depend on the order of the rows', (t) => {
  fc.assert(
    fc.property(
      fc.uniqueArray(lsoaCode, { minLength: 1, maxLength: 25 }),
      fc.array(fc.record({ practice: practiceCode, lsoa: lsoaCode, patients: fc.integer({ min: 0, max: 60 }) }), {
        maxLength: 120,
      }),
      // 12 practices in 4 PCNs; the other two are outside the reference.
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 12, maxLength: 12 }),
      fc.nat(),
      (scope, rows, pcns, seed) => {
        const members = new Map(pcns.map((p, i) => [`D8${String(i + 1).padStart(4, '0')}`, `U0000${p}`]))
        const pcnOfGenerated = (practice: string) => members.get(practice)
        const areaOfGenerated = (pcn: string) => (pcn <= 'U00002' ? 'west' : 'east')
        const shuffled = [...rows].sort((a, b) => ((a.patients * 31 + seed) % 7) - ((b.patients * 31 + seed) % 7))
        t.deepEqual(
          assignDominantLsoa(scope, rows, pcnOfGenerated, areaOfGenerated),
          assignDominantLsoa([...scope].reverse(), shuffled, pcnOfGenerated, areaOfGenerated),
        )
      },
    ),
  )
})
