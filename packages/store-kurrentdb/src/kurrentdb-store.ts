/**
 * The KurrentDB store: a driver of the store kit on `@kurrent/kurrentdb-client`. See `records.ts`
 * for how a ledger lives in KurrentDB and `positions.ts` for how its positions map to `$all`.
 */
import type { Clock, EventStore, KeyStore, ReadModelStorage } from '@civic-ledger/core'
import { systemClock } from '@civic-ledger/core'
import { defineEventStore } from '@civic-ledger/core/store-kit'

import type { KurrentClient } from './client'
import { liveCommits } from './commits'
import { PositionIndex } from './positions'
import type { DriverContext } from './reader'
import { logReads, streamReads } from './reader'
import { ledgerNames } from './records'
import { ledgerWriter } from './writer'

/**
 * How a KurrentDB store is made: a connected client, the ledger's name on the server, and the
 * SQLite or PostgreSQL storage its read models live in.
 */
export interface KurrentDBEventStoreOptions {
  /** A connected client (`KurrentDBClient.connectionString(…)`), or anything with its methods. */
  readonly client: KurrentClient
  /** The ledger's name on the server: its streams are `<ledger>/<streamId>`. Default `civic-ledger`. */
  readonly ledger?: string
  /** How errors name the store. Default `the KurrentDB ledger <ledger>`. */
  readonly name?: string
  readonly clock?: Clock
  /**
   * Where read models and projection checkpoints live: the `readModels` of a SQLite or PostgreSQL
   * store (KurrentDB keeps none). Projections are then asynchronous only; checkpoints are ledger
   * positions, the same integers as this store's.
   */
  readonly readModels?: ReadModelStorage
  readonly keyStore?: KeyStore
  /** Called once when the store closes (e.g. to close the read models' store). */
  readonly onClose?: () => Promise<void>
  /** A subscription's page when the caller gives none. Default 500. */
  readonly batchSize?: number
  /** How long to wait before resubscribing after the live subscription drops. Default 1000 ms. */
  readonly reconnectDelayMs?: number
  /** How many times an append is tried again when another writer moved the ledger first. Default 20. */
  readonly maxAttempts?: number
}

/**
 * Read models in another database: without `setInlineHandler`, so the ledger runs every projection
 * asynchronously — an inline handler installed there would run on that database's appends, never on
 * this store's.
 */
const asynchronousOnly = (storage: ReadModelStorage): ReadModelStorage => ({
  dialect: storage.dialect,
  transaction: (work) => storage.transaction(work),
  read: (work) => storage.read(work),
})

/**
 * Opens a ledger on a KurrentDB client. Nothing is read until the first call: an empty ledger is a
 * ledger whose streams do not exist yet.
 */
export const openKurrentDBEventStore = (options: KurrentDBEventStoreOptions): EventStore =>
  defineEventStore((kit) => {
    const { client } = options
    const names = ledgerNames(options.ledger ?? 'civic-ledger')
    const ctx: DriverContext = { client, names, name: options.name ?? `the KurrentDB ledger ${names.ledger}`, kit }
    const commits = liveCommits(client, names, { reconnectDelayMs: options.reconnectDelayMs ?? 1000 })
    const streams = streamReads(ctx)
    const { readStream, locate, headPosition } = streams
    const { readAll, readStored, streamHeads, readBatch } = logReads(ctx, streams, new PositionIndex())
    const { write, importStored } = ledgerWriter(ctx, streams, {
      clock: options.clock ?? systemClock,
      maxAttempts: options.maxAttempts ?? 20,
      committed: () => commits.committed(),
    })
    const name = ctx.name
    return {
      name,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      write,
      locate,
      readStream,
      readAll,
      readStored,
      streamHeads,
      readBatch,
      commits: commits.signals,
      importStored,
      headPosition: () => headPosition(),
      close: async () => {
        commits.close()
        try {
          await options.onClose?.()
        } finally {
          await client.dispose()
        }
      },
      ...(options.readModels === undefined ? {} : { readModels: asynchronousOnly(options.readModels) }),
      ...(options.keyStore === undefined ? {} : { keyStore: options.keyStore }),
    }
  })
