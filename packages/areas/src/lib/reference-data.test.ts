/**
 * Codes, CSV reading and the shipped reference data: what loads, as published — many-to-many
 * lookups kept, every ward vintage since 2016 — and that every shipped release passes the release
 * rules.
 */
import test from 'ava'
import fc from 'fast-check'

import type { ImportReleaseInput } from '../release/commands'
import { ImportRelease } from '../release/commands'
import { releaseProblems } from '../release/decide'
import { AREA_TYPES, codeProblem, typeOfCode } from './codes'
import { CsvError, parseCsv } from './csv'
import { practiceRows } from './practices'
import {
  districtHierarchyRelease,
  lsoa2011HealthRelease,
  lsoa2011WardRelease,
  lsoa2021Ward2025Release,
  msoaRelease,
  parishRelease,
  referenceReleases,
  wardDivisionRelease,
  wardVintageReleases,
} from './reference-data'
import { decoded } from './test-helpers.test-fixture'

const importOf = (input: ImportReleaseInput) => decoded(ImportRelease, input)

// --- codes ---

test('codes: a GSS code must be nine characters and its prefix must match the kind of area', (t) => {
  t.is(codeProblem('E01015589', 'lsoa'), undefined)
  t.is(codeProblem('E07000008', 'district'), undefined)
  t.is(codeProblem('E06000031', 'district'), undefined)
  t.is(codeProblem('E58000059', 'county-division'), undefined)
  t.is(codeProblem('U88254', 'pcn'), undefined)
  t.is(codeProblem('D81001', 'practice'), undefined)
  t.regex(codeProblem('E0101558', 'lsoa') ?? '', /"E0101558" is not a GSS code/)
  t.regex(codeProblem('e01015589', 'lsoa') ?? '', /not a GSS code/)
  t.regex(codeProblem('E05010805', 'lsoa') ?? '', /E05010805 has prefix E05, which is not a lsoa code \(E01, W01\)/)
  t.regex(codeProblem('E01015589', 'ward') ?? '', /prefix E01, which is not a ward code/)
  t.regex(codeProblem('U8825', 'pcn') ?? '', /not a PCN code/)
  t.regex(codeProblem('81001', 'practice') ?? '', /not a GP practice ODS code/)
  t.regex(codeProblem(42, 'ward') ?? '', /must be a string/)
})

test('codes: every well-formed code is accepted for the kind its prefix names, and only that kind', (t) => {
  const gssTypes = (Object.keys(AREA_TYPES) as Array<keyof typeof AREA_TYPES>).filter(
    (k) => k !== 'pcn' && k !== 'practice',
  )
  fc.assert(
    fc.property(fc.constantFrom(...gssTypes), fc.integer({ min: 0, max: 99_999_999 }), (type, n) => {
      const prefix = AREA_TYPES[type][0] as string
      const code = `${prefix}${String(n)
        .padStart(8, '0')
        .slice(prefix.length - 1)}`
      return codeProblem(code, type) === undefined && typeOfCode(code) === type
    }),
  )
  t.pass()
})

// --- CSV ---

test('csv: quoted fields with commas and doubled quotes, CRLF, and a BOM are read as written', (t) => {
  const rows = parseCsv('\ufeffA,B\r\n1,"ORCHARD SURGERY,MELBOURN"\r\n2,"say ""hi"""\r\n', ['A', 'B'])
  t.deepEqual(
    rows.map((r) => [r.line, r.fields['A'], r.fields['B']]),
    [
      [2, '1', 'ORCHARD SURGERY,MELBOURN'],
      [3, '2', 'say "hi"'],
    ],
  )
})

test('csv: a missing column, a short row and an unclosed quote are errors naming the line', (t) => {
  t.throws(() => parseCsv('A,B\n1,2\n', ['A', 'C']), { instanceOf: CsvError, message: /line 1: the header lacks C/ })
  t.throws(() => parseCsv('A,B\n1,2\n3\n'), { message: /line 3: has 1 fields where the header has 2/ })
  t.throws(() => parseCsv('A,B\n1,"2\n'), { message: /line 2: a quoted field is not closed/ })
})

// --- the real data ---

