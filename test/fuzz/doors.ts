/**
 * The doors of the areas, volunteers, partnerships and grants contexts, found in their packages rather than listed: every
 * exported aggregate (sent with `ledger.execute`) and decision across streams (`ledger.decide`),
 * one door a command type. And a second look at a command, beside the ledger: decoded, decided
 * again purely on the states its streams hold, to see what the ledger's answer alone cannot show.
 */
import * as areasContext from '@civic-ledger/areas'
import { areasPlugin } from '@civic-ledger/areas'
import type { AnyEventDefinition, CommandError, DomainEvent, Ledger } from '@civic-ledger/core'
import { describeErrors, eventCatalog, loadAggregate, streamId } from '@civic-ledger/core'
import * as grantsContext from '@civic-ledger/grants'
import { grantsPlugin } from '@civic-ledger/grants'
import * as partnershipsContext from '@civic-ledger/partnerships'
import { partnershipsPlugin } from '@civic-ledger/partnerships'
import * as volunteersContext from '@civic-ledger/volunteers'
import { volunteersPlugin } from '@civic-ledger/volunteers'
import * as E from 'fp-ts/Either'
import type * as t from 'io-ts'

import { stringsIn } from './codec-arbitrary'

// --- the doors ---

/** What the test reads of an exported aggregate or decision. */
interface Target {
  readonly context: string
  readonly name: string
  readonly commands: unknown
  readonly events?: { readonly definitions: ReadonlyArray<AnyEventDefinition> }
}

const isTarget = (value: unknown): value is Target => {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const commands = v['commands'] as { readonly decode?: unknown } | undefined
  return typeof v['context'] === 'string' && typeof v['name'] === 'string' && typeof commands?.decode === 'function'
}

const isAggregate = (value: unknown): value is Target =>
  isTarget(value) &&
  typeof (value as unknown as Record<string, unknown>)['streamId'] === 'function' &&
  typeof (value as unknown as Record<string, unknown>)['decider'] === 'object' &&
  Array.isArray(value.events?.definitions)

const isDecision = (value: unknown): value is Target =>
  isTarget(value) &&
  typeof (value as unknown as Record<string, unknown>)['streams'] === 'function' &&
  typeof (value as unknown as Record<string, unknown>)['decide'] === 'function'

/** One command type of one aggregate or decision, and how to send it. */
export interface Door {
  /** `<context>.<aggregate or decision>/<command type>` */
  readonly door: string
  /** `<context>.<aggregate or decision>`: where the command is sent. */
  readonly target: string
  readonly type: string
  /** The codec of this command type alone (its member of the target's union). */
  readonly codec: unknown
  readonly send: (ledger: Ledger, command: unknown, context: unknown) => Promise<E.Either<CommandError, unknown>>
  /** How many events a `Right` says were written. */
  readonly written: (result: unknown) => number
  /**
   * The command decoded, the states of the streams it names as they stand, and its decider: to
   * decide it again, purely, beside the ledger. `undefined` when it does not decode.
   */
  readonly pure: (ledger: Ledger, command: unknown) => Promise<PureDecision | undefined>
}

/** A command decoded, and its decider over the states it would be decided on. */
export interface PureDecision {
  readonly command: unknown
  readonly states: Readonly<Record<string, unknown>>
  /** Decides `command` on `states`: a domain error, or the events for each stream by name. */
  readonly decide: (
    command: unknown,
    states: Readonly<Record<string, unknown>>,
  ) => E.Either<{ readonly code: string }, Readonly<Record<string, ReadonlyArray<DomainEvent>>>>
}

/** What the test reads of an aggregate to load and decide beside the ledger. */
interface AggregateParts {
  readonly context: string
  readonly name: string
  readonly commands: t.Decoder<unknown, unknown>
  readonly streamId: (command: never) => string
  readonly events: { readonly definitions: ReadonlyArray<AnyEventDefinition> }
  readonly decider: {
    readonly initialState: unknown
    readonly evolve: (state: never, event: never) => unknown
    readonly decide: (command: never, state: never) => E.Either<{ readonly code: string }, ReadonlyArray<DomainEvent>>
  }
}

type NamedStreams = Readonly<Record<string, { readonly aggregate: AggregateParts; readonly id: string }>>

interface DecisionParts {
  readonly commands: t.Decoder<unknown, unknown>
  readonly streams: (command: never) => NamedStreams
  readonly decide: (
    command: never,
    states: never,
  ) => E.Either<{ readonly code: string }, Readonly<Record<string, ReadonlyArray<DomainEvent>>>>
}

