/**
 * The operations beside `execute` that change or disclose the ledger — a seal, an export with
 * personal data in plain text — go through the same policy as commands, with the actor's context
 * decoded as a command's is, and each leaves an event saying who did it (and, for a disclosure,
 * why). The policy is asked with `context: 'audit'`, `aggregate: 'ledger'` and the command names
 * `SealLedger` and `DisclosePersonalData`, so a `rolePolicy` lists them like any command:
 *
 * @example
 * rolePolicy({ 'audit.ledger': { SealLedger: ['auditor'], DisclosePersonalData: ['data-protection-officer'] } })
 */
import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'

import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import type { ExportOptions, ExportSummary } from '../audit/ledger-export'
import { exportLedger } from '../audit/ledger-export'
import type { Sealed, SealOptions } from '../audit/seal'
import { sealLedger, SEALS_STREAM } from '../audit/seal'
import type { CommandContext } from '../commands/command-handler'
import { decodeContext } from '../commands/command-handler'
import type { Policy } from '../commands/policy'
import type { NewEvent } from '../events/envelope'
import type { AnyEventDefinition } from '../events/event'
import { defineEvent } from '../events/event'
import { hasPersonalData } from '../events/event'
import type { Clock } from '../kernel/clock'
import { IsoDateTime, NonEmptyString } from '../kernel/codecs'
import type { CommandError } from '../kernel/errors'
import { forbidden, InvalidArgumentError, invalidCommand, isEventStoreError, storeUnavailable } from '../kernel/errors'
import type { AppendOptions, EventStore, StreamAppend } from '../port/event-store'
import type { Privacy } from '../port/privacy'

// --- events ---

/** Personal data left the ledger in plain text: who exported it, why, and which positions. */
export const PersonalDataDisclosed = defineEvent({
  type: 'audit.PersonalDataDisclosed',
  codec: t.readonly(
    t.type({
      exportId: NonEmptyString,
      file: NonEmptyString,
      reason: NonEmptyString,
      fromPosition: t.number,
      toPosition: t.union([t.number, t.null]),
      at: IsoDateTime,
    }),
  ),
})

// --- the policy, beside execute ---

/** The operations the policy is asked about, with the command name it sees. */
export type LedgerOperation = 'SealLedger' | 'DisclosePersonalData'

/** Decodes the caller's context and asks the policy; the decoded context, or why not. */
export const authorise = (
  policy: Policy,
  rawContext: unknown,
  operation: LedgerOperation,
  streamId: string,
): E.Either<CommandError, CommandContext> => {
  const decoded = decodeContext(rawContext)
  if (E.isLeft(decoded)) return E.left(invalidCommand(decoded.left))
  const context = decoded.right
  const decision = policy({
    actor: context.actor,
    context: 'audit',
    aggregate: 'ledger',
    command: operation,
    streamId,
    state: undefined,
  })
  return decision.allowed ? E.right(context) : E.left(forbidden(decision.reason))
}

/** Runs `work` once allowed; a store failure becomes `StoreUnavailable`, anything else is thrown. */
const guarded = async <A>(
  allowed: E.Either<CommandError, CommandContext>,
  work: (context: CommandContext) => Promise<A>,
): Promise<E.Either<CommandError, A>> => {
  if (E.isLeft(allowed)) return allowed
  try {
    return E.right(await work(allowed.right))
  } catch (error) {
    if (isEventStoreError(error)) return E.left(storeUnavailable(error))
    throw error
  }
}

// --- the doors ---

export interface LedgerDoors {
  readonly store: EventStore
  readonly policy: Policy
  readonly clock: Clock
  readonly privacy: Privacy
}

/** Seals the ledger, if the policy lets the context's actor: the seal event records who. */
export const sealWithPolicy = (
  doors: LedgerDoors,
  rawContext: unknown,
  options: Omit<SealOptions, 'clock' | 'actor'> = {},
): Promise<E.Either<CommandError, Sealed>> =>
  guarded(authorise(doors.policy, rawContext, 'SealLedger', SEALS_STREAM), (context) =>
    sealLedger(doors.store, { ...options, actor: context.actor, clock: doors.clock }),
  )

/**
 * Exports with personal fields decrypted, if the policy lets the context's actor: first records
 * `audit.PersonalDataDisclosed` (who, why, which file and positions) in a stream of its own, so no
 * plain-text export exists without its record, then writes the file.
 */
export const exportDisclosedWithPolicy = async (
  doors: LedgerDoors,
  path: string,
  reason: string,
  rawContext: unknown,
  options: Omit<ExportOptions, 'disclose' | 'clock'> = {},
): Promise<E.Either<CommandError, ExportSummary>> => {
  if (typeof reason !== 'string' || reason.trim().length === 0)
    return E.left(invalidCommand(['reason: a disclosure must say why it is made']))
  const exportId = randomUUID()
  const streamId = `audit.disclosure-${exportId}`
  return guarded(authorise(doors.policy, rawContext, 'DisclosePersonalData', streamId), async (context) => {
    if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError('path', 'a file path is required')
    const at = doors.clock.now().toISOString()
    const event = PersonalDataDisclosed.create({
      exportId: exportId as NonEmptyString,
      file: basename(path) as NonEmptyString,
      reason: reason as NonEmptyString,
      fromPosition: options.fromPosition ?? 1,
      toPosition: options.toPosition ?? null,
      at: at as IsoDateTime,
    })
    await doors.store.appendToStream(
      streamId,
      [
        {
          eventId: exportId,
          type: event.type,
          schemaVersion: PersonalDataDisclosed.version,
          data: PersonalDataDisclosed.codec.encode(event.data),
          metadata: {
            actor: context.actor,
            correlationId: context.correlationId ?? exportId,
            causationId: context.causationId ?? exportId,
            occurredAt: context.occurredAt ?? at,
          },
        },
      ],
      { expectedRevision: 'noStream' },
    )
    return exportLedger(doors.store, path, { ...options, clock: doors.clock, disclose: doors.privacy })
  })
}

// --- the trusted store ---

/**
 * The store as trusted code sees it (`ledger.trusted.store`): every operation of the port, but an
 * appended event of a type the ledger knows to carry personal fields has them encrypted with its
 * subject's key first, as a command's would be — never stored in plain text where erasure cannot
 * reach it. Values already sealed (an event copied from elsewhere in the ledger) are kept as they
 * are. Events of types the ledger was not told of are stored as given.
 */
export const trustedStore = (
  store: EventStore,
  definitions: ReadonlyArray<AnyEventDefinition>,
  privacy: Privacy,
): EventStore => {
  const personalTypes = new Map(definitions.filter(hasPersonalData).map((d) => [d.type, d]))
  if (personalTypes.size === 0) return store
  const sealed = async (events: ReadonlyArray<NewEvent>): Promise<ReadonlyArray<NewEvent>> => {
    const out: NewEvent[] = []
    for (const event of events) {
      const definition = personalTypes.get(event.type)
      out.push(definition === undefined ? event : { ...event, data: await privacy.seal(definition, event.data) })
    }
    return out
  }
  return Object.assign(Object.create(store) as EventStore, {
    appendToStream: async (streamId: string, events: ReadonlyArray<NewEvent>, options: AppendOptions) =>
      store.appendToStream(streamId, await sealed(events), options),
    appendMulti: async (appends: ReadonlyArray<StreamAppend>) => {
      const out: StreamAppend[] = []
      for (const append of appends) out.push({ ...append, events: await sealed(append.events) })
      return store.appendMulti(out)
    },
  })
}
