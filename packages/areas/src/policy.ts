/**
 * Who may do what with geography. Geography officers import releases and the PCN reference, define
 * schemes, run assignments and override LSOAs; only an area data steward publishes or supersedes a
 * scheme, because every report then names that version. Geography officers build place indexes
 * from the releases. Everything else is denied.
 *
 * A scheme's commands share one key, `areas.sda-scheme`, whichever door they come through: the
 * scheme's aggregate (override, publish, supersede) or the decision across the scheme and its PCN
 * reference (`schemeDecisions`: define, run), which is named `sda-scheme` too.
 */
import type { Policy } from '@civic-ledger/core'
import { rolePolicy } from '@civic-ledger/core'

/**
 * The role that imports releases and PCN references, defines and runs schemes, overrides LSOAs and
 * builds place indexes.
 */
export const GEOGRAPHY_OFFICER = 'geography-officer'
/** The role that alone publishes or supersedes a service delivery area scheme. */
export const AREA_DATA_STEWARD = 'area-data-steward'

/** Who may do what with geography: geography officers and area data stewards; everything else denied. */
export const areasPolicy: Policy = rolePolicy({
  'areas.release': { ImportRelease: [GEOGRAPHY_OFFICER] },
  'areas.place-index': { BuildPlaceIndex: [GEOGRAPHY_OFFICER] },
  'areas.pcn-reference': {
    ImportPcnReference: [GEOGRAPHY_OFFICER],
    OpenPcn: [GEOGRAPHY_OFFICER],
    ClosePcn: [GEOGRAPHY_OFFICER],
    MovePractice: [GEOGRAPHY_OFFICER],
  },
  'areas.indicator': { DefineIndicator: [GEOGRAPHY_OFFICER], RecordIndicatorValues: [GEOGRAPHY_OFFICER] },
  'areas.sda-scheme': {
    DefineScheme: [GEOGRAPHY_OFFICER, AREA_DATA_STEWARD],
    RunAssignment: [GEOGRAPHY_OFFICER, AREA_DATA_STEWARD],
    OverrideLsoa: [GEOGRAPHY_OFFICER, AREA_DATA_STEWARD],
    PublishScheme: [AREA_DATA_STEWARD],
    SupersedeScheme: [AREA_DATA_STEWARD],
  },
})
