/**
 * `civic-ledger history <streamId>`: every event of a stream — who, when, why (correlation) and what
 * it changed. Personal fields read `‹personal›` unless `--disclose` is given by an actor the policy
 * lets disclose personal data (recorded as `audit.PersonalDataDisclosed`, with the reason); even
 * then an erased subject's fields read `‹erased›`: their key is gone.
 */
import { randomUUID } from 'node:crypto'

import { areaProfiles, geographyReleases, pcnReferences, serviceDeliveryAreaSchemes } from '@civic-ledger/areas'
import type {
  Actor,
  Aggregate,
  Command as DomainCommand,
  DomainEvent,
  HistoryEntry,
  Ledger,
  RecordedEvent,
} from '@civic-ledger/core'
import { dataSubjects, isErased, parseStreamId, streamHistory } from '@civic-ledger/core'
import { applications, funds } from '@civic-ledger/grants'
import { agreements, boards, deliveryPlans, organisations, posts, programmes } from '@civic-ledger/partnerships'
import { timeCredits, timesheets, volunteerRoles, volunteers } from '@civic-ledger/volunteers'
import type { Command } from 'commander'
import * as E from 'fp-ts/Either'

import { CliError, ExitCode } from '../exit-codes'
import { withLedger } from '../session'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

type AnyAggregate = Aggregate<DomainCommand, DomainEvent, unknown>

/** Every aggregate of the contexts, by `<context>.<name>`: how a stream's history is folded. */
const AGGREGATES: ReadonlyMap<string, AnyAggregate> = new Map(
  (
    [
      geographyReleases,
      pcnReferences,
      areaProfiles,
      serviceDeliveryAreaSchemes,
      organisations,
      boards,
      agreements,
      programmes,
      deliveryPlans,
      posts,
      funds,
      applications,
      volunteers,
      volunteerRoles,
      timesheets,
      timeCredits,
      dataSubjects,
    ] as unknown as ReadonlyArray<AnyAggregate>
  ).map((a) => [`${a.context}.${a.name}`, a]),
)

/** The aggregate whose streams `streamId` is one of (`<context>.<name>-<id>`; names may hold hyphens). */
const aggregateOf = (streamId: string): AnyAggregate | undefined =>
  [...AGGREGATES.entries()]
    .filter(([key]) => streamId.startsWith(`${key}-`))
    .sort(([a], [b]) => b.length - a.length)[0]?.[1]

// --- showing values ---

const PERSONAL = '‹personal›'
const ERASED = '‹erased›'

/** A value with personal fields shown as placeholders: not disclosed, or erased. */
const shown = (value: unknown, disclosed: boolean): unknown => {
  if (isErased(value)) return disclosed ? ERASED : PERSONAL
  if (Array.isArray(value)) return value.map((v) => shown(v, disclosed))
  if (typeof value === 'object' && value !== null) {
    if (Object.hasOwn(value, '$personal')) return PERSONAL
    if (Object.hasOwn(value, '$erased')) return ERASED
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v, disclosed)]))
  }
  return value
}

const text = (value: unknown): string =>
  value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value)

interface Line {
  readonly position: number
  readonly revision: number
  readonly type: string
  readonly recordedAt: string
  readonly occurredAt: string
  readonly actor: Actor
  readonly correlationId: string
  readonly causationId: string
  /** The event's data as recorded, personal fields shown or not. */
  readonly data: unknown
  /** What it changed in the aggregate's state (none listed for streams no aggregate here folds). */
  readonly changes: ReadonlyArray<{ readonly path: string; readonly before: unknown; readonly after: unknown }>
}

const lineOf = (entry: HistoryEntry<unknown>, data: unknown, disclosed: boolean): Line => ({
  position: entry.position,
  revision: entry.revision,
  type: entry.type,
  recordedAt: entry.recordedAt,
  occurredAt: entry.occurredAt,
  actor: entry.actor,
  correlationId: entry.correlationId,
  causationId: entry.causationId,
  data: shown(data, disclosed),
  changes: entry.changes.map((c) => ({
    path: c.path,
    before: shown(c.before, disclosed),
    after: shown(c.after, disclosed),
  })),
})

const human = (streamId: string, lines: ReadonlyArray<Line>): string =>
  [
    `${streamId}: ${lines.length} event(s)`,
    ...lines.flatMap((l) => [
      '',
      `#${l.revision} @${l.position}  ${l.type}`,
      `  by ${l.actor.id} (${l.actor.role}, ${l.actor.organisation}) — recorded ${l.recordedAt}, occurred ${l.occurredAt}`,
      `  correlation ${l.correlationId}${l.causationId === l.correlationId ? '' : `, caused by ${l.causationId}`}`,
      `  data ${text(l.data)}`,
      ...l.changes.map((c) => `  ${c.path}: ${text(c.before)} → ${text(c.after)}`),
    ]),
  ].join('\n')