const loadState = async (ledger: Ledger, aggregate: AggregateParts, stream: string): Promise<unknown> => {
  const loaded = await loadAggregate(ledger.events, aggregate as never, stream, { privacy: ledger.privacy })
  if (E.isLeft(loaded)) throw loaded.left
  return loaded.right.state
}

/** Decodes a command for `target`, and readies its decider on the current states of its streams. */
const pureOf =
  (target: Target, kind: 'execute' | 'decide') =>
  async (ledger: Ledger, input: unknown): Promise<PureDecision | undefined> => {
    const decoded = (target.commands as t.Decoder<unknown, unknown>).decode(input)
    if (E.isLeft(decoded)) return undefined
    const command = decoded.right
    if (kind === 'execute') {
      const aggregate = target as unknown as AggregateParts
      let stream: string
      try {
        stream = aggregate.streamId(command as never)
      } catch {
        return undefined
      }
      return {
        command,
        states: { [aggregate.name]: await loadState(ledger, aggregate, stream) },
        decide: (c, states) =>
          E.map((events: ReadonlyArray<DomainEvent>) => ({ [aggregate.name]: events }))(
            aggregate.decider.decide(c as never, states[aggregate.name] as never),
          ),
      }
    }
    const decision = target as unknown as DecisionParts
    let streams: NamedStreams
    try {
      streams = decision.streams(command as never)
    } catch {
      return undefined
    }
    const states: Record<string, unknown> = {}
    for (const [name, s] of Object.entries(streams)) {
      let id: string
      try {
        id = streamId(s.aggregate.context, s.aggregate.name, s.id)
      } catch {
        return undefined
      }
      states[name] = await loadState(ledger, s.aggregate, id)
    }
    return { command, states, decide: (c, st) => decision.decide(c as never, st as never) }
  }

interface CodecNode {
  readonly _tag?: string
  readonly type?: unknown
  readonly types?: ReadonlyArray<unknown>
  readonly props?: Readonly<Record<string, unknown>>
  readonly value?: unknown
}

const unwrapped = (codec: unknown): CodecNode => {
  let c = codec as CodecNode
  while (c._tag === 'ReadonlyType' || c._tag === 'ExactType') c = c.type as CodecNode
  return c
}

/** The `type` literal an object codec (or an intersection of them) names. */
const typeOf = (codec: unknown): string | undefined => {
  const c = unwrapped(codec)
  if (c._tag === 'IntersectionType') return (c.types ?? []).map(typeOf).find((t) => t !== undefined)
  const field = c.props?.['type'] === undefined ? undefined : unwrapped(c.props['type'])
  return field?._tag === 'LiteralType' && typeof field.value === 'string' ? field.value : undefined
}

/** The command codecs of a target, one a command type; throws on a member that names no type. */
const membersOf = (
  codec: unknown,
  where: string,
): ReadonlyArray<{ readonly type: string; readonly codec: unknown }> => {
  const c = unwrapped(codec)
  if (c._tag === 'UnionType') return (c.types ?? []).flatMap((m, i) => membersOf(m, `${where}[${i}]`))
  const type = typeOf(codec)
  if (type === undefined) throw new Error(`${where}: a command codec with no literal type`)
  return [{ type, codec }]
}

export const countEvents = (events: unknown): number =>
  Object.values(events as Record<string, ReadonlyArray<unknown> | undefined>).reduce(
    (sum, list) => sum + (list?.length ?? 0),
    0,
  )

interface Appended {
  readonly alreadyStored: boolean
}

export const doorsOf = (module: object): ReadonlyArray<Door> => {
  const aggregates = [...new Set(Object.values(module).filter(isAggregate))]
  const decisions = [...new Set(Object.values(module).filter(isDecision))]
  const doors = (target: Target, kind: 'execute' | 'decide'): ReadonlyArray<Door> =>
    membersOf(target.commands, `${target.context}.${target.name}`).map(({ type, codec }) => ({
      door: `${target.context}.${target.name}/${type}`,
      target: `${target.context}.${target.name}`,
      type,
      codec,
      send: (ledger, command, context) =>
        kind === 'execute'
          ? ledger.execute(target as never, command, context)()
          : ledger.decide(target as never, command, context)(),
      written: (result) => {
        const r = result as { readonly events: unknown; readonly appended: Appended | ReadonlyArray<Appended> | null }
        if (r.appended === null) return 0
        if (kind === 'execute') return (r.appended as Appended).alreadyStored ? 0 : (r.events as unknown[]).length
        return (r.appended as ReadonlyArray<Appended>).every((a) => a.alreadyStored) ? 0 : countEvents(r.events)
      },
      pure: pureOf(target, kind),
    }))
  return [...aggregates.flatMap((a) => doors(a, 'execute')), ...decisions.flatMap((d) => doors(d, 'decide'))]
}

