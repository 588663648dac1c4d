/**
 * Area codes and the kinds of area they name. ONS (GSS) codes are nine characters, a country letter
 * and eight digits, and their first three characters say what kind of area they are; PCNs have NHS
 * codes (`U` and five digits) and practices ODS codes (a letter and five digits). A code whose
 * prefix does not match the kind it is declared as is refused, naming both.
 */
import * as t from 'io-ts'

/** The kinds of area the package knows, and the code prefixes each may carry. */
export const AREA_TYPES = {
  oa: ['E00', 'W00'],
  lsoa: ['E01', 'W01'],
  msoa: ['E02', 'W02'],
  parish: ['E04', 'W04'],
  ward: ['E05', 'W05'],
  district: ['E06', 'E07', 'E08', 'E09', 'W06'],
  county: ['E10'],
  region: ['E12'],
  'sub-icb': ['E38'],
  'combined-authority': ['E47'],
  icb: ['E54'],
  'county-division': ['E58'],
  pcn: ['U'],
  practice: [],
} as const satisfies Record<string, ReadonlyArray<string>>

/**
 * A kind of area — `lsoa`, `ward`, `parish`, `county-division`, `pcn`, `practice`, … — a key of `AREA_TYPES`.
 */
export type AreaType = keyof typeof AREA_TYPES

/** Whether a value names a kind of area (a key of `AREA_TYPES`). */
export const isAreaType = (value: unknown): value is AreaType =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(AREA_TYPES, value)

const GSS = /^[EWSNK]\d{8}$/
const PCN = /^U\d{5}$/
const ODS_PRACTICE = /^[A-Z]\d{5}$/

/** Why `code` cannot name an area of `type`, or undefined when it can. */
export const codeProblem = (code: unknown, type: AreaType): string | undefined => {
  if (typeof code !== 'string') return `a ${type} code must be a string`
  if (type === 'pcn') return PCN.test(code) ? undefined : `${JSON.stringify(code)} is not a PCN code (U and 5 digits)`
  if (type === 'practice')
    return ODS_PRACTICE.test(code) ? undefined : `${JSON.stringify(code)} is not a GP practice ODS code (e.g. D81001)`
  if (!GSS.test(code)) return `${JSON.stringify(code)} is not a GSS code (a country letter and 8 digits)`
  const prefixes: ReadonlyArray<string> = AREA_TYPES[type]
  return prefixes.some((p) => code.startsWith(p))
    ? undefined
    : `${code} has prefix ${code.slice(0, 3)}, which is not a ${type} code (${prefixes.join(', ')})`
}

/** The kind of area a GSS code's prefix says it is, if any. */
export const typeOfCode = (code: string): AreaType | undefined =>
  (Object.keys(AREA_TYPES) as AreaType[]).find((type) => codeProblem(code, type) === undefined)

/** The codec of an `AreaType`. */
export const AreaTypeCodec = t.keyof(
  Object.fromEntries(Object.keys(AREA_TYPES).map((k) => [k, null])) as Record<AreaType, null>,
  'AreaType',
)

/** The brand of `Vintage`. */
export interface VintageBrand {
  readonly Vintage: unique symbol
}

/** A vintage label: a year, optionally with a month (`2021`, `2019-12`). */
export const Vintage = t.brand(
  t.string,
  (s): s is t.Branded<string, VintageBrand> => /^\d{4}(-\d{2})?$/.test(s),
  'Vintage',
)
export type Vintage = t.TypeOf<typeof Vintage>

/** How a release's areas or lookup were made (ONS terms). */
export const LookupMethod = t.keyof({ exact: null, 'best-fit': null, derived: null }, 'LookupMethod')
export type LookupMethod = t.TypeOf<typeof LookupMethod>
