/**
 * Registers the contract and the model-based property as ava tests, titled with the store's name.
 */
import test from 'ava'

import type { EventStoreFactory } from './event-store-contract'
import { eventStoreContractCases, runContractCase } from './event-store-contract'
import { checkEventStoreAgainstModel } from './event-store-model'
import { projectionContractCases, runProjectionCase } from './projection-contract'

export interface ContractOptions {
  /** Run the cases one at a time (stores that share one database or file between cases). */
  readonly serial?: boolean
  /** Random command sequences for the model-based property (default 100). */
  readonly modelRuns?: number
}

/**
 * Proves a store meets the EventStore contract: one ava test per case, plus the model-based
 * property. Call it from the store's test file with a factory that makes a fresh, empty store.
 *
 * @example
 * eventStoreContract('memory', async () => createMemoryEventStore())
 */
export const eventStoreContract = (name: string, factory: EventStoreFactory, options: ContractOptions = {}): void => {
  const register = options.serial === true ? test.serial : test
  for (const contractCase of eventStoreContractCases) {
    register(`${name} · ${contractCase.guarantee}: ${contractCase.title}`, async (t) => {
      await runContractCase(factory, contractCase)
      t.pass()
    })
  }
  register(`${name} · model: append, read and subscribe agree with a model of streams and a log`, async (t) => {
    await checkEventStoreAgainstModel(factory, { numRuns: options.modelRuns ?? 100 })
    t.pass()
  })
}

export interface ProjectionContractOptions {
  readonly serial?: boolean
  /** The store's read models share its transactions, so inline projections can run (default true). */
  readonly inline?: boolean
  /** The factory's subjects can `reopen` (default false). */
  readonly durable?: boolean
  /** Read models live in a database with SQL (default false). */
  readonly sql?: boolean
}

/**
 * Proves a store keeps read models as projection plug-ins need: one ava test per case.
 *
 * @example
 * projectionContract('memory', async () => createMemoryEventStore())
 */
export const projectionContract = (
  name: string,
  factory: EventStoreFactory,
  options: ProjectionContractOptions = {},
): void => {
  const register = options.serial === true ? test.serial : test
  for (const contractCase of projectionContractCases) {
    if (contractCase.inline === true && options.inline === false) continue
    if (contractCase.durable === true && options.durable !== true) continue
    if (contractCase.sql === true && options.sql !== true) continue
    register(`${name} · projections: ${contractCase.title}`, async (t) => {
      await runProjectionCase(factory, contractCase)
      t.pass()
    })
  }
}
