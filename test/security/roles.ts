/**
 * What the role tests of the grants and partnerships packages share: a step of a package's life
 * sent through its door as a given actor, and the check that every actor without the role is
 * refused and writes nothing.
 */
import type { Ledger } from '@civic-ledger/core'
import type { ExecutionContext } from 'ava'
import * as E from 'fp-ts/Either'

import type { Door } from '../fuzz/doors'

/** A step of a life: where it goes, the command, and the roles that may send it. */
export interface RoleStep {
  readonly door: string
  readonly command: Readonly<Record<string, unknown>>
  readonly roles: ReadonlyArray<string>
}

export interface Actor {
  readonly id: string
  readonly organisation: string
  readonly role: string
}

/** Sends `step` through its door among `doors`, as `actor`. */
export const sendStep = (doors: ReadonlyArray<Door>, ledger: Ledger, step: RoleStep, actor: Actor) => {
  const door = doors.find((d) => d.door === step.door)
  if (door === undefined) throw new Error(`${step.door} is no door of the package`)
  return door.send(ledger, step.command, { actor })
}

/**
 * Sends `step` as each of `wrong`: each must be refused as `Forbidden` with the log's head
 * unmoved. Returns how many were refused.
 */
export const refusedToEach = async (
  t: ExecutionContext,
  doors: ReadonlyArray<Door>,
  ledger: Ledger,
  step: RoleStep,
  wrong: ReadonlyArray<Actor>,
): Promise<number> => {
  let refusals = 0
  for (const actor of wrong) {
    const head = await ledger.events.headPosition()
    const result = await sendStep(doors, ledger, step, actor)
    t.true(
      E.isLeft(result) && result.left._tag === 'Forbidden',
      `${step.door} by ${actor.role} of ${actor.organisation} (${actor.id}): ${E.isLeft(result) ? result.left._tag : 'accepted'}`,
    )
    t.is(await ledger.events.headPosition(), head, `${step.door} by ${actor.role}: nothing written`)
    refusals++
  }
  return refusals
}
