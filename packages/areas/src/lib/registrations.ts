/**
 * GP registrations by LSOA, in NHS England's layout ("Patients registered at a GP practice",
 * `gp-reg-pat-prac-lsoa-all.csv`: PUBLICATION, EXTRACT_DATE, PRACTICE_CODE, PRACTICE_NAME, LSOA_CODE,
 * SEX, NUMBER_OF_PATIENTS), and a model of such an extract for places where the real file is not to
 * hand.
 *
 * The model is not NHS data. It spreads each LSOA's residents over its nearest practices by distance
 * from the LSOA's centroid to each practice; the practices, the LSOAs and their locations are real.
 * Every extract it makes says `modelled: true`.
 */
import type { Either } from 'fp-ts/Either'
import { left, right } from 'fp-ts/Either'

import type { RunAssignmentInput } from '../sda-scheme/commands'
import { CsvError, parseCsv } from './csv'
import type { RegistrationRow } from './dominant-lsoa'
import type { LsoaCentroid, PracticeRow } from './practices'

const COLUMNS = ['PUBLICATION', 'EXTRACT_DATE', 'PRACTICE_CODE', 'LSOA_CODE', 'SEX', 'NUMBER_OF_PATIENTS'] as const

/**
 * A registration extract read by `parseRegistrationExtract` or made by `modelRegistrations`: its
 * publication, date and rows.
 */
export interface RegistrationExtract {
  readonly publication: string
  /** ISO date. */
  readonly extractDate: string
  readonly rows: ReadonlyArray<RegistrationRow>
}

const MONTHS: Readonly<Record<string, string>> = {
  JAN: '01',
  FEB: '02',
  MAR: '03',
  APR: '04',
  MAY: '05',
  JUN: '06',
  JUL: '07',
  AUG: '08',
  SEP: '09',
  OCT: '10',
  NOV: '11',
  DEC: '12',
}

/** NHS extract dates come as `01MAR2024` or `2024-03-01`; returns the ISO date or undefined. */
export const extractDate = (text: string): string | undefined => {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (iso !== null) return text
  const nhs = /^(\d{2})([A-Z]{3})(\d{4})$/.exec(text.toUpperCase())
  const month = nhs === null ? undefined : MONTHS[nhs[2] ?? '']
  return nhs === null || month === undefined ? undefined : `${nhs[3] ?? ''}-${month}-${nhs[1] ?? ''}`
}

/**
 * Reads an extract. Rows for `SEX = ALL` are used when the file has them; otherwise male and female
 * rows are added up. Every unreadable row is reported with its line; nothing is returned then.
 */
export const parseRegistrationExtract = (text: string): Either<ReadonlyArray<string>, RegistrationExtract> => {
  let rows
  try {
    rows = parseCsv(text, COLUMNS)
  } catch (error) {
    return left([error instanceof CsvError ? error.message : String(error)])
  }
  const problems: string[] = []
  const publications = new Set<string>()
  const dates = new Set<string>()
  const hasAll = rows.some((r) => (r.fields['SEX'] ?? '').toUpperCase() === 'ALL')
  const totals = new Map<string, RegistrationRow>()
  for (const row of rows) {
    const f = (name: string): string => (row.fields[name] ?? '').trim()
    publications.add(f('PUBLICATION'))
    const date = extractDate(f('EXTRACT_DATE'))
    if (date === undefined)
      problems.push(`line ${row.line}: EXTRACT_DATE ${JSON.stringify(f('EXTRACT_DATE'))} is not a date`)
    else dates.add(date)
    const sex = f('SEX').toUpperCase()
    if (!['ALL', 'MALE', 'FEMALE'].includes(sex)) {
      problems.push(`line ${row.line}: SEX ${JSON.stringify(f('SEX'))} is not ALL, MALE or FEMALE`)
      continue
    }
    if (hasAll !== (sex === 'ALL')) continue
    const count = f('NUMBER_OF_PATIENTS')
    const patients = /^-?\d+$/.test(count) ? Number(count) : Number.NaN
    if (!Number.isSafeInteger(patients) || patients < 0) {
      problems.push(`line ${row.line}: NUMBER_OF_PATIENTS ${JSON.stringify(count)} is not a whole number ≥ 0`)
      continue
    }
    const key = `${f('PRACTICE_CODE')}|${f('LSOA_CODE')}`
    const before = totals.get(key)
    totals.set(key, {
      practice: f('PRACTICE_CODE'),
      lsoa: f('LSOA_CODE'),
      patients: (before?.patients ?? 0) + patients,
      line: before?.line ?? row.line,
    })
  }
  if (publications.size > 1) problems.push(`the file mixes publications: ${[...publications].join(', ')}`)
  if (dates.size > 1) problems.push(`the file mixes extract dates: ${[...dates].join(', ')}`)
  const [publication] = publications
  const [date] = dates
  if (problems.length > 0) return left(problems)
  if (publication === undefined || date === undefined) return left(['the file has no rows'])
  return right({ publication, extractDate: date, rows: [...totals.values()] })
}

