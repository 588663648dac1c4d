/**
 * Verified hours by delivery area, role and month, with each volunteer's share so people can be
 * counted (and small counts suppressed) without naming anyone.
 */
import { defineCollection, defineProjection, own } from '@civic-ledger/core'

import { HoursCorrected, HoursLogged, HoursRejected, HoursVerified } from '../timesheet/events'

/** A document of the `entries` collection of the `volunteer-hours` read model. */
export interface EntryDoc {
  readonly volunteerId: string
  readonly placementId: string
  readonly roleId: string
  readonly area: string
  readonly month: string
  readonly hours: number
  readonly status: 'logged' | 'verified' | 'rejected'
}
/** A document of the `buckets` collection of the `volunteer-hours` read model. */
export interface HoursBucketDoc {
  readonly area: string
  readonly roleId: string
  readonly month: string
  readonly verifiedHours: number
  /** Verified hours per volunteer in the bucket, to count people. */
  readonly byVolunteer: Readonly<Record<string, number>>
}

/** Entries by `<volunteer>/<entry>`. */
export const entryDocs = defineCollection<EntryDoc>('entries')
/** The `buckets` collection of `volunteer-hours`: verified hours by month, delivery area and role. */
export const hoursBuckets = defineCollection<HoursBucketDoc, 'month' | 'area'>('buckets', {
  indexes: ['month', 'area'],
})

/** The `volunteer-hours` read model: verified hours by delivery area, role and month. */
export const volunteerHours = defineProjection({
  name: 'volunteer-hours',
  version: 2,
  events: [HoursLogged, HoursVerified, HoursRejected, HoursCorrected],
  collections: [entryDocs, hoursBuckets],
  apply: async (e, ctx) => {
    const entries = ctx.collection(entryDocs)
    const buckets = ctx.collection(hoursBuckets)
    const id = `${e.data.volunteerId}/${e.data.entryId}`
    if (e.type === 'volunteers.HoursLogged') {
      await entries.put(id, {
        volunteerId: e.data.volunteerId,
        placementId: e.data.placementId,
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
          [entry.volunteerId]: (own(before.byVolunteer, entry.volunteerId) ?? 0) + entry.hours,
        },
      })
    }
  },
})