// --- reading ---

const hasStream = async (ledger: Ledger, streamId: string): Promise<boolean> => {
  for await (const _event of ledger.events.readStream(streamId)) return true
  return false
}

/** The stream's events as recorded, decrypted where disclosed: their data, by position. */
const dataOf = async (
  ledger: Ledger,
  streamId: string,
  disclosed: boolean,
): Promise<ReadonlyMap<number, RecordedEvent>> => {
  const events = new Map<number, RecordedEvent>()
  for await (const stored of ledger.events.readStream(streamId))
    events.set(stored.position, disclosed ? await ledger.privacy.open(stored) : stored)
  return events
}

/** Events of a stream no aggregate here knows: listed with their data, nothing folded. */
const rawHistory = async (ledger: Ledger, streamId: string, disclosed: boolean): Promise<ReadonlyArray<Line>> => {
  const lines: Line[] = []
  for (const event of (await dataOf(ledger, streamId, disclosed)).values()) {
    lines.push({
      position: event.position,
      revision: event.revision,
      type: event.type,
      recordedAt: event.recordedAt,
      occurredAt: event.metadata.occurredAt,
      actor: event.metadata.actor,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      data: shown(event.data, disclosed),
      changes: [],
    })
  }
  return lines
}

/** Asks the policy whether the actor may disclose, and records that they did, with why. */
const disclose = async (ledger: Ledger, actor: Actor, streamId: string, reason: string): Promise<void> => {
  const exportId = randomUUID()
  const decision = ledger.policy({
    actor,
    context: 'audit',
    aggregate: 'ledger',
    command: 'DisclosePersonalData',
    streamId: `audit.disclosure-${exportId}`,
    state: undefined,
  })
  if (!decision.allowed) throw new CliError(ExitCode.forbidden, `forbidden: ${decision.reason}`)
  const at = ledger.clock.now().toISOString()
  await ledger.trusted.store.appendToStream(
    `audit.disclosure-${exportId}`,
    [
      {
        eventId: exportId,
        type: 'audit.PersonalDataDisclosed',
        schemaVersion: 1,
        data: { exportId, file: `history of ${streamId}`, reason, fromPosition: 1, toPosition: null, at },
        metadata: { actor, correlationId: exportId, causationId: exportId, occurredAt: at },
      },
    ],
    { expectedRevision: 'noStream' },
  )
}

export const historyCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('history')
    .description('every event of a stream: who, when, why, and what it changed')
    .argument('<streamId>', 'e.g. grants.application-a-1 or volunteers.volunteer-v-1')
    .option('--disclose', 'show personal fields (needs a role that may disclose personal data; recorded)')
    .option('--reason <text>', 'why personal fields are disclosed (required with --disclose)')
    .addHelpText(
      'after',
      "\nPersonal fields read ‹personal› unless --disclose is given; an erased subject's read ‹erased›.\n" +
        "--disclose needs an actor whose role the config's roles.disclose lists (default data-protection-officer),\n" +
        'and is recorded in the ledger as audit.PersonalDataDisclosed with the reason. Exit 6 if refused.',
    )
    .action(
      act<{ disclose?: boolean; reason?: string }>(wiring, async (context, [streamId = ''], options) => {
        if (parseStreamId(streamId) === undefined)
          throw new CliError(
            ExitCode.usage,
            `${JSON.stringify(streamId)} is not a stream id (<context>.<aggregate>-<id>)`,
          )
        const disclosed = options.disclose === true
        if (disclosed && (options.reason === undefined || options.reason.trim() === ''))
          throw new CliError(ExitCode.usage, '--disclose needs --reason: a disclosure must say why it is made')
        const actor = disclosed ? context.actor('history --disclose') : undefined
        return withLedger(context, async (ledger) => {
          if (!(await hasStream(ledger, streamId)))
            throw new CliError(ExitCode.usage, `the ledger has no stream ${streamId}`)
          if (actor !== undefined) await disclose(ledger, actor, streamId, options.reason ?? '')
          const aggregate = aggregateOf(streamId)
          let lines: ReadonlyArray<Line>
          if (aggregate === undefined) lines = await rawHistory(ledger, streamId, disclosed)
          else {
            const history = await streamHistory(
              ledger.events,
              aggregate,
              streamId,
              disclosed ? { privacy: ledger.privacy } : {},
            )
            if (E.isLeft(history)) throw new CliError(ExitCode.failed, history.left.message)
            const recorded = await dataOf(ledger, streamId, disclosed)
            lines = history.right.map((entry) => lineOf(entry, recorded.get(entry.position)?.data, disclosed))
          }
          context.result({ streamId, disclosed, events: lines }, () => human(streamId, lines))
          return ExitCode.ok
        })
      }),
    )
}