export const areasDoors = doorsOf(areasContext)
export const volunteersDoors = doorsOf(volunteersContext)
export const partnershipsDoors = doorsOf(partnershipsContext)
export const grantsDoors = doorsOf(grantsContext)
export const allDoors = [...areasDoors, ...volunteersDoors, ...partnershipsDoors, ...grantsDoors]
export const allTypeNames = [...new Set(allDoors.map((d) => d.type))]

/** Every event either context records, to decode what the run wrote. */
export const recordedCatalog = eventCatalog(
  ...areasPlugin.events,
  ...volunteersPlugin.events,
  ...partnershipsPlugin.events,
  ...grantsPlugin.events,
)

/** Well-formed ids that are also the names of members every plain object inherits. */
export const RISKY: ReadonlyArray<string> = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__proto__',
  '__defineGetter__',
]

const definitions = new Map(recordedCatalog.definitions.map((d) => [d.type, d]))

/** A copy of a value with every string (and key) that is a risky name renamed to a plain one. */
export const renamed = (value: unknown, depth = 0): unknown => {
  const rename = (s: string): string => (RISKY.includes(s) ? `renamed-${s.replace(/_/g, '')}` : s)
  if (typeof value === 'string') return rename(value)
  if (typeof value !== 'object' || value === null || depth > 64) return value
  if (Array.isArray(value)) return value.map((item) => renamed(item, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value))
    Object.defineProperty(copy, rename(key), {
      value: renamed((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  return copy
}

export const holdsRisky = (value: unknown): boolean => stringsIn(value).some((s) => RISKY.includes(s))

type Decided = ReturnType<PureDecision['decide']>

const decideBeside = (pure: PureDecision, command: unknown, states: Readonly<Record<string, unknown>>) => {
  try {
    return { decided: pure.decide(command, states) }
  } catch (error) {
    return { threw: error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error) }
  }
}

const describeDecided = (outcome: { readonly decided?: Decided; readonly threw?: string }): string => {
  if (outcome.decided === undefined) return `threw ${outcome.threw ?? ''}`
  if (E.isLeft(outcome.decided)) return `rejected (${outcome.decided.left.code})`
  return `accepted with ${countEvents(outcome.decided.right)} events`
}

/**
 * What deciding the command again beside the ledger shows: an event its own codec refuses, or an
 * answer that changes when ids named like `Object.prototype`'s members are renamed (in the command
 * and in the states alike) — a decider that looks ids up in a plain object finds those members.
 */
export const besideProblems = async (ledger: Ledger, door: Door, command: unknown): Promise<ReadonlyArray<string>> => {
  let pure: PureDecision | undefined
  try {
    pure = await door.pure(ledger, command)
  } catch {
    return [] // A stream that does not load: the ledger's answer is checked on its own.
  }
  if (pure === undefined) return []
  const problems: string[] = []
  const original = decideBeside(pure, pure.command, pure.states)
  if (original.decided !== undefined && E.isRight(original.decided))
    for (const events of Object.values(original.decided.right))
      for (const event of events) {
        const definition = definitions.get(event.type)
        if (definition !== undefined && !definition.codec.is(event.data)) {
          const decoded = definition.codec.decode(event.data)
          const why = E.isLeft(decoded) ? describeErrors(decoded.left).join('; ').slice(0, 200) : 'is() is false'
          problems.push(`decided a ${event.type} its own codec refuses: ${why}`)
        }
      }
  if (holdsRisky(pure.command)) {
    const again = decideBeside(pure, renamed(pure.command), renamed(pure.states) as Record<string, unknown>)
    if (describeDecided(original) !== describeDecided(again))
      problems.push(
        `an id named like a member of Object.prototype decides otherwise than the same id renamed: ${describeDecided(original)}, renamed ${describeDecided(again)}`,
      )
  }
  return problems
}
