/**
 * `@civic-ledger/core`: the kernel every Civic Ledger package builds on.
 */

// --- values and codecs ---
export type { JsonObject, JsonValue } from './json'
export { deepFreeze, findNonJson } from './json'
export {
  AreaRef,
  CurrencyCode,
  IsoDate,
  IsoDateTime,
  Money,
  NonEmptyString,
  Pence,
  Uuid,
  describeErrors,
  isIsoDate,
  isIsoDateTime,
  isUuid,
} from './codecs'
export type {
  CurrencyCodeBrand,
  IsoDateBrand,
  IsoDateTimeBrand,
  NonEmptyStringBrand,
  PenceBrand,
  UuidBrand,
} from './codecs'
export { MAX_STREAM_ID_LENGTH, isEventTypeName, parseStreamId, streamId, streamIdProblem } from './stream-id'
export type { StreamName } from './stream-id'

// --- events ---
export { Actor, EventMetadata } from './metadata'
export type { EventMetadataInput } from './metadata'
export type { NewEvent, RecordedEvent } from './envelope'
export { defineEvent, eventCatalog, upcaster } from './event'
export type {
  AnyEventDefinition,
  DomainEvent,
  EventCatalog,
  EventDecodeFailure,
  EventDefinition,
  EventOf,
  EventsOf,
  Upcaster,
} from './event'

// --- deciders and commands ---
export { accept, defineAggregate, fold, reject } from './decider'
export type { Aggregate, Command, Decider, DomainError } from './decider'
export { CommandContext, createCommandHandler, decodeRecorded, loadAggregate } from './command-handler'
export type { CommandHandlerOptions, CommandResult, HandleCommand, LoadedAggregate } from './command-handler'
export { allOf, allowAll, denyAll, rolePolicy } from './policy'
export type { AuthorisationRequest, Policy, PolicyDecision } from './policy'

// --- errors ---
export {
  CorruptEventError,
  EventIdConflictError,
  EventStoreError,
  InvalidArgumentError,
  LimitExceededError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  forbidden,
  invalidCommand,
  isEventStoreError,
  rejected,
} from './errors'
export type {
  CommandError,
  Conflict,
  EventStoreErrorKind,
  Forbidden,
  InvalidCommand,
  Rejected,
  StoreUnavailable,
  UnreadableEvent,
} from './errors'

// --- the store port ---
export type {
  AppendOptions,
  AppendResult,
  Direction,
  EventFilter,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from './event-store'
export { createMemoryEventStore } from './memory-store'
export type { MemoryEventStoreOptions } from './memory-store'
export { batchUpToHead, catchUpSubscription } from './subscription'
export { keyRangeCursor, logPageCursor, streamPageCursor } from './paging'
export type { PageCursor, PageRequest } from './paging'
export type { CatchUpSubscriptionSource, SubscriptionBatch } from './subscription'
export {
  DEFAULT_LIMITS,
  acknowledgeRetry,
  checkExpectedRevision,
  checkFilter,
  checkNewEvents,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamAppend,
  checkStreamAppends,
  checkStreamId,
  checkSubscribeOptions,
  matchesFilter,
  revisionMatches,
} from './validation'
export type { CheckedEvent, CheckedStreamAppend, StoreLimits, StoredEventLocation } from './validation'

// --- snapshots ---
export { checkSnapshot, checkSnapshotRevision } from './snapshot'
export type { Snapshot, SnapshotPolicy, SnapshotStore } from './snapshot'

// --- projections ---
export { checkProjection, createMemoryDocumentStore } from './projection'
export type { Collection, DocumentStore, Projection, ProjectionContext } from './projection'

// --- composition ---
export { EVENT_ID_NAMESPACE, fixedClock, randomIds, sequentialIds, systemClock, uuidV5 } from './clock'
export type { Clock, IdGenerator } from './clock'
export { Tokens } from './tokens'
export type { Token } from './tokens'
export { connectionScheme, memoryStoreProvider, openEventStore, registerStoreProvider } from './store-registry'
export type { StoreProvider } from './store-registry'
export { createLedger } from './ledger'
export type { Ledger, LedgerOptions } from './ledger'
