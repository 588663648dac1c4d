/**
 * Safeguarding and training compliance: for each volunteer, the day their best accepted DBS check
 * stops counting and the day each course lapses, so a query can list what has expired or expires
 * within 60, 30 or 7 days. What it keeps is not personal data; on erasure the row goes anyway.
 */
import type { EventOf } from '@civic-ledger/core'
import { defineCollection, defineProjection, own } from '@civic-ledger/core'

import { dbsValidUntil } from '../rules/safeguarding'
import {
  DbsCheckRecorded,
  RiskAssessmentRecorded,
  TrainingCompleted,
  VolunteerApplied,
  VolunteerApproved,
  VolunteerRejected,
} from '../volunteer/events'

/** A document of the `volunteers` collection of the `safeguarding-compliance` read model. */
export interface ComplianceDoc {
  readonly volunteerId: string
  readonly status: 'applied' | 'approved' | 'rejected'
  readonly appliedOn: string
  /** The day the volunteer's best accepted DBS check stops counting, or null with the update service. */
  readonly dbsValidUntil: string | null
  readonly hasDbs: boolean
  /** Checks awaiting a risk assessment: when each would stop counting if accepted. */
  readonly awaitingAssessment: Readonly<Record<string, string | null>>
  /** The day each course lapses, or null for a course without an expiry. */
  readonly training: Readonly<Record<string, string | null>>
}
/**
 * The `volunteers` collection of `safeguarding-compliance`: when each volunteer's DBS check and
 * courses lapse.
 */
export const complianceDocs = defineCollection<ComplianceDoc, 'status'>('volunteers', { indexes: ['status'] })

/** The later of two "valid until" days, where null (the update service) outlasts any day. */
const later = (a: string | null, b: string | null): string | null => (a === null || b === null ? null : a > b ? a : b)

const accepted = (before: ComplianceDoc, until: string | null): ComplianceDoc => ({
  ...before,
  hasDbs: true,
  dbsValidUntil: before.hasDbs ? later(before.dbsValidUntil, until) : until,
})

const withCheck = (before: ComplianceDoc, e: EventOf<typeof DbsCheckRecorded>): ComplianceDoc => {
  const until = dbsValidUntil(e.data)
  if (e.data.decision === 'accepted') return accepted(before, until)
  if (e.data.decision === 'awaiting-assessment')
    return { ...before, awaitingAssessment: { ...before.awaitingAssessment, [e.data.checkId]: until } }
  return before
}

const withAssessment = (before: ComplianceDoc, e: EventOf<typeof RiskAssessmentRecorded>): ComplianceDoc => {
  const until = own(before.awaitingAssessment, e.data.checkId)
  if (until === undefined) return before
  const { [e.data.checkId]: _assessed, ...rest } = before.awaitingAssessment
  const after = { ...before, awaitingAssessment: rest }
  return e.data.outcome === 'accepted' ? accepted(after, until) : after
}

const withTraining = (before: ComplianceDoc, e: EventOf<typeof TrainingCompleted>): ComplianceDoc => {
  const held = own(before.training, e.data.course)
  const expires = e.data.expiresOn ?? null
  if (held === null || (held !== undefined && expires !== null && held >= expires)) return before
  return { ...before, training: { ...before.training, [e.data.course]: expires } }
}

/** The `safeguarding-compliance` read model: DBS checks and training, and when each stops counting. */
export const safeguardingCompliance = defineProjection({
  name: 'safeguarding-compliance',
  version: 2,
  events: [
    VolunteerApplied,
    VolunteerApproved,
    VolunteerRejected,
    DbsCheckRecorded,
    RiskAssessmentRecorded,
    TrainingCompleted,
  ],
  collections: [complianceDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(complianceDocs)
    if (e.type === 'volunteers.VolunteerApplied') {
      await docs.put(e.data.volunteerId, {
        volunteerId: e.data.volunteerId,
        status: 'applied',
        appliedOn: e.data.appliedOn,
        dbsValidUntil: null,
        hasDbs: false,
        awaitingAssessment: {},
        training: {},
      })
      return
    }
    const before = await docs.get(e.data.volunteerId)
    if (before === undefined) return
    switch (e.type) {
      case 'volunteers.VolunteerApproved':
        return docs.put(before.volunteerId, { ...before, status: 'approved' })
      case 'volunteers.VolunteerRejected':
        return docs.put(before.volunteerId, { ...before, status: 'rejected' })
      case 'volunteers.DbsCheckRecorded':
        return docs.put(before.volunteerId, withCheck(before, e))
      case 'volunteers.RiskAssessmentRecorded':
        return docs.put(before.volunteerId, withAssessment(before, e))
      case 'volunteers.TrainingCompleted':
        return docs.put(before.volunteerId, withTraining(before, e))
    }
  },
  erase: async (subject, ctx) => {
    await ctx.collection(complianceDocs).delete(subject)
  },
})
