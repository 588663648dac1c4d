/**
 * A projection that is deliberately not idempotent: every event it applies increments a count on
 * its own document and on a total. Applied twice, an event shows `times: 2`; lost, it has no
 * document. So its read model tells exactly how often each event took effect.
 */
import type { AnyProjection, ProjectedEvent } from '@civic-ledger/core'
import { defineCollection } from '@civic-ledger/core'

export const counted = defineCollection<{ readonly position: number; readonly times: number }>('counted')
export const total = defineCollection<{ readonly applied: number }>('total')

export const tally = (
  options: { readonly mode?: 'async' | 'inline'; readonly beforeApply?: (event: ProjectedEvent) => void } = {},
): AnyProjection => ({
  name: 'tally',
  version: 1,
  handles: ['tally.ItemCounted'],
  collections: [counted, total],
  mode: options.mode ?? 'async',
  apply: async (event, ctx) => {
    const items = ctx.collection(counted)
    const id = `at-${event.position}`
    const before = (await items.get(id))?.times ?? 0
    await items.put(id, { position: event.position, times: before + 1 })
    const sum = ctx.collection(total)
    await sum.put('all', { applied: ((await sum.get('all'))?.applied ?? 0) + 1 })
    if (options.beforeApply === undefined) return
    // A find writes what the batch holds, so a kill now leaves uncommitted rows in the database.
    await items.find(undefined, { limit: 1 })
    await sum.find(undefined, { limit: 1 })
    options.beforeApply(event)
  },
})
