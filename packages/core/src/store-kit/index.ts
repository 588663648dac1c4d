/**
 * `@civic-ledger/core/store-kit`: what a store author needs beyond the port itself — the checks
 * every store applies to its arguments, paging, catch-up subscriptions, the in-memory read models,
 * the rules for read-model names and plug-in SQL, and key names. Applications do not need it.
 */
export { checkSubject, partsPrefix, subjectAndOwners } from '../port/privacy'
export {
  checkFieldName,
  checkFindLimit,
  checkTablePrefix,
  compareIds,
  isIndexableField,
  matchesConditions,
  nameProblem,
  tableName,
  tablePrefix,
} from '../port/read-model'
export type { SqlScope } from '../port/sql-scope'
export { checkSqlStatement, isSchemaStatement, outOfScope, sqlStatementProblem } from '../port/sql-scope'
export type { BatchRequest, SnapshotDriver, StoreDriver, StoreKit } from './define-store'
export { DEFAULT_BATCH_SIZE, defineEventStore, EventIdTakenError, locateEach } from './define-store'
export type { MemoryReadModelStorage } from './memory-read-models'
export { createMemoryReadModelStorage, createMutex } from './memory-read-models'
export type { PageCursor, PagedIterable, PageRequest } from './paging'
export { keyRangeCursor, logPageCursor, pagedIterable, pagesOf, streamPageCursor } from './paging'
export { checkSnapshot, checkSnapshotRevision } from './snapshots'
export type { CatchUpSubscriptionSource, SubscriptionBatch } from './subscription'
export { batchUpToHead, catchUpSubscription } from './subscription'
export type { CheckedEvent, CheckedStreamAppend, StoredEventLocation, StoreLimits } from './validation'
export {
  acknowledgeRetry,
  checkChainCheckRequest,
  checkExpectedRevision,
  checkFilter,
  checkNewEvents,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStoredEvents,
  checkStreamAppend,
  checkStreamAppends,
  checkStreamId,
  checkSubscribeOptions,
  continueChains,
  DEFAULT_LIMITS,
  matchesFilter,
  recordedEvents,
  revisionMatches,
} from './validation'
