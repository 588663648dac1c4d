/** A volunteer as their stream holds it: what the rules of a placement are checked against. */
import type { AreaRef, Erased } from '@civic-ledger/core'
import { own } from '@civic-ledger/core'

import type { DbsCheckRecord, TrainingRecord } from '../rules/safeguarding'
import type { VolunteerEvent } from './events'

/** A volunteer's placement in a role: the organisation whose role it is, the area, and its dates. */
export interface Placement {
  readonly placementId: string
  readonly roleId: string
  /** The organisation whose role it is: whose co-ordinator may end it. */
  readonly organisation: string
  readonly area: AreaRef
  readonly startsOn: string
  readonly endedOn?: string
}

/** A volunteer's state: what its events fold to, and what its commands are decided on. */
export interface VolunteerState {
  readonly status: 'none' | 'applied' | 'approved' | 'rejected'
  readonly dateOfBirth: string | Erased | undefined
  readonly references: ReadonlyArray<'satisfactory' | 'unsatisfactory'>
  readonly guardianConsent: boolean
  readonly suspended: boolean
  readonly dbs: ReadonlyArray<DbsCheckRecord & { readonly purged: boolean }>
  readonly training: ReadonlyArray<TrainingRecord>
  readonly placements: Readonly<Record<string, Placement>>
  readonly consents: Readonly<Record<string, boolean>>
}

/** A volunteer who has not applied: the state their stream folds from. */
export const initialVolunteer: VolunteerState = {
  status: 'none',
  dateOfBirth: undefined,
  references: [],
  guardianConsent: false,
  suspended: false,
  dbs: [],
  training: [],
  placements: {},
  consents: {},
}

const placed = (s: VolunteerState, e: Extract<VolunteerEvent, { type: 'volunteers.VolunteerPlaced' }>) => ({
  ...s,
  placements: {
    ...s.placements,
    [e.data.placementId]: {
      placementId: e.data.placementId,
      roleId: e.data.role.roleId,
      organisation: e.data.role.organisation,
      area: e.data.area,
      startsOn: e.data.startsOn,
    },
  },
})

const ended = (s: VolunteerState, placementId: string, on: string): VolunteerState => {
  const p = own(s.placements, placementId)
  return p === undefined ? s : { ...s, placements: { ...s.placements, [placementId]: { ...p, endedOn: on } } }
}

const checkRecorded = (
  s: VolunteerState,
  e: Extract<VolunteerEvent, { type: 'volunteers.DbsCheckRecorded' }>,
): VolunteerState => {
  const { checkId, level, barredLists, issuedOn, clear, updateService, decision, decidedOn } = e.data
  const check = { checkId, level, issuedOn, clear, updateService, decision, decidedOn, purged: false }
  return { ...s, dbs: [...s.dbs, barredLists === undefined ? check : { ...check, barredLists }] }
}

export const evolveVolunteer = (s: VolunteerState, e: VolunteerEvent): VolunteerState => {
  switch (e.type) {
    case 'volunteers.VolunteerApplied':
      return { ...s, status: 'applied', dateOfBirth: e.data.dateOfBirth }
    case 'volunteers.ReferenceRecorded':
      return { ...s, references: [...s.references, e.data.outcome] }
    case 'volunteers.GuardianConsentRecorded':
      return { ...s, guardianConsent: true }
    case 'volunteers.VolunteerApproved':
      return { ...s, status: 'approved' }
    case 'volunteers.VolunteerRejected':
      return { ...s, status: 'rejected' }
    case 'volunteers.DbsCheckRecorded':
      return checkRecorded(s, e)
    case 'volunteers.RiskAssessmentRecorded':
      return {
        ...s,
        dbs: s.dbs.map((c) =>
          c.checkId === e.data.checkId ? { ...c, decision: e.data.outcome, decidedOn: e.data.on } : c,
        ),
      }
    case 'volunteers.DbsDetailsPurged':
      return { ...s, dbs: s.dbs.map((c) => (c.checkId === e.data.checkId ? { ...c, purged: true } : c)) }
    case 'volunteers.TrainingCompleted':
      return { ...s, training: [...s.training, e.data] }
    case 'volunteers.VolunteerPlaced':
      return placed(s, e)
    case 'volunteers.PlacementEnded':
      return ended(s, e.data.placementId, e.data.on)
    case 'volunteers.VolunteerSuspended':
      return { ...s, suspended: true }
    case 'volunteers.VolunteerReinstated':
      return { ...s, suspended: false }
    case 'volunteers.ConsentRecorded':
      return { ...s, consents: { ...s.consents, [e.data.purpose]: e.data.given } }
  }
}
