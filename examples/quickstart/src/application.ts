/**
 * An Innovation Fund application, as a decider: a small group with a "big idea" drafts an
 * application, submits it, and a grants officer decides. Small on purpose; the grants package
 * models the whole life of a grant.
 */
import type { EventsOf } from '@civic-ledger/core'
import { accept, defineAggregate, defineEvent, eventCatalog, Money, NonEmptyString, reject } from '@civic-ledger/core'
import * as t from 'io-ts'

// --- events ---

export const ApplicationDrafted = defineEvent({
  type: 'grants.ApplicationDrafted',
  codec: t.type({ applicationId: NonEmptyString, applicant: NonEmptyString, idea: NonEmptyString, requested: Money }),
})
export const ApplicationSubmitted = defineEvent({
  type: 'grants.ApplicationSubmitted',
  codec: t.type({ applicationId: NonEmptyString }),
})
export const ApplicationDecided = defineEvent({
  type: 'grants.ApplicationDecided',
  codec: t.type({
    applicationId: NonEmptyString,
    outcome: t.keyof({ awarded: null, declined: null }),
    reason: t.string,
  }),
})

const definitions = [ApplicationDrafted, ApplicationSubmitted, ApplicationDecided] as const
export const applicationEvents = eventCatalog(...definitions)
export type ApplicationEvent = EventsOf<typeof definitions>

// --- commands ---

export const ApplicationCommand = t.union([
  t.type({
    type: t.literal('DraftApplication'),
    applicationId: NonEmptyString,
    applicant: NonEmptyString,
    idea: NonEmptyString,
    requested: Money,
  }),
  t.type({ type: t.literal('SubmitApplication'), applicationId: NonEmptyString }),
  t.type({
    type: t.literal('DecideApplication'),
    applicationId: NonEmptyString,
    outcome: t.keyof({ awarded: null, declined: null }),
    reason: t.string,
  }),
])
export type ApplicationCommand = t.TypeOf<typeof ApplicationCommand>

// --- state ---

export type ApplicationState =
  | { readonly status: 'none' }
  | { readonly status: 'draft' | 'submitted' | 'awarded' | 'declined'; readonly requested: Money }

// --- decision ---

/** The Innovation Fund's stream limits, in pence: £2,000 to £15,000. */
const MIN_AWARD = 200_000
const MAX_AWARD = 1_500_000

export const applications = defineAggregate({
  context: 'grants',
  name: 'application',
  commands: ApplicationCommand,
  events: applicationEvents,
  id: (command) => command.applicationId,
  decider: {
    initialState: { status: 'none' },
    evolve: (state: ApplicationState, event: ApplicationEvent): ApplicationState => {
      switch (event.type) {
        case 'grants.ApplicationDrafted':
          return { status: 'draft', requested: event.data.requested }
        case 'grants.ApplicationSubmitted':
          return state.status === 'none' ? state : { ...state, status: 'submitted' }
        case 'grants.ApplicationDecided':
          return state.status === 'none' ? state : { ...state, status: event.data.outcome }
      }
    },
    decide: (command: ApplicationCommand, state: ApplicationState) => {
      switch (command.type) {
        case 'DraftApplication':
          if (state.status !== 'none') return reject('already-drafted', `application ${command.applicationId} exists`)
          if (command.requested.amount < MIN_AWARD || command.requested.amount > MAX_AWARD)
            return reject('amount-outside-stream', 'the Innovation Fund awards between £2,000 and £15,000')
          return accept<ApplicationEvent>(
            ApplicationDrafted.create({
              applicationId: command.applicationId,
              applicant: command.applicant,
              idea: command.idea,
              requested: command.requested,
            }),
          )
        case 'SubmitApplication':
          if (state.status === 'none') return reject('not-drafted', 'there is no draft to submit')
          if (state.status !== 'draft') return reject('already-submitted', 'this application was already submitted')
          return accept<ApplicationEvent>(ApplicationSubmitted.create({ applicationId: command.applicationId }))
        case 'DecideApplication':
          if (state.status !== 'submitted')
            return reject('not-submitted', 'only a submitted application can be decided')
          return accept<ApplicationEvent>(
            ApplicationDecided.create({
              applicationId: command.applicationId,
              outcome: command.outcome,
              reason: command.reason,
            }),
          )
      }
    },
  },
})
