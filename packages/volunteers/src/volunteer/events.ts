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

/**
 * A volunteer applied on a day: their name, email, phone, date of birth and home LSOA, each
 * personal and so encrypted.
 */
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

/** A reference for a volunteer was recorded: the referee (personal) and the outcome. */
export const ReferenceRecorded = defineEvent({
  type: 'volunteers.ReferenceRecorded',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({ volunteerId: Id, refereeName: personal(NonEmptyString), outcome: ReferenceOutcome, on: IsoDate }),
  ),
})

/** A guardian consented for a volunteer under 18; the guardian's name is personal. */
export const GuardianConsentRecorded = defineEvent({
  type: 'volunteers.GuardianConsentRecorded',
  subject: 'volunteerId',
  codec: t.readonly(t.type({ volunteerId: Id, guardianName: personal(NonEmptyString), on: IsoDate })),
})

/** A volunteer's application was approved. */
export const VolunteerApproved = defineEvent({
  type: 'volunteers.VolunteerApproved',
  codec: t.readonly(t.type({ volunteerId: Id, on: IsoDate })),
})

/** A volunteer's application was turned down, with a reason. */
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

/** A DBS check's details were purged: that part of the volunteer is erased, the volunteer stays. */
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

/** A volunteer was placed in a role, in an area, from a day. */
export const VolunteerPlaced = defineEvent({
  type: 'volunteers.VolunteerPlaced',
  codec: t.readonly(
    t.type({ volunteerId: Id, placementId: Id, role: PlacementRole, area: AreaRef, startsOn: IsoDate }),
  ),
})

/** A placement ended on a day, with a reason. */
export const PlacementEnded = defineEvent({
  type: 'volunteers.PlacementEnded',
  codec: t.readonly(t.type({ volunteerId: Id, placementId: Id, on: IsoDate, reason: NonEmptyString })),
})

/** A volunteer was suspended, with a reason: they cannot be placed until reinstated. */
export const VolunteerSuspended = defineEvent({
  type: 'volunteers.VolunteerSuspended',
  codec: t.readonly(t.type({ volunteerId: Id, on: IsoDate, reason: NonEmptyString })),
})

/** A suspended volunteer was reinstated. */
export const VolunteerReinstated = defineEvent({
  type: 'volunteers.VolunteerReinstated',
  codec: t.readonly(t.type({ volunteerId: Id, on: IsoDate })),
})

/** A volunteer gave or withdrew consent for a purpose. */
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
