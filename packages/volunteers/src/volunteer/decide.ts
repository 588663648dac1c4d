/**
 * The rules of a volunteer's record, one function per command. Nothing is recorded for a day after
 * the command's own; approval needs a satisfactory reference (and a guardian's consent under 18); a
 * check that is not clear is accepted only by a recorded risk assessment; DBS details are purged six
 * months after the decision, and only then.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, addMonths, isErased, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import { ageOn } from '../rules/safeguarding'
import type { VolunteerCommand } from './commands'
import type { VolunteerEvent } from './events'
import {
  ConsentRecorded,
  DbsCheckRecorded,
  DbsDetailsPurged,
  GuardianConsentRecorded,
  PlacementEnded,
  ReferenceRecorded,
  RiskAssessmentRecorded,
  TrainingCompleted,
  VolunteerApplied,
  VolunteerApproved,
  VolunteerReinstated,
  VolunteerRejected,
  VolunteerSuspended,
} from './events'
import type { VolunteerState } from './state'

/** How long DBS details are kept after the decision. */
export const DBS_DETAILS_MONTHS = 6

type Decided = Either<DomainError, ReadonlyArray<VolunteerEvent>>
type CommandOf<T extends VolunteerCommand['type']> = Extract<VolunteerCommand, { readonly type: T }>

const futureProblem = (on: string, field: string, day: string): DomainError | undefined =>
  day > on
    ? { code: 'future-date', message: `${field}: a date after the day of the command (${on}) cannot be recorded` }
    : undefined

const refuse = (problem: DomainError): Decided => reject(problem.code, problem.message)

const apply = (c: CommandOf<'Apply'>, s: VolunteerState): Decided => {
  if (s.status !== 'none') return reject('already-applied', `${c.volunteerId} has applied already`)
  const future = futureProblem(c.on, 'dateOfBirth', c.dateOfBirth)
  if (future !== undefined) return refuse(future)
  return accept<VolunteerEvent>(
    VolunteerApplied.create({
      volunteerId: c.volunteerId,
      appliedOn: c.on,
      name: c.name,
      email: c.email,
      phone: c.phone,
      dateOfBirth: c.dateOfBirth,
      homeLsoa: c.homeLsoa,
    }),
  )
}

const approve = (c: CommandOf<'Approve'>, s: VolunteerState): Decided => {
  if (s.status !== 'applied') return reject('not-pending', `${c.volunteerId} is ${s.status}, not awaiting a decision`)
  if (!s.references.includes('satisfactory'))
    return reject('no-reference', 'approval needs at least one satisfactory reference')
  const dob = s.dateOfBirth
  if (dob !== undefined && !isErased(dob) && ageOn(dob, c.on) < 18 && !s.guardianConsent)
    return reject('guardian-consent-needed', 'a volunteer under 18 needs a guardian’s consent before approval')
  return accept<VolunteerEvent>(VolunteerApproved.create({ volunteerId: c.volunteerId, on: c.on }))
}

const rejectApplication = (c: CommandOf<'RejectApplication'>, s: VolunteerState): Decided =>
  s.status !== 'applied'
    ? reject('not-pending', `${c.volunteerId} is ${s.status}, not awaiting a decision`)
    : accept<VolunteerEvent>(VolunteerRejected.create({ volunteerId: c.volunteerId, on: c.on, reason: c.reason }))

/** Why a check's level, barred lists and decision do not fit together, or undefined. */
const checkProblem = (c: CommandOf<'RecordDbsCheck'>): DomainError | undefined => {
  if (c.level === 'enhanced-barred' && c.barredLists === undefined)
    return { code: 'barred-lists-needed', message: 'an enhanced-barred check names the barred lists it covered' }
  if (c.level !== 'enhanced-barred' && c.barredLists !== undefined)
    return { code: 'invalid-check', message: `a ${c.level} check covers no barred list` }
  if (!c.clear && c.decision === 'accepted')
    return {
      code: 'risk-assessment-needed',
      message:
        'a check that is not clear is accepted only by a risk assessment: record it awaiting-assessment, then record the assessment',
    }
  if (c.clear && c.decision === 'awaiting-assessment')
    return { code: 'invalid-check', message: 'a clear check needs no risk assessment: accept or decline it' }
  return undefined
}

const recordDbsCheck = (c: CommandOf<'RecordDbsCheck'>, s: VolunteerState): Decided => {
  const problem = futureProblem(c.on, 'issuedOn', c.issuedOn) ?? checkProblem(c)
  if (problem !== undefined) return refuse(problem)
  if (s.dbs.some((d) => d.checkId === c.checkId))
    return reject('check-exists', `check ${c.checkId} is recorded already`)
  return accept<VolunteerEvent>(
    DbsCheckRecorded.create({
      volunteerId: c.volunteerId,
      checkId: c.checkId,
      certificateNumber: c.certificateNumber,
      level: c.level,
      ...(c.barredLists === undefined ? {} : { barredLists: c.barredLists }),
      issuedOn: c.issuedOn,
      clear: c.clear,
      updateService: c.updateService,
      decision: c.decision,
      decidedOn: c.on,
    }),
  )
}

