/**
 * Portable exports (DESIGN §6): the ledger, or a range of it, as NDJSON — a header line, one line
 * per event exactly as stored (with its hash), and a closing line with the seal at the export's last
 * position. Importing it into an empty store of any kind reproduces the same hashes, and verify
 * passes there.
 *
 * Personal fields stay encrypted (they are exported as stored) unless the caller asks for them to
 * be disclosed and holds the keys; a disclosed export is for reading, and cannot be imported.
 */
import type { KeyObject } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { createInterface } from 'node:readline'

import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { canonicalJson } from '../kernel/canonical'
import type { Clock } from '../kernel/clock'
import { systemClock } from '../kernel/clock'
import { describeErrors } from '../kernel/codecs'
import { InvalidArgumentError } from '../kernel/errors'
import type { StoredEvent } from '../port/chain'
import type { StreamHead } from '../port/chain'
import { CHAIN_ENCODING, toRecorded } from '../port/chain'
import type { EventLog, EventStore } from '../port/event-store'
import type { Privacy } from '../port/privacy'
import { checkStoredEvent, continueChains, DEFAULT_LIMITS } from '../store-kit/validation'
import type { Seal } from './seal'
import { computeSeal, Count, merkleRoot, Seal as SealCodec, signatureProblem } from './seal'

// --- model ---

/** The name and version of the export format. */
export const EXPORT_FORMAT = 'civic-ledger-export/1'

/** The first line of an export. */
export const ExportHeader = t.readonly(
  t.type({
    format: t.literal(EXPORT_FORMAT),
    chain: t.literal(CHAIN_ENCODING),
    /** The first and last positions exported (from > to: nothing exported). */
    from: Count,
    to: Count,
    exportedAt: t.string,
    /** `encrypted`: personal fields as stored. `disclosed`: decrypted for reading; not importable. */
    personalData: t.union([t.literal('encrypted'), t.literal('disclosed')]),
  }),
  'ExportHeader',
)
export type ExportHeader = t.TypeOf<typeof ExportHeader>

/**
 * What `exportLedger` writes: a range of positions, an optional signature on the closing seal, and
 * whether personal fields are disclosed.
 */
export interface ExportOptions {
  /** The first position to export (default 1). An import needs the target to hold exactly the positions before it. */
  readonly fromPosition?: number
  /** The last position to export (default: the head when the export starts). */
  readonly toPosition?: number
  /** Signs the closing seal with this Ed25519 private key. */
  readonly signingKey?: KeyObject
  readonly clock?: Clock
  /**
   * Writes personal fields decrypted, for a caller that holds the keys (the ledger's privacy). The
   * export is then marked `disclosed` and cannot be imported. Default: exported encrypted.
   */
  readonly disclose?: Pick<Privacy, 'open'>
}

/** An export's closing line. */
const Trailer = t.type({ seal: SealCodec })

const quote = (text: string): string => JSON.stringify(text)

/** An event as an export line: canonical JSON of the stored event, hash included. */
const eventLine = (e: StoredEvent, data: string): string =>
  `{"data":${data},"eventId":${quote(e.eventId)},"hash":${quote(e.hash)},"metadata":${e.metadata},"position":${e.position},"recordedAt":${quote(e.recordedAt)},"revision":${e.revision},"schemaVersion":${e.schemaVersion},"streamId":${quote(e.streamId)},"type":${quote(e.type)}}`

// --- export ---

/** The lines of an export (without line ends): header, events, then the closing seal. */
export async function* exportLines(store: EventLog, options: ExportOptions = {}): AsyncIterable<string> {
  const clock = options.clock ?? systemClock
  const head = await store.headPosition()
  const from = options.fromPosition ?? 1
  const to = options.toPosition ?? head
  if (!Number.isSafeInteger(from) || from < 1)
    throw new InvalidArgumentError('fromPosition', `must be a whole number ≥ 1, got ${String(from)}`)
  if (!Number.isSafeInteger(to) || to < from - 1 || to > head)
    throw new InvalidArgumentError(
      'toPosition',
      `must be between ${from - 1} and the head (${head}), got ${String(to)}`,
    )
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    chain: CHAIN_ENCODING,
    from,
    to,
    exportedAt: clock.now().toISOString(),
    personalData: options.disclose === undefined ? 'encrypted' : 'disclosed',
  }
  yield canonicalJson(header)
  if (to >= from)
    for await (const event of store.readStored({ fromPosition: from, toPosition: to })) {
      const data =
        options.disclose === undefined
          ? event.data
          : canonicalJson((await options.disclose.open(toRecorded(event))).data)
      yield eventLine(event, data)
    }
  const seal = await computeSeal(store, to, clock.now().toISOString(), options.signingKey)
  yield canonicalJson({ seal })
}

