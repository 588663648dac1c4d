/**
 * What is recorded of a county councillor: who they are and which council they sit on, and each term
 * representing a county division (E58), from one day until another (the day it ends is not in it).
 * A councillor's name is recorded as the council publishes it, as the holder of a public office.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/** A county councillor was registered: their name and council. */
export const CouncillorRegistered = defineEvent({
  type: 'grants.CouncillorRegistered',
  codec: t.readonly(t.type({ councillorId: Id, name: NonEmptyString, council: Id, on: IsoDate })),
})

/** A term representing a division, from `from` until `until` (not included), or open while it lasts. */
export const TermRecorded = defineEvent({
  type: 'grants.TermRecorded',
  codec: t.readonly(
    t.intersection([
      t.type({ councillorId: Id, division: Id, from: IsoDate, on: IsoDate }),
      t.partial({ until: IsoDate }),
    ]),
  ),
})

/** The open term ended: the councillor represents its division until `until` (not included). */
export const TermEnded = defineEvent({
  type: 'grants.TermEnded',
  codec: t.readonly(t.type({ councillorId: Id, division: Id, until: IsoDate, on: IsoDate })),
})

const definitions = [CouncillorRegistered, TermRecorded, TermEnded] as const
/** The catalog of a councillor's events: encodes new ones, and upcasts and decodes stored ones. */
export const councillorEvents = eventCatalog(...definitions)
/** An event of a councillor's stream: one of those `councillorEvents` encodes and decodes. */
export type CouncillorEvent = CatalogEvent<typeof councillorEvents>
