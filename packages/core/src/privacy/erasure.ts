/**
 * Erasure requests as events (UK GDPR art. 17): a request is recorded with the day it was made, and
 * is either carried out — the subject's key deleted, `privacy.SubjectErased` recorded with no
 * personal data — or refused with a stated exemption. A read model lists requests with their
 * one-month deadline. Erasing a subject twice is harmless: the second time records nothing.
 */
import * as t from 'io-ts'

import { accept, defineAggregate, reject } from '../events/decider'
import type { CatalogEvent } from '../events/event'
import { defineEvent, eventCatalog } from '../events/event'
import { addMonths, IsoDate, NonEmptyString } from '../kernel/codecs'
import type { KeyStore } from '../port/privacy'
import { subjectKey } from '../port/privacy'
import { defineCollection } from '../port/read-model'
import { transactionOf } from '../projections/context'
import { defineProjection } from '../projections/projection'

/**
 * The grounds on which an erasure may be refused (UK GDPR art. 17(3)): a legal obligation, a task
 * in the public interest, legal claims, or archiving and statistics.
 */
export const Exemption = t.keyof(
  { 'legal-obligation': null, 'public-task': null, 'legal-claims': null, statistics: null },
  'Exemption',
)
/** A ground on which an erasure may be refused; see the codec. */
export type Exemption = t.TypeOf<typeof Exemption>

const Subject = NonEmptyString
/** A part of a subject keyed on its own, as `<field>=<id>` (see `subjectPartOf`). */
const Part = NonEmptyString

/** The part of a subject that an event definition's `subjectPart` field names: `checkId=c1`. */
export const subjectPartOf = (field: string, id: string): string => `${field}=${id}`

/** Characters a stream id's instance part may hold; anything else is written `~XX` (UTF-8 bytes). */
const STREAM_SAFE = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/

/**
 * The instance id of a subject's erasure stream: the key name itself when a stream id can hold it,
 * else `0~` and the name with every other byte escaped (`v-1/checkId=c1` →
 * `0~v-1~2FcheckId~3Dc1`). Plain names hold no `~`, so the two forms never meet.
 */
export const erasureStreamKey = (key: string): string =>
  STREAM_SAFE.test(key)
    ? key
    : `0~${[...Buffer.from(key, 'utf8')]
        .map((byte) => {
          const c = String.fromCharCode(byte)
          return /[A-Za-z0-9._:-]/.test(c) ? c : `~${byte.toString(16).toUpperCase().padStart(2, '0')}`
        })
        .join('')}`

/** A data subject asked to be erased, on `requestedOn`; `deadline` is one month later. */
export const ErasureRequested = defineEvent({
  type: 'privacy.ErasureRequested',
  codec: t.readonly(t.type({ subject: Subject, requestedOn: IsoDate, deadline: IsoDate })),
})
/** An erasure request was refused, on the exemption given and with an explanation for the subject. */
export const ErasureRefused = defineEvent({
  type: 'privacy.ErasureRefused',
  codec: t.readonly(t.type({ subject: Subject, exemption: Exemption, explanation: NonEmptyString })),
})
/**
 * A subject's key was erased, or, with `part`, the key of one part of them (a DBS certificate's
 * details) while the subject stays. Projections' `erase` hooks run for whole subjects only.
 */
export const SubjectErased = defineEvent({
  type: 'privacy.SubjectErased',
  codec: t.readonly(t.intersection([t.type({ subject: Subject, reason: NonEmptyString }), t.partial({ part: Part })])),
})

const definitions = [ErasureRequested, ErasureRefused, SubjectErased] as const
/** The catalog of the erasure events: requested, refused, and the subject erased. */
export const erasureEvents = eventCatalog(...definitions)
/** An event of a subject's erasure stream. */
export type ErasureEvent = CatalogEvent<typeof erasureEvents>

/**
 * The commands of the `dataSubjects` aggregate: record a request, refuse it, or erase the subject
 * (or one part of them).
 */
