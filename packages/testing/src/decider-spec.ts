/**
 * Given/when/then for deciders: given the events so far, when a command is decided, then these
 * events are recorded, or the command is rejected with this code.
 *
 * `t` is ava's execution context, or `nodeAssertions` under another runner.
 *
 * @example
 * const spec = deciderSpec(applicationDecider)
 * test('a draft can be submitted', (t) =>
 *   spec(t).given([drafted]).when(submit).then([submitted]))
 */
import type { Decider, DomainError } from '@civic-ledger/core'
import { isLeft } from 'fp-ts/Either'

import type { Assertions } from './runner'

/** A command decided on a given history: what the decision must have been. */
export interface DeciderThen<Event> {
  /** Asserts the decision recorded exactly these events. */
  then(expected: ReadonlyArray<Event>): void
  /** Asserts the decision was a rejection with this stable code. */
  thenRejects(code: string): DomainError | undefined
  /** Asserts the state after the decision's events equals `expected`. */
  thenState<State>(expected: State): void
}

/** A decider's history, given: what it is then asked to decide. */
export interface DeciderGiven<Command, Event> {
  /** Decides `command` on the state the history folds to. */
  when(command: Command): DeciderThen<Event>
}

/**
 * Given/when/then for a decider, with the test's assertions (ava's `t`, or `nodeAssertions`).
 *
 * @example
 * ```ts
 * test('a draft can be submitted', (t) => {
 *   deciderSpec(applicationDecider)(t).given([drafted]).when(submit).then([submitted])
 * })
 * ```
 */
export const deciderSpec =
  <Command, Event, State>(decider: Decider<Command, Event, State>) =>
  (t: Assertions) => ({
    /** The events already in the stream (none by default). */
    given: (history: ReadonlyArray<Event> = []): DeciderGiven<Command, Event> => ({
      when: (command) => {
        const state = history.reduce(decider.evolve, decider.initialState)
        const decision = decider.decide(command, state)
        return {
          then: (expected) => {
            if (isLeft(decision))
              t.fail(`expected events, got rejection ${decision.left.code}: ${decision.left.message}`)
            else t.deepEqual(decision.right, expected)
          },
          thenRejects: (code) => {
            if (!isLeft(decision)) {
              t.fail(`expected rejection ${code}, got events ${JSON.stringify(decision.right)}`)
              return undefined
            }
            t.is(decision.left.code, code, decision.left.message)
            return decision.left
          },
          thenState: <S>(expected: S) => {
            if (isLeft(decision))
              t.fail(`expected events, got rejection ${decision.left.code}: ${decision.left.message}`)
            else t.deepEqual(decision.right.reduce(decider.evolve, state) as unknown as S, expected)
          },
        }
      },
    }),
  })
