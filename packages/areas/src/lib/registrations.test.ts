/**
 * NHS registration extracts: read in NHS England's layout, modelled from real locations, and turned
 * into a RunAssignment command.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import test from 'ava'
import { isLeft, isRight } from 'fp-ts/Either'

import { RunAssignment } from '../sda-scheme/commands'
import { DATA_DIR } from './data-files'
import { lsoa2021Centroids, MODELLED_EXTRACT_FILE, practiceRows } from './practices'
import {
  assignmentFromExtract,
  extractDate,
  formatRegistrationExtract,
  modelRegistrations,
  parseRegistrationExtract,
} from './registrations'
import { decoded } from './test-helpers.test-fixture'

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

test('a RunAssignment command is built from an extract file, naming the PCN reference its practices are read from', (t) => {
  const header = 'PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS'
  const options = {
    schemeId: 'test-scheme',
    referenceId: '06H-2024-03',
    source: { name: 'hand-made', licence: 'none' },
    modelled: true,
  }
  const built = assignmentFromExtract(`${header}\nP,01MAR2024,D81001,X,E01018005,ALL,10\n`, options)
  if (isLeft(built)) return t.fail(built.left.join('; '))
  const command = decoded(RunAssignment, built.right)
  t.is<string, string>(command.pcnReference, '06H-2024-03')
  t.is<string, string>(command.extract.extractDate, '2024-03-01')
  t.deepEqual(command.extract.rows, [{ practice: 'D81001', lsoa: 'E01018005', patients: 10, line: 2 }])
  t.false('memberships' in command, "each practice's PCN is the reference's, not the caller's")
  const bad = assignmentFromExtract(`${header}\nP,2024-09-01,D81001,X,E01018005,ALL,-1\n`, options)
  t.deepEqual(isLeft(bad) ? bad.left : [], ['line 2: NUMBER_OF_PATIENTS "-1" is not a whole number ≥ 0'])
})
