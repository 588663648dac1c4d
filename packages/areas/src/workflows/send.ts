/**
 * Sending the areas context's commands through a ledger for the setup workflows: each step is an
 * ordinary command (or decision across streams), so the policy, the deciders and the store's checks
 * all apply; a step the ledger refuses stops the workflow with an error naming the step.
 */
import type {
  Aggregate,
  Command,
  CommandError,
  Decision,
  DecisionStreams,
  DomainEvent,
  Ledger,
} from '@civic-ledger/core'
import { isLeft } from 'fp-ts/Either'

/** Who sends a workflow's commands. */
export interface Actor {
  readonly id: string
  readonly organisation: string
  readonly role: string
}

/** A workflow step the ledger refused: the step, and the ledger's error. */
export class AreasSetupError extends Error {
  constructor(
    readonly step: string,
    readonly error: CommandError,
  ) {
    super(`${step}: ${error._tag}: ${error.message}`)
    this.name = 'AreasSetupError'
  }
}

/** Sends `command` to `aggregate` as `actor`; throws `AreasSetupError` naming `step` if refused. */
export const sendCommand = async <C extends Command, E extends DomainEvent, S>(
  ledger: Ledger,
  aggregate: Aggregate<C, E, S>,
  step: string,
  command: unknown,
  actor: Actor,
): Promise<void> => {
  const result = await ledger.execute(aggregate, command, { actor })()
  if (isLeft(result)) throw new AreasSetupError(step, result.left)
}

/** Sends `command` to a decision across streams as `actor`; throws `AreasSetupError` if refused. */
export const sendDecision = async <C extends Command, R extends DecisionStreams>(
  ledger: Ledger,
  decision: Decision<C, R>,
  step: string,
  command: unknown,
  actor: Actor,
): Promise<void> => {
  const result = await ledger.decide(decision, command, { actor })()
  if (isLeft(result)) throw new AreasSetupError(step, result.left)
}
