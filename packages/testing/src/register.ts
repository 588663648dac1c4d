/**
 * Registers the contract and the model-based property as tests, titled with the store's name: ava's
 * by default, or another runner's (`runner: nodeTestRunner`).
 */
import type { EventStoreFactory } from './event-store-contract'
import { eventStoreContractCases, runContractCase } from './event-store-contract'
import { checkEventStoreAgainstModel } from './event-store-model'
import { projectionContractCases, runProjectionCase } from './projection-contract'
import type { TestRunner } from './runner'
import { avaRunner } from './runner'

/**
 * How `eventStoreContract` registers its tests: serially or not, how many model runs, and with which runner.
 */
export interface ContractOptions {
  /** Run the cases one at a time (stores that share one database or file between cases). */
  readonly serial?: boolean
  /** Random command sequences for the model-based property (default 100). */
  readonly modelRuns?: number
  /** The test runner to register with (default ava's). */
  readonly runner?: TestRunner
}

/**
 * Proves a store meets the EventStore contract: one test per case, plus the model-based
 * property. Call it from the store's test file with a factory that makes a fresh, empty store.
 *
 * @example
 * eventStoreContract('memory', async () => createMemoryEventStore())
 */
export const eventStoreContract = (name: string, factory: EventStoreFactory, options: ContractOptions = {}): void => {
  const runner = options.runner ?? avaRunner
  const register = options.serial === true ? runner.serial : runner.test
  for (const contractCase of eventStoreContractCases)
    register(`${name} · ${contractCase.guarantee}: ${contractCase.title}`, () => runContractCase(factory, contractCase))
  register(`${name} · model: append, read and subscribe agree with a model of streams and a log`, () =>
    checkEventStoreAgainstModel(factory, { numRuns: options.modelRuns ?? 100 }),
  )
}

/** How `projectionContract` registers its tests, and which of the store's abilities it checks. */
export interface ProjectionContractOptions {
  /** Run the cases one at a time (stores that share one database or file between cases). */
  readonly serial?: boolean
  /** The store's read models share its transactions, so inline projections can run (default true). */
  readonly inline?: boolean
  /** The factory's subjects can `reopen` (default false). */
  readonly durable?: boolean
  /** Read models live in a database with SQL (default false). */
  readonly sql?: boolean
  /** The test runner to register with (default ava's). */
  readonly runner?: TestRunner
}

/**
 * Proves a store keeps read models as projection plug-ins need: one test per case.
 *
 * @example
 * projectionContract('memory', async () => createMemoryEventStore())
 */
export const projectionContract = (
  name: string,
  factory: EventStoreFactory,
  options: ProjectionContractOptions = {},
): void => {
  const runner = options.runner ?? avaRunner
  const register = options.serial === true ? runner.serial : runner.test
  for (const contractCase of projectionContractCases) {
    if (contractCase.inline === true && options.inline === false) continue
    if (contractCase.durable === true && options.durable !== true) continue
    if (contractCase.sql === true && options.sql !== true) continue
    register(`${name} · projections: ${contractCase.title}`, () => runProjectionCase(factory, contractCase))
  }
}
