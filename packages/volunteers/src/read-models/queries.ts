/**
 * Queries over the volunteers context's read models: verified hours fit to publish (counts of fewer
 * than five people suppressed), active volunteers, balances, pots, and who needs attention on a day.
 */
import type { ProjectionRunner } from '@civic-ledger/core'
import { addDays } from '@civic-ledger/core'

import { activeDocs, activeVolunteers } from './active'
import { balanceDocs, potDocs, timeCreditBalances } from './balances'
import { complianceDocs, safeguardingCompliance } from './compliance'
import { hoursBuckets, volunteerHours } from './hours'

/** Counts of fewer people than this are suppressed in public outputs. */
export const SMALL_COUNT = 5

/** A row of a public report: counts of fewer than five people are suppressed, with their hours. */
export interface PublicHoursRow {
  readonly area: string
  readonly roleId: string
  readonly month: string
  readonly volunteers: number | null
  readonly verifiedHours: number | null
  readonly suppressed: boolean
}

/**
 * Safeguarding and training compliance on a day: what has expired, what expires within 7, 30 or 60
 * days, and applications overdue.
 */
export interface ComplianceReport {
  readonly day: string
  readonly expired: ReadonlyArray<{ readonly volunteerId: string; readonly what: string; readonly on: string }>
  /** Expiring within 7, 30 and 60 days (each list includes the shorter ones). */
  readonly expiring: Readonly<
    Record<7 | 30 | 60, ReadonlyArray<{ readonly volunteerId: string; readonly what: string; readonly on: string }>>
  >
  /** Applications not decided within 28 days. */
  readonly applicationsOverdue: ReadonlyArray<{ readonly volunteerId: string; readonly appliedOn: string }>
}

/**
 * The questions an app asks of the volunteers read models — hours by area, role and month (small
 * counts suppressed), active volunteers, compliance, balances — on a ledger's projections.
 */
export const createVolunteerQueries = (runner: Pick<ProjectionRunner, 'query'>) => {
  const buckets = runner.query(volunteerHours, hoursBuckets)
  const compliance = runner.query(safeguardingCompliance, complianceDocs)
  return {
    /** Verified hours by delivery area and role for a month, fit to publish. */
    publicHours: async (month: string): Promise<ReadonlyArray<PublicHoursRow>> =>
      (await buckets.find({ month })).map((b) => {
        const people = Object.keys(b.byVolunteer).length
        const suppressed = people < SMALL_COUNT
        return {
          area: b.area,
          roleId: b.roleId,
          month: b.month,
          volunteers: suppressed ? null : people,
          verifiedHours: suppressed ? null : b.verifiedHours,
          suppressed,
        }
      }),
    /** How many volunteers are active now. */
    activeVolunteers: async (): Promise<number> =>
      (await runner.query(activeVolunteers, activeDocs).find({ active: true })).length,
    /** A volunteer's time-credit balance. */
    balance: async (volunteerId: string): Promise<number> =>
      (await runner.query(timeCreditBalances, balanceDocs).get(volunteerId))?.balance ?? 0,
    /** The credits a community pot has been given. */
    potTotal: async (potId: string): Promise<number> =>
      (await runner.query(timeCreditBalances, potDocs).get(potId))?.received ?? 0,
    /** Who needs attention on `day`: expired or expiring DBS checks and training, overdue applications. */
    compliance: async (day: string): Promise<ComplianceReport> => {
      const expired: Array<{ volunteerId: string; what: string; on: string }> = []
      const soon: Array<{ volunteerId: string; what: string; on: string }> = []
      const applicationsOverdue: Array<{ volunteerId: string; appliedOn: string }> = []
      for (const doc of await compliance.find()) {
        if (doc.status === 'applied' && addDays(doc.appliedOn, 28) < day)
          applicationsOverdue.push({ volunteerId: doc.volunteerId, appliedOn: doc.appliedOn })
        if (doc.status !== 'approved') continue
        const dates: Array<[string, string]> = [
          ...(doc.hasDbs && doc.dbsValidUntil !== null ? [['DBS check', doc.dbsValidUntil] as [string, string]] : []),
          ...Object.entries(doc.training).flatMap(([course, on]) =>
            on === null ? [] : [[`training: ${course}`, on] as [string, string]],
          ),
        ]
        for (const [what, on] of dates)
          if (on <= day) expired.push({ volunteerId: doc.volunteerId, what, on })
          else if (on <= addDays(day, 60)) soon.push({ volunteerId: doc.volunteerId, what, on })
      }
      return {
        day,
        expired,
        expiring: {
          7: soon.filter((s) => s.on <= addDays(day, 7)),
          30: soon.filter((s) => s.on <= addDays(day, 30)),
          60: soon,
        },
        applicationsOverdue,
      }
    },
  }
}
