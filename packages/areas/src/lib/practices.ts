/**
 * The health geography the package ships: the 87 GP practices of sub-ICB 06H with their PCNs (about
 * March 2024), the 516 LSOAs of 2021 with their centroids, the PCN reference import built from them,
 * and — for the example ledger and the tests only — a *modelled* grouping of the PCNs into areas.
 *
 * GP practice → PCN lookup: southwest-analytics practice_pcn_catchment (BSD-3), from NHS England and
 * ONS data (OGL v3). LSOA centroids derived from ONS boundaries: Source: Office for National
 * Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and
 * database right.
 */
import type { PcnCommandInput } from '../pcn-reference/commands'
import type { AreaDefinitionInput } from '../sda-scheme/commands'
import { CsvError } from './csv'
import { field, readDataFile } from './data-files'

// --- practices and PCNs ---

/** A GP practice of the shipped data: its ODS code, name, postcode and location. */
export interface PracticeRow {
  readonly code: string
  readonly name: string
  readonly postcode: string
  readonly lat: number
  readonly lng: number
  readonly lsoa2011: string
  readonly lsoa2021: string
  readonly pcn: string
  readonly pcnName: string
  readonly subIcb: string
}

/** The 87 practices of sub-ICB 06H with their location, LSOAs and PCN (about March 2024). */
export const practiceRows = (): ReadonlyArray<PracticeRow> =>
  readDataFile('cambs_pboro_gp_practice_to_pcn_lookup_2024.csv', [
    'PRAC_CODE',
    'PRAC_NAME',
    'PRAC_LAT',
    'PRAC_LNG',
    'PRAC_LSOA11',
    'PRAC_LSOA21',
    'PCN_CODE',
    'PCN_NAME',
    'ONS_LOC_CODE',
  ]).map((row) => {
    const lat = Number(field(row, 'PRAC_LAT'))
    const lng = Number(field(row, 'PRAC_LNG'))
    if (!Number.isFinite(lat) || !Number.isFinite(lng))
      throw new CsvError(row.line, `practice ${field(row, 'PRAC_CODE')} has no usable location`)
    return {
      code: field(row, 'PRAC_CODE'),
      name: field(row, 'PRAC_NAME'),
      postcode: field(row, 'PRAC_POSTCODE'),
      lat,
      lng,
      lsoa2011: field(row, 'PRAC_LSOA11'),
      lsoa2021: field(row, 'PRAC_LSOA21'),
      pcn: field(row, 'PCN_CODE'),
      pcnName: field(row, 'PCN_NAME'),
      subIcb: field(row, 'ONS_LOC_CODE'),
    }
  })

/** An LSOA of 2021 in the shipped data: its code, name, district and centroid. */
export interface LsoaCentroid {
  readonly code: string
  readonly name: string
  readonly district: string
  readonly districtName: string
  readonly lat: number
  readonly lng: number
}

/** The 516 LSOAs of 2021 with their centroids (derived from ONS boundaries). */
export const lsoa2021Centroids = (): ReadonlyArray<LsoaCentroid> =>
  readDataFile('cambs_pboro_lsoa21_with_ward25_by_centroid.csv', [
    'LSOA21CD',
    'LSOA21NM',
    'LADCD',
    'LADNM',
    'centroid_lat',
    'centroid_lon',
  ]).map((row) => ({
    code: field(row, 'LSOA21CD'),
    name: field(row, 'LSOA21NM'),
    district: field(row, 'LADCD'),
    districtName: field(row, 'LADNM'),
    lat: Number(field(row, 'centroid_lat')),
    lng: Number(field(row, 'centroid_lon')),
  }))

// --- the PCN reference ---

/** The id of the PCN reference the shipped practice lookup makes. */
export const REFERENCE_PCN_ID = '06H-2024-03'

/** The PCN reference import for sub-ICB 06H, from the shipped practice lookup (about March 2024). */
export const referencePcnImport = (): PcnCommandInput => {
  const practices = practiceRows()
  return {
    type: 'ImportPcnReference',
    referenceId: REFERENCE_PCN_ID,
    subIcb: 'E38000260',
    asOf: '2024-03-01',
    source: {
      name: 'southwest-analytics practice_pcn_catchment output/lookup.csv',
      licence: 'BSD-3; NHS England and ONS data, OGL v3',
    },
    pcns: [...new Map(practices.map((p) => [p.pcn, p.pcnName]))].map(([code, name]) => ({ code, name })),
    practices: practices.map((p) => ({
      code: p.code,
      name: p.name,
      pcn: p.pcn,
      lsoa2011: p.lsoa2011,
      lsoa2021: p.lsoa2021,
    })),
  }
}

/** The modelled registration extract shipped in `data/` (not NHS data: see `data/README.md`). */
export const MODELLED_EXTRACT_FILE = 'modelled_gp_registrations_lsoa21_2024-03.csv'

// --- a modelled grouping ---

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

/**
 * A *modelled* grouping of the 22 PCNs into six areas, one per district: each PCN goes to the
 * district where most of its practices are (a tie to the lower district code). It is not the
 * council's agreed service delivery areas — those are the partners' and Members' to decide — but
 * it is made from real locations, and every scheme built on it says it is modelled.
 */
export const districtAreaDefinitions = (): ReadonlyArray<AreaDefinitionInput> => {
  const lsoas = new Map(lsoa2021Centroids().map((l) => [l.code, l]))
  const names = new Map([...lsoas.values()].map((l) => [l.district, l.districtName]))
  const byPcn = new Map<string, Map<string, number>>()
  for (const practice of practiceRows()) {
    const district = lsoas.get(practice.lsoa2021)?.district
    if (district === undefined) continue
    const counts = byPcn.get(practice.pcn) ?? new Map<string, number>()
    counts.set(district, (counts.get(district) ?? 0) + 1)
    byPcn.set(practice.pcn, counts)
  }
  const byDistrict = new Map<string, string[]>()
  for (const [pcn, counts] of byPcn) {
    const [district] = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0] ?? []
    if (district !== undefined) byDistrict.set(district, [...(byDistrict.get(district) ?? []), pcn])
  }
  return [...byDistrict]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([district, pcns]) => {
      const name = names.get(district) ?? district
      return { areaId: slug(name), name, pcns: [...pcns].sort() }
    })
}
