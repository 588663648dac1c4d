/** What is recorded of a volunteer's time credits. A credit is an hour; part hours are kept. */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString
const Credits = t.number

/** Credits a volunteer earned for a verified timesheet entry. */
export const CreditsEarned = defineEvent({
  type: 'volunteers.CreditsEarned',
  codec: t.readonly(t.type({ volunteerId: Id, entryId: Id, credits: Credits, on: IsoDate })),
})
/** Credits a volunteer spent on a day, at the place named. */
export const CreditsSpent = defineEvent({
  type: 'volunteers.CreditsSpent',
  codec: t.readonly(t.type({ volunteerId: Id, credits: Credits, on: IsoDate, at: NonEmptyString })),
})
/** Credits given away: to another volunteer (who records them received) or to a community pot. */
export const CreditsGifted = defineEvent({
  type: 'volunteers.CreditsGifted',
  codec: t.readonly(
    t.type({
      volunteerId: Id,
      credits: Credits,
      on: IsoDate,
      to: t.readonly(t.type({ kind: t.keyof({ person: null, pot: null }), id: Id })),
    }),
  ),
})
/** Credits a volunteer was given by another. */
export const CreditsReceived = defineEvent({
  type: 'volunteers.CreditsReceived',
  codec: t.readonly(t.type({ volunteerId: Id, credits: Credits, on: IsoDate, from: Id })),
})
/** A volunteer's credit balance was adjusted by hand, with a reason. */
export const CreditsAdjusted = defineEvent({
  type: 'volunteers.CreditsAdjusted',
  codec: t.readonly(t.type({ volunteerId: Id, credits: Credits, on: IsoDate, reason: NonEmptyString })),
})

const definitions = [CreditsEarned, CreditsSpent, CreditsGifted, CreditsReceived, CreditsAdjusted] as const
/** The catalog of a volunteer's time-credit events: encodes new ones, and upcasts and decodes stored ones. */
export const creditEvents = eventCatalog(...definitions)
/** An event of a volunteer's time credits's stream: one of those `creditEvents` encodes and decodes. */
export type CreditEvent = CatalogEvent<typeof creditEvents>
