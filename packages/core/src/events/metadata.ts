/**
 * The metadata every event carries (DESIGN §2): who did it, why (correlation and causation), when it
 * happened in the world.
 */
import * as t from 'io-ts'

import { IsoDateTime, NonEmptyString } from '../kernel/codecs'

// --- model ---

/** The person or system acting: their id, the organisation they act for, and their role there. */
export const Actor = t.readonly(
  t.type({ id: NonEmptyString, organisation: NonEmptyString, role: NonEmptyString }),
  'Actor',
)
export type Actor = t.TypeOf<typeof Actor>

/** The metadata of a stored event. Further JSON keys are kept as they are. */
export const EventMetadata = t.readonly(
  t.type({
    actor: Actor,
    correlationId: NonEmptyString,
    causationId: NonEmptyString,
    occurredAt: IsoDateTime,
  }),
  'EventMetadata',
)
export type EventMetadata = t.TypeOf<typeof EventMetadata>

/** Metadata as a writer supplies it: the same fields as plain strings; the store checks them. */
export type EventMetadataInput = t.OutputOf<typeof EventMetadata>
