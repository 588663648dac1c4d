/**
 * The real Cambridgeshire and Peterborough boundary data shipped in `data/`, turned into
 * `ImportRelease` commands — one per published product, or per vintage of one — read from the files
 * as published; a row that cannot be read is an error naming its file and line.
 *
 * Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains
 * OS data © Crown copyright and database right.
 */
import type { ImportReleaseInput } from '../release/commands'
import type { AreaType, LookupMethod } from './codes'
import { field, onsSource as ONS, readDataFile } from './data-files'

/** Collects the distinct areas of one kind from rows, and the distinct pairs between two kinds. */
class ReleaseBuilder {
  private readonly sets = new Map<string, { type: AreaType; vintage: string; areas: Map<string, string> }>()
  private readonly lookups = new Map<
    string,
    {
      from: { type: AreaType; vintage: string }
      to: { type: AreaType; vintage: string }
      method: LookupMethod
      pairs: Map<string, [string, string]>
    }
  >()

  area(type: AreaType, vintage: string, code: string, name: string): this {
    const key = `${type}@${vintage}`
    let set = this.sets.get(key)
    if (set === undefined) {
      set = { type, vintage, areas: new Map() }
      this.sets.set(key, set)
    }
    if (!set.areas.has(code)) set.areas.set(code, name)
    return this
  }

  link(
    from: { type: AreaType; vintage: string; code: string },
    to: { type: AreaType; vintage: string; code: string },
    method: LookupMethod,
  ): this {
    const key = `${from.type}@${from.vintage}>${to.type}@${to.vintage}`
    let lookup = this.lookups.get(key)
    if (lookup === undefined) {
      lookup = {
        from: { type: from.type, vintage: from.vintage },
        to: { type: to.type, vintage: to.vintage },
        method,
        pairs: new Map(),
      }
      this.lookups.set(key, lookup)
    }
    lookup.pairs.set(`${from.code}>${to.code}`, [from.code, to.code])
    return this
  }

  command(header: Pick<ImportReleaseInput, 'releaseId' | 'title' | 'publisher' | 'source'>): ImportReleaseInput {
    return {
      type: 'ImportRelease',
      ...header,
      areaSets: [...this.sets.values()].map((s) => ({
        type: s.type,
        vintage: s.vintage,
        areas: [...s.areas].map(([code, name]) => ({ code, name })),
      })),
      lookups: [...this.lookups.values()].map((l) => ({
        from: l.from,
        to: l.to,
        method: l.method,
        pairs: [...l.pairs.values()],
      })),
    }
  }
}

/** LSOA 2011 → ward (December 2019) → district: 487 LSOAs, best-fit. */
export const lsoa2011WardRelease = (): ImportReleaseInput => {
  const file = 'cambs_pboro_lsoa11_to_ward19_to_lad19.csv'
  const b = new ReleaseBuilder()
  for (const row of readDataFile(file, ['LSOA11CD', 'LSOA11NM', 'WD19CD', 'WD19NM', 'LAD19CD', 'LAD19NM'])) {
    const lsoa = { type: 'lsoa' as const, vintage: '2011', code: field(row, 'LSOA11CD') }
    const ward = { type: 'ward' as const, vintage: '2019-12', code: field(row, 'WD19CD') }
    const district = { type: 'district' as const, vintage: '2019', code: field(row, 'LAD19CD') }
    b.area('lsoa', '2011', lsoa.code, field(row, 'LSOA11NM'))
      .area('ward', '2019-12', ward.code, field(row, 'WD19NM'))
      .area('district', '2019', district.code, field(row, 'LAD19NM'))
      .link(lsoa, ward, 'best-fit')
      .link(ward, district, 'exact')
  }
  return b.command({
    releaseId: 'ons-lsoa11-ward19-lad19',
    title: 'LSOA (2011) to ward (December 2019) to local authority district: best-fit lookup',
    publisher: 'ONS',
    source: ONS(file),
  })
}

