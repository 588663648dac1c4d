/**
 * What can be asked of a volunteer's record. Every command carries the day it is made (`on`), as the
 * host app's clock reads it.
 */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { CheckId, PlacementId, VolunteerId } from '../ids'
import { DbsDecision, DbsLevel, Group } from '../rules/safeguarding'
import { ReferenceOutcome } from './events'

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), volunteerId: VolunteerId, on: IsoDate, ...props }))

export const Apply = command('Apply', {
  name: NonEmptyString,
  email: t.string,
  phone: t.string,
  dateOfBirth: IsoDate,
  homeLsoa: t.string,
})
export const RecordReference = command('RecordReference', { refereeName: NonEmptyString, outcome: ReferenceOutcome })
export const RecordGuardianConsent = command('RecordGuardianConsent', { guardianName: NonEmptyString })
export const Approve = command('Approve', {})
export const RejectApplication = command('RejectApplication', { reason: NonEmptyString })

/**
 * A DBS check. `barredLists` names the barred lists an `enhanced-barred` check covered, and only
 * such a check has them. A check that is not clear is recorded `awaiting-assessment` (or declined).
 */
export const RecordDbsCheck = t.readonly(
  t.intersection([
    command('RecordDbsCheck', {
      checkId: CheckId,
      certificateNumber: t.string,
      level: DbsLevel,
      issuedOn: IsoDate,
      clear: t.boolean,
      updateService: t.boolean,
      decision: DbsDecision,
    }),
    t.partial({ barredLists: Group }),
  ]),
)
/** The risk assessment of a check that is not clear, which decides it. */
export const RecordRiskAssessment = command('RecordRiskAssessment', {
  checkId: CheckId,
  assessor: NonEmptyString,
  summary: NonEmptyString,
  outcome: t.keyof({ accepted: null, declined: null }),
})
export const PurgeDbsDetails = command('PurgeDbsDetails', { checkId: CheckId })
/** A course completed; `expiresOn` only when the certificate lapses, `accreditation` when it is accredited. */
export const CompleteTraining = t.readonly(
  t.intersection([
    command('CompleteTraining', { course: NonEmptyString, completedOn: IsoDate }),
    t.partial({ expiresOn: IsoDate, accreditation: NonEmptyString }),
  ]),
)
export const EndPlacement = command('EndPlacement', { placementId: PlacementId, reason: NonEmptyString })
export const Suspend = command('Suspend', { reason: NonEmptyString })
export const Reinstate = command('Reinstate', {})
export const RecordConsent = command('RecordConsent', { purpose: NonEmptyString, given: t.boolean })

/** The codec of the commands a volunteer takes. */
export const VolunteerCommand = t.union([
  Apply,
  RecordReference,
  RecordGuardianConsent,
  Approve,
  RejectApplication,
  RecordDbsCheck,
  RecordRiskAssessment,
  PurgeDbsDetails,
  CompleteTraining,
  EndPlacement,
  Suspend,
  Reinstate,
  RecordConsent,
])
/** A command a volunteer takes, as decoded. */
export type VolunteerCommand = t.TypeOf<typeof VolunteerCommand>
/** A command to a volunteer as an app sends it to `ledger.execute`, before decoding. */
export type VolunteerCommandInput = t.OutputOf<typeof VolunteerCommand>
