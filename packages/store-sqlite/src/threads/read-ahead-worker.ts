/**
 * The worker thread of a read-ahead (see `read-ahead.ts`): on a connection of its own it reads the
 * log page by page and hands each page over as the text of one JSON array of recorded events, so
 * the thread that asked parses a page with one `JSON.parse` while this one steps SQLite. It runs
 * at most a few pages ahead: each page it hands over spends a credit, and the reader gives
 * credits back for the pages it has taken.
 */
import { parentPort, workerData } from 'node:worker_threads'

import BetterSqlite3 from 'better-sqlite3'

import type { EventRow as Row } from '../rows'
import { standsAlone } from '../stands-alone'
import type { ReadAheadMessage, ReadAheadRequest } from './read-ahead'

const send = (message: ReadAheadMessage): void => parentPort?.postMessage(message)

const run = (request: ReadAheadRequest): void => {
  const db = new BetterSqlite3(request.path, { readonly: true, fileMustExist: true })
  db.pragma(`busy_timeout = ${request.busyTimeoutMs}`)
  const statement = db.prepare<unknown[], Row>(request.sql).raw(true)
  const quote = JSON.stringify
  let low = request.low
  let credits = request.credits
  let done = false

  /** The text of one page, or undefined if a row might not read as itself inside it. */
  const pageText = (rows: ReadonlyArray<Row>): string | undefined => {
    let text = '['
    let previousMetadata: string | undefined
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Row
      const data = row[5]
      const metadata = row[6]
      if (!standsAlone(data) || !standsAlone(metadata)) return undefined
      // Metadata equal to the row before's (events appended together) is written as 1, and shared.
      const sameMetadata = metadata === previousMetadata
      previousMetadata = metadata
      text += `${i === 0 ? '' : ','}{"eventId":${quote(row[2])},"streamId":${quote(row[8])},"revision":${row[1]},"position":${row[0]},"type":${quote(row[3])},"schemaVersion":${row[4]},"data":${data},"metadata":${sameMetadata ? '1' : metadata},"recordedAt":${quote(row[7])}}`
    }
    return `${text}]`
  }

  const page = (): ReadAheadMessage => {
    const rows = statement.all(low, request.high, ...request.params, request.limit)
    const last = rows.length === 0 ? low - 1 : (rows[rows.length - 1] as Row)[0]
    const text = pageText(rows)
    // A page with a row that is not JSON goes as rows: the reader parses them one by one and names it.
    const message: ReadAheadMessage =
      text === undefined ? { kind: 'rows', low, last, rows } : { kind: 'page', low, last, text }
    if (rows.length < request.limit || last >= request.high) done = true
    low = last + 1
    return message
  }

  /** Sends the last message and lets the thread end. */
  const end = (last: ReadAheadMessage): void => {
    send(last)
    db.close()
    parentPort?.close()
  }

  const pump = (): void => {
    try {
      while (credits > 0 && !done) {
        credits--
        send(page())
      }
      if (done) end({ kind: 'done' })
    } catch (error) {
      end({ kind: 'failed', message: error instanceof Error ? error.message : String(error) })
    }
  }

  parentPort?.on('message', (returned: number) => {
    credits += returned
    pump()
  })
  pump()
}

run(workerData as ReadAheadRequest)
