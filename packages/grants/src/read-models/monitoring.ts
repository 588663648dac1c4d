/**
 * Monitoring due and overdue: one document per monitoring requirement of a grant — what it asks,
 * when it is due (the new day, once a return is sent back), where it stands, and what the last
 * return said: its outcomes and the saving it reported. Queries list what is due by a day and what
 * is overdue on it.
 */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import type { RequirementKind } from '../application/events'
import {
  ApplicationDrafted,
  MonitoringAccepted,
  MonitoringRequired,
  MonitoringReturned,
  MonitoringSubmitted,
} from '../application/events'

// --- model ---

/** Where a monitoring requirement stands: due, submitted, accepted, or returned for another go. */
export type RequirementStatus = 'due' | 'submitted' | 'accepted' | 'returned'

/**
 * A monitoring return as submitted: its day, summary, outcomes achieved, and the saving it reported
 * (pence) or null.
 */
export interface MonitoringReturn {
  readonly on: string
  readonly summary: string
  readonly outcomesAchieved: ReadonlyArray<string>
  readonly savingReported: number | null
}

/** A document of the `requirements` collection of the `grant-monitoring` read model. */
export interface RequirementDoc {
  readonly applicationId: string
  readonly requirementId: string
  readonly fundId: string
  /** The grant's title and recipient, to say which grant it is. */
  readonly title: string
  readonly applicant: string
  readonly kind: RequirementKind
  readonly description: string
  readonly requiredOn: string
  /** When the next return is due: as required, or as set when the last return was sent back. */
  readonly dueOn: string
  readonly status: RequirementStatus
  /** The last return submitted, or null before the first. */
  readonly lastSubmission: MonitoringReturn | null
  /** Each time a return was sent back, and why. */
  readonly returns: ReadonlyArray<{ readonly on: string; readonly reason: string }>
  readonly acceptedOn: string | null
  /** The ledger position of the last event folded in. */
  readonly position: number
}

/** The grant a requirement belongs to, as drafted. */
export interface MonitoredGrant {
  readonly applicationId: string
  readonly fundId: string
  readonly title: string
  readonly applicant: string
}

/** Whether a requirement still waits for a return: due, or sent back for another. */
export const awaitingReturn = (r: Pick<RequirementDoc, 'status'>): boolean =>
  r.status === 'due' || r.status === 'returned'

/** Overdue on `today`: due before it and no return in (none submitted, or the last sent back). */
export const isOverdue = (r: Pick<RequirementDoc, 'status' | 'dueOn'>, today: string): boolean =>
  awaitingReturn(r) && r.dueOn < today

// --- the projection ---

/** The `grants` collection of `grant-monitoring`: each grant with monitoring requirements. */
export const monitoredGrants = defineCollection<MonitoredGrant>('grants')
/** Requirements by `<application>/<requirement>`. */
export const requirementDocs = defineCollection<RequirementDoc, 'applicationId' | 'fundId' | 'status'>('requirements', {
  indexes: ['applicationId', 'fundId', 'status'],
})

/**
 * The `grant-monitoring` read model: each monitoring requirement of a grant, when it is due and
 * where it stands.
 */
export const grantMonitoring = defineProjection({
  name: 'grant-monitoring',
  version: 1,
  events: [ApplicationDrafted, MonitoringRequired, MonitoringSubmitted, MonitoringAccepted, MonitoringReturned],
  collections: [monitoredGrants, requirementDocs],
  apply: async (e, ctx) => {
    if (e.type === 'grants.ApplicationDrafted') {
      const { applicationId, fundId, title, applicant } = e.data
      return ctx.collection(monitoredGrants).put(applicationId, { applicationId, fundId, title, applicant })
    }
    const docs = ctx.collection(requirementDocs)
    const id = `${e.data.applicationId}/${e.data.requirementId}`
    const before = await docs.get(id)
    if (before !== undefined && e.position <= before.position) return
    if (e.type === 'grants.MonitoringRequired') {
      const grant = await ctx.collection(monitoredGrants).get(e.data.applicationId)
      if (grant === undefined) return
      const { applicationId, requirementId, kind, description, dueOn, on } = e.data
      return docs.put(id, {
        applicationId,
        requirementId,
        fundId: grant.fundId,
        title: grant.title,
        applicant: grant.applicant,
        kind,
        description,
        requiredOn: on,
        dueOn,
        status: 'due',
        lastSubmission: null,
        returns: [],
        acceptedOn: null,
        position: e.position,
      })
    }
    if (before === undefined) return
    const position = e.position
    switch (e.type) {
      case 'grants.MonitoringSubmitted': {
        const { on, summary, outcomesAchieved, savingReported } = e.data
        const lastSubmission = { on, summary, outcomesAchieved, savingReported: savingReported ?? null }
        return docs.put(id, { ...before, status: 'submitted', lastSubmission, position })
      }
      case 'grants.MonitoringAccepted':
        return docs.put(id, { ...before, status: 'accepted', acceptedOn: e.data.on, position })
      case 'grants.MonitoringReturned':
        return docs.put(id, {
          ...before,
          status: 'returned',
          dueOn: e.data.dueOn,
          returns: [...before.returns, { on: e.data.on, reason: e.data.reason }],
          position,
        })
    }
  },
})