test('the reference data loads: 487 LSOA-2011, 516 LSOA-2021, 120 wards, 264 parishes, 59 divisions, 22 PCNs, 87 practices', (t) => {
  const count = (release: ImportReleaseInput, type: string, vintage: string): number =>
    release.areaSets.find((s) => s.type === type && s.vintage === vintage)?.areas.length ?? 0
  t.is(count(lsoa2011WardRelease(), 'lsoa', '2011'), 487)
  t.is(count(lsoa2021Ward2025Release(), 'lsoa', '2021'), 516)
  t.is(count(lsoa2021Ward2025Release(), 'ward', '2025'), 120)
  t.is(count(parishRelease(), 'parish', '2019-12'), 264)
  t.is(count(wardDivisionRelease(), 'county-division', '2019'), 59)
  const practices = practiceRows()
  t.is(practices.length, 87)
  t.is(new Set(practices.map((p) => p.pcn)).size, 22)
  t.is(count(lsoa2011HealthRelease(), 'sub-icb', '2017'), 1)
  t.is(count(lsoa2011HealthRelease(), 'icb', '2017'), 1)
  t.is(
    new Set([
      ...msoaRelease()
        .areaSets.filter((s) => s.type === 'msoa')
        .flatMap((s) => s.areas.map((a) => a.code)),
    ]).size,
    77,
  )
  const hierarchy = districtHierarchyRelease().lookups.find((l) => l.to.type === 'county')
  t.is(hierarchy?.pairs.length, 5, 'the five county districts have a county above them')
  t.false(hierarchy?.pairs.some(([district]) => district === 'E06000031') ?? true, 'Peterborough is unitary')
  const releases = referenceReleases()
  t.is(releases.length, 12)
  for (const release of releases) t.deepEqual(releaseProblems(importOf(release)), [], release.releaseId)
})

test('the reference data keeps many-to-many lookups as published, and Cambridge has no parishes', (t) => {
  const divisions = wardDivisionRelease().lookups.find((l) => l.to.type === 'county-division')
  const perWard = new Map<string, number>()
  for (const [ward] of divisions?.pairs ?? []) perWard.set(ward, (perWard.get(ward) ?? 0) + 1)
  t.true(
    [...perWard.values()].some((n) => n > 1),
    'some wards sit in two divisions',
  )
  const parishes = parishRelease().lookups.find((l) => l.from.type === 'parish')
  const perParish = new Map<string, number>()
  for (const [parish] of parishes?.pairs ?? []) perParish.set(parish, (perParish.get(parish) ?? 0) + 1)
  t.true(
    [...perParish.values()].some((n) => n > 1),
    'some parishes span wards',
  )
  const cambridgeWards = new Set(
    lsoa2011WardRelease()
      .lookups.find((l) => l.from.type === 'ward')
      ?.pairs.filter(([, district]) => district === 'E07000008')
      .map(([ward]) => ward),
  )
  t.true(cambridgeWards.size > 0)
  t.false(parishes?.pairs.some(([, ward]) => cambridgeWards.has(ward)) ?? true)
})

// --- every ward vintage ---

test('every ward vintage since 2016 is a release of its own, each ward with its district', (t) => {
  const releases = wardVintageReleases()
  t.deepEqual(
    releases.map((r) => [r.releaseId, r.areaSets.find((s) => s.type === 'ward')?.areas.length]),
    [
      ['ons-wards-2016', 140],
      ['ons-wards-2018', 50],
      ['ons-wards-2019', 15],
      ['ons-wards-2022', 20],
      ['ons-wards-2023', 20],
    ],
  )
  for (const release of releases) {
    t.deepEqual(releaseProblems(importOf(release)), [], release.releaseId)
    const wards = release.areaSets.find((s) => s.type === 'ward')
    const lookup = release.lookups.find((l) => l.from.type === 'ward' && l.to.type === 'district')
    t.is(lookup?.pairs.length, wards?.areas.length, `${release.releaseId}: every ward has its district`)
  }
  t.true(
    referenceReleases().some((r) => r.releaseId === 'ons-wards-2016'),
    'the reference data includes them',
  )
})

test('2016 ward codes no other release has — Huntingdonshire, South and East Cambridgeshire before their reviews — can be named', (t) => {
  const others = new Set(
    [lsoa2011WardRelease(), wardDivisionRelease(), parishRelease(), lsoa2021Ward2025Release()].flatMap((r) =>
      r.areaSets.filter((s) => s.type === 'ward').flatMap((s) => s.areas.map((a) => a.code)),
    ),
  )
  const of2016 = wardVintageReleases().find((r) => r.releaseId === 'ons-wards-2016')
  const wards = of2016?.areaSets.find((s) => s.type === 'ward' && s.vintage === '2016')?.areas ?? []
  t.deepEqual(
    wards.find((w) => w.code === 'E05002763'),
    { code: 'E05002763', name: 'Brampton' },
    'Brampton, a Huntingdonshire ward until 2018',
  )
  t.false(others.has('E05002763'))
  t.is(wards.filter((w) => !others.has(w.code)).length, 82)
})
