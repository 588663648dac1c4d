/**
 * The history as dated steps. Each context's module adds the steps it remembers, each on the day it
 * happened; the timeline then runs them all in date order (a day's steps in the order they were
 * added), setting the ledger's clock to the step's day before it, so that every event is recorded,
 * and occurred, at its dated time. Every command goes through the ledger — `execute` for an
 * aggregate, `decide` for a decision across streams — with a real actor, under the ledger's policy;
 * a refusal stops the build with an error naming the step, because the history must be recorded
 * whole or not at all.
 *
 * Each command carries a `commandId` made from the step's label and its place in the step, so the
 * ids of the events it writes are name-based and the same on every run.
 */
import type {
  Aggregate,
  Command,
  CommandError,
  Decision,
  DecisionStreams,
  DomainEvent,
  Either,
  Ledger,
} from '@civic-ledger/core'
import { isLeft, uuidV5 } from '@civic-ledger/core'

/** Who sends a command: an id, their organisation's identifier and their role in the context's policy. */
export interface Actor {
  readonly id: string
  readonly organisation: string
  readonly role: string
}

/** The namespace of the example's command ids. */
export const EXAMPLE_NAMESPACE = '0f6e9d2c-7b1a-4c3e-8d5f-2a9b4c6d8e10'

/** A step the ledger refused: which step, which command, and the ledger's error. */
export class HistoryStepRefused extends Error {
  constructor(
    readonly step: string,
    readonly error: CommandError,
  ) {
    super(`${step}: ${error._tag}: ${error.message}`)
    this.name = 'HistoryStepRefused'
  }
}

/** What a step may do: send commands, each as a real actor, on the step's day. */
export interface StepTools {
  /** The step's day, `YYYY-MM-DD`. */
  readonly day: string
  readonly ledger: Ledger
  readonly execute: <C extends Command, E extends DomainEvent, S>(
    aggregate: Aggregate<C, E, S>,
    command: object,
    actor: Actor,
  ) => Promise<void>
  readonly decide: <C extends Command, R extends DecisionStreams>(
    decision: Decision<C, R>,
    command: object,
    actor: Actor,
  ) => Promise<void>
  /** A context for a workflow that sends its own commands (the areas and partnerships workflows). */
  readonly context: (actor: Actor) => { readonly actor: Actor }
}

export interface Step {
  readonly day: string
  readonly label: string
  readonly run: (tools: StepTools) => Promise<void>
}

/** A clock the timeline can move: the ledger's `clock` option. */
export interface SettableClock {
  readonly now: () => Date
  readonly set: (to: Date | string) => void
  readonly advance: (ms: number) => void
}

const typeOf = (command: object): string => String((command as { readonly type?: unknown }).type)

/** Where the steps are collected. */
export class Timeline {
  private readonly steps: Step[] = []

  /** Adds a step on `day` (`YYYY-MM-DD`). */
  at(day: string, label: string, run: (tools: StepTools) => Promise<void>): this {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`step ${label}: ${day} is not a day`)
    this.steps.push({ day, label, run })
    return this
  }

  /** The steps in the order they run: by day, then in the order they were added. */
  ordered(): ReadonlyArray<Step> {
    return this.steps
      .map((step, i) => ({ step, i }))
      .sort((a, b) => (a.step.day < b.step.day ? -1 : a.step.day > b.step.day ? 1 : a.i - b.i))
      .map(({ step }) => step)
  }

  /**
   * Runs every step on `ledger` in order. The clock is set to 09:00 UTC on the step's day and moves
   * on a second for each command, so events are recorded in time order on the day they happened.
   */
  async run(ledger: Ledger, clock: SettableClock, onStep?: (step: Step) => void): Promise<number> {
    let commands = 0
    for (const step of this.ordered()) {
      onStep?.(step)
      clock.set(`${step.day}T09:00:00.000Z`)
      let n = 0
      const contextFor = (actor: Actor) => {
        n++
        commands++
        const commandId = uuidV5(EXAMPLE_NAMESPACE, `${step.day}/${step.label}/${n}`)
        clock.advance(1000)
        return { actor, commandId, occurredAt: clock.now().toISOString() }
      }
      const check = (what: string, result: Either<CommandError, unknown>): void => {
        if (isLeft(result)) throw new HistoryStepRefused(`${step.day} ${step.label} (${what})`, result.left)
      }
      await step.run({
        day: step.day,
        ledger,
        execute: async (aggregate, command, actor) => {
          check(typeOf(command), await ledger.execute(aggregate, command, contextFor(actor))())
        },
        decide: async (decision, command, actor) => {
          check(typeOf(command), await ledger.decide(decision, command, contextFor(actor))())
        },
        context: (actor) => {
          clock.advance(1000)
          commands++
          return { actor }
        },
      })
    }
    return commands
  }
}
