/**
 * Reading many rows with `COPY (SELECT …) TO STDOUT`: the server streams the rows of one query as
 * lines of tab-separated text, and the client splits them itself. Each row of an ordinary query
 * result is a protocol message of its own, parsed into an array of strings; with COPY a chunk of
 * the socket holds many rows and is decoded once. Forward reads of the log (a rebuild, a replay,
 * verify, an export) go this way: about half the client's work per event.
 *
 * The query runs in one snapshot on one connection, held until the last row has arrived; a reader
 * that stops early (or a row that cannot be read) closes that connection instead of returning it
 * to the pool, since the server is still sending. COPY takes no parameters, so callers build the
 * query from numbers and `escapeLiteral`.
 */
import { StringDecoder } from 'node:string_decoder'

import type { PagedIterable } from '@civic-ledger/core/store-kit'
import { pagedIterable } from '@civic-ledger/core/store-kit'
import type { Pool, PoolClient } from 'pg'
import { to as copyTo } from 'pg-copy-streams'

// --- one line of COPY's text format ---

const ESCAPED: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }

/** A field as COPY wrote it, its backslash escapes undone (COPY TO writes no octal or hex ones). */
const unescapeField = (field: string): string =>
  field.indexOf('\\') < 0 ? field : field.replace(/\\(.)/g, (_, c: string) => ESCAPED[c] ?? c)

/**
 * The fields of the line `text[start..end)`, sliced straight out of `text`; `escaped` says whether
 * the line holds a backslash (most hold none, and then no field needs looking at again). A NULL
 * (`\N`) is not expected: the columns read are all NOT NULL.
 */
export const copyFields = (text: string, start = 0, end = text.length, escaped = true): string[] => {
  const fields: string[] = []
  let from = start
  for (let tab = text.indexOf('\t', from); tab >= 0 && tab < end; tab = text.indexOf('\t', from)) {
    const field = text.slice(from, tab)
    fields.push(escaped ? unescapeField(field) : field)
    from = tab + 1
  }
  const field = text.slice(from, end)
  fields.push(escaped ? unescapeField(field) : field)
  return fields
}

// --- streaming a query ---

/** Failures are reported through the stream's iterator; these listeners only keep them heard. */
const ignore = (): void => undefined

export interface CopySource<A> {
  /**
   * The query, resuming after `last` (the last row delivered, with `delivered` rows so far) when a
   * connection was lost part-way; `undefined` for the first try.
   */
  readonly select: (last: A | undefined, delivered: number) => string
  readonly fromFields: (fields: string[]) => A
  readonly toError: (error: unknown) => Error
  /** Lost connections are retried (on a new one, resuming) this many times in a row. */
  readonly retries: number
  readonly isConnectionLost: (error: unknown) => boolean
}

/**
 * The rows of a query, each turned into an `A` by `fromFields`, a chunk of the socket at a time.
 * A lost connection is replaced and the query resumed after the last row delivered; other
 * failures (of `fromFields` on a row, say) end the iteration through `toError`.
 */
export const copyRows = <A>(pool: Pool, source: CopySource<A>): PagedIterable<A> => {
  let client: PoolClient | undefined
  let stream: ReturnType<typeof copyTo> | undefined
  let chunks: AsyncIterator<Buffer> | undefined
  let decoder = new StringDecoder('utf8')
  let rest = ''
  let last: A | undefined
  let delivered = 0
  let lost = 0
  /** Set once the reader has stopped: a connection that arrives after that goes straight back. */
  let abandoned = false

  /** Gives the connection back, or closes it when the server may still be sending. */
  const release = (broken: boolean): void => {
    const held = client
    client = undefined
    chunks = undefined
    if (broken) stream?.destroy()
    // A closed connection may still report its end; a healthy one goes back without this listener.
    else held?.off('error', ignore)
    held?.release(broken)
  }

  const start = async (): Promise<AsyncIterator<Buffer> | undefined> => {
    const connected = await pool.connect()
    // The reader stopped while this connection was awaited (after a lost one, say): no query is
    // sent on it, and it goes back to the pool rather than being held by a read nobody takes.
    if (abandoned) {
      connected.release()
      return undefined
    }
    client = connected
    client.on('error', ignore)
    stream = client.query(copyTo(`COPY (${source.select(last, delivered)}) TO STDOUT`))
    stream.on('error', ignore)
    decoder = new StringDecoder('utf8')
    rest = ''
    return stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  }

  /** The next chunk, on a new connection if the last was lost; `undefined` at the end. */
  const nextChunk = async (): Promise<Buffer | undefined> => {
    for (;;) {
      if (abandoned) return undefined
      try {
        chunks ??= await start()
        if (chunks === undefined) return undefined
        const next = await chunks.next()
        return next.done === true ? undefined : next.value
      } catch (error) {
        release(true)
        if (abandoned) return undefined
        if (!source.isConnectionLost(error) || ++lost > source.retries) throw error
      }
    }
  }

  const nextPage = async (): Promise<ReadonlyArray<A> | undefined> => {
    for (;;) {
      const chunk = await nextChunk()
      if (abandoned) {
        release(true)
        return undefined
      }
      if (chunk === undefined) {
        const tail = rest + decoder.end()
        release(false)
        if (tail.length > 0) throw new Error('the COPY stream ended inside a row')
        return undefined
      }
      const text = rest + decoder.write(chunk)
      const rows: A[] = []
      let from = 0
      // The next backslash in the chunk, found again only once a line has passed it.
      let backslash = text.indexOf('\\')
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
        if (backslash >= 0 && backslash < from) backslash = text.indexOf('\\', from)
        rows.push(source.fromFields(copyFields(text, from, end, backslash >= 0 && backslash < end)))
        from = end + 1
      }
      rest = text.slice(from)
      if (rows.length > 0) {
        last = rows[rows.length - 1]
        delivered += rows.length
        lost = 0
        return rows
      }
    }
  }

  return pagedIterable(nextPage, source.toError, () => {
    abandoned = true
    release(true)
  })
}
