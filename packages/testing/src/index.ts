/**
 * `@civic-ledger/testing`: the helpers every Civic Ledger package tests with, and the EventStore
 * contract every store must pass.
 */
export { eventStoreContract, projectionContract } from './register'
export type { ContractOptions, ProjectionContractOptions } from './register'
export { projectionContractCases, runProjectionCase } from './projection-contract'
export type { ProjectionContractCase } from './projection-contract'
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
export { applyToReadModel, projectionSpec } from './projection-spec'
export type { ProjectionThen, ReadModelContents } from './projection-spec'
export { collect, summary, testActor, testEvent, testEvents, testMetadata } from './fixtures'
export { VolunteerApplied, applicantSecrets, applicants, applyCommand, roster, rosterProjection } from './personal-data'
export type { ApplicantState } from './personal-data'