/** Ward → district → county → county electoral division (May 2019): a ward may sit in two divisions. */
export const wardDivisionRelease = (): ImportReleaseInput => {
  const file = 'cambs_ward19_to_lad19_to_cty19_to_ced19.csv'
  const b = new ReleaseBuilder()
  const columns = ['WD19CD', 'WD19NM', 'LAD19CD', 'LAD19NM', 'CTY19CD', 'CTY19NM', 'CED19CD', 'CED19NM']
  for (const row of readDataFile(file, columns)) {
    const ward = { type: 'ward' as const, vintage: '2019-05', code: field(row, 'WD19CD') }
    const division = { type: 'county-division' as const, vintage: '2019', code: field(row, 'CED19CD') }
    const district = { type: 'district' as const, vintage: '2019', code: field(row, 'LAD19CD') }
    const county = { type: 'county' as const, vintage: '2019', code: field(row, 'CTY19CD') }
    b.area('ward', '2019-05', ward.code, field(row, 'WD19NM'))
      .area('county-division', '2019', division.code, field(row, 'CED19NM'))
      .area('district', '2019', district.code, field(row, 'LAD19NM'))
      .area('county', '2019', county.code, field(row, 'CTY19NM'))
      .link(ward, division, 'exact')
      .link(ward, district, 'exact')
      .link(division, county, 'exact')
  }
  return b.command({
    releaseId: 'ons-ward19-ced19',
    title: 'Ward to local authority district to county to county electoral division (May 2019)',
    publisher: 'ONS',
    source: ONS(file),
  })
}

/** Parish → ward → district (December 2019): 264 parishes; a parish may span wards; Cambridge has none. */
export const parishRelease = (): ImportReleaseInput => {
  const file = 'cambs_pboro_parish19_to_ward19_to_lad19.csv'
  const b = new ReleaseBuilder()
  for (const row of readDataFile(file, ['PAR19CD', 'PAR19NM', 'WD19CD', 'WD19NM', 'LAD19CD', 'LAD19NM'])) {
    const parish = { type: 'parish' as const, vintage: '2019-12', code: field(row, 'PAR19CD') }
    const ward = { type: 'ward' as const, vintage: '2019-12', code: field(row, 'WD19CD') }
    const district = { type: 'district' as const, vintage: '2019', code: field(row, 'LAD19CD') }
    b.area('parish', '2019-12', parish.code, field(row, 'PAR19NM'))
      .area('ward', '2019-12', ward.code, field(row, 'WD19NM'))
      .area('district', '2019', district.code, field(row, 'LAD19NM'))
      .link(parish, ward, 'exact')
      .link(ward, district, 'exact')
  }
  return b.command({
    releaseId: 'ons-parish19-ward19-lad19',
    title: 'Parish to ward to local authority district (December 2019)',
    publisher: 'ONS',
    source: ONS(file),
  })
}

/**
 * LSOA 2021 → ward 2025 by centroid (derived), with the 120 wards of 2025 and their districts, and
 * MSOA 2021 names.
 */
export const lsoa2021Ward2025Release = (): ImportReleaseInput => {
  const b = new ReleaseBuilder()
  const wardsFile = 'cambs_pboro_wards2025.csv'
  for (const row of readDataFile(wardsFile, ['WD25CD', 'WD25NM', 'LAD25CD'])) {
    const ward = { type: 'ward' as const, vintage: '2025', code: field(row, 'WD25CD') }
    const district = { type: 'district' as const, vintage: '2025', code: field(row, 'LAD25CD') }
    b.area('ward', '2025', ward.code, field(row, 'WD25NM')).link(ward, district, 'exact')
  }
  const file = 'cambs_pboro_lsoa21_with_ward25_by_centroid.csv'
  for (const row of readDataFile(file, ['LSOA21CD', 'LSOA21NM', 'LADCD', 'LADNM', 'WD25CD_by_centroid'])) {
    const lsoa = { type: 'lsoa' as const, vintage: '2021', code: field(row, 'LSOA21CD') }
    const district = { type: 'district' as const, vintage: '2025', code: field(row, 'LADCD') }
    b.area('lsoa', '2021', lsoa.code, field(row, 'LSOA21NM'))
      .area('district', '2025', district.code, field(row, 'LADNM'))
      .link(lsoa, { type: 'ward', vintage: '2025', code: field(row, 'WD25CD_by_centroid') }, 'derived')
      .link(lsoa, district, 'exact')
  }
  return b.command({
    releaseId: 'derived-lsoa21-ward25-by-centroid',
    title: 'LSOA (2021) to ward (2025) by the ward containing each LSOA centroid, with the 2025 wards',
    publisher: 'Derived from ONS boundaries',
    source: ONS(
      `${wardsFile}, ${file}`,
      'derived: the 2025 ward containing each LSOA centroid; agrees with ONS best-fit for 293 of 315 comparable LSOAs',
    ),
  })
}

