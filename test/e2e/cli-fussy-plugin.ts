/**
 * A plug-in module the CLI's end-to-end test loads through civic-ledger.config.json: two
 * projections of grant awards that fail on an award of £3,000 until `CIVIC_LEDGER_FUSSY_FIXED=1` —
 * one parks the event (dead-letter), the other halts before it. (A real projection reads nothing
 * outside its context; this one reads the environment so the test can "fix the cause".)
 */
import { defineCollection, definePlugin, defineProjection } from '@civic-ledger/core'
import { GrantAwarded } from '@civic-ledger/grants'

const awardsSeen = defineCollection<{ readonly pence: number }>('awards-seen')

const fussy = (name: string, onFailure: { readonly kind: 'halt' } | { readonly kind: 'dead-letter' }) =>
  defineProjection({
    name,
    version: 1,
    events: [GrantAwarded],
    collections: [awardsSeen],
    onFailure,
    apply: async (event, ctx) => {
      if (event.data.amount === 300_000 && process.env['CIVIC_LEDGER_FUSSY_FIXED'] !== '1')
        throw new Error(`awards of ${event.data.amount} pence are not understood yet`)
      await ctx.collection(awardsSeen).put(event.data.applicationId, { pence: event.data.amount })
    },
  })

export const plugin = definePlugin({
  name: 'fussy',
  projections: [fussy('fussy-awards', { kind: 'dead-letter' }), fussy('strict-awards', { kind: 'halt' })],
  events: [GrantAwarded],
})