const recordRiskAssessment = (c: CommandOf<'RecordRiskAssessment'>, s: VolunteerState): Decided => {
  const check = s.dbs.find((d) => d.checkId === c.checkId)
  if (check === undefined) return reject('unknown-check', `no DBS check ${c.checkId} is recorded`)
  if (check.decision !== 'awaiting-assessment')
    return reject('not-awaiting-assessment', `check ${c.checkId} is ${check.decision}, not awaiting a risk assessment`)
  return accept<VolunteerEvent>(
    RiskAssessmentRecorded.create({
      volunteerId: c.volunteerId,
      checkId: c.checkId,
      assessor: c.assessor,
      summary: c.summary,
      outcome: c.outcome,
      on: c.on,
    }),
  )
}

const purgeDetails = (c: CommandOf<'PurgeDbsDetails'>, s: VolunteerState): Decided => {
  const check = s.dbs.find((d) => d.checkId === c.checkId)
  if (check === undefined) return reject('unknown-check', `no DBS check ${c.checkId} is recorded`)
  if (check.purged) return accept<VolunteerEvent>()
  if (check.decision === 'awaiting-assessment')
    return reject(
      'too-early',
      `check ${c.checkId} awaits its risk assessment; its details are kept until six months after the decision`,
    )
  const due = addMonths(check.decidedOn, DBS_DETAILS_MONTHS)
  if (c.on < due) return reject('too-early', `DBS details are kept until ${due}, six months after the decision`)
  return accept<VolunteerEvent>(DbsDetailsPurged.create({ volunteerId: c.volunteerId, checkId: c.checkId, on: c.on }))
}

const completeTraining = (c: CommandOf<'CompleteTraining'>): Decided => {
  const future = futureProblem(c.on, 'completedOn', c.completedOn)
  if (future !== undefined) return refuse(future)
  if (c.expiresOn !== undefined && c.expiresOn <= c.completedOn)
    return reject('invalid-expiry', 'training must expire after it was completed')
  return accept<VolunteerEvent>(
    TrainingCompleted.create({
      volunteerId: c.volunteerId,
      course: c.course,
      completedOn: c.completedOn,
      ...(c.expiresOn === undefined ? {} : { expiresOn: c.expiresOn }),
      ...(c.accreditation === undefined ? {} : { accreditation: c.accreditation }),
    }),
  )
}

const endPlacement = (c: CommandOf<'EndPlacement'>, s: VolunteerState): Decided => {
  const p = own(s.placements, c.placementId)
  if (p === undefined || p.endedOn !== undefined)
    return reject('no-active-placement', `placement ${c.placementId} is not active`)
  return accept<VolunteerEvent>(
    PlacementEnded.create({ volunteerId: c.volunteerId, placementId: c.placementId, on: c.on, reason: c.reason }),
  )
}

const suspend = (c: CommandOf<'Suspend'>, s: VolunteerState): Decided =>
  s.suspended
    ? reject('already-suspended', `${c.volunteerId} is suspended already`)
    : accept<VolunteerEvent>(VolunteerSuspended.create({ volunteerId: c.volunteerId, on: c.on, reason: c.reason }))

const reinstate = (c: CommandOf<'Reinstate'>, s: VolunteerState): Decided =>
  s.suspended
    ? accept<VolunteerEvent>(VolunteerReinstated.create({ volunteerId: c.volunteerId, on: c.on }))
    : reject('not-suspended', `${c.volunteerId} is not suspended`)

/** Every command but `Apply` needs an application on record. */
const onRecord = (c: Exclude<VolunteerCommand, CommandOf<'Apply'>>, s: VolunteerState): Decided => {
  const { volunteerId, on } = c
  switch (c.type) {
    case 'RecordReference':
      return accept<VolunteerEvent>(
        ReferenceRecorded.create({ volunteerId, refereeName: c.refereeName, outcome: c.outcome, on }),
      )
    case 'RecordGuardianConsent':
      return accept<VolunteerEvent>(GuardianConsentRecorded.create({ volunteerId, guardianName: c.guardianName, on }))
    case 'Approve':
      return approve(c, s)
    case 'RejectApplication':
      return rejectApplication(c, s)
    case 'RecordDbsCheck':
      return recordDbsCheck(c, s)
    case 'RecordRiskAssessment':
      return recordRiskAssessment(c, s)
    case 'PurgeDbsDetails':
      return purgeDetails(c, s)
    case 'CompleteTraining':
      return completeTraining(c)
    case 'EndPlacement':
      return endPlacement(c, s)
    case 'Suspend':
      return suspend(c, s)
    case 'Reinstate':
      return reinstate(c, s)
    case 'RecordConsent':
      return accept<VolunteerEvent>(ConsentRecorded.create({ volunteerId, purpose: c.purpose, given: c.given, on }))
    default: {
      const unreachable: never = c
      return unreachable
    }
  }
}

export const decideVolunteer = (c: VolunteerCommand, s: VolunteerState): Decided => {
  if (c.type === 'Apply') return apply(c, s)
  if (s.status === 'none') return reject('no-application', `${c.volunteerId} has not applied`)
  return onRecord(c, s)
}
