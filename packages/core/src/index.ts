/**
 * `@civic-ledger/core`: the kernel every Civic Ledger package builds on.
 */

// --- values and codecs ---
export type {
  CurrencyCodeBrand,
  EntityIdBrand,
  ErrorValues,
  IsoDateBrand,
  IsoDateTimeBrand,
  NonEmptyStringBrand,
  PenceBrand,
  UuidBrand,
} from './kernel/codecs'
export {
  addDays,
  addMonths,
  AreaRef,
  CurrencyCode,
  describeErrors,
  EntityId,
  entityIdOf,
  isIsoDate,
  isIsoDateTime,
  IsoDate,
  IsoDateTime,
  isUuid,
  Money,
  NonEmptyString,
  Pence,
  Uuid,
} from './kernel/codecs'
export type { JsonObject, JsonValue } from './kernel/json'
export { deepFreeze, findNonJson } from './kernel/json'
export type { StreamName } from './kernel/stream-id'
export {
  isEventTypeName,
  MAX_EVENT_TYPE_LENGTH,
  MAX_STREAM_ID_LENGTH,
  parseStreamId,
  streamId,
  streamIdProblem,
} from './kernel/stream-id'

// --- events ---
export type { NewEvent, RecordedEvent } from './events/envelope'
export type {
  AnyEventDefinition,
  CatalogEvent,
  DomainEvent,
  EventCatalog,
  EventDecodeFailure,
  EventDefinition,
  EventOf,
  EventsOf,
  Upcaster,
} from './events/event'
export { defineEvent, eventCatalog, upcaster } from './events/event'
export type { EventMetadataInput } from './events/metadata'
export { Actor, EventMetadata } from './events/metadata'

// --- deciders and commands ---
export type { AggregateCache, AggregateCacheOptions, CachedAggregate } from './commands/aggregate-cache'
export { createAggregateCache, DEFAULT_AGGREGATE_CACHE_ENTRIES } from './commands/aggregate-cache'
export type { CommandHandlerOptions, CommandResult, HandleCommand, LoadedAggregate } from './commands/command-handler'
export { CommandContext, createCommandHandler, decodeRecorded, loadAggregate } from './commands/command-handler'
export type { DecisionResult, HandleDecision } from './commands/decision-handler'
export { createDecisionHandler } from './commands/decision-handler'
export type { AuthorisationRequest, OwnerOf, Policy, PolicyDecision } from './commands/policy'
export { allOf, allowAll, byContext, denyAll, organisationScope, rolePolicy } from './commands/policy'
export type { Aggregate, Command, Decider, DomainError } from './events/decider'
export { accept, defineAggregate, fold, reject } from './events/decider'
export type {
  AnyDecisionStream,
  DecidedFor,
  Decision,
  DecisionStream,
  DecisionStreams,
  StatesOf,
  StreamAggregate,
} from './events/decision'
export { defineDecision, streamOf } from './events/decision'

// --- reading results ---
// Commands and loads answer with fp-ts's `Either`; these are re-exported so that an app can read a
// result with core alone, and always with the same fp-ts instance core was built against.
export type { Either, Left, Right } from 'fp-ts/Either'
export { isLeft, isRight, match } from 'fp-ts/Either'

// --- errors ---
export { typeNames, unknownFields } from './events/fields'
export type {
  CommandError,
  Conflict,
  EventStoreErrorKind,
  Forbidden,
  InvalidCommand,
  Rejected,
  RetryAdvice,
  StorageFailure,
  StorageFailureReason,
  StoreUnavailable,
  StoreUnavailableOptions,
  UnreadableEvent,
  WriteOutcome,
} from './kernel/errors'
export {
  AppendLockTimeoutError,
  CorruptEventError,
  EventIdConflictError,
  EventStoreError,
  forbidden,
  InvalidArgumentError,
  invalidCommand,
  isEventStoreError,
  LimitExceededError,
  ProjectionFailedError,
  rejected,
  storeUnavailable,
  StoreUnavailableError,
} from './kernel/errors'
export {
  boundLength,
  boundProblems,
  boundQuotes,
  clip,
  MESSAGE_LIMIT,
  PROBLEM_LIMIT,
  QUOTE_LIMIT,
} from './kernel/quoting'
export { duplicates, own } from './kernel/records'
export { WrongExpectedRevisionError } from './port/event-store'

// --- the store port ---
export type { MemoryEventStoreOptions } from './memory/memory-store'
export { createMemoryEventStore } from './memory/memory-store'
export type { StreamHead } from './port/chain'
export type {
  AppendOptions,
  AppendResult,
  ChainCheckRequest,
  ChainCheckResult,
  Direction,
  EventFilter,
  EventLog,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStoredOptions,
  ReadStreamOptions,
  StreamAppend,
  SubscribeOptions,
} from './port/event-store'
export type { SqlScope } from './port/sql-scope'
export type { MemoryReadModelStorage } from './store-kit/memory-read-models'
export type { StoreLimits } from './store-kit/validation'

