/**
 * The chain's hash is the one its encoding (`civic-ledger-chain/1`) defines: SHA-256 of the UTF-8
 * of the previous hash followed by the RFC 8785 JSON of the event as stored. An auditor checks a
 * ledger with their own code from that definition, so the hash is checked here against an
 * independent computation, not against the helpers that build it.
 */
import { createHash } from 'node:crypto'
import test from 'ava'
import fc from 'fast-check'
import { canonicalJson } from './canonical'
import type { ChainedFields } from './chain'
import { GENESIS_HASH, canonicalEnvelope, chainHash } from './chain'

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
})