/** What an export wrote. */
export interface ExportSummary {
  readonly header: ExportHeader
  readonly events: number
  readonly seal: Seal
}

/** Writes an export to a file, streaming: memory does not grow with the log. */
export const exportLedger = async (
  store: EventLog,
  path: string,
  options: ExportOptions = {},
): Promise<ExportSummary> => {
  const out = createWriteStream(path, { flags: 'wx' })
  await once(out, 'open')
  let header: ExportHeader | undefined
  let last = ''
  let lines = 0
  try {
    for await (const line of exportLines(store, options)) {
      if (lines === 0) header = JSON.parse(line) as ExportHeader
      lines++
      last = line
      if (!out.write(`${line}\n`)) await once(out, 'drain')
    }
  } finally {
    out.end()
    await once(out, 'finish')
  }
  const { seal } = JSON.parse(last) as { seal: Seal }
  if (header === undefined) throw new InvalidArgumentError('export', 'wrote no header')
  return { header, events: lines - 2, seal }
}

// --- import ---

/**
 * How `importLedger` checks and writes an export: the keys its closing seal must be signed by, and
 * the size of each write.
 */
export interface ImportOptions {
  /** Ed25519 public keys trusted to sign the closing seal; if given, the seal must be signed by one. */
  readonly trustedKeys?: ReadonlyArray<KeyObject>
  /** How many events go into one write (default 1000). */
  readonly batchSize?: number
}

/** What an import wrote: the export's header, the number of events, and the closing seal it checked. */
export interface ImportSummary {
  readonly header: ExportHeader
  readonly events: number
  readonly seal: Seal
}

/** Where an export is read from: a file path, or a function giving its lines afresh each call. */
export type ExportSource = string | (() => AsyncIterable<string>)

const linesOf = (source: ExportSource): AsyncIterable<string> =>
  typeof source === 'string'
    ? createInterface({ input: createReadStream(source, { encoding: 'utf8' }), crlfDelay: Infinity })
    : source()

/** The event lines of an export already checked, with their line numbers: all but header and seal. */
async function* eventLinesOf(source: ExportSource): AsyncIterable<{ readonly text: string; readonly line: number }> {
  let line = 0
  let pastHeader = false
  for await (const text of linesOf(source)) {
    line++
    if (text.trim() === '' || text.startsWith('{"seal":')) continue
    if (!pastHeader) pastHeader = true
    else yield { text, line }
  }
}

const refuse = (line: number, problem: string): never => {
  throw new InvalidArgumentError(`export line ${line}`, problem)
}

const decodeLine = <A>(codec: t.Decoder<unknown, A>, text: string, line: number, what: string): A => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return refuse(line, `is not JSON (expected ${what})`)
  }
  const decoded = codec.decode(parsed)
  return E.isLeft(decoded) ? refuse(line, `is not ${what}: ${describeErrors(decoded.left).join('; ')}`) : decoded.right
}

/**
 * Reads an event line back into the stored event it was written from, with the metadata value its
 * text was made from.
 */
const readEventLine = (text: string, line: number): { readonly event: StoredEvent; readonly metadata: unknown } => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return refuse(line, 'is not JSON (expected an event)')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || 'seal' in parsed)
    return refuse(line, 'is not an event')
  const e = parsed as Record<string, unknown>
  let data: string
  let metadata: string
  try {
    data = canonicalJson(e['data'])
    metadata = canonicalJson(e['metadata'])
  } catch {
    return refuse(line, 'is not an event: its data or metadata is missing')
  }
  return { event: { ...(e as unknown as StoredEvent), data, metadata }, metadata: e['metadata'] }
}

/**
 * Every event id of an export, kept as a 53-bit hash, 8 bytes an event: an export of 1M events
 * needs 8 MB here, where a set of the ids themselves would need about ten times that. Ids whose
 * hashes repeat are candidates, confirmed against the ids themselves by reading the export again.
 */
const idSieve = () => {
  let keys = new Float64Array(4_096)
  let count = 0
  return {
    add: (id: string): void => {
      if (count === keys.length) {
        const grown = new Float64Array(count * 2)
        grown.set(keys)
        keys = grown
      }
      keys[count++] = idKey(id)
    },
    /** The hashes seen more than once. */
    repeated: (): ReadonlySet<number> => {
      const sorted = keys.subarray(0, count).sort()
      const out = new Set<number>()
      for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) out.add(sorted[i] as number)
      return out
    },
  }
}

/** Two 32-bit FNV-1a lanes (different offsets), folded into a whole number below 2^53. */
const idKey = (id: string): number => {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15)
  }
  return (a >>> 11) * 0x1_0000_0000 + (b >>> 0)
}

