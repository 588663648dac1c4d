/**
 * Areas: the real reference geography, and the service delivery area scheme the 2020 Think
 * Communities report proposes.
 *
 * - The ONS boundary releases shipped with `@civic-ledger/areas` (LSOAs of 2011 and 2021, wards of
 *   every vintage since 2016, parishes, county divisions, districts) are loaded first, on the day
 *   the example's history opens, as the frame the rest of the history is read through; each release
 *   keeps its own vintage. The place index of 2021 LSOAs is built from them the same day, before
 *   any fund is defined, for grants drafting to check a fund's area rules against.
 * - The PCN reference is the NHS list of about March 2024 (PCNs were formed in 2019): the nearest
 *   published list, labelled as 2024 data wherever it is shown.
 * - The scheme is the 2020 proposal's method (PCNs grouped into areas; each LSOA to the area of its
 *   dominant PCN) run on the shipped *modelled* registration extract and a *modelled* grouping of
 *   the PCNs by district: `publishModelledScheme`, which names both as modelled.
 * - One area-profile indicator, for the boards' area profiles: patients registered with a GP,
 *   by LSOA, summed from the same *modelled* extract and named as modelled.
 */
import {
  AREA_DATA_STEWARD,
  areaProfiles,
  buildPlaceIndex,
  GEOGRAPHY_OFFICER,
  geographyReleases,
  MODELLED_EXTRACT_FILE,
  pcnReferences,
  publishModelledScheme,
  readDataFile,
  referencePcnImport,
  referenceReleases,
} from '@civic-ledger/areas'

import type { Actor, Timeline } from './timeline'

export const SCHEME_ID = 'cambs-pboro-sda'

export const geographyOfficer: Actor = {
  id: 'geography-officer-1',
  organisation: 'GB-LAE-CAM',
  role: GEOGRAPHY_OFFICER,
}
export const areaDataSteward: Actor = { id: 'area-data-steward-1', organisation: 'GB-LAE-CAM', role: AREA_DATA_STEWARD }

/** The day the history opens and the reference geography is loaded. */
export const REFERENCE_DAY = '2016-01-04'
/** The day the 2020 progress report's service delivery area proposal is recorded. */
export const SCHEME_DAY = '2020-09-14'

/** Patients registered with a GP by LSOA (2021), summed over practices: from the modelled extract. */
const registeredPatients = (): ReadonlyArray<{ readonly lsoa: string; readonly value: number }> => {
  const byLsoa = new Map<string, number>()
  for (const row of readDataFile(MODELLED_EXTRACT_FILE, ['LSOA_CODE', 'SEX', 'NUMBER_OF_PATIENTS'])) {
    const { LSOA_CODE: lsoa = '', SEX: sex, NUMBER_OF_PATIENTS: patients = '0' } = row.fields
    if (sex === 'ALL') byLsoa.set(lsoa, (byLsoa.get(lsoa) ?? 0) + Number(patients))
  }
  return [...byLsoa].sort(([a], [b]) => a.localeCompare(b)).map(([lsoa, value]) => ({ lsoa, value }))
}

export const areasHistory = (timeline: Timeline): void => {
  timeline.at(REFERENCE_DAY, 'the ONS reference geography', async ({ execute }) => {
    for (const release of referenceReleases()) await execute(geographyReleases, release, geographyOfficer)
  })
  // The place index of LSOAs 2021 over those releases: what grants drafting checks a fund's area
  // rules against (Innovate & Cultivate excludes the Peterborough City Council area).
  timeline.at(REFERENCE_DAY, 'the place index', async ({ ledger }) => {
    await buildPlaceIndex(ledger, geographyOfficer)
  })
  timeline.at(SCHEME_DAY, 'the PCN reference (NHS data of about March 2024)', async ({ execute }) => {
    await execute(pcnReferences, referencePcnImport(), geographyOfficer)
  })
  timeline.at(SCHEME_DAY, 'the service delivery area scheme (modelled)', async ({ ledger }) => {
    await publishModelledScheme(ledger, geographyOfficer, areaDataSteward, SCHEME_ID)
  })
  timeline.at(SCHEME_DAY, 'registered patients by LSOA (modelled), for the area profiles', async ({ execute }) => {
    const indicatorId = 'registered-patients'
    await execute(
      areaProfiles,
      {
        type: 'DefineIndicator',
        indicatorId,
        name: 'Patients registered with a GP (modelled)',
        unit: 'patients',
        aggregation: 'sum',
      },
      geographyOfficer,
    )
    await execute(
      areaProfiles,
      {
        type: 'RecordIndicatorValues',
        indicatorId,
        period: '2024-03',
        lsoaVintage: '2021',
        source: {
          name: 'Modelled registrations (not NHS data), 2024-03-01',
          licence: 'Modelled for Civic Ledger; see packages/areas/data/README.md',
        },
        values: registeredPatients(),
      },
      geographyOfficer,
    )
  })
}
