/**
 * Erasure requests as events (UK GDPR art. 17): a request is recorded with the day it was made, and
 * is either carried out — the subject's key deleted, `privacy.SubjectErased` recorded with no
 * personal data — or refused with a stated exemption. A read model lists requests with their
 * one-month deadline. Erasing a subject twice is harmless: the second time records nothing.
 */
import * as t from 'io-ts'
import { IsoDate, NonEmptyString, addMonths } from './codecs'
import type { EventsOf } from './event'
import { defineEvent, eventCatalog } from './event'
import { accept, defineAggregate, reject } from './decider'
import { defineProjection } from './projection'
import { defineCollection } from './read-model'

export const Exemption = t.keyof(
  { 'legal-obligation': null, 'public-task': null, 'legal-claims': null, statistics: null },
  'Exemption',
)
export type Exemption = t.TypeOf<typeof Exemption>

const Subject = NonEmptyString

export const ErasureRequested = defineEvent({
  type: 'privacy.ErasureRequested',
  codec: t.readonly(t.type({ subject: Subject, requestedOn: IsoDate, deadline: IsoDate })),
})
export const ErasureRefused = defineEvent({
  type: 'privacy.ErasureRefused',
  codec: t.readonly(t.type({ subject: Subject, exemption: Exemption, explanation: NonEmptyString })),
})
export const SubjectErased = defineEvent({
  type: 'privacy.SubjectErased',
  codec: t.readonly(t.type({ subject: Subject, reason: NonEmptyString })),
})

const definitions = [ErasureRequested, ErasureRefused, SubjectErased] as const
export const erasureEvents = eventCatalog(...definitions)
export type ErasureEvent = EventsOf<typeof definitions>

export const ErasureCommand = t.union([
  t.readonly(t.type({ type: t.literal('RequestErasure'), subject: Subject, requestedOn: IsoDate })),
  t.readonly(
    t.type({ type: t.literal('RefuseErasure'), subject: Subject, exemption: Exemption, explanation: NonEmptyString }),
  ),
  t.readonly(t.type({ type: t.literal('EraseSubject'), subject: Subject, reason: NonEmptyString })),
])
export type ErasureCommand = t.TypeOf<typeof ErasureCommand>

export interface ErasureState {
  readonly status: 'none' | 'requested' | 'refused' | 'erased'
}

/** A subject's erasure requests and their outcome: stream `privacy.subject-<id>`. */
export const dataSubjects = defineAggregate({
  context: 'privacy',
  name: 'subject',
  commands: ErasureCommand,
  events: erasureEvents,
  id: (command) => command.subject,
  decider: {
    initialState: { status: 'none' },
    evolve: (_state: ErasureState, event: ErasureEvent): ErasureState => ({
      status:
        event.type === 'privacy.ErasureRequested'
          ? 'requested'
          : event.type === 'privacy.ErasureRefused'
            ? 'refused'
            : 'erased',
    }),
    decide: (command: ErasureCommand, state: ErasureState) => {
      switch (command.type) {
        case 'RequestErasure':
          if (state.status === 'erased') return accept<ErasureEvent>()
          if (state.status === 'requested')
            return reject('request-open', `an erasure request for ${command.subject} is already open`)
          return accept<ErasureEvent>(
            ErasureRequested.create({
              subject: command.subject,
              requestedOn: command.requestedOn,
              deadline: addMonths(command.requestedOn, 1),
            }),
          )
        case 'RefuseErasure':
          if (state.status !== 'requested')
            return reject('no-open-request', `there is no open erasure request for ${command.subject} to refuse`)
          return accept<ErasureEvent>(
            ErasureRefused.create({
              subject: command.subject,
              exemption: command.exemption,
              explanation: command.explanation,
            }),
          )
        case 'EraseSubject':
          // Erasing twice is harmless: nothing more is recorded.
          if (state.status === 'erased') return accept<ErasureEvent>()
          return accept<ErasureEvent>(SubjectErased.create({ subject: command.subject, reason: command.reason }))
      }
    },
  },
})

export interface ErasureRequestDoc {
  readonly subject: string
  readonly status: 'requested' | 'refused' | 'erased'
  readonly requestedOn: string | null
  readonly deadline: string | null
  readonly exemption: string | null
  readonly decidedAt: string | null
}

export const erasureRequestDocs = defineCollection<ErasureRequestDoc, 'status'>('requests', { indexes: ['status'] })

/** Erasure requests, their one-month deadlines and outcomes. Holds subject ids only, never personal data. */
export const erasureRequests = defineProjection({
  name: 'erasure-requests',
  version: 1,
  events: [ErasureRequested, ErasureRefused, SubjectErased],
  collections: [erasureRequestDocs],
  apply: async (event, ctx) => {
    const docs = ctx.collection(erasureRequestDocs)
    const subject = event.data.subject
    const before = (await docs.get(subject)) ?? {
      subject,
      status: 'requested' as const,
      requestedOn: null,
      deadline: null,
      exemption: null,
      decidedAt: null,
    }
    if (event.type === 'privacy.ErasureRequested')
      await docs.put(subject, {
        ...before,
        status: 'requested',
        requestedOn: event.data.requestedOn,
        deadline: event.data.deadline,
        exemption: null,
        decidedAt: null,
      })
    else if (event.type === 'privacy.ErasureRefused')
      await docs.put(subject, {
        ...before,
        status: 'refused',
        exemption: event.data.exemption,
        decidedAt: event.metadata.occurredAt,
      })
    else await docs.put(subject, { ...before, status: 'erased', decidedAt: event.metadata.occurredAt })
  },
})