/**
 * Reads the export again for the ids whose hashes repeated, and refuses it at the first line that
 * repeats an id of an earlier one (an id is stored once: a store would refuse the second part way
 * through writing, after earlier batches had been written).
 */
const refuseRepeatedIds = async (source: ExportSource, candidates: ReadonlySet<number>): Promise<void> => {
  const seen = new Map<string, number>()
  for await (const { text, line } of eventLinesOf(source)) {
    const id = readEventLine(text, line).event.eventId
    if (!candidates.has(idKey(id))) continue
    const first = seen.get(id)
    if (first !== undefined) refuse(line, `repeats the event id ${id} of line ${first}: an event id is stored once`)
    seen.set(id, line)
  }
}

interface CheckedExport {
  readonly header: ExportHeader
  readonly events: number
  readonly seal: Seal
}

/**
 * Reads a whole export without writing: the header, every event continuing the target's log and
 * chains, and the closing seal matching the chains' heads. A truncated, reordered or edited export
 * is refused here, before anything is written.
 */
const checkExport = async (store: EventStore, source: ExportSource, options: ImportOptions): Promise<CheckedExport> => {
  const head = await store.headPosition()
  const heads = new Map<string, StreamHead>()
  for await (const h of store.streamHeads(head)) heads.set(h.streamId, h)
  let header: ExportHeader | undefined
  let seal: Seal | undefined
  let line = 0
  let position = head
  const ids = idSieve()
  for await (const text of linesOf(source)) {
    line++
    if (text.trim() === '') continue
    if (seal !== undefined) refuse(line, 'follows the closing seal: the export has lines after its end')
    if (header === undefined) {
      header = decodeLine(ExportHeader, text, line, `an export header (${EXPORT_FORMAT})`)
      if (header.personalData !== 'encrypted')
        refuse(
          line,
          'is the header of a disclosed export (personal data decrypted): it is for reading and cannot be imported',
        )
      if (header.from !== head + 1)
        refuse(
          line,
          `the export starts at position ${header.from}, but the target's log ends at ${head}: it needs to start at ${head + 1}`,
        )
      continue
    }
    if (text.startsWith('{"seal":')) {
      seal = decodeLine(Trailer, text, line, 'the closing seal').seal
      continue
    }
    const { event, metadata } = readEventLine(text, line)
    try {
      // Its data and metadata texts were just made with canonicalJson: they are not parsed again.
      const checked = checkStoredEvent(event, 'event', position + 1, DEFAULT_LIMITS, { metadata })
      for (const [id, next] of continueChains([checked], heads)) heads.set(id, next)
      ids.add(checked.eventId)
    } catch (error) {
      refuse(line, error instanceof Error ? error.message : String(error))
    }
    position++
  }
  if (header === undefined) return refuse(line, 'the export is empty: it has no header')
  if (seal === undefined) return refuse(line, 'the export ends without its closing seal: it was cut short (truncated)')
  if (position !== header.to)
    refuse(line, `the export's header says it ends at position ${header.to}, but its events end at ${position}`)
  if (seal.position !== position || seal.events !== position)
    refuse(line, `the closing seal covers ${seal.position} events, but the export ends at position ${position}`)
  const root = merkleRoot([...heads.values()])
  if (seal.root !== root || seal.streams !== heads.size)
    refuse(line, `the closing seal's root ${seal.root} is not the events' root ${root}: the export was altered`)
  if ((options.trustedKeys ?? []).length > 0) {
    const problem = signatureProblem(seal, options.trustedKeys ?? [])
    if (problem !== undefined) refuse(line, problem)
  }
  const candidates = ids.repeated()
  if (candidates.size > 0) await refuseRepeatedIds(source, candidates)
  return { header, events: position - head, seal }
}

/**
 * Imports an export into a store whose log ends just before the export starts (an empty store for a
 * whole-ledger export). The export is read through once to check it — header, every event's place
 * and hash, and the closing seal — and only then written, in batches; nothing is written if the
 * check fails. The source must give the same lines both times (a file does).
 */
export const importLedger = async (
  store: EventStore,
  source: ExportSource,
  options: ImportOptions = {},
): Promise<ImportSummary> => {
  const checked = await checkExport(store, source, options)
  const batchSize = Math.max(1, options.batchSize ?? 1_000)
  let batch: StoredEvent[] = []
  for await (const { text, line } of eventLinesOf(source)) {
    batch.push(readEventLine(text, line).event)
    if (batch.length >= batchSize) {
      await store.importStored(batch)
      batch = []
    }
  }
  if (batch.length > 0) await store.importStored(batch)
  return checked
}
