/** What is recorded of an application, from draft to an award or its end. Amounts are whole pence. */
import type { EventsOf } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString, Pence } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

export const ApplicationDrafted = defineEvent({
  type: 'grants.ApplicationDrafted',
  codec: t.readonly(
    t.intersection([
      t.type({
        applicationId: Id,
        fundId: Id,
        streamId: Id,
        applicant: Id,
        title: NonEmptyString,
        amountRequested: Pence,
        /** The areas the work serves, by code. */
        areas: t.readonlyArray(NonEmptyString),
        outcomes: t.readonlyArray(NonEmptyString),
        on: IsoDate,
      }),
      t.partial({ roundId: Id, projectedSaving: Pence }),
    ]),
  ),
})
export const ApplicationSubmitted = defineEvent({
  type: 'grants.ApplicationSubmitted',
  codec: t.readonly(t.type({ applicationId: Id, on: IsoDate })),
})
export const ApplicationWithdrawn = defineEvent({
  type: 'grants.ApplicationWithdrawn',
  codec: t.readonly(t.type({ applicationId: Id, reason: NonEmptyString, on: IsoDate })),
})
export const ApplicationDeclined = defineEvent({
  type: 'grants.ApplicationDeclined',
  codec: t.readonly(t.type({ applicationId: Id, reason: NonEmptyString, on: IsoDate })),
})
/** The panel's award: the amount, within the limits and the fund's remaining budget, and its conditions. */
export const GrantAwarded = defineEvent({
  type: 'grants.GrantAwarded',
  codec: t.readonly(
    t.type({ applicationId: Id, fundId: Id, amount: Pence, conditions: t.readonlyArray(NonEmptyString), on: IsoDate }),
  ),
})

const definitions = [
  ApplicationDrafted,
  ApplicationSubmitted,
  ApplicationWithdrawn,
  ApplicationDeclined,
  GrantAwarded,
] as const
export const applicationEvents = eventCatalog(...definitions)
export type ApplicationEvent = EventsOf<typeof definitions>
