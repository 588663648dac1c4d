/**
 * Seals (DESIGN §6): at a position P, a Merkle root (RFC 6962 hashing) over every stream's head
 * hash as of P, with the event count and the time. A seal is appended to the ledger's seal stream
 * and given back as a small file to keep somewhere else: whoever later rewrites a chain to hide an
 * edit before P cannot make the seal match again, and cannot change the copy they do not hold.
 *
 * A seal can be signed with an Ed25519 key the council holds; verification then needs the public
 * key, given by the auditor, never taken from the seal itself.
 */
import type { KeyObject } from 'node:crypto'
import { createHash, createPublicKey, hash, sign, verify as verifySignature } from 'node:crypto'
import { randomUUID } from 'node:crypto'

import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import type { EventMetadata } from '../events/metadata'
import { canonicalJson } from '../kernel/canonical'
import type { Clock } from '../kernel/clock'
import { systemClock } from '../kernel/clock'
import { describeErrors, isIsoDateTime, isUuid } from '../kernel/codecs'
import { InvalidArgumentError } from '../kernel/errors'
import type { StreamHead } from '../port/chain'
import { CHAIN_ENCODING, isChainHash } from '../port/chain'
import type { EventLog, EventStore } from '../port/event-store'

// --- model ---

/** The name and version of a seal's encoding. */
export const SEAL_ENCODING = 'civic-ledger-seal/1'

/** The stream the ledger's seals are appended to, and their event type. */
export const SEALS_STREAM = 'audit.seals-ledger'
/** The event type of a seal, recorded on `SEALS_STREAM`. */
export const LEDGER_SEALED = 'audit.LedgerSealed'

const Hex64 = t.refinement(t.string, isChainHash, 'Hex64')
/** A whole number ≥ 0: a position or a count (seals and exports). */
export const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Count')
const Time = t.refinement(t.string, isIsoDateTime, 'IsoDateTime')

/** An Ed25519 signature over the seal's canonical JSON without its `signature` member. */
export const SealSignature = t.readonly(
  t.type({
    algorithm: t.literal('ed25519'),
    /** SHA-256 of the public key (DER SubjectPublicKeyInfo), hex: which key signed. */
    keyId: Hex64,
    /** Base64. */
    value: t.string,
  }),
)

/** A seal, as appended to the ledger and as written to a seal file. */
export const Seal = t.readonly(
  t.intersection([
    t.type({
      encoding: t.literal(SEAL_ENCODING),
      chain: t.literal(CHAIN_ENCODING),
      /** The seal covers the events at positions 1..position. */
      position: Count,
      /** How many events it covers: the log is gap-free, so equal to `position`. */
      events: Count,
      /** How many streams had events by then. */
      streams: Count,
      /** RFC 6962 Merkle tree hash over the streams' heads, sorted by stream id; hex. */
      root: Hex64,
      sealedAt: Time,
    }),
    t.partial({ signature: SealSignature }),
  ]),
  'Seal',
)
export type Seal = t.TypeOf<typeof Seal>

// --- Merkle tree (RFC 6962 §2.1) ---

const sha256 = (...parts: ReadonlyArray<Uint8Array>): Buffer => {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return h.digest()
}

const LEAF = Buffer.from([0])
const NODE = Buffer.from([1])

/** The leaf a stream's head contributes: canonical JSON of its id, last revision and hash. */
const leafOf = (head: StreamHead): Buffer =>
  Buffer.from(canonicalJson({ hash: head.hash, revision: head.revision, streamId: head.streamId }), 'utf8')

/** MTH(D[n]) of RFC 6962 over leaf hashes already computed. */
const treeHash = (leaves: ReadonlyArray<Buffer>, from: number, to: number): Buffer => {
  const n = to - from
  if (n === 1) return leaves[from] ?? Buffer.alloc(0)
  let k = 1
  while (k * 2 < n) k *= 2
  return sha256(NODE, treeHash(leaves, from, from + k), treeHash(leaves, from + k, to))
}

/** The Merkle tree hash (RFC 6962 §2.1) of a list of leaves, hex: SHA-256 of nothing for no leaves. */
export const merkleTreeHash = (leaves: ReadonlyArray<Uint8Array>): string =>
  leaves.length === 0
    ? hash('sha256', '', 'hex')
    : treeHash(
        leaves.map((leaf) => sha256(LEAF, leaf)),
        0,
        leaves.length,
      ).toString('hex')

/** The Merkle root over stream heads, sorted by stream id (UTF-16 code units). */
export const merkleRoot = (heads: ReadonlyArray<StreamHead>): string =>
  merkleTreeHash(
    [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0)).map(leafOf),
  )

// --- signing ---

