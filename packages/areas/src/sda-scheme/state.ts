/**
 * The state of a ServiceDeliveryAreaScheme: its scope, its PCN reference and areas, and each version
 * — a draft from a run, with its overrides, then published, then superseded.
 */
import { own } from '@civic-ledger/core'

import type { AreaCode, AreaId, SchemeVersionNumber } from '../ids'
import type { ExcludedPractices, LsoaAssignment, SchemeArea, SchemeEvent } from './events'

// --- model ---

/** A version of a scheme: its status, each LSOA's assignment, the overrides, and the practices left out. */
export interface SchemeVersion {
  readonly version: SchemeVersionNumber
  readonly status: 'draft' | 'published' | 'superseded'
  readonly assignments: Readonly<Record<string, LsoaAssignment>>
  readonly overrides: Readonly<Record<string, { readonly area: AreaId; readonly reason: string }>>
  readonly excluded: ExcludedPractices
}

/** A service delivery area scheme's state: what its events fold to, and what its commands are decided on. */
export interface SchemeState {
  readonly defined: boolean
  readonly lsoaVintage: string
  readonly scope: ReadonlyArray<AreaCode>
  /** The PCN reference the areas' PCNs were checked against. */
  readonly pcnReference: string
  readonly areas: ReadonlyArray<SchemeArea>
  readonly versions: ReadonlyArray<SchemeVersion>
}

export const initialSchemeState: SchemeState = {
  defined: false,
  lsoaVintage: '',
  scope: [],
  pcnReference: '',
  areas: [],
  versions: [],
}

// --- questions ---

/** Where an LSOA sits in a version: its override if it has one, else its dominant PCN's area. */
export const areaOfLsoa = (version: SchemeVersion, lsoa: string): AreaId | undefined =>
  own(version.overrides, lsoa)?.area ?? own(version.assignments, lsoa)?.area

/** The area of the scheme a PCN is in, if any. */
export const areaOfPcn = (state: Pick<SchemeState, 'areas'>, pcn: string): AreaId | undefined =>
  state.areas.find((area) => area.pcns.some((p) => p.code === pcn))?.areaId

/**
 * The areas of a version and their LSOAs, in the order the scheme defines its areas (an area no
 * LSOA is in is listed with none), and the LSOAs in scope in no area: the partition a publication
 * records.
 */
export const partition = (
  state: Pick<SchemeState, 'scope' | 'areas'>,
  version: SchemeVersion,
): {
  readonly areas: ReadonlyArray<{ readonly areaId: AreaId; readonly lsoas: ReadonlyArray<AreaCode> }>
  readonly unassigned: ReadonlyArray<AreaCode>
} => {
  const byArea = new Map<string, AreaCode[]>(state.areas.map((area) => [area.areaId, []]))
  const unassigned: AreaCode[] = []
  for (const lsoa of [...state.scope].sort()) {
    const members = byArea.get(areaOfLsoa(version, lsoa) ?? '')
    if (members === undefined) unassigned.push(lsoa)
    else members.push(lsoa)
  }
  return {
    areas: state.areas.map((area) => ({ areaId: area.areaId, lsoas: byArea.get(area.areaId) ?? [] })),
    unassigned,
  }
}

// --- folding ---

const withVersion = (
  state: SchemeState,
  version: number,
  change: (v: SchemeVersion) => SchemeVersion,
): SchemeState => ({
  ...state,
  versions: state.versions.map((v) => (v.version === version ? change(v) : v)),
})

export const evolveScheme = (state: SchemeState, event: SchemeEvent): SchemeState => {
  switch (event.type) {
    case 'areas.SchemeDefined':
      return {
        ...state,
        defined: true,
        lsoaVintage: event.data.lsoaVintage,
        scope: event.data.scope.lsoas,
        pcnReference: event.data.pcnReference,
        areas: event.data.areas,
      }
    case 'areas.AssignmentRun': {
      const draft: SchemeVersion = {
        version: event.data.version,
        status: 'draft',
        assignments: Object.fromEntries(event.data.assignments.map((a) => [a.lsoa, a])),
        overrides: {},
        excluded: event.data.excluded,
      }
      return { ...state, versions: [...state.versions.filter((v) => v.version !== draft.version), draft] }
    }
    case 'areas.LsoaOverridden':
      return withVersion(state, event.data.version, (v) => ({
        ...v,
        overrides: { ...v.overrides, [event.data.lsoa]: { area: event.data.area, reason: event.data.reason } },
      }))
    case 'areas.SchemePublished':
      return withVersion(state, event.data.version, (v) => ({ ...v, status: 'published' }))
    case 'areas.SchemeSuperseded':
      return withVersion(state, event.data.version, (v) => ({ ...v, status: 'superseded' }))
  }
}