// --- snapshots ---
export type { SnapshotPolicy } from './events/decider'
export type { Snapshot, SnapshotStore } from './port/snapshot'

// --- projections ---
export type { LedgerPlugin } from './ledger/plugin'
export { definePlugin, isLedgerPlugin, loadPlugin, registerProjection } from './ledger/plugin'
export type {
  AnyCollectionDefinition,
  Collection,
  CollectionDefinition,
  Condition,
  FindOptions,
  IndexValue,
  InlineHandler,
  ParkedEvent,
  ProjectionCheckpoint,
  ProjectionStage,
  ReadCollection,
  ReadModelReader,
  ReadModelStorage,
  ReadModelTransaction,
  SqlHandle,
  SqlValue,
  Where,
} from './port/read-model'
export {
  defineCollection,
  MAX_COLLECTION_NAME_LENGTH,
  MAX_PROJECTION_NAME_LENGTH,
  MAX_PROJECTION_VERSION,
} from './port/read-model'
export type { BatchContext, ContextOptions, DocumentCache } from './projections/context'
export { projectionContext, readCollection } from './projections/context'
export type {
  AnyProjection,
  FailurePolicy,
  ProjectedEvent,
  Projection,
  ProjectionContext,
  ProjectionEvents,
  ProjectionSql,
} from './projections/projection'
export { checkProjection, defineProjection, projectedEvent } from './projections/projection'
export { createProjectionRunner, replayProjections } from './projections/projection-runner'
export { checkProjections } from './projections/runner/check'
export type {
  ParkedRetry,
  ProjectionFailure,
  ProjectionLogger,
  ProjectionRunner,
  ProjectionRunnerOptions,
  ProjectionState,
  ProjectionStatus,
} from './projections/runner/types'
export { ProjectionError } from './projections/runner/types'

// --- composition ---
export type { Clock, IdGenerator } from './kernel/clock'
export { EVENT_ID_NAMESPACE, fixedClock, randomIds, sequentialIds, systemClock, uuidV5 } from './kernel/clock'
export type {
  ErasureOptions,
  ErasureOutcome,
  Ledger,
  LedgerAudit,
  LedgerOptions,
  LedgerPrivacy,
  LedgerProjections,
  LedgerTrusted,
} from './ledger/ledger'
export { createLedger } from './ledger/ledger'
export type { StoreProvider } from './ledger/store-registry'
export {
  connectionScheme,
  memoryStoreProvider,
  openEventStore,
  redactConnection,
  registerStoreProvider,
} from './ledger/store-registry'
export type { Token } from './ledger/tokens'
export { Tokens } from './ledger/tokens'

// --- SQL held to a projection's tables ---

// --- privacy ---
export { hasPersonalData } from './events/event'
export type { Erased, ErasedJson, PersonalPath } from './events/personal'
export { erased, isErased, personal, personalPaths, PersonalType, sealedSubjects } from './events/personal'
export { createMemoryKeyStore } from './memory/keys'
export type { KeyStore, Privacy } from './port/privacy'
export { REDACTED, redactPersonal, SubjectErasedError, subjectKey } from './port/privacy'
export type { ErasureEvent, ErasureRequestDoc, ErasureState } from './privacy/erasure'
export {
  dataSubjects,
  ErasureCommand,
  erasureEvents,
  ErasureRefused,
  erasureRequestDocs,
  ErasureRequested,
  erasureRequests,
  erasureStreamKey,
  Exemption,
  keyErasures,
  SubjectErased,
  subjectPartOf,
} from './privacy/erasure'
export { createPrivacy } from './privacy/privacy'

// --- audit ---
export type { AggregateAsOf, AsOf, Change, HistoryEntry } from './audit/audit'
export { correlationHistory, diff, loadAggregateAsOf, streamHistory } from './audit/audit'
export type { ExportOptions, ExportSource, ExportSummary, ImportOptions, ImportSummary } from './audit/ledger-export'
export { EXPORT_FORMAT, ExportHeader, exportLedger, exportLines, importLedger } from './audit/ledger-export'
export type { Sealed, SealOptions } from './audit/seal'
export {
  computeSeal,
  keyIdOf,
  LEDGER_SEALED,
  merkleRoot,
  merkleTreeHash,
  parseSealFile,
  Seal,
  SEAL_ENCODING,
  sealFileText,
  sealLedger,
  SEALS_STREAM,
  SealSignature,
  signatureProblem,
} from './audit/seal'
export type { SealSource, VerifyFailure, VerifyOptions, VerifyProblem, VerifyReport } from './audit/verify'
export { verifyLedger } from './audit/verify'
export { canonicalJson } from './kernel/canonical'
export type { LogPoint } from './port/as-of'
export { positionAsOf } from './port/as-of'
export type { ChainedFields, ChainFollower, StoredEvent } from './port/chain'
export {
  canonicalEnvelope,
  CHAIN_ENCODING,
  chainFollower,
  chainHash,
  GENESIS_HASH,
  isChainHash,
  toRecorded,
} from './port/chain'
