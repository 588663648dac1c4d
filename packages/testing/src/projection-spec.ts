/**
 * Given/then for projections: apply recorded events to a projection over an in-memory document
 * store and compare the read model; optionally apply every event twice to prove the projection is
 * idempotent.
 *
 * @example
 * test('counts awarded grants', async (t) =>
 *   projectionSpec(grantsByFund)(t).given([awarded1, awarded2]).then({ 'grants-by-fund': { 'fund-1': { awarded: 2 } } }))
 */
import type { ExecutionContext } from 'ava'
import type { JsonObject, Projection, RecordedEvent } from '@civic-ledger/core'
import { createMemoryDocumentStore } from '@civic-ledger/core'

export interface ProjectionThen {
  /** Asserts the read model, collection by collection, document by document. */
  then(expected: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>): Promise<void>
}

export const projectionSpec = (projection: Projection) => (t: ExecutionContext) => ({
  /**
   * Applies `events` (only the types the projection handles). With `{ twice: true }` each event is
   * applied twice in a row, and the read model must be the same as applying it once.
   */
  given: (events: ReadonlyArray<RecordedEvent>, options: { readonly twice?: boolean } = {}): ProjectionThen => ({
    then: async (expected) => {
      const docs = createMemoryDocumentStore()
      await projection.setup?.(docs)
      for (const event of events) {
        if (!projection.handles.includes(event.type)) continue
        await projection.apply(event, docs)
        if (options.twice === true) await projection.apply(event, docs)
      }
      t.deepEqual(docs.snapshot(), expected)
    },
  }),
})
