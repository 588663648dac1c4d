/**
 * `@civic-ledger/testing`: the helpers every Civic Ledger package tests with, and the EventStore
 * contract every store must pass.
 *
 * @packageDocumentation
 */

export { between, jsonLineReader, seededRandom, writeJsonLine } from './child-lines'
export type { DeciderGiven, DeciderThen } from './decider-spec'
export { deciderSpec } from './decider-spec'
export type {
  ContractCase,
  ContractResult,
  ContractSubject,
  EventStoreFactory,
  Guarantee,
} from './event-store-contract'
export { eventStoreContractCases, runContractCase, runEventStoreContract } from './event-store-contract'
export type { EventStoreModel } from './event-store-model'
export { checkEventStoreAgainstModel, storeCommands } from './event-store-model'
export { collect, summary, testActor, testEvent, testEvents, testMetadata } from './fixtures'
export type { ApplicantState } from './personal-data'
export { applicants, applicantSecrets, applyCommand, roster, rosterProjection, VolunteerApplied } from './personal-data'
export type { ProjectionContractCase } from './projection-contract'
export { projectionContractCases, runProjectionCase } from './projection-contract'
export type { ProjectionThen, ReadModelContents } from './projection-spec'
export { applyToReadModel, projectionSpec } from './projection-spec'
export type { ContractOptions, ProjectionContractOptions } from './register'
export { eventStoreContract, projectionContract } from './register'
export type { Assertions, TestBody, TestRunner } from './runner'
export { avaRunner, nodeAssertions, nodeTestRunner } from './runner'