/** Writes an extract in NHS England's layout (SEX = ALL rows). */
export const formatRegistrationExtract = (
  extract: RegistrationExtract,
  practiceNames: ReadonlyMap<string, string> = new Map(),
): string => {
  const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  const lines = ['PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,LSOA_CODE,SEX,NUMBER_OF_PATIENTS']
  for (const row of extract.rows)
    lines.push(
      [
        quote(extract.publication),
        extract.extractDate,
        row.practice,
        quote(practiceNames.get(row.practice) ?? ''),
        row.lsoa,
        'ALL',
        String(row.patients),
      ].join(','),
    )
  return `${lines.join('\n')}\n`
}

// --- the model ---

const distanceKm = (a: { lat: number; lng: number }, b: { lat: number; lng: number }): number => {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLng = (b.lng - a.lng) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6371 * Math.asin(Math.sqrt(h))
}

/** How `modelRegistrations` spreads an LSOA's residents over the practices nearest to it. */
export interface ModelOptions {
  /** Residents per LSOA (default 1,650, about the English average). */
  readonly residents?: number
  /** Practices each LSOA's residents are spread over (default 4). */
  readonly nearest?: number
  /** Distance, in km, at which a practice's pull falls to 1/e (default 2.5). */
  readonly decayKm?: number
}

/**
 * A modelled extract: for each LSOA, its residents split over its `nearest` practices in proportion
 * to exp(−distance / decayKm), in whole patients (largest remainders), deterministic.
 */
export const modelRegistrations = (
  lsoas: ReadonlyArray<LsoaCentroid>,
  practices: ReadonlyArray<PracticeRow>,
  extractDateIso: string,
  options: ModelOptions = {},
): RegistrationExtract => {
  const residents = options.residents ?? 1_650
  const nearest = options.nearest ?? 4
  const decay = options.decayKm ?? 2.5
  const rows: RegistrationRow[] = []
  for (const lsoa of lsoas) {
    const ranked = practices
      .map((p) => ({ code: p.code, d: distanceKm(lsoa, p) }))
      .sort((a, b) => a.d - b.d || (a.code < b.code ? -1 : 1))
      .slice(0, nearest)
    const weights = ranked.map((p) => Math.exp(-p.d / decay))
    const sum = weights.reduce((a, b) => a + b, 0)
    const exact = weights.map((w) => (w / sum) * residents)
    const whole = exact.map(Math.floor)
    let left = residents - whole.reduce((a, b) => a + b, 0)
    const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i)
    for (const { i } of order) {
      if (left <= 0) break
      whole[i] = (whole[i] ?? 0) + 1
      left--
    }
    ranked.forEach((p, i) => {
      const patients = whole[i] ?? 0
      if (patients > 0) rows.push({ practice: p.code, lsoa: lsoa.code, patients })
    })
  }
  return { publication: `Modelled registrations (not NHS data), ${extractDateIso}`, extractDate: extractDateIso, rows }
}

// --- from a file to a command ---

/**
 * Builds the `RunAssignment` command for a scheme from an extract file in NHS England's layout. Each
 * practice's PCN is not the caller's to say: the run reads it from the PCN reference named, as it
 * stood on the extract's date. Rows the file cannot give are reported by line, and no command is
 * built.
 */
export const assignmentFromExtract = (
  text: string,
  options: {
    readonly schemeId: string
    readonly referenceId: string
    readonly source: { readonly name: string; readonly licence: string }
    readonly modelled: boolean
  },
): Either<ReadonlyArray<string>, RunAssignmentInput> => {
  const parsed = parseRegistrationExtract(text)
  if (parsed._tag === 'Left') return parsed
  const { publication, extractDate: date, rows } = parsed.right
  return right({
    type: 'RunAssignment',
    schemeId: options.schemeId,
    pcnReference: options.referenceId,
    extract: { publication, extractDate: date, source: options.source, modelled: options.modelled, rows },
  })
}
