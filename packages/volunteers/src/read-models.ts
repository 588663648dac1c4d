/**
 * The volunteers context's read models — projection plug-ins like any integrator's — and the
 * queries over them: verified hours by delivery area, role and month; active volunteers;
 * safeguarding and training compliance on a day; time-credit balances. Public outputs suppress any
 * count of fewer than five people.
 */
import type { ProjectionRunner } from '@civic-ledger/core'
import { addMonths, defineCollection, definePlugin, defineProjection } from '@civic-ledger/core'

import { creditEvents, CreditsAdjusted, CreditsEarned, CreditsGifted, CreditsSpent } from './credits'
import { roleEvents } from './role'
import { DBS_RENEWAL_MONTHS } from './safeguarding'
import { HoursCorrected, HoursLogged, HoursRejected, HoursVerified, timesheetEvents } from './timesheet'
import {
  DbsCheckRecorded,
  PlacementEnded,
  TrainingCompleted,
  VolunteerApplied,
  VolunteerApproved,
  volunteerEvents,
  VolunteerPlaced,
  VolunteerReinstated,
  VolunteerRejected,
  VolunteerSuspended,
} from './volunteer'

/** Counts of fewer people than this are suppressed in public outputs. */
export const SMALL_COUNT = 5

// --- hours ---

export interface EntryDoc {
  readonly volunteerId: string
  readonly roleId: string
  readonly area: string
  readonly month: string
  readonly hours: number
  readonly status: 'logged' | 'verified' | 'rejected'
}
export interface HoursBucketDoc {
  readonly area: string
  readonly roleId: string
  readonly month: string
  readonly verifiedHours: number
  /** Verified hours per volunteer in the bucket, to count people. */
  readonly byVolunteer: Readonly<Record<string, number>>
}

export const entryDocs = defineCollection<EntryDoc>('entries')
export const hoursBuckets = defineCollection<HoursBucketDoc, 'month' | 'area'>('buckets', {
  indexes: ['month', 'area'],
})

export const volunteerHours = defineProjection({
  name: 'volunteer-hours',
  version: 1,
  events: [HoursLogged, HoursVerified, HoursRejected, HoursCorrected],
  collections: [entryDocs, hoursBuckets],
  apply: async (e, ctx) => {
    const entries = ctx.collection(entryDocs)
    const buckets = ctx.collection(hoursBuckets)
    const id = `${e.data.placementId}/${e.data.entryId}`
    if (e.type === 'volunteers.HoursLogged') {
      await entries.put(id, {
        volunteerId: e.data.volunteerId,
        roleId: e.data.roleId,
        area: e.data.area.code,
        month: e.data.date.slice(0, 7),
        hours: e.data.hours,
        status: 'logged',
      })
      return
    }
    const entry = await entries.get(id)
    if (entry === undefined) return
    if (e.type === 'volunteers.HoursCorrected')
      await entries.put(id, { ...entry, hours: e.data.hours, status: 'logged' })
    else if (e.type === 'volunteers.HoursRejected') await entries.put(id, { ...entry, status: 'rejected' })
    else {
      await entries.put(id, { ...entry, status: 'verified' })
      const key = `${entry.area}/${entry.roleId}/${entry.month}`
      const before = (await buckets.get(key)) ?? {
        area: entry.area,
        roleId: entry.roleId,
        month: entry.month,
        verifiedHours: 0,
        byVolunteer: {},
      }
      await buckets.put(key, {
        ...before,
        verifiedHours: before.verifiedHours + entry.hours,
        byVolunteer: {
          ...before.byVolunteer,
          [entry.volunteerId]: (before.byVolunteer[entry.volunteerId] ?? 0) + entry.hours,
        },
      })
    }
  },
})

// --- active volunteers ---

export interface ActiveDoc {
  readonly volunteerId: string
  readonly placements: Readonly<Record<string, { readonly roleId: string; readonly area: string }>>
  readonly suspended: boolean
  readonly active: boolean
}
export const activeDocs = defineCollection<ActiveDoc, 'active'>('volunteers', { indexes: ['active'] })

export const activeVolunteers = defineProjection({
  name: 'active-volunteers',
  version: 1,
  events: [VolunteerPlaced, PlacementEnded, VolunteerSuspended, VolunteerReinstated],
  collections: [activeDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(activeDocs)
    const before = (await docs.get(e.data.volunteerId)) ?? {
      volunteerId: e.data.volunteerId,
      placements: {},
      suspended: false,
      active: false,
    }
    let next: ActiveDoc
    if (e.type === 'volunteers.VolunteerPlaced')
      next = {
        ...before,
        placements: {
          ...before.placements,
          [e.data.placementId]: { roleId: e.data.role.roleId, area: e.data.area.code },
        },
      }
    else if (e.type === 'volunteers.PlacementEnded') {
      const { [e.data.placementId]: _ended, ...rest } = before.placements
      next = { ...before, placements: rest }
    } else next = { ...before, suspended: e.type === 'volunteers.VolunteerSuspended' }
    await docs.put(e.data.volunteerId, {
      ...next,
      active: !next.suspended && Object.keys(next.placements).length > 0,
    })
  },
})

