/**
 * Small builders for tests: a valid actor and metadata, and new events with fresh ids.
 */
import { randomUUID } from 'node:crypto'

import type { EventMetadata, JsonValue, NewEvent, RecordedEvent } from '@civic-ledger/core'

/** An officer of Cambridgeshire County Council, the actor of test events unless one is given. */
export const testActor = {
  id: 'officer-1',
  organisation: 'GB-LAE-CAM',
  role: 'grants-officer',
} as EventMetadata['actor']

/** Valid metadata for a test event. */
export const testMetadata = (overrides: Readonly<Record<string, unknown>> = {}): EventMetadata =>
  ({
    actor: testActor,
    correlationId: 'test-correlation',
    causationId: 'test-causation',
    occurredAt: '2026-04-01T09:00:00.000Z',
    ...overrides,
  }) as EventMetadata

/** A new event with a fresh id: `testEvent({ n: 1 })`, `testEvent({}, 'grants.GrantAwarded')`. */
export const testEvent = (
  data: JsonValue = {},
  type = 'test.SomethingHappened',
  eventId: string = randomUUID(),
): NewEvent => ({
  eventId,
  type,
  schemaVersion: 1,
  data,
  metadata: testMetadata(),
})

/** `n` new events, numbered in their data from `from`. */
export const testEvents = (n: number, type = 'test.SomethingHappened', from = 0): ReadonlyArray<NewEvent> =>
  Array.from({ length: n }, (_, i) => testEvent({ n: from + i }, type))

/** Reads an async iterable to the end. A synchronous throw by the producer becomes a rejection. */
export const collect = async <A>(iterable: () => AsyncIterable<A>): Promise<ReadonlyArray<A>> => {
  const out: A[] = []
  for await (const item of iterable()) out.push(item)
  return out
}

/** The fields of a recorded event a test usually compares. */
export const summary = (
  e: RecordedEvent,
): { readonly streamId: string; readonly revision: number; readonly position: number; readonly eventId: string } => ({
  streamId: e.streamId,
  revision: e.revision,
  position: e.position,
  eventId: e.eventId,
})
