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
  addMonths,
  describeErrors,
  isIsoDate,
  isIsoDateTime,
  isUuid,
} from './codecs'
export type {
  CurrencyCodeBrand,
  ErrorValues,
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
export { allOf, allowAll, byContext, denyAll, organisationScope, rolePolicy } from './policy'
export type { AuthorisationRequest, OwnerOf, Policy, PolicyDecision } from './policy'

// --- errors ---
export {
  CorruptEventError,
  EventIdConflictError,
  EventStoreError,
  InvalidArgumentError,
  LimitExceededError,
  ProjectionFailedError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  forbidden,
  invalidCommand,
  isEventStoreError,
  rejected,
  storeUnavailable,
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
  ChainCheckRequest,
  ChainCheckResult,
  Direction,
  EventFilter,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStoredOptions,
  ReadStreamOptions,
  StreamAppend,
  StreamHead,
  SubscribeOptions,
} from './event-store'
export { createMemoryEventStore } from './memory-store'
export type { MemoryEventStoreOptions } from './memory-store'
export { batchUpToHead, catchUpSubscription } from './subscription'
export { keyRangeCursor, logPageCursor, pagedIterable, pagesOf, streamPageCursor } from './paging'
export type { PageCursor, PageRequest, PagedIterable } from './paging'
export type { CatchUpSubscriptionSource, SubscriptionBatch } from './subscription'
export {
  DEFAULT_LIMITS,
  acknowledgeRetry,
  checkExpectedRevision,
  checkFilter,
  checkNewEvents,
  checkChainCheckRequest,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamAppend,
  checkStoredEvents,
  checkStreamAppends,
  checkStreamId,
  checkSubscribeOptions,
  continueChains,
  matchesFilter,
  recordedEvents,
  revisionMatches,
} from './validation'
export type { CheckedEvent, CheckedStreamAppend, StoreLimits, StoredEventLocation } from './validation'

// --- snapshots ---
export { checkSnapshot, checkSnapshotRevision } from './snapshot'
export type { Snapshot, SnapshotPolicy, SnapshotStore } from './snapshot'

// --- projections ---
export { checkProjection, defineProjection, projectedEvent, projectionContext, readCollection } from './projection'
export type {
  AnyProjection,
  BatchContext,
  FailurePolicy,
  ProjectedEvent,
  Projection,
  ProjectionContext,
  ProjectionEvents,
  ProjectionSql,
} from './projection'
export {
  MAX_COLLECTION_NAME_LENGTH,
  MAX_PROJECTION_NAME_LENGTH,
  MAX_PROJECTION_VERSION,
  checkFieldName,
  checkFindLimit,
  checkTablePrefix,
  compareIds,
  defineCollection,
  isIndexableField,
  matchesConditions,
  nameProblem,
  tableName,
  tablePrefix,
} from './read-model'
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
} from './read-model'
export { createMemoryReadModelStorage, createMutex } from './memory-read-models'
export type { MemoryReadModelStorage } from './memory-read-models'
export { ProjectionError, checkProjections, createProjectionRunner, replayProjections } from './projection-runner'
export type {
  ParkedRetry,
  ProjectionFailure,
  ProjectionLogger,
  ProjectionRunner,
  ProjectionRunnerOptions,
  ProjectionState,
  ProjectionStatus,
} from './projection-runner'
export { definePlugin, isLedgerPlugin, loadPlugin, registerProjection } from './plugin'
export type { LedgerPlugin } from './plugin'

// --- composition ---
export { EVENT_ID_NAMESPACE, fixedClock, randomIds, sequentialIds, systemClock, uuidV5 } from './clock'
export type { Clock, IdGenerator } from './clock'
export { Tokens } from './tokens'
export type { Token } from './tokens'
export {
  connectionScheme,
  memoryStoreProvider,
  openEventStore,
  redactConnection,
  registerStoreProvider,
} from './store-registry'
export type { StoreProvider } from './store-registry'
export { createLedger } from './ledger'
export type { ErasureOptions, ErasureOutcome, Ledger, LedgerAudit, LedgerOptions, LedgerPrivacy } from './ledger'

// --- SQL held to a projection's tables ---
export { checkSqlStatement, isSchemaStatement, outOfScope, sqlStatementProblem } from './sql-scope'
export type { SqlScope } from './sql-scope'

// --- privacy ---
export {
  PersonalType,
  SubjectErasedError,
  checkSubject,
  createMemoryKeyStore,
  createPrivacy,
  erased,
  hasPersonalData,
  isErased,
  partsPrefix,
  personal,
  personalPaths,
  REDACTED,
  redactPersonal,
  sealedSubjects,
  subjectAndOwners,
  subjectKey,
} from './privacy'
export type { Erased, ErasedJson, KeyStore, PersonalPath, Privacy } from './privacy'
export {
  ErasureCommand,
  ErasureRefused,
  ErasureRequested,
  Exemption,
  SubjectErased,
  dataSubjects,
  erasureEvents,
  erasureRequestDocs,
  erasureRequests,
  erasureStreamKey,
  keyErasures,
  subjectPartOf,
} from './erasure'
export type { ErasureEvent, ErasureRequestDoc, ErasureState } from './erasure'

// --- audit ---
export { correlationHistory, diff, loadAggregateAsOf, streamHistory } from './audit'
export type { AsOf, Change, HistoryEntry } from './audit'
export { canonicalJson } from './canonical'
export type { ChainFollower, ChainedFields, StoredEvent } from './chain'
export {
  CHAIN_ENCODING,
  GENESIS_HASH,
  canonicalEnvelope,
  chainFollower,
  chainHash,
  isChainHash,
  toRecorded,
} from './chain'
export {
  LEDGER_SEALED,
  SEAL_ENCODING,
  SEALS_STREAM,
  Seal,
  SealSignature,
  computeSeal,
  keyIdOf,
  merkleRoot,
  merkleTreeHash,
  parseSealFile,
  sealFileText,
  sealLedger,
  signatureProblem,
} from './seal'
export type { SealOptions, Sealed } from './seal'
export { verifyLedger } from './verify'
export type { SealSource, VerifyFailure, VerifyOptions, VerifyProblem, VerifyReport } from './verify'
export { EXPORT_FORMAT, ExportHeader, exportLedger, exportLines, importLedger } from './ledger-export'
export type { ExportOptions, ExportSource, ExportSummary, ImportOptions, ImportSummary } from './ledger-export'
