/**
 * Given/then for projections. The events are applied three ways over in-memory read-model storage,
 * through the same context the runner gives a projection:
 * - incrementally, one event per transaction, as a live projection sees them;
 * - as a full rebuild, every event in one batch, as a new version catching up sees them;
 * - with `{ twice: true }`, each event applied twice in a row, to prove the projection idempotent.
 * Each read model must equal the expected one, so a projection whose rebuild differs from its
 * incremental result fails, naming which way of applying differed.
 *
 * @example
 * test('counts awarded grants', async (t) =>
 *   projectionSpec(awardsByFund)(t).given([awarded1, awarded2]).then({ 'fund-totals': { 'fund-1': { awarded: 2 } } }))
 */
import type { AnyProjection, JsonObject, RecordedEvent } from '@civic-ledger/core'
import { checkProjection, projectedEvent, projectionContext } from '@civic-ledger/core'
import { createMemoryReadModelStorage, tableName } from '@civic-ledger/core/store-kit'

import type { Assertions } from './runner'

/** A read model as collection name → document id → document. */
export type ReadModelContents = Readonly<Record<string, Readonly<Record<string, JsonObject>>>>

/** A projection's events, given: what the read model must then hold. */
export interface ProjectionThen {
  /** Asserts the read model, collection by collection, document by document. */
  then(expected: ReadModelContents): Promise<void>
}

/** Applies `events` to a fresh read model, `perTransaction` at a time (`repeat` times each); returns its contents. */
export const applyToReadModel = async (
  projection: AnyProjection,
  events: ReadonlyArray<RecordedEvent>,
  options: { readonly perTransaction?: number; readonly repeat?: number } = {},
): Promise<ReadModelContents> => {
  const checked = checkProjection(projection)
  const storage = createMemoryReadModelStorage()
  await storage.transaction(async (tx) => {
    const ctx = projectionContext(checked, tx)
    await ctx.ensureCollections()
    await checked.setup?.(ctx)
    await ctx.flush()
  })
  const handled = events.filter((event) => checked.handles.includes(event.type))
  const size = Math.max(1, options.perTransaction ?? handled.length)
  for (let i = 0; i < handled.length; i += size)
    await storage.transaction(async (tx) => {
      const ctx = projectionContext(checked, tx)
      for (const event of handled.slice(i, i + size))
        for (let n = 0; n < (options.repeat ?? 1); n++) await checked.apply(projectedEvent(checked, event), ctx)
      await ctx.flush()
    })
  const dump = storage.dump()
  return Object.fromEntries(
    (checked.collections ?? []).map((c) => [c.name, dump[tableName(checked.name, checked.version, c.name)] ?? {}]),
  )
}

/**
 * Given/then for a projection, with the test's assertions: the events given are applied one at a
 * time and as one rebuild (and, with `twice`, each twice), and every read model must equal the one
 * stated, so a projection that is not idempotent, or rebuilds differently, fails.
 *
 * @example
 * ```ts
 * test('awards add up by fund', async (t) => {
 *   await projectionSpec(grantTotals)(t).given([awarded], { twice: true }).then({ totals: { innovate: { awarded: 5000 } } })
 * })
 * ```
 */
export const projectionSpec = (projection: AnyProjection) => (t: Assertions) => ({
  /**
   * Applies `events` (only the types the projection handles). With `{ twice: true }` each event is
   * also applied twice in a row, and that read model must be the same too.
   */
  given: (events: ReadonlyArray<RecordedEvent>, options: { readonly twice?: boolean } = {}): ProjectionThen => ({
    then: async (expected) => {
      const incremental = await applyToReadModel(projection, events, { perTransaction: 1 })
      t.deepEqual(incremental, expected, 'applied one event at a time')
      const rebuilt = await applyToReadModel(projection, events)
      t.deepEqual(rebuilt, incremental, 'a full rebuild differs from one event at a time')
      if (options.twice === true)
        t.deepEqual(await applyToReadModel(projection, events, { repeat: 2 }), expected, 'each event applied twice')
    },
  }),
})
