/**
 * Seals: the Merkle tree hash against the reference roots of RFC 6962's Certificate Transparency
 * test vectors, Ed25519 signatures that fail when a seal or its key is changed, and seal files
 * that are refused unless they are seals.
 */
import { generateKeyPairSync } from 'node:crypto'

import test from 'ava'
import fc from 'fast-check'

import { InvalidArgumentError } from '../kernel/errors'
import { createMemoryEventStore } from '../memory/memory-store'
import { CHAIN_ENCODING } from '../port/chain'
import type { Seal } from './seal'
import {
  keyIdOf,
  merkleRoot,
  merkleTreeHash,
  parseSealFile,
  SEAL_ENCODING,
  sealFileText,
  signatureProblem,
} from './seal'
import { computeSeal } from './seal'

// The leaves and tree heads of the Certificate Transparency reference tests for RFC 6962.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

test('the Merkle tree hash is RFC 6962 for every tree size of the reference vectors', (t) => {
  const leaves = LEAVES.map((hex) => Buffer.from(hex, 'hex'))
  for (let n = 0; n <= leaves.length; n++) t.is(merkleTreeHash(leaves.slice(0, n)), ROOTS[n] ?? '', `size ${n}`)
})

test('the root over stream heads does not depend on their order, and changes with any head', (t) => {
  const head = fc.record({
    streamId: fc.stringMatching(/^[a-z]{1,6}\.[a-z]{1,6}-[a-z0-9]{1,6}$/),
    revision: fc.nat(1000),
    hash: fc.stringMatching(/^[0-9a-f]{64}$/),
  })
  fc.assert(
    fc.property(
      fc.uniqueArray(head, { selector: (h) => h.streamId, minLength: 1, maxLength: 20 }),
      fc.nat(),
      (heads, i) => {
        const root = merkleRoot(heads)
        t.is(merkleRoot([...heads].reverse()), root)
        const k = i % heads.length
        const changed = heads.map((h, j) => (j === k ? { ...h, revision: h.revision + 1 } : h))
        return merkleRoot(changed) !== root
      },
    ),
  )
})

const aSeal = async (): Promise<Seal> => {
  const store = createMemoryEventStore()
  await store.appendToStream(
    'grants.fund-1',
    [
      {
        eventId: '3f0b9a7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
        type: 'grants.FundOpened',
        schemaVersion: 1,
        data: { name: 'Community resilience' },
        metadata: {
          actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
          correlationId: 'c-1',
          causationId: 'c-1',
          occurredAt: '2026-04-01T09:00:00.000Z',
        },
      },
    ],
    { expectedRevision: 'noStream' },
  )
  return computeSeal(store, 1, '2026-04-02T09:00:00.000Z')
}

test('a signed seal verifies with its key, and fails when the seal, the signature or the key differ', async (t) => {
  const council = generateKeyPairSync('ed25519')
  const other = generateKeyPairSync('ed25519')
  const unsigned = await aSeal()
  t.is(unsigned.encoding, SEAL_ENCODING)
  t.is(unsigned.chain, CHAIN_ENCODING)
  t.is(signatureProblem(unsigned, [council.publicKey]), 'the seal is not signed')
  const store = createMemoryEventStore()
  const signed = await computeSeal(store, 0, '2026-04-02T09:00:00.000Z', council.privateKey)
  t.is(signed.signature?.keyId, keyIdOf(council.publicKey))
  t.is(signatureProblem(signed, [council.publicKey]), undefined)
  t.regex(signatureProblem({ ...signed, events: 1 }, [council.publicKey]) ?? '', /altered or the signature forged/)
  t.regex(signatureProblem(signed, [other.publicKey]) ?? '', /not among the trusted keys/)
  const forged = {
    ...signed,
    signature: {
      algorithm: 'ed25519' as const,
      keyId: keyIdOf(council.publicKey),
      value: Buffer.alloc(64).toString('base64'),
    },
  }
  t.regex(signatureProblem(forged, [council.publicKey]) ?? '', /forged/)
  t.throws(() => keyIdOf(generateKeyPairSync('x25519').publicKey), {
    instanceOf: InvalidArgumentError,
    message: /Ed25519/,
  })
})

test('a seal file reads back as the seal; anything else is refused with the reason', async (t) => {
  const seal = await aSeal()
  t.deepEqual(parseSealFile(sealFileText(seal)), seal)
  t.throws(() => parseSealFile('not json'), { instanceOf: InvalidArgumentError, message: /not JSON/ })
  t.throws(() => parseSealFile(JSON.stringify({ ...seal, encoding: 'other/1' })), {
    instanceOf: InvalidArgumentError,
    message: /not a seal.*encoding/,
  })
  t.throws(() => parseSealFile(JSON.stringify({ ...seal, root: 'abc' })), {
    instanceOf: InvalidArgumentError,
    message: /root/,
  })
})