/** LSOA 2011 → CCG (2017, now sub-ICB, E38) → STP (2017, now ICB, E54): the health geography. */
export const lsoa2011HealthRelease = (): ImportReleaseInput => {
  const file = 'cambs_pboro_lsoa11_to_ccg17_to_stp17.csv'
  const b = new ReleaseBuilder()
  for (const row of readDataFile(file, ['LSOA11CD', 'LSOA11NM', 'CCG17CD', 'CCG17NM', 'STP17CD', 'STP17NM'])) {
    const lsoa = { type: 'lsoa' as const, vintage: '2011', code: field(row, 'LSOA11CD') }
    const subIcb = { type: 'sub-icb' as const, vintage: '2017', code: field(row, 'CCG17CD') }
    const icb = { type: 'icb' as const, vintage: '2017', code: field(row, 'STP17CD') }
    b.area('lsoa', '2011', lsoa.code, field(row, 'LSOA11NM'))
      .area('sub-icb', '2017', subIcb.code, field(row, 'CCG17NM'))
      .area('icb', '2017', icb.code, field(row, 'STP17NM'))
      .link(lsoa, subIcb, 'exact')
      .link(subIcb, icb, 'exact')
  }
  return b.command({
    releaseId: 'ons-lsoa11-ccg17-stp17',
    title: 'LSOA (2011) to clinical commissioning group to sustainability and transformation partnership (2017)',
    publisher: 'ONS',
    source: ONS(file),
  })
}

/** District → county (upper tier) → combined authority → region. */
export const districtHierarchyRelease = (): ImportReleaseInput => {
  const file = 'cambs_pboro_lad_hierarchy.csv'
  const b = new ReleaseBuilder()
  for (const row of readDataFile(file, [
    'LADCD',
    'LADNM',
    'UTLACD',
    'UTLANM',
    'CAUTHCD',
    'CAUTHNM',
    'RGNCD',
    'RGNNM',
  ])) {
    const district = { type: 'district' as const, vintage: '2025', code: field(row, 'LADCD') }
    const authority = { type: 'combined-authority' as const, vintage: '2025', code: field(row, 'CAUTHCD') }
    const region = { type: 'region' as const, vintage: '2025', code: field(row, 'RGNCD') }
    b.area('district', '2025', district.code, field(row, 'LADNM'))
      .area('combined-authority', '2025', authority.code, field(row, 'CAUTHNM'))
      .area('region', '2025', region.code, field(row, 'RGNNM'))
      .link(district, authority, 'exact')
      .link(district, region, 'exact')
    // A unitary authority is its own upper tier: only a county above a district is recorded.
    if (field(row, 'UTLACD') !== field(row, 'LADCD')) {
      const county = { type: 'county' as const, vintage: '2025', code: field(row, 'UTLACD') }
      b.area('county', '2025', county.code, field(row, 'UTLANM')).link(district, county, 'exact')
    }
  }
  return b.command({
    releaseId: 'ons-lad-hierarchy',
    title: 'Local authority district to upper tier, combined authority and region',
    publisher: 'ONS',
    source: ONS(file),
  })
}

