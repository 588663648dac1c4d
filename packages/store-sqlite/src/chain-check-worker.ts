/**
 * A thread of a chain check (see `chain-checks.ts`): on a connection of its own, it reads its share
 * of the streams in position order, follows their chains, and sends its streams' heads at each
 * position asked for, waiting when it is `headsAhead` sets ahead of the sets already checked.
 */
import { parentPort, workerData } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import { chainFollower } from '@civic-ledger/core/chain'
import type { ChainCheckMessage, ChainCheckPart } from './chain-checks'

/** position, revision, event id, type, schema version, data, metadata, recorded at, stream, hash (hex) */
type Row = readonly [number, number, string, string, number, string, string, string, string, string]

const send = (message: ChainCheckMessage): void => parentPort?.postMessage(message)

const run = async (work: ChainCheckPart): Promise<ChainCheckMessage> => {
  const db = new BetterSqlite3(work.path, { readonly: true, fileMustExist: true })
  try {
    db.pragma(`busy_timeout = ${work.busyTimeoutMs}`)
    // A missing hash reads as empty, which no chain hash equals.
    const share = db
      .prepare<[number, number, number, number], Row>(
        `SELECT e.position, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, s.name, lower(hex(e.hash))
         FROM events e JOIN streams s ON s.id = e.stream
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
        const position = row[0]
        if ((work.headsAt[next] ?? Infinity) < position) await headsUpTo(position - 1)
        const followed = follower.follow({
          position,
          revision: row[1],
          eventId: row[2],
          type: row[3],
          schemaVersion: row[4],
          data: row[5],
          metadata: row[6],
          recordedAt: row[7],
          streamId: row[8],
          hash: row[9],
        })
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