export const ErasureCommand = t.union([
  t.readonly(t.type({ type: t.literal('RequestErasure'), subject: Subject, requestedOn: IsoDate })),
  t.readonly(
    t.type({ type: t.literal('RefuseErasure'), subject: Subject, exemption: Exemption, explanation: NonEmptyString }),
  ),
  t.readonly(
    t.intersection([
      t.type({ type: t.literal('EraseSubject'), subject: Subject, reason: NonEmptyString }),
      t.partial({ part: Part }),
    ]),
  ),
])
/** A command of the `dataSubjects` aggregate. */
export type ErasureCommand = t.TypeOf<typeof ErasureCommand>

/** Where a subject's erasure stands: no request, requested, refused or erased. */
export interface ErasureState {
  readonly status: 'none' | 'requested' | 'refused' | 'erased'
}

/**
 * A subject's erasure requests and their outcome: stream `privacy.subject-<key>`, one for a
 * subject and one for each part of them erased alone (see `erasureStreamKey`).
 */
export const dataSubjects = defineAggregate({
  context: 'privacy',
  name: 'subject',
  commands: ErasureCommand,
  events: erasureEvents,
  id: (command) =>
    erasureStreamKey(subjectKey(command.subject, command.type === 'EraseSubject' ? command.part : undefined)),
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
          return accept<ErasureEvent>(
            SubjectErased.create({
              subject: command.subject,
              reason: command.reason,
              ...(command.part === undefined ? {} : { part: command.part }),
            }),
          )
      }
    },
  },
})

/**
 * An erasure request as the `erasure-requests` read model lists it: the subject id, its status,
 * when it was made and is due, the exemption if refused, and when it was decided. Dates are ISO
 * dates; the absent ones are null.
 */
export interface ErasureRequestDoc {
  readonly subject: string
  readonly status: 'requested' | 'refused' | 'erased'
  readonly requestedOn: string | null
  readonly deadline: string | null
  readonly exemption: string | null
  readonly decidedAt: string | null
}

/** The `requests` collection of the `erasure-requests` projection, indexed by status. */
export const erasureRequestDocs = defineCollection<ErasureRequestDoc, 'status'>('requests', { indexes: ['status'] })

/** Erasure requests, their one-month deadlines and outcomes. Holds subject ids only, never personal data. */
export const erasureRequests = defineProjection({
  name: 'erasure-requests',
  version: 1,
  events: [ErasureRequested, ErasureRefused, SubjectErased],
  collections: [erasureRequestDocs],
  apply: async (event, ctx) => {
    const docs = ctx.collection(erasureRequestDocs)
    // A part erased alone (a certificate's details) is not an answer to the subject's request.
    if (event.type === 'privacy.SubjectErased' && event.data.part !== undefined) return
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

/**
 * The ledger's own projection that deletes the key each `privacy.SubjectErased` names. `erase`
 * deletes it at once too; this makes the deletion durable: if the process stops between recording
 * the event and deleting the key, the projection's checkpoint still lies before the event, and the
 * key goes when the ledger next runs. Where the key store shares the read models' database (the
 * SQLite and PostgreSQL stores' own), the deletion commits in the projection's transaction, with
 * its checkpoint. Deleting a key twice is harmless.
 */
export const keyErasures = (keys: KeyStore, options: { readonly sharesReadModelDatabase: boolean }) =>
  defineProjection({
    name: 'privacy-erasures',
    version: 1,
    events: [SubjectErased],
    onFailure: { kind: 'retry', maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 30_000, then: 'halt' },
    apply: async (event, ctx) => {
      const key = subjectKey(event.data.subject, event.data.part)
      const tx = options.sharesReadModelDatabase ? transactionOf(ctx) : undefined
      if (tx?.eraseKey !== undefined) await tx.eraseKey(key)
      else await keys.erase(key)
    },
  })
