/**
 * A thread of a chain check (see `chain-checks.ts`): on a connection of its own, it reads its share
 * of the streams in position order, follows their chains, and sends its streams' heads at each
 * position asked for, waiting when it is `headsAhead` sets ahead of the sets already checked.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { chainFollower } from '@civic-ledger/core/chain'
import BetterSqlite3 from 'better-sqlite3'

import type { StoredRow } from '../columns'
import { STORED_COLUMNS, toStored } from '../columns'
import type { ChainCheckMessage, ChainCheckPart } from './chain-checks'

const send = (message: ChainCheckMessage): void => parentPort?.postMessage(message)

const run = async (work: ChainCheckPart): Promise<ChainCheckMessage> => {
  const db = new BetterSqlite3(work.path, { readonly: true, fileMustExist: true })
  try {
    db.pragma(`busy_timeout = ${work.busyTimeoutMs}`)
    const share = db
      .prepare<[number, number, number, number], StoredRow>(
        `SELECT ${STORED_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream
         WHERE e.position BETWEEN ? AND ? AND e.stream % ? = ? ORDER BY e.position`,
      )
      .raw(true)
    const follower = chainFollower()
    let next = 0
    let unchecked = 0
    let wake: (() => void) | undefined
    parentPort?.on('message', () => {
      unchecked--
      wake?.()
    })
    /** Sends the heads at every position asked for up to `position`. */
    const headsUpTo = async (position: number): Promise<void> => {
      for (let at = work.headsAt[next]; at !== undefined && at <= position; at = work.headsAt[++next]) {
        while (unchecked >= work.headsAhead)
          await new Promise<void>((resolve) => {
            wake = resolve
          })
        send({ kind: 'heads', position: at, heads: follower.heads() })
        unchecked++
      }
    }
    for (let low = 1; low <= work.toPosition; low += work.window) {
      const rows = share.all(low, Math.min(work.toPosition, low + work.window - 1), work.parts, work.part)
      for (const row of rows) {
        if ((work.headsAt[next] ?? Infinity) < row[0]) await headsUpTo(row[0] - 1)
        const followed = follower.follow(toStored(row))
        if (!followed) return { kind: 'done', intact: false, events: follower.events, streams: follower.streams }
      }
    }
    await headsUpTo(work.toPosition)
    return { kind: 'done', intact: true, events: follower.events, streams: follower.streams }
  } finally {
    db.close()
  }
}

run(workerData as ChainCheckPart).then(
  (last) => {
    send(last)
    parentPort?.close()
  },
  (error: unknown) => {
    send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) })
    parentPort?.close()
  },
)
