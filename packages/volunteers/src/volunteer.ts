/**
 * Volunteer: from application to placement. The application's personal fields (name, contact, date
 * of birth, home LSOA) are encrypted with the volunteer's key; a referee's and a guardian's names
 * too. A DBS check records its number, date, level, result, update-service status and decision —
 * never the certificate's content — and its number is encrypted with a key of its own
 * (the part `checkId=<check>` of the volunteer), so the details can be purged six months after the decision while the
 * rest of the record stays. A placement in a role is accepted only when every safeguarding rule holds.
 *
 * Commands carry the day they are made (`on`), as the host app's clock reads it.
 */
import type { AreaRef, CommandError, DomainError, Erased, EventsOf, Ledger } from '@civic-ledger/core'
import {
  accept,
  addMonths,
  AreaRef as AreaRefCodec,
  defineAggregate,
  defineEvent,
  EntityId,
  eventCatalog,
  isErased,
  IsoDate,
  NonEmptyString,
  personal,
  reject,
  subjectPartOf,
} from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'
import * as t from 'io-ts'

import { RegulatedActivity } from './role'
import type { DbsCheckRecord, TrainingRecord } from './safeguarding'
import { ageOn, DbsLevel, dbsProblem, trainingGaps } from './safeguarding'

/** How long DBS details are kept after the decision. */
export const DBS_DETAILS_MONTHS = 6

const Id = NonEmptyString

// --- events ---

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