/** The id of an Ed25519 public key: SHA-256 of its DER SubjectPublicKeyInfo, hex. */
export const keyIdOf = (key: KeyObject): string => {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  if (publicKey.asymmetricKeyType !== 'ed25519')
    throw new InvalidArgumentError('key', `must be an Ed25519 key, got ${publicKey.asymmetricKeyType ?? key.type}`)
  return hash('sha256', publicKey.export({ type: 'spki', format: 'der' }), 'hex')
}

/** What a signature covers: the seal's canonical JSON without its signature. */
const signedText = (seal: Seal): Buffer => {
  const { signature: _signature, ...unsigned } = seal
  return Buffer.from(canonicalJson(unsigned), 'utf8')
}

const signSeal = (seal: Seal, key: KeyObject): Seal => {
  if (key.type !== 'private') throw new InvalidArgumentError('signingKey', 'must be a private key')
  return {
    ...seal,
    signature: {
      algorithm: 'ed25519',
      keyId: keyIdOf(key),
      value: sign(null, signedText(seal), key).toString('base64'),
    },
  }
}

/** Why a seal's signature is not accepted, or `undefined` when it is good and made by a trusted key. */
export const signatureProblem = (seal: Seal, trustedKeys: ReadonlyArray<KeyObject>): string | undefined => {
  const signature = seal.signature
  if (signature === undefined) return 'the seal is not signed'
  const key = trustedKeys.find((k) => keyIdOf(k) === signature.keyId)
  if (key === undefined) return `the seal is signed by key ${signature.keyId}, which is not among the trusted keys`
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  return verifySignature(null, signedText(seal), publicKey, Buffer.from(signature.value, 'base64'))
    ? undefined
    : 'the signature does not match the seal: the seal was altered or the signature forged'
}

// --- seal files ---

/** The text of a seal file: the seal as indented JSON. */
export const sealFileText = (seal: Seal): string => `${JSON.stringify(seal, null, 2)}\n`

/** Reads a seal file's text; a file that is not a seal is refused with the reason. */
export const parseSealFile = (text: string, name = 'seal file'): Seal => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new InvalidArgumentError(name, 'is not JSON, so not a seal')
  }
  const decoded = Seal.decode(parsed)
  if (E.isLeft(decoded))
    throw new InvalidArgumentError(name, `is not a seal: ${describeErrors(decoded.left, 'shown').join('; ')}`)
  return decoded.right
}

// --- sealing ---

/** The seal of a store at `position`, computed from its stream heads then. */
export const computeSeal = async (
  store: EventLog,
  position: number,
  sealedAt: string,
  signingKey?: KeyObject,
): Promise<Seal> => {
  const heads: StreamHead[] = []
  for await (const head of store.streamHeads(position)) heads.push(head)
  const seal: Seal = {
    encoding: SEAL_ENCODING,
    chain: CHAIN_ENCODING,
    position,
    events: position,
    streams: heads.length,
    root: merkleRoot(heads),
    sealedAt,
  }
  return signingKey === undefined ? seal : signSeal(seal, signingKey)
}

/** How `sealLedger` seals: who seals, the key it is signed with, the clock and the event's id. */
export interface SealOptions {
  /** Who seals: recorded in the seal event's metadata. */
  readonly actor: EventMetadata['actor']
  /** An Ed25519 private key: the seal is signed with it. */
  readonly signingKey?: KeyObject
  readonly clock?: Clock
  /** The seal event's id (default: a new UUID). */
  readonly eventId?: string
}

/** A seal made, and where its event was recorded. */
export interface Sealed {
  readonly seal: Seal
  /** The position of the `audit.LedgerSealed` event (after `seal.position`). */
  readonly recordedAt: number
  /** The seal file's text, to keep somewhere other than the ledger's own storage. */
  readonly file: string
}

/**
 * Seals the ledger at its current head: computes the seal, appends it to the seal stream and
 * returns it with the text of its seal file.
 */
export const sealLedger = async (store: EventStore, options: SealOptions): Promise<Sealed> => {
  const clock = options.clock ?? systemClock
  if (options.eventId !== undefined && !isUuid(options.eventId))
    throw new InvalidArgumentError('eventId', 'must be a UUID')
  const position = await store.headPosition()
  const now = clock.now().toISOString()
  const seal = await computeSeal(store, position, now, options.signingKey)
  const eventId = options.eventId ?? randomUUID()
  const result = await store.appendToStream(
    SEALS_STREAM,
    [
      {
        eventId,
        type: LEDGER_SEALED,
        schemaVersion: 1,
        data: seal,
        metadata: {
          actor: options.actor,
          correlationId: eventId,
          causationId: eventId,
          occurredAt: now,
        },
      },
    ],
    { expectedRevision: 'any' },
  )
  return { seal, recordedAt: result.lastPosition, file: sealFileText(seal) }
}