/**
 * The 77 MSOAs of 2011 and 2021 (most are both; a few were split or merged in 2021) with their House
 * of Commons Library names, and their districts.
 */
export const msoaRelease = (): ImportReleaseInput => {
  const file = 'cambs_pboro_msoa_names.csv'
  const b = new ReleaseBuilder()
  for (const row of readDataFile(file, ['MSOAHCLNM', 'LADCD_ACTIVE', 'LADNM_ACTIVE', 'MSOA11CD', 'MSOA21CD'])) {
    const district = { type: 'district' as const, vintage: '2025', code: field(row, 'LADCD_ACTIVE') }
    b.area('district', '2025', district.code, field(row, 'LADNM_ACTIVE'))
    for (const [vintage, column] of [
      ['2011', 'MSOA11CD'],
      ['2021', 'MSOA21CD'],
    ] as const) {
      const code = field(row, column)
      if (code === '') continue
      b.area('msoa', vintage, code, field(row, 'MSOAHCLNM')).link({ type: 'msoa', vintage, code }, district, 'exact')
    }
  }
  return b.command({
    releaseId: 'hocl-msoa-names',
    title: 'MSOAs (2011 and 2021) with House of Commons Library names',
    publisher: 'ONS and House of Commons Library',
    source: {
      name: 'House of Commons Library MSOA names, via drkane/geo-lookups msoa_la.csv',
      licence: 'Open Government Licence v3.0',
    },
  })
}

/** The file of every ward code since 2016, each under the first year whose ONS ward list has it. */
export const WARD_VINTAGES_FILE = 'cambs_pboro_wards_all_vintages.csv'

/**
 * One release per ward vintage in the all-vintages file: the wards first listed that year, each with
 * its district, so a ward code of any boundary review since 2016 can be named and found. 2016 is the
 * earliest year the file covers, so the 2016 wards are those in use then, some older; each later
 * year holds the codes its boundary reviews made (Huntingdonshire and South Cambridgeshire 2018, East
 * Cambridgeshire 2019, Cambridge 2022, Fenland 2023). The file has no LSOA lookups: these wards are
 * reached by code, not from an LSOA.
 */
export const wardVintageReleases = (): ReadonlyArray<ImportReleaseInput> => {
  const builders = new Map<string, ReleaseBuilder>()
  for (const row of readDataFile(WARD_VINTAGES_FILE, ['WDCD', 'WDNM', 'LADCD', 'LADNM', 'SOURCEFILE'])) {
    const vintage = field(row, 'SOURCEFILE')
    let b = builders.get(vintage)
    if (b === undefined) {
      b = new ReleaseBuilder()
      builders.set(vintage, b)
    }
    const ward = { type: 'ward' as const, vintage, code: field(row, 'WDCD') }
    const district = { type: 'district' as const, vintage, code: field(row, 'LADCD') }
    b.area('ward', vintage, ward.code, field(row, 'WDNM'))
      .area('district', vintage, district.code, field(row, 'LADNM'))
      .link(ward, district, 'exact')
  }
  return [...builders]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([vintage, b]) =>
      b.command({
        releaseId: `ons-wards-${vintage}`,
        title:
          vintage === '2016'
            ? 'Wards in use in 2016, with their districts'
            : `Wards first listed in ${vintage} (boundary reviews), with their districts`,
        publisher: 'ONS',
        source: ONS(
          WARD_VINTAGES_FILE,
          'via drkane/geo-lookups ward_all_codes.csv: each ward code once, under the first year whose ward list has it',
        ),
      }),
    )
}

/** Every release the shipped data holds, in the order a ledger should import them. */
export const referenceReleases = (): ReadonlyArray<ImportReleaseInput> => [
  lsoa2011WardRelease(),
  wardDivisionRelease(),
  parishRelease(),
  lsoa2021Ward2025Release(),
  lsoa2011HealthRelease(),
  districtHierarchyRelease(),
  msoaRelease(),
  ...wardVintageReleases(),
]
