/**
 * The chain's hash is the one its encoding (`civic-ledger-chain/1`) defines: SHA-256 of the UTF-8
 * of the previous hash followed by the RFC 8785 JSON of the event as stored. An auditor checks a
 * ledger with their own code from that definition, so the hash is checked here against an
 * independent computation, not against the helpers that build it.
 */
import { createHash } from 'node:crypto'

import test from 'ava'
import fc from 'fast-check'

import { canonicalJson } from '../kernel/canonical'
import type { ChainedFields, StoredEvent } from './chain'
import { canonicalEnvelope, chainFollower, chainHash, GENESIS_HASH } from './chain'

/**
 * The envelope as an auditor would write it from the definition: the members in code-unit order,
 * written out by hand; strings as `JSON.stringify` writes them (which is RFC 8785's form); data and
 * metadata spliced in as stored, since they are stored as canonical JSON text already.
 */
const independentEnvelope = (e: ChainedFields): string =>
  `{"data":${e.data},"eventId":${JSON.stringify(e.eventId)},"metadata":${e.metadata},"position":${e.position},"recordedAt":${JSON.stringify(e.recordedAt)},"revision":${e.revision},"schemaVersion":${e.schemaVersion},"streamId":${JSON.stringify(e.streamId)},"type":${JSON.stringify(e.type)}}`

/** Fails the property (so fast-check shrinks it and reports the case) unless the two are equal. */
const same = (actual: string, expected: string, what: string): void => {
  if (actual !== expected) throw new Error(`${what}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`)
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

/** Any string: quotes, backslashes, control characters, astral characters, lone surrogates. */
const anyText = fc.string({ unit: 'binary', maxLength: 40 })

/** Stored fields: data and metadata as canonical JSON text of objects whose names are any text. */
const stored = fc.record({
  eventId: anyText,
  streamId: anyText,
  revision: fc.nat(),
  position: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  type: anyText,
  schemaVersion: fc.integer({ min: 1, max: 1_000 }),
  data: fc.dictionary(anyText, fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constant(null))).map(canonicalJson),
  metadata: fc.dictionary(anyText, anyText).map(canonicalJson),
  recordedAt: anyText,
})

test('an event hashes to SHA-256 of the previous hash and its RFC 8785 envelope', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.constant(GENESIS_HASH), fc.stringMatching(/^[0-9a-f]{64}$/)), stored, (prev, event) => {
      const envelope = independentEnvelope(event)
      same(canonicalEnvelope(event), envelope, 'the envelope')
      same(chainHash(prev, event), sha256(prev + envelope), 'the hash')
    }),
    { numRuns: 2_000 },
  )
  t.pass()
})

test('events appended one after another hash with the repeated members of the one before', (t) => {
  // Members that repeat from event to event are quoted once and kept: a change must not be missed.
  fc.assert(
    fc.property(fc.array(stored, { minLength: 2, maxLength: 6 }), (events) => {
      let prev = GENESIS_HASH
      for (const event of events) {
        const expected = sha256(prev + independentEnvelope(event))
        same(chainHash(prev, event), expected, `the hash after ${prev}`)
        prev = expected
      }
    }),
    { numRuns: 500 },
  )
  t.pass()
})

test('a known event has the hash written down for it', (t) => {
  // Fixed here so that a change to the encoding cannot pass unnoticed: the digest was computed
  // with `printf '%s' "$prev$envelope" | sha256sum` from the envelope below.
  const event: ChainedFields = {
    eventId: '5f0c2a34-8a1e-4b7e-9a52-0d7e1c9b6a41',
    streamId: 'grants.application-E05002784-0042',
    revision: 0,
    position: 17,
    type: 'grants.ApplicationSubmitted',
    schemaVersion: 1,
    data: '{"applicant":"Histon & Impington Community Pantry","requested":{"amount":250000,"currency":"GBP"}}',
    metadata: '{"actor":{"id":"officer-7","role":"grants-officer"},"tenant":"GB-LAE-CAM"}',
    recordedAt: '2026-04-01T10:15:00.000Z',
  }
  t.is(
    canonicalEnvelope(event),
    '{"data":{"applicant":"Histon & Impington Community Pantry","requested":{"amount":250000,"currency":"GBP"}},"eventId":"5f0c2a34-8a1e-4b7e-9a52-0d7e1c9b6a41","metadata":{"actor":{"id":"officer-7","role":"grants-officer"},"tenant":"GB-LAE-CAM"},"position":17,"recordedAt":"2026-04-01T10:15:00.000Z","revision":0,"schemaVersion":1,"streamId":"grants.application-E05002784-0042","type":"grants.ApplicationSubmitted"}',
  )
  t.is(chainHash(GENESIS_HASH, event), KNOWN_DIGEST)
})

