/**
 * Where a grant's beneficiaries are, in 360Giving's terms. An area whose kind 360Giving has a
 * `geoCodeType` for (LSOA, ward, parish, district, county, region…) is published as itself, its
 * type read from its ONS code's entity prefix — exactly what the codelist keys each type on. An area
 * it has none for (a service delivery area, a county division, an ICB, a PCN, a combined authority)
 * is published as the areas it is made of: the LSOAs the application records, else the LSOAs or the
 * districts the lookups give it (see `substitutes`).
 */
import type { AreaType } from '@civic-ledger/areas'

// --- model ---

/** What the area lookup knows of an area. */
export interface AreaInfo {
  readonly name: string
  readonly type: AreaType | 'service-delivery-area'
  /** The LSOAs it is made of, by lookup or by its scheme; needed only for an area with no geoCodeType. */
  readonly lsoas?: ReadonlyArray<string>
  /** The districts it lies in; needed only for an area with no geoCodeType. */
  readonly districts?: ReadonlyArray<string>
}

/** A 360Giving location (`beneficiaryLocation[]`). */
export interface ThreeSixtyGivingLocation {
  readonly name?: string
  readonly geoCode: string
  readonly geoCodeType: string
  readonly countryCode: 'GB'
  readonly description?: string
}

/** An area that could not be published, and why. */
export interface LocationProblem {
  readonly code: 'unknown-area' | 'unplaceable-area'
  readonly area: string
  readonly message: string
}

// --- the codelist mapping ---

/**
 * The 360Giving `geoCodeType` of each ONS entity (a code's first three characters) the areas package
 * knows, from the codelist's own entity links. E38 is the codelist's `CCG`: sub-ICB locations kept
 * the entity when CCGs became them. E47 combined authorities, E54 ICBs, E58 county divisions, PCNs
 * and service delivery areas have no type.
 */
export const GEO_CODE_TYPES: Readonly<Record<string, string>> = {
  E00: 'OA',
  E01: 'LSOA',
  E02: 'MSOA',
  E04: 'PAR',
  E05: 'WD',
  E06: 'UA',
  E07: 'NMD',
  E08: 'MD',
  E09: 'LONB',
  E10: 'CTY',
  E12: 'RGN/GOR',
  E38: 'CCG',
  W00: 'OA',
  W01: 'LSOA',
  W02: 'MSOA',
  W04: 'COM',
  W05: 'WD',
  W06: 'UA',
}

/** The 360Giving geoCodeType of an area's code, or undefined when 360Giving has none for its kind. */
export const geoCodeTypeOf = (code: string): string | undefined =>
  /^[EW]\d{8}$/.test(code) ? GEO_CODE_TYPES[code.slice(0, 3)] : undefined

/** Kinds of area made of whole districts: published as those districts rather than hundreds of LSOAs. */
const MADE_OF_DISTRICTS: ReadonlyArray<AreaInfo['type']> = ['icb', 'combined-authority']

const KIND: Readonly<Record<AreaInfo['type'], string>> = {
  oa: 'output area',
  lsoa: 'LSOA',
  msoa: 'MSOA',
  parish: 'parish',
  ward: 'ward',
  district: 'district',
  county: 'county',
  region: 'region',
  'sub-icb': 'sub-ICB location',
  'combined-authority': 'combined authority',
  icb: 'integrated care board',
  'county-division': 'county division',
  pcn: 'primary care network',
  practice: 'GP practice',
  'service-delivery-area': 'service delivery area',
}

// --- resolving ---

/**
 * What to publish for an area with no geoCodeType, and which kind it is: the LSOAs the application
 * records; else, for an ICB or a combined authority, its districts (LSOAs when none are known); else
 * its LSOAs (districts when none are known).
 */
export const substitutes = (
  area: AreaInfo,
  drafted: ReadonlyArray<string> | null,
): { readonly codes: ReadonlyArray<string>; readonly as: 'lsoas' | 'districts' } | undefined => {
  if (drafted !== null && drafted.length > 0) return { codes: drafted, as: 'lsoas' }
  const lsoas = { codes: area.lsoas ?? [], as: 'lsoas' as const }
  const districts = { codes: area.districts ?? [], as: 'districts' as const }
  const order = MADE_OF_DISTRICTS.includes(area.type) ? [districts, lsoas] : [lsoas, districts]
  return order.find((o) => o.codes.length > 0)
}

const located = (code: string, lookup: (code: string) => AreaInfo | undefined, description?: string) => {
  const geoCodeType = geoCodeTypeOf(code)
  if (geoCodeType === undefined) return undefined
  const name = lookup(code)?.name
  const location: ThreeSixtyGivingLocation = {
    ...(name === undefined ? {} : { name }),
    geoCode: code,
    geoCodeType,
    countryCode: 'GB',
    ...(description === undefined ? {} : { description }),
  }
  return location
}

/**
 * The beneficiary locations of a grant serving `areas` (and, when its draft records them, `lsoas`),
 * each code once; or the problems: an area the lookup does not know, or one with no geoCodeType
 * and nothing known to publish in its place.
 */
export const beneficiaryLocations = (
  areas: ReadonlyArray<string>,
  lsoas: ReadonlyArray<string> | null,
  lookup: (code: string) => AreaInfo | undefined,
): {
  readonly locations: ReadonlyArray<ThreeSixtyGivingLocation>
  readonly problems: ReadonlyArray<LocationProblem>
} => {
  const locations = new Map<string, ThreeSixtyGivingLocation>()
  const problems: LocationProblem[] = []
  for (const code of areas) {
    const area = lookup(code)
    const direct = located(code, lookup)
    if (direct !== undefined && area !== undefined) {
      locations.set(code, direct)
      continue
    }
    if (area === undefined) {
      problems.push({ code: 'unknown-area', area: code, message: `area ${code} is not known to the area lookup` })
      continue
    }
    const instead = substitutes(area, lsoas)
    const placed = (instead?.codes ?? []).flatMap((c) => {
      const description = `In ${area.name} (${KIND[area.type]} ${code}), which has no 360Giving geoCodeType`
      const location = located(c, lookup, description)
      return location === undefined ? [] : [location]
    })
    if (placed.length === 0) {
      problems.push({
        code: 'unplaceable-area',
        area: code,
        message: `${KIND[area.type]} ${code} has no 360Giving geoCodeType, and no LSOAs or districts of it are known`,
      })
      continue
    }
    for (const location of placed) if (!locations.has(location.geoCode)) locations.set(location.geoCode, location)
  }
  return { locations: [...locations.values()], problems }
}
