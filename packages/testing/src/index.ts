/**
 * `@civic-ledger/testing`: the helpers every Civic Ledger package tests with, and the EventStore
 * contract every store must pass.
 */
export { eventStoreContract } from './register'
export type { ContractOptions } from './register'
export { eventStoreContractCases, runContractCase, runEventStoreContract } from './event-store-contract'
export type {
  ContractCase,
  ContractResult,
  ContractSubject,
  EventStoreFactory,
  Guarantee,
} from './event-store-contract'
export { checkEventStoreAgainstModel, storeCommands } from './event-store-model'
export { deciderSpec } from './decider-spec'
export type { DeciderGiven, DeciderThen } from './decider-spec'
export { projectionSpec } from './projection-spec'
export type { ProjectionThen } from './projection-spec'
export { collect, summary, testActor, testEvent, testEvents, testMetadata } from './fixtures'
