/**
 * Time credits by the timesheet entry they were earned for, so that credits can be counted where
 * and in which role the hours were given (the volunteers context keeps balances per person only).
 */
import { defineCollection, defineProjection } from '@civic-ledger/core'
import { CreditsEarned } from '@civic-ledger/volunteers'

/** The time credits one timesheet entry earned a volunteer. */
export interface EntryCreditsDoc {
  readonly volunteerId: string
  readonly entryId: string
  readonly credits: number
}

/** By `<volunteer>/<entry>`, as the volunteers context keys its entries. */
export const entryCreditDocs = defineCollection<EntryCreditsDoc>('entry-credits')

/** The credits each timesheet entry earned, for the volunteering report's hours-to-credits figures. */
export const creditsByEntry = defineProjection({
  name: 'reporting-credits-by-entry',
  version: 1,
  events: [CreditsEarned],
  collections: [entryCreditDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(entryCreditDocs)
    const id = `${e.data.volunteerId}/${e.data.entryId}`
    const before = await docs.get(id)
    await docs.put(id, {
      volunteerId: e.data.volunteerId,
      entryId: e.data.entryId,
      credits: (before?.credits ?? 0) + e.data.credits,
    })
  },
})