// --- safeguarding and training compliance ---

export interface ComplianceDoc {
  readonly volunteerId: string
  readonly status: 'applied' | 'approved' | 'rejected'
  readonly appliedOn: string
  /** The day the volunteer's best DBS check stops counting, or null with the update service. */
  readonly dbsValidUntil: string | null
  readonly hasDbs: boolean
  readonly training: Readonly<Record<string, string>>
}
export const complianceDocs = defineCollection<ComplianceDoc, 'status'>('volunteers', { indexes: ['status'] })

/** What the compliance model keeps is not personal data; on erasure the volunteer's row goes anyway. */
export const safeguardingCompliance = defineProjection({
  name: 'safeguarding-compliance',
  version: 1,
  events: [VolunteerApplied, VolunteerApproved, VolunteerRejected, DbsCheckRecorded, TrainingCompleted],
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
        training: {},
      })
      return
    }
    const before = await docs.get(e.data.volunteerId)
    if (before === undefined) return
    switch (e.type) {
      case 'volunteers.VolunteerApproved':
      case 'volunteers.VolunteerRejected':
        await docs.put(before.volunteerId, {
          ...before,
          status: e.type === 'volunteers.VolunteerApproved' ? 'approved' : 'rejected',
        })
        return
      case 'volunteers.DbsCheckRecorded': {
        if (e.data.decision !== 'accepted') return
        const until = e.data.updateService ? null : addMonths(e.data.issuedOn, DBS_RENEWAL_MONTHS)
        const best =
          !before.hasDbs || until === null || (before.dbsValidUntil !== null && until > before.dbsValidUntil)
            ? until
            : before.dbsValidUntil
        await docs.put(before.volunteerId, { ...before, hasDbs: true, dbsValidUntil: best })
        return
      }
      case 'volunteers.TrainingCompleted': {
        const held = before.training[e.data.course]
        if (held !== undefined && held >= e.data.expiresOn) return
        await docs.put(before.volunteerId, {
          ...before,
          training: { ...before.training, [e.data.course]: e.data.expiresOn },
        })
      }
    }
  },
  erase: async (subject, ctx) => {
    await ctx.collection(complianceDocs).delete(subject)
  },
})

// --- time credits ---

export interface BalanceDoc {
  readonly accountId: string
  readonly balance: number
  readonly earned: number
}
export const balanceDocs = defineCollection<BalanceDoc>('balances')

export const timeCreditBalances = defineProjection({
  name: 'time-credit-balances',
  version: 1,
  events: [CreditsEarned, CreditsSpent, CreditsGifted, CreditsAdjusted],
  collections: [balanceDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(balanceDocs)
    const before = (await docs.get(e.data.accountId)) ?? { accountId: e.data.accountId, balance: 0, earned: 0 }
    const change =
      e.type === 'volunteers.CreditsSpent' || e.type === 'volunteers.CreditsGifted' ? -e.data.credits : e.data.credits
    await docs.put(e.data.accountId, {
      ...before,
      balance: before.balance + change,
      earned: before.earned + (e.type === 'volunteers.CreditsEarned' ? e.data.credits : 0),
    })
  },
})

export const volunteersPlugin = definePlugin({
  name: 'volunteers',
  // Every event the context records, so a ledger that declares events knows all of them.
  events: [
    ...roleEvents.definitions,
    ...volunteerEvents.definitions,
    ...timesheetEvents.definitions,
    ...creditEvents.definitions,
  ],
  projections: [volunteerHours, activeVolunteers, safeguardingCompliance, timeCreditBalances],
})

// --- queries ---

/** A row of a public report: counts of fewer than five people are suppressed, with their hours. */
export interface PublicHoursRow {
  readonly area: string
  readonly roleId: string
  readonly month: string
  readonly volunteers: number | null
  readonly verifiedHours: number | null
  readonly suppressed: boolean
}

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

const addDays = (day: string, n: number): string => {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

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
    activeVolunteers: async (): Promise<number> =>
      (await runner.query(activeVolunteers, activeDocs).find({ active: true })).length,
    balance: async (accountId: string): Promise<number> =>
      (await runner.query(timeCreditBalances, balanceDocs).get(accountId))?.balance ?? 0,
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
          ...Object.entries(doc.training).map(([course, on]) => [`training: ${course}`, on] as [string, string]),
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