const KNOWN_DIGEST = '4501a6c6836dcc1a46d68dfaa247cd1e4a40bce1af96cb608dd6a3706b1aa44a'

test('the chain is exported on its own as @civic-ledger/core/chain, the same functions as the index', async (t) => {
  // Resolved through the package's exports, as an application or a worker thread resolves it.
  const chain = await import('@civic-ledger/core/chain')
  const index = await import('@civic-ledger/core')
  t.is(chain.chainHash, index.chainHash)
  t.is(chain.canonicalEnvelope, index.canonicalEnvelope)
  t.is(chain.GENESIS_HASH, GENESIS_HASH)
  t.is(chain.CHAIN_ENCODING, index.CHAIN_ENCODING)
  t.is(chain.chainFollower, index.chainFollower)
})

// --- following chains ---

/** An honest log: `streams[i]` is the stream of the event at position i + 1, each hashed on its chain. */
const honestLog = (streams: ReadonlyArray<number>): StoredEvent[] => {
  const heads = new Map<string, { revision: number; hash: string }>()
  return streams.map((n, i) => {
    const streamId = `grants.fund-${n}`
    const head = heads.get(streamId)
    const fields: ChainedFields = {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      streamId,
      revision: head === undefined ? 0 : head.revision + 1,
      position: i + 1,
      type: 'grants.FundTopped',
      schemaVersion: 1,
      data: `{"pence":${100 * i}}`,
      metadata: '{"actor":{"id":"officer-1"}}',
      recordedAt: '2026-04-01T09:00:00.000Z',
    }
    const hash = chainHash(head?.hash ?? GENESIS_HASH, fields)
    heads.set(streamId, { revision: fields.revision, hash })
    return { ...fields, hash }
  })
}

/** The index of the first event the follower refuses, or -1. */
const firstRefused = (log: ReadonlyArray<StoredEvent>): number => {
  const follower = chainFollower()
  return log.findIndex((event) => !follower.follow(event))
}

const logs = fc
  .array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 40 })
  .chain((streams) => fc.tuple(fc.constant(honestLog(streams)), fc.integer({ min: 0, max: streams.length - 1 })))

test("a follower follows any honest log, and its heads are each stream's last event", (t) => {
  fc.assert(
    fc.property(logs, ([log]) => {
      const follower = chainFollower()
      for (const event of log) if (!follower.follow(event)) return false
      const last = new Map(log.map((e) => [e.streamId, { streamId: e.streamId, revision: e.revision, hash: e.hash }]))
      const heads = follower.heads()
      return (
        follower.events === log.length &&
        follower.streams === last.size &&
        heads.length === last.size &&
        heads.every((head) => JSON.stringify(head) === JSON.stringify(last.get(head.streamId)))
      )
    }),
  )
  t.pass()
})

test('a follower refuses the first event that was edited, moved back, or given another revision', (t) => {
  fc.assert(
    fc.property(logs, ([log, at]) => {
      const edit = (change: (e: StoredEvent) => StoredEvent): StoredEvent[] =>
        log.map((e, i) => (i === at ? change(e) : e))
      const previous = log[at - 1]?.position ?? 0
      return (
        firstRefused(edit((e) => ({ ...e, data: e.data.replace('}', ',"x":1}') }))) === at &&
        firstRefused(edit((e) => ({ ...e, metadata: '{}' }))) === at &&
        firstRefused(edit((e) => ({ ...e, hash: GENESIS_HASH }))) === at &&
        firstRefused(edit((e) => ({ ...e, revision: e.revision + 1 }))) === at &&
        firstRefused(edit((e) => ({ ...e, position: previous }))) === at
      )
    }),
  )
  t.pass()
})

test('a refused event is not followed, and heads are copies that later events leave alone', (t) => {
  const log = honestLog([0, 1, 0])
  const follower = chainFollower()
  t.true(follower.follow(log[0] as StoredEvent))
  const before = follower.heads()
  t.false(follower.follow({ ...(log[2] as StoredEvent), revision: 0 }))
  t.is(follower.events, 1)
  t.true(follower.follow(log[1] as StoredEvent))
  t.true(follower.follow(log[2] as StoredEvent))
  t.deepEqual(before, [{ streamId: 'grants.fund-0', revision: 0, hash: (log[0] as StoredEvent).hash }])
  t.is(follower.events, 3)
})
