/**
 * The PCN reference: imported from the real practice lookup, then dated changes — a practice moving
 * PCN, a PCN closing — with the membership in force on any date; and NHS registration extracts read
 * in NHS England's layout, or modelled.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import { isLeft, isRight } from 'fp-ts/Either'

import { MODELLED_EXTRACT_FILE, referencePcnImport } from './ledger-setup'
import type { PcnCommandInput, PcnEvent } from './pcn'
import { PcnCommand, pcnOn, pcnReferences } from './pcn'
import { DATA_DIR, lsoa2021Centroids, practiceRows } from './reference-data'
import {
  assignmentFromExtract,
  extractDate,
  formatRegistrationExtract,
  modelRegistrations,
  parseRegistrationExtract,
} from './registrations'
import { decoded } from './test-helpers'

const decider = pcnReferences.decider
const spec = deciderSpec(decider)
const command = (input: PcnCommandInput) => decoded(PcnCommand, input)

const importReal = referencePcnImport

const decide = (history: PcnEvent[], input: PcnCommandInput): PcnEvent[] => {
  const decision = decider.decide(command(input), fold(decider, history))
  if (isLeft(decision)) throw new Error(decision.left.message)
  return [...history, ...decision.right]
}

test('the real reference imports: 22 PCNs and 87 practices, each in its PCN from the reference date', (t) => {
  const state = fold(decider, decide([], importReal()))
  t.is(Object.keys(state.pcns).length, 22)
  t.is(Object.keys(state.practices).length, 87)
  t.is(pcnOn(state, 'D81001', '2024-03-01'), 'U88254')
  t.is(pcnOn(state, 'D81001', '2024-02-29'), undefined, 'no membership before the reference date')
})

test('a practice that moves PCN belongs to the old one before the date and the new one from it', (t) => {
  const history = decide(decide([], importReal()), {
    type: 'MovePractice',
    referenceId: '06H-2024-03',
    practice: 'D81001',
    to: 'U24388',
    on: '2024-10-01',
  })
  const state = fold(decider, history)
  t.is(pcnOn(state, 'D81001', '2024-09-30'), 'U88254')
  t.is(pcnOn(state, 'D81001', '2024-10-01'), 'U24388')
  spec(t)
    .given(history)
    .when(
      command({ type: 'MovePractice', referenceId: '06H-2024-03', practice: 'D81001', to: 'U24388', on: '2024-11-01' }),
    )
    .thenRejects('same-pcn')
  spec(t)
    .given(history)
    .when(
      command({ type: 'MovePractice', referenceId: '06H-2024-03', practice: 'D81001', to: 'U88254', on: '2024-06-01' }),
    )
    .thenRejects('not-in-order')
})

test('a PCN closes only when no practice is left in it, and then takes no practices', (t) => {
  const imported = decide([], importReal())
  const members = Object.entries(fold(decider, imported).practices)
    .filter(([, p]) => p.memberships[0]?.pcn === 'U88254')
    .map(([code]) => code)
  t.regex(
    spec(t)
      .given(imported)
      .when(
        command({ type: 'ClosePcn', referenceId: '06H-2024-03', pcn: 'U88254', on: '2025-04-01', reason: 'merged' }),
      )
      .thenRejects('pcn-has-practices')?.message ?? '',
    /still has practices on 2025-04-01: D81001/,
  )
  let history = imported
  for (const practice of members)
    history = decide(history, {
      type: 'MovePractice',
      referenceId: '06H-2024-03',
      practice,
      to: 'U24388',
      on: '2025-04-01',
    })
  history = decide(history, {
    type: 'ClosePcn',
    referenceId: '06H-2024-03',
    pcn: 'U88254',
    on: '2025-04-01',
    reason: 'merged',
  })
  spec(t)
    .given(history)
    .when(
      command({ type: 'MovePractice', referenceId: '06H-2024-03', practice: 'D81002', to: 'U88254', on: '2025-05-01' }),
    )
    .thenRejects('pcn-not-open')
})

test('a reference with a bad code, or a practice in a PCN it does not list, is refused naming them', (t) => {
  const real = importReal() as Extract<PcnCommandInput, { type: 'ImportPcnReference' }>
  const bad = {
    ...real,
    pcns: [...real.pcns.slice(1), { code: 'X12345', name: 'Not a PCN' }],
  }
  const error = spec(t).given([]).when(command(bad)).thenRejects('invalid-reference')
  t.regex(error?.message ?? '', /"X12345" is not a PCN code/)
  t.regex(error?.message ?? '', /belongs to .*, which is not a PCN listed here/)
  spec(t).given(decide([], real)).when(command(real)).thenRejects('reference-exists')
})

// --- registration extracts ---

test('an extract in NHS England layout is read: ALL rows used, dates in either form, lines kept', (t) => {
  const text = [
    'PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS',
    'GP_LSOA_DATA,01MAR2024,D81001,LENSFIELD MEDICAL PRACTICE,E01018005,ALL,812',
    'GP_LSOA_DATA,01MAR2024,D81001,LENSFIELD MEDICAL PRACTICE,E01018005,MALE,400',
    'GP_LSOA_DATA,01MAR2024,D81018,"ORCHARD SURGERY,MELBOURN",E01018269,ALL,1203',
  ].join('\n')
  const read = parseRegistrationExtract(text)
  if (isLeft(read)) return t.fail(read.left.join('; '))
  t.is(read.right.extractDate, '2024-03-01')
  t.deepEqual(read.right.rows, [
    { practice: 'D81001', lsoa: 'E01018005', patients: 812, line: 2 },
    { practice: 'D81018', lsoa: 'E01018269', patients: 1203, line: 4 },
  ])
  t.is(extractDate('2024-03-01'), '2024-03-01')
  t.is(extractDate('31FOO2024'), undefined)
})

test('an extract without ALL rows adds up male and female; bad rows are refused each by line', (t) => {
  const header = 'PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS'
  const read = parseRegistrationExtract(
    [header, 'P,01MAR2024,D81001,X,E01018005,MALE,400', 'P,01MAR2024,D81001,X,E01018005,FEMALE,412'].join('\n'),
  )
  t.true(isRight(read) && read.right.rows[0]?.patients === 812)
  const bad = parseRegistrationExtract(
    [
      header,
      'P,01MAR2024,D81001,X,E01018005,ALL,-4',
      'P,01MAR2024,D81001,X,E01018006,ALL,many',
      'P,2024-04-01,D81001,X,E01018007,ALL,3',
    ].join('\n'),
  )
  if (isRight(bad)) return t.fail('expected problems')
  t.deepEqual(bad.left, [
    'line 2: NUMBER_OF_PATIENTS "-4" is not a whole number ≥ 0',
    'line 3: NUMBER_OF_PATIENTS "many" is not a whole number ≥ 0',
    'the file mixes extract dates: 2024-03-01, 2024-04-01',
  ])
  t.true(isLeft(parseRegistrationExtract('PRACTICE_CODE,LSOA_CODE\nD81001,E01018005\n')))
})

test('a modelled extract gives each LSOA its residents over its nearest practices, and survives the NHS layout', (t) => {
  const lsoas = lsoa2021Centroids()
  const practices = practiceRows()
  const extract = modelRegistrations(lsoas, practices, '2024-03-01')
  const perLsoa = new Map<string, number>()
  for (const row of extract.rows) perLsoa.set(row.lsoa, (perLsoa.get(row.lsoa) ?? 0) + row.patients)
  t.is(perLsoa.size, 516)
  t.true([...perLsoa.values()].every((n) => n === 1_650))
  t.regex(extract.publication, /^Modelled registrations \(not NHS data\)/)
  const again = parseRegistrationExtract(
    formatRegistrationExtract(extract, new Map(practices.map((p) => [p.code, p.name]))),
  )
  if (isLeft(again)) return t.fail(again.left.join('; '))
  t.deepEqual(
    again.right.rows.map(({ practice, lsoa, patients }) => ({ practice, lsoa, patients })),
    extract.rows,
  )
})

test('the modelled extract shipped in data/ is exactly what the model makes, and says it is not NHS data', (t) => {
  const practices = practiceRows()
  const made = formatRegistrationExtract(
    modelRegistrations(lsoa2021Centroids(), practices, '2024-03-01'),
    new Map(practices.map((p) => [p.code, p.name])),
  )
  const shipped = readFileSync(join(DATA_DIR, MODELLED_EXTRACT_FILE), 'utf8')
  t.is(shipped, made)
  t.true(shipped.split('\n')[1]?.startsWith('"Modelled registrations (not NHS data)'))
})

test('a RunAssignment command is built from an extract file with the PCN each practice was in on its date', (t) => {
  const history = decide(decide([], importReal()), {
    type: 'MovePractice',
    referenceId: '06H-2024-03',
    practice: 'D81001',
    to: 'U24388',
    on: '2024-10-01',
  })
  const reference = fold(decider, history)
  const header = 'PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS'
  const options = {
    schemeId: 'test-scheme',
    referenceId: '06H-2024-03',
    reference,
    source: { name: 'hand-made', licence: 'none' },
    modelled: true,
  }
  const membershipOf = (date: string) => {
    const built = assignmentFromExtract(`${header}\nP,${date},D81001,X,E01018005,ALL,10\n`, options)
    if (isLeft(built) || built.right.type !== 'RunAssignment') return undefined
    return built.right.memberships.find((m) => m.practice === 'D81001')?.pcn
  }
  t.is(membershipOf('2024-09-01'), 'U88254')
  t.is(membershipOf('2024-11-01'), 'U24388')
  const bad = assignmentFromExtract(`${header}\nP,2024-09-01,D81001,X,E01018005,ALL,-1\n`, options)
  t.deepEqual(isLeft(bad) ? bad.left : [], ['line 2: NUMBER_OF_PATIENTS "-1" is not a whole number ≥ 0'])
})