export const ReferenceRecorded = defineEvent({
  type: 'volunteers.ReferenceRecorded',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({
      volunteerId: Id,
      refereeName: personal(NonEmptyString),
      outcome: t.keyof({ satisfactory: null, unsatisfactory: null }),
      on: IsoDate,
    }),
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

/**
 * The certificate number is keyed on the check (`subjectPart: 'checkId'`), a part of the volunteer,
 * so its details can be purged six months after the decision while the volunteer stays.
 */
export const DbsCheckRecorded = defineEvent({
  type: 'volunteers.DbsCheckRecorded',
  subject: 'volunteerId',
  subjectPart: 'checkId',
  codec: t.readonly(
    t.type({
      volunteerId: Id,
      checkId: Id,
      certificateNumber: personal(t.string),
      level: DbsLevel,
      issuedOn: IsoDate,
      clear: t.boolean,
      updateService: t.boolean,
      decision: t.keyof({ accepted: null, declined: null }),
      decidedOn: IsoDate,
    }),
  ),
})

export const DbsDetailsPurged = defineEvent({
  type: 'volunteers.DbsDetailsPurged',
  codec: t.readonly(t.type({ volunteerId: Id, checkId: Id, on: IsoDate })),
})

export const TrainingCompleted = defineEvent({
  type: 'volunteers.TrainingCompleted',
  codec: t.readonly(t.type({ volunteerId: Id, course: NonEmptyString, completedOn: IsoDate, expiresOn: IsoDate })),
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

export const VolunteerPlaced = defineEvent({
  type: 'volunteers.VolunteerPlaced',
  codec: t.readonly(
    t.type({ volunteerId: Id, placementId: Id, role: PlacementRole, area: AreaRefCodec, startsOn: IsoDate }),
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
  DbsDetailsPurged,
  TrainingCompleted,
  VolunteerPlaced,
  PlacementEnded,
  VolunteerSuspended,
  VolunteerReinstated,
  ConsentRecorded,
] as const
export const volunteerEvents = eventCatalog(...definitions)
export type VolunteerEvent = EventsOf<typeof definitions>

// --- commands ---

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), volunteerId: EntityId, on: IsoDate, ...props }))

export const VolunteerCommand = t.union([
  command('Apply', {
    name: NonEmptyString,
    email: t.string,
    phone: t.string,
    dateOfBirth: IsoDate,
    homeLsoa: t.string,
  }),
  command('RecordReference', {
    refereeName: NonEmptyString,
    outcome: t.keyof({ satisfactory: null, unsatisfactory: null }),
  }),
  command('RecordGuardianConsent', { guardianName: NonEmptyString }),
  command('Approve', {}),
  command('RejectApplication', { reason: NonEmptyString }),
  command('RecordDbsCheck', {
    checkId: EntityId,
    certificateNumber: t.string,
    level: DbsLevel,
    issuedOn: IsoDate,
    clear: t.boolean,
    updateService: t.boolean,
    decision: t.keyof({ accepted: null, declined: null }),
  }),
  command('PurgeDbsDetails', { checkId: EntityId }),
  command('CompleteTraining', { course: NonEmptyString, completedOn: IsoDate, expiresOn: IsoDate }),
  command('EndPlacement', { placementId: EntityId, reason: NonEmptyString }),
  command('Suspend', { reason: NonEmptyString }),
  command('Reinstate', {}),
  command('RecordConsent', { purpose: NonEmptyString, given: t.boolean }),
])
export type VolunteerCommand = t.TypeOf<typeof VolunteerCommand>
export type VolunteerCommandInput = t.OutputOf<typeof VolunteerCommand>

// --- state ---

export interface Placement {
  readonly placementId: string
  readonly roleId: string
  /** The organisation whose role it is: whose co-ordinator may end it. */
  readonly organisation: string
  readonly area: AreaRef
  readonly startsOn: string
  readonly endedOn?: string
}

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

const evolve = (s: VolunteerState, e: VolunteerEvent): VolunteerState => {
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
    case 'volunteers.DbsCheckRecorded': {
      const { checkId, level, issuedOn, clear, updateService, decision, decidedOn } = e.data
      return {
        ...s,
        dbs: [...s.dbs, { checkId, level, issuedOn, clear, updateService, decision, decidedOn, purged: false }],
      }
    }
    case 'volunteers.DbsDetailsPurged':
      return { ...s, dbs: s.dbs.map((c) => (c.checkId === e.data.checkId ? { ...c, purged: true } : c)) }
    case 'volunteers.TrainingCompleted':
      return { ...s, training: [...s.training, e.data] }
    case 'volunteers.VolunteerPlaced':
      return {
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
      }
    case 'volunteers.PlacementEnded': {
      const p = s.placements[e.data.placementId]
      return p === undefined
        ? s
        : { ...s, placements: { ...s.placements, [p.placementId]: { ...p, endedOn: e.data.on } } }
    }
    case 'volunteers.VolunteerSuspended':
      return { ...s, suspended: true }
    case 'volunteers.VolunteerReinstated':
      return { ...s, suspended: false }
    case 'volunteers.ConsentRecorded':
      return { ...s, consents: { ...s.consents, [e.data.purpose]: e.data.given } }
  }
}

/** Why `state` cannot take a placement in `role` starting `startsOn`; empty when every rule holds. */
export const placementProblems = (
  state: VolunteerState,
  role: t.TypeOf<typeof PlacementRole>,
  startsOn: string,
): ReadonlyArray<string> => {
  const problems: string[] = []
  if (state.status !== 'approved')
    problems.push(`the volunteer is ${state.status === 'none' ? 'unknown' : state.status}, not approved`)
  if (state.suspended) problems.push('the volunteer is suspended')
  const dbs = dbsProblem(state.dbs, role.dbsLevel, startsOn)
  if (dbs !== undefined) problems.push(dbs)
  const gaps = trainingGaps(state.training, role.training, startsOn)
  if (gaps.length > 0) problems.push(`training not current on ${startsOn}: ${gaps.join(', ')}`)
  const dob = state.dateOfBirth
  if (dob === undefined || isErased(dob))
    problems.push('the date of birth is not known, so age rules cannot be checked')
  else {
    const age = ageOn(dob, startsOn)
    if (age < role.minimumAge) problems.push(`the volunteer is ${age}; the role needs ${role.minimumAge} or over`)
    if (age < 18 && !state.guardianConsent) problems.push('under 18 without a guardian’s consent')
  }
  return problems
}

const days = (on: string, ...others: ReadonlyArray<string>): string | undefined =>
  others.find((o) => o > on) === undefined
    ? undefined
    : `a date after the day of the command (${on}) cannot be recorded`

type Decision = Either<DomainError, ReadonlyArray<VolunteerEvent>>
type CommandOf<T extends VolunteerCommand['type']> = Extract<VolunteerCommand, { readonly type: T }>

/**
 * A DBS check: one issued in the future is refused, and one that is not clear is not accepted
 * without a risk assessment.
 */
const recordDbsCheck = (c: CommandOf<'RecordDbsCheck'>, s: VolunteerState): Decision => {
  const { volunteerId, on } = c
  const future = days(on, c.issuedOn)
  if (future !== undefined) return reject('future-date', `issuedOn: ${future}`)
  if (s.dbs.some((d) => d.checkId === c.checkId))
    return reject('check-exists', `check ${c.checkId} is recorded already`)
  if (c.decision === 'accepted' && !c.clear)
    return reject(
      'decision-needs-reason',
      'a check that is not clear can only be accepted after a risk assessment; record it as declined, or record the assessment first',
    )
  return accept<VolunteerEvent>(
    DbsCheckRecorded.create({
      volunteerId,
      checkId: c.checkId,
      certificateNumber: c.certificateNumber,
      level: c.level,
      issuedOn: c.issuedOn,
      clear: c.clear,
      updateService: c.updateService,
      decision: c.decision,
      decidedOn: on,
    }),
  )
}

/** A check's details go six months after the decision, and only then. */
const purgeDetails = (c: CommandOf<'PurgeDbsDetails'>, s: VolunteerState): Decision => {
  const { volunteerId, on } = c
  const check = s.dbs.find((d) => d.checkId === c.checkId)
  if (check === undefined) return reject('unknown-check', `no DBS check ${c.checkId} is recorded`)
  if (check.purged) return accept<VolunteerEvent>()
  const due = addMonths(check.decidedOn, DBS_DETAILS_MONTHS)
  if (on < due) return reject('too-early', `DBS details are kept until ${due}, six months after the decision`)
  return accept<VolunteerEvent>(
    DbsDetailsPurged.create({
      volunteerId,
      checkId: c.checkId,
      on,
    }),
  )
}

export const volunteers = defineAggregate({
  context: 'volunteers',
  name: 'volunteer',
  commands: VolunteerCommand,
  events: volunteerEvents,
  id: (c) => c.volunteerId,
  decider: {
    initialState: initialVolunteer,
    evolve,
    decide: (c: VolunteerCommand, s: VolunteerState) => {
      const { volunteerId, on } = c
      if (c.type === 'Apply') {
        if (s.status !== 'none') return reject('already-applied', `${volunteerId} has applied already`)
        const future = days(on, c.dateOfBirth)
        if (future !== undefined) return reject('future-date', `dateOfBirth: ${future}`)
        return accept<VolunteerEvent>(
          VolunteerApplied.create({
            volunteerId,
            appliedOn: on,
            name: c.name,
            email: c.email,
            phone: c.phone,
            dateOfBirth: c.dateOfBirth,
            homeLsoa: c.homeLsoa,
          }),
        )
      }
      if (s.status === 'none') return reject('no-application', `${volunteerId} has not applied`)
      switch (c.type) {
        case 'RecordReference':
          return accept<VolunteerEvent>(
            ReferenceRecorded.create({ volunteerId, refereeName: c.refereeName, outcome: c.outcome, on }),
          )
        case 'RecordGuardianConsent':
          return accept<VolunteerEvent>(
            GuardianConsentRecorded.create({ volunteerId, guardianName: c.guardianName, on }),
          )
        case 'Approve': {
          if (s.status !== 'applied')
            return reject('not-pending', `${volunteerId} is ${s.status}, not awaiting a decision`)
          if (!s.references.includes('satisfactory'))
            return reject('no-reference', 'approval needs at least one satisfactory reference')
          const dob = s.dateOfBirth
          if (dob !== undefined && !isErased(dob) && ageOn(dob, on) < 18 && !s.guardianConsent)
            return reject('guardian-consent-needed', 'a volunteer under 18 needs a guardian’s consent before approval')
          return accept<VolunteerEvent>(VolunteerApproved.create({ volunteerId, on }))
        }
        case 'RejectApplication':
          if (s.status !== 'applied')
            return reject('not-pending', `${volunteerId} is ${s.status}, not awaiting a decision`)
          return accept<VolunteerEvent>(VolunteerRejected.create({ volunteerId, on, reason: c.reason }))
        case 'RecordDbsCheck':
          return recordDbsCheck(c, s)
        case 'PurgeDbsDetails':
          return purgeDetails(c, s)
        case 'CompleteTraining': {
          const future = days(on, c.completedOn)
          if (future !== undefined) return reject('future-date', `completedOn: ${future}`)
          if (c.expiresOn <= c.completedOn)
            return reject('invalid-expiry', 'training must expire after it was completed')
          return accept<VolunteerEvent>(
            TrainingCompleted.create({
              volunteerId,
              course: c.course,
              completedOn: c.completedOn,
              expiresOn: c.expiresOn,
            }),
          )
        }
        case 'EndPlacement': {
          const p = s.placements[c.placementId]
          if (p === undefined || p.endedOn !== undefined)
            return reject('no-active-placement', `placement ${c.placementId} is not active`)
          return accept<VolunteerEvent>(
            PlacementEnded.create({ volunteerId, placementId: c.placementId, on, reason: c.reason }),
          )
        }
        case 'Suspend':
          if (s.suspended) return reject('already-suspended', `${volunteerId} is suspended already`)
          return accept<VolunteerEvent>(VolunteerSuspended.create({ volunteerId, on, reason: c.reason }))
        case 'Reinstate':
          if (!s.suspended) return reject('not-suspended', `${volunteerId} is not suspended`)
          return accept<VolunteerEvent>(VolunteerReinstated.create({ volunteerId, on }))
        case 'RecordConsent':
          return accept<VolunteerEvent>(ConsentRecorded.create({ volunteerId, purpose: c.purpose, given: c.given, on }))
      }
    },
  },
})

/**
 * Purges a DBS check's details once six months have passed since the decision: records
 * `DbsDetailsPurged`, then erases the check's part of the volunteer (`privacy.SubjectErased` with
 * the part `checkId=<check>`), so the certificate number reads as `Erased` from then on while the
 * check's level, dates and decision remain. Both steps go through the ledger's policy.
 */
export const purgeDbsDetails = async (
  ledger: Pick<Ledger, 'execute'> & { readonly privacy: Pick<Ledger['privacy'], 'erase'> },
  input: { readonly volunteerId: string; readonly checkId: string; readonly on: string },
  context: unknown,
): Promise<Either<CommandError, void>> => {
  const result = await ledger.execute(volunteers, { type: 'PurgeDbsDetails', ...input }, context)()
  if (result._tag === 'Left') return result
  const erased = await ledger.privacy.erase(
    input.volunteerId,
    `DBS certificate details are kept for ${DBS_DETAILS_MONTHS} months after the decision`,
    context,
    { part: subjectPartOf('checkId', input.checkId) },
  )()
  return erased._tag === 'Left' ? erased : { _tag: 'Right', right: undefined }
}
