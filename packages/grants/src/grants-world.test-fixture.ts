/**
 * A ledger of grants in memory, for unit and property tests: commands decoded as the ledger would
 * decode them, sent to the fund's or the application's decider or to a decision across streams,
 * and what each decides appended to the streams it names. No store, no policy: only the rules.
 */
import type { Command, DomainEvent } from '@civic-ledger/core'
import { fold } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'

import { applications } from './application/aggregate'
import type { ApplicationEvent } from './application/events'
import type { ApplicationState } from './application/state'
import { awards } from './decisions/awards'
import { closures } from './decisions/closures'
import { drafts } from './decisions/drafts'
import { submissions } from './decisions/submissions'
import { variations } from './decisions/variations'
import { funds } from './fund/aggregate'
import type { FundEvent } from './fund/events'
import type { FundState } from './fund/state'

interface Folding {
  readonly context: string
  readonly name: string
  readonly decider: {
    readonly initialState: unknown
    readonly evolve: (s: never, e: never) => unknown
  }
}
interface AnyDecision {
  readonly commands: { readonly decode: (u: unknown) => E.Either<unknown, Command> }
  readonly streams: (c: never) => Readonly<Record<string, { readonly aggregate: Folding; readonly id: string }>>
  readonly decide: (c: never, states: never) => E.Either<{ readonly code: string; readonly message: string }, unknown>
}

const DECISIONS: Readonly<Record<string, AnyDecision>> = {
  DraftApplication: drafts,
  SubmitApplication: submissions,
  AwardGrant: awards,
  ApproveVariation: variations,
  CloseGrant: closures,
}
const FUND_COMMANDS = ['DefineFund', 'AddStream', 'OpenRound', 'ChangeBudget']

/** What sending a command came to: `accepted`, or the code it was refused with (`invalid` when it does not decode). */
export type Outcome = { readonly code: string; readonly message: string }

export class GrantsWorld {
  readonly streams = new Map<string, DomainEvent[]>()

  private eventsOf(aggregate: { readonly context: string; readonly name: string }, id: string): DomainEvent[] {
    const key = `${aggregate.context}.${aggregate.name}-${id}`
    const events = this.streams.get(key) ?? []
    this.streams.set(key, events)
    return events
  }

  private stateOf(aggregate: Folding, id: string): unknown {
    const decider = aggregate.decider as unknown as Parameters<typeof fold<unknown, DomainEvent, unknown>>[0]
    return fold(decider, this.eventsOf(aggregate, id))
  }

  fund(id: string): FundState {
    return fold(funds.decider, this.eventsOf(funds, id) as FundEvent[])
  }

  application(id: string): ApplicationState {
    return fold(applications.decider, this.eventsOf(applications, id) as ApplicationEvent[])
  }

  applicationEvents(id: string): ReadonlyArray<ApplicationEvent> {
    return this.eventsOf(applications, id) as ApplicationEvent[]
  }

  fundEvents(id: string): ReadonlyArray<FundEvent> {
    return this.eventsOf(funds, id) as FundEvent[]
  }

  /** Sends `input`; `accepted`, or the refusal's code and message. */
  send(input: Readonly<Record<string, unknown>>): Outcome {
    const type = String(input['type'])
    const decision = Object.hasOwn(DECISIONS, type) ? DECISIONS[type] : undefined
    if (decision !== undefined) return this.decide(decision, input)
    const aggregate = FUND_COMMANDS.includes(type) ? funds : applications
    const decoded = (aggregate.commands as AnyDecision['commands']).decode(input)
    if (E.isLeft(decoded)) return { code: 'invalid', message: `${type} does not decode` }
    const id = String(input[aggregate === funds ? 'fundId' : 'applicationId'])
    const decide = aggregate.decider.decide as (c: Command, s: unknown) => E.Either<Outcome, ReadonlyArray<DomainEvent>>
    const decided = decide(decoded.right, this.stateOf(aggregate, id))
    if (E.isLeft(decided)) return decided.left
    this.eventsOf(aggregate, id).push(...decided.right)
    return { code: 'accepted', message: '' }
  }

  private decide(decision: AnyDecision, input: Readonly<Record<string, unknown>>): Outcome {
    const decoded = decision.commands.decode(input)
    if (E.isLeft(decoded)) return { code: 'invalid', message: `${String(input['type'])} does not decode` }
    const streams = (
      decision.streams as (c: Command) => Readonly<Record<string, { readonly aggregate: Folding; readonly id: string }>>
    )(decoded.right)
    const states = Object.fromEntries(
      Object.entries(streams).map(([name, s]) => [name, this.stateOf(s.aggregate, s.id)]),
    )
    const decided = (decision.decide as (c: Command, s: unknown) => E.Either<Outcome, unknown>)(decoded.right, states)
    if (E.isLeft(decided)) return decided.left
    const byName = decided.right as Readonly<Record<string, ReadonlyArray<DomainEvent> | undefined>>
    for (const [name, events] of Object.entries(byName)) {
      const stream = streams[name]
      if (stream !== undefined && events !== undefined) this.eventsOf(stream.aggregate, stream.id).push(...events)
    }
    return { code: 'accepted', message: '' }
  }
}
