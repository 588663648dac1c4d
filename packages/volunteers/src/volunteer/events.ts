/**
 * What is recorded of a volunteer. The application's personal fields (name, contact, date of birth,
 * home LSOA) are encrypted with the volunteer's key; a referee's and a guardian's names too. A DBS
 * check's certificate number and a risk assessment's summary are encrypted with a key of the check's
 * own (the part `checkId=<check>` of the volunteer), so they can be purged six months after the
 * decision while the rest of the record stays.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { AreaRef, defineEvent, eventCatalog, IsoDate, NonEmptyString, personal } from '@civic-ledger/core'
import * as t from 'io-ts'

import { DbsDecision, DbsLevel, Group, RegulatedActivity } from '../rules/safeguarding'

const Id = NonEmptyString

export const VolunteerApplied = defineEvent({
  type: 'volunteers.VolunteerApplied',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({
      volunteerId: Id,
      appliedOn: IsoDate,
      name: personal(NonEmptyString),
      email: personal(t.string),
      phone: personal(t.string),
      dateOfBirth: personal(IsoDate),
      homeLsoa: personal(t.string),
    }),
  ),
})

export const ReferenceOutcome = t.keyof({ satisfactory: null, unsatisfactory: null }, 'ReferenceOutcome')

export const ReferenceRecorded = defineEvent({
  type: 'volunteers.ReferenceRecorded',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({ volunteerId: Id, refereeName: personal(NonEmptyString), outcome: ReferenceOutcome, on: IsoDate }),
  ),
})

export const GuardianConsentRecorded = defineEvent({
  type: 'volunteers.GuardianConsentRecorded',
  subject: 'volunteerId',
  codec: t.readonly(t.type({ volunteerId: Id, guardianName: personal(NonEmptyString), on: IsoDate })),
})

export const VolunteerApproved = defineEvent({
  type: 'volunteers.VolunteerApproved',
  codec: t.readonly(t.type({ volunteerId: Id, on: IsoDate })),
})

export const VolunteerRejected = defineEvent({
  type: 'volunteers.VolunteerRejected',
  codec: t.readonly(t.type({ volunteerId: Id, on: IsoDate, reason: NonEmptyString })),
})

/** A DBS check: never the certificate's content. `barredLists` is set for an `enhanced-barred` check. */
export const DbsCheckRecorded = defineEvent({
  type: 'volunteers.DbsCheckRecorded',
  subject: 'volunteerId',
  subjectPart: 'checkId',
  codec: t.readonly(
    t.intersection([
      t.type({
        volunteerId: Id,
        checkId: Id,
        certificateNumber: personal(t.string),
        level: DbsLevel,
        issuedOn: IsoDate,
        clear: t.boolean,
        updateService: t.boolean,
        decision: DbsDecision,
        decidedOn: IsoDate,
      }),
      t.partial({ barredLists: Group }),
    ]),
  ),
})

/** The risk assessment that decides a check that is not clear; its summary is the check's to purge. */
export const RiskAssessmentRecorded = defineEvent({
  type: 'volunteers.RiskAssessmentRecorded',
  subject: 'volunteerId',
  subjectPart: 'checkId',
  codec: t.readonly(
    t.type({
      volunteerId: Id,
      checkId: Id,
      assessor: NonEmptyString,
      summary: personal(NonEmptyString),
      outcome: t.keyof({ accepted: null, declined: null }),
      on: IsoDate,
    }),
  ),
})

export const DbsDetailsPurged = defineEvent({
  type: 'volunteers.DbsDetailsPurged',
  codec: t.readonly(t.type({ volunteerId: Id, checkId: Id, on: IsoDate })),
})

/** A course completed: an expiry only when the certificate has one, an accreditation when it is accredited. */
export const TrainingCompleted = defineEvent({
  type: 'volunteers.TrainingCompleted',
  codec: t.readonly(
    t.intersection([
      t.type({ volunteerId: Id, course: NonEmptyString, completedOn: IsoDate }),
      t.partial({ expiresOn: IsoDate, accreditation: NonEmptyString }),
    ]),
  ),
})

/** What a placement keeps of its role: the requirements it was checked against, and whose it is. */
export const PlacementRole = t.readonly(
  t.type({
    roleId: Id,
    organisation: NonEmptyString,
    regulatedActivity: RegulatedActivity,
    dbsLevel: DbsLevel,
    minimumAge: t.number,
    training: t.readonlyArray(NonEmptyString),
  }),
)
export type PlacementRole = t.TypeOf<typeof PlacementRole>

export const VolunteerPlaced = defineEvent({
  type: 'volunteers.VolunteerPlaced',
  codec: t.readonly(
    t.type({ volunteerId: Id, placementId: Id, role: PlacementRole, area: AreaRef, startsOn: IsoDate }),
  ),
})

export const PlacementEnded = defineEvent({
  type: 'volunteers.PlacementEnded',
  codec: t.readonly(t.type({ volunteerId: Id, placementId: Id, on: IsoDate, reason: NonEmptyString })),
})

export const VolunteerSuspended = defineEvent({
  type: 'volunteers.VolunteerSuspended',
  codec: t.readonly(t.type({ volunteerId: Id, on: IsoDate, reason: NonEmptyString })),
})

export const VolunteerReinstated = defineEvent({
  type: 'volunteers.VolunteerReinstated',
  codec: t.readonly(t.type({ volunteerId: Id, on: IsoDate })),
})

export const ConsentRecorded = defineEvent({
  type: 'volunteers.ConsentRecorded',
  codec: t.readonly(t.type({ volunteerId: Id, purpose: NonEmptyString, given: t.boolean, on: IsoDate })),
})

const definitions = [
  VolunteerApplied,
  ReferenceRecorded,
  GuardianConsentRecorded,
  VolunteerApproved,
  VolunteerRejected,
  DbsCheckRecorded,
  RiskAssessmentRecorded,
  DbsDetailsPurged,
  TrainingCompleted,
  VolunteerPlaced,
  PlacementEnded,
  VolunteerSuspended,
  VolunteerReinstated,
  ConsentRecorded,
] as const
/** The catalog of a volunteer's events: encodes new ones, and upcasts and decodes stored ones. */
export const volunteerEvents = eventCatalog(...definitions)
/** An event of a volunteer's stream: one of those `volunteerEvents` encodes and decodes. */
export type VolunteerEvent = CatalogEvent<typeof volunteerEvents>
