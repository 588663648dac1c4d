/**
 * Verify and export/import on the in-memory store. Stored events cannot be changed in memory, so
 * tampering is shown through a view of the store whose stored log is altered as an attacker with
 * write access would alter it; the same attacks on real SQLite files and PostgreSQL tables are in
 * the cross-package audit tests.
 */
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { ExecutionContext } from 'ava'
import test from 'ava'

import type { EventMetadata } from '../events/metadata'
import { canonicalJson } from '../kernel/canonical'
import { InvalidArgumentError } from '../kernel/errors'
import { createMemoryKeyStore } from '../memory/keys'
import { createMemoryEventStore } from '../memory/memory-store'
import type { StoredEvent } from '../port/chain'
import { chainFollower, chainHash, GENESIS_HASH, toRecorded } from '../port/chain'
import type { ChainCheckResult, EventStore } from '../port/event-store'
import { createPrivacy } from '../privacy/privacy'
import { exportLedger, exportLines, importLedger } from './ledger-export'
import { computeSeal, merkleRoot, sealLedger } from './seal'
import type { VerifyProblem } from './verify'
import { verifyLedger } from './verify'

const actor = { id: 'auditor-1', organisation: 'GB-LAE-CAM', role: 'auditor' } as EventMetadata['actor']
const metadata = {
  actor,
  correlationId: 'c-1',
  causationId: 'c-1',
  occurredAt: '2026-04-01T09:00:00.000Z',
} as EventMetadata

let n = 0
const uuid = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`
const event = (type: string, data: Record<string, unknown>) => ({
  eventId: uuid(),
  type,
  schemaVersion: 1,
  data: data as never,
  metadata,
})

/** Three streams, interleaved, sealed once in the middle: 9 events and a seal. */
const ledger = async (): Promise<{ store: EventStore; sealedAt: number }> => {
  const store = createMemoryEventStore()
  for (let i = 0; i < 3; i++)
    for (const s of ['grants.fund-1', 'grants.application-7', 'volunteers.role-walk'])
      await store.appendToStream(s, [event('test.ThingHappened', { i, s, amount: { pence: 1000 * i } })], {
        expectedRevision: 'any',
      })
  const { seal } = await sealLedger(store, { actor })
  await store.appendToStream('grants.fund-1', [event('test.ThingHappened', { after: true })], {
    expectedRevision: 'any',
  })
  return { store, sealedAt: seal.position }
}

/** The store, with its stored log as `alter` makes it. */
const tampered = (store: EventStore, alter: (log: StoredEvent[]) => StoredEvent[]): EventStore => ({
  ...store,
  readStored: (options) =>
    (async function* () {
      const log: StoredEvent[] = []
      for await (const e of store.readStored(options)) log.push(e)
      yield* alter(log)
    })(),
  readStream: (streamId) =>
    (async function* () {
      const log: StoredEvent[] = []
      for await (const e of store.readStored()) log.push(e)
      yield* alter(log)
        .filter((e) => e.streamId === streamId)
        .map(toRecorded)
    })(),
  headPosition: async () => {
    const log: StoredEvent[] = []
    for await (const e of store.readStored()) log.push(e)
    return alter(log).length
  },
})

/** Recomputes every hash of the log from its content: what an attacker who knows the scheme does. */
const rehash = (log: StoredEvent[]): StoredEvent[] => {
  const heads = new Map<string, string>()
  return log.map((e) => {
    const hash = chainHash(heads.get(e.streamId) ?? GENESIS_HASH, e)
    heads.set(e.streamId, hash)
    return { ...e, hash }
  })
}

test('an untouched ledger verifies: every chain and the seal recorded in it', async (t) => {
  const { store } = await ledger()
  const report = await verifyLedger(store)
  t.deepEqual(report, { ok: true, events: 11, streams: 4, ledgerSeals: 1, sealFiles: 0 })
})

test('an edited payload, edited metadata, a removed, an inserted or a reordered event is named', async (t) => {
  const { store } = await ledger()
  const cases: ReadonlyArray<readonly [string, (log: StoredEvent[]) => StoredEvent[], VerifyProblem, number]> = [
    [
      'payload',
      (log) => log.map((e) => (e.position === 5 ? { ...e, data: e.data.replace('1000', '9000') } : e)),
      'hash-mismatch',
      5,
    ],
    [
      'metadata',
      (log) => log.map((e) => (e.position === 2 ? { ...e, metadata: e.metadata.replace('auditor-1', 'someone') } : e)),
      'hash-mismatch',
      2,
    ],
    ['removed', (log) => log.filter((e) => e.position !== 4), 'position-gap', 5],
    [
      'inserted',
      (log) => [
        ...log.slice(0, 3),
        { ...(log[0] as StoredEvent), eventId: uuid(), position: 4, revision: 1 },
        ...log.slice(3).map((e) => ({ ...e, position: e.position + 1 })),
      ],
      'hash-mismatch',
      4,
    ],
    [
      'reordered',
      (log) => {
        const out = [...log]
        const [a, b] = [out[3] as StoredEvent, out[4] as StoredEvent]
        out[3] = { ...b, position: 4 }
        out[4] = { ...a, position: 5 }
        return out
      },
      'hash-mismatch',
      4,
    ],
  ]
  for (const [what, alter, problem, position] of cases)
    for (const threads of [0, 1] as const) {
      const report = await verifyLedger(tampered(store, alter), { threads })
      t.false(report.ok, what)
      t.is(report.failure?.problem, problem, `${what}, threads: ${threads}`)
      t.is(report.failure?.event?.position, position, `${what}, threads: ${threads}`)
    }
})

test('an edit whose chain was rewritten, or a stream dropped and the log rehashed, fails the seal', async (t) => {
  const { store, sealedAt } = await ledger()
  const edited = await verifyLedger(
    tampered(store, (log) =>
      rehash(log.map((e) => (e.position === 5 ? { ...e, data: e.data.replace('1000', '9000') } : e))),
    ),
  )
  t.is(edited.failure?.problem, 'seal-mismatch')
  t.deepEqual(edited.failure?.seal, { position: sealedAt, source: { kind: 'ledger', position: sealedAt + 1 } })
  t.deepEqual(edited.failure?.range, { after: 0, upTo: sealedAt })
  const dropped = await verifyLedger(
    tampered(store, (log) =>
      rehash(
        log
          .filter((e) => e.streamId !== 'volunteers.role-walk')
          .map((e, i) => ({ ...e, position: i + 1 }))
          .map((e) =>
            e.type === 'audit.LedgerSealed' ? { ...e, data: e.data.replace('"position":9', '"position":6') } : e,
          ),
      ),
    ),
  )
  t.false(dropped.ok)
  t.is(dropped.failure?.problem, 'seal-mismatch')
})

test('seal files: a kept file verifies; a forged, swapped or unsigned one, or a truncated ledger, is refused', async (t) => {
  const council = generateKeyPairSync('ed25519')
  const { store } = await ledger()
  const kept = (await sealLedger(store, { actor, signingKey: council.privateKey })).seal
  const ok = await verifyLedger(store, { sealFiles: [kept], trustedKeys: [council.publicKey] })
  t.deepEqual({ ok: ok.ok, files: ok.sealFiles, ledgerSeals: ok.ledgerSeals }, { ok: true, files: 1, ledgerSeals: 2 })

  const forged = { ...kept, root: 'f'.repeat(64) }
  t.is(
    (await verifyLedger(store, { sealFiles: [forged], trustedKeys: [council.publicKey] })).failure?.problem,
    'bad-signature',
  )
  const { signature: _dropped, ...unsigned } = forged
  t.is((await verifyLedger(store, { sealFiles: [unsigned] })).failure?.problem, 'seal-mismatch')
  t.is(
    (await verifyLedger(store, { sealFiles: [unsigned], trustedKeys: [council.publicKey] })).failure?.problem,
    'bad-signature',
    'with trusted keys an unsigned seal file is refused',
  )
  const { store: another } = await ledger()
  const swapped = (await sealLedger(another, { actor, signingKey: council.privateKey })).seal
  t.is(
    (await verifyLedger(store, { sealFiles: [swapped], trustedKeys: [council.publicKey] })).failure?.problem,
    'seal-mismatch',
  )

  const truncated = await verifyLedger(
    tampered(store, (log) => log.slice(0, kept.position - 2)),
    { sealFiles: [kept], trustedKeys: [council.publicKey] },
  )
  t.is(truncated.failure?.problem, 'truncated')
  t.regex(truncated.failure?.message ?? '', /were removed/)
})

test('with signatures required, a seal recorded in the ledger that is unsigned or signed by another key fails verify', async (t) => {
  const council = generateKeyPairSync('ed25519')
  const stranger = generateKeyPairSync('ed25519')
  const store = createMemoryEventStore()
  await store.appendToStream('grants.fund-1', [event('test.ThingHappened', { i: 1 })], { expectedRevision: 'any' })
  await sealLedger(store, { actor, signingKey: council.privateKey })
  await store.appendToStream('grants.fund-1', [event('test.ThingHappened', { i: 2 })], { expectedRevision: 'any' })
  const strict = { trustedKeys: [council.publicKey], requireSignatures: true }
  t.true((await verifyLedger(store, strict)).ok, 'signed by the council: sound')

  const seals = (rewrite: (seal: Record<string, unknown>) => Record<string, unknown>) =>
    tampered(store, (log) =>
      rehash(
        log.map((e) =>
          e.type === 'audit.LedgerSealed'
            ? { ...e, data: canonicalJson(rewrite(JSON.parse(e.data) as Record<string, unknown>)) }
            : e,
        ),
      ),
    )
  const unsigned = seals(({ signature: _gone, ...seal }) => seal)
  const report = await verifyLedger(unsigned, strict)
  t.is(report.failure?.problem, 'bad-signature', 'the seal stripped of its signature')
  t.regex(report.failure?.message ?? '', /the seal recorded at position 2 .*not signed/)
  t.deepEqual(report.failure?.seal, { position: 1, source: { kind: 'ledger', position: 2 } })
  t.true((await verifyLedger(unsigned)).ok, 'without keys or the requirement, an unsigned seal is only a checksum')

  const other = (await sealLedger(createMemoryEventStore(), { actor, signingKey: stranger.privateKey })).seal
  const resigned = seals((seal) => ({ ...seal, signature: other.signature }))
  t.is((await verifyLedger(resigned, { trustedKeys: [council.publicKey] })).failure?.problem, 'bad-signature')
  t.is((await verifyLedger(resigned, strict)).failure?.problem, 'bad-signature')
})

test('seal files are counted from 1 in messages, as a person counts them', async (t) => {
  const council = generateKeyPairSync('ed25519')
  const { store } = await ledger()
  const kept = (await sealLedger(store, { actor, signingKey: council.privateKey })).seal
  const { signature: _gone, ...unsigned } = kept
  const report = await verifyLedger(store, { sealFiles: [kept, unsigned], trustedKeys: [council.publicKey] })
  t.regex(report.failure?.message ?? '', /^seal file 2 /)
  t.deepEqual(report.failure?.seal?.source, { kind: 'file', index: 1 })
})

/** The three-stream ledger, exported whole into a directory of the test's own: the export's lines. */
const exportedLedger = async (
  t: ExecutionContext,
): Promise<{ dir: string; store: EventStore; lines: ReadonlyArray<string> }> => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-export-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { store } = await ledger()
  const file = join(dir, 'ledger.ndjson')
  await exportLedger(store, file)
  return { dir, store, lines: readFileSync(file, 'utf8').trimEnd().split('\n') }
}

test('an export imports into an empty store with the same hashes, and verifies there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-export-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const council = generateKeyPairSync('ed25519')
  const { store } = await ledger()
  const file = join(dir, 'ledger.ndjson')
  const exported = await exportLedger(store, file, { signingKey: council.privateKey })
  t.is(exported.events, 11)
  t.is(exported.header.personalData, 'encrypted')
  const target = createMemoryEventStore()
  const imported = await importLedger(target, file, { trustedKeys: [council.publicKey] })
  t.is(imported.events, 11)
  const stored = async (s: EventStore): Promise<StoredEvent[]> => {
    const out: StoredEvent[] = []
    for await (const e of s.readStored()) out.push(e)
    return out
  }
  t.deepEqual(await stored(target), await stored(store))
  t.true((await verifyLedger(target, { sealFiles: [exported.seal], trustedKeys: [council.publicKey] })).ok)

  // Two ranges, imported one after the other, make the same ledger.
  const first = join(dir, 'first.ndjson')
  const second = join(dir, 'second.ndjson')
  await exportLedger(store, first, { toPosition: 6 })
  await exportLedger(store, second, { fromPosition: 7 })
  const pieced = createMemoryEventStore()
  await t.throwsAsync(importLedger(pieced, second), {
    instanceOf: InvalidArgumentError,
    message: /needs to start at 1/,
  })
  await importLedger(pieced, first)
  await importLedger(pieced, second)
  t.deepEqual(await stored(pieced), await stored(store))
})

test('a truncated, edited or disclosed export is refused, and nothing is written', async (t) => {
  const { dir, store, lines } = await exportedLedger(t)
  const variants: ReadonlyArray<readonly [string, ReadonlyArray<string>, RegExp]> = [
    ['cut before the seal', lines.slice(0, -1), /without its closing seal/],
    ['cut after an event, seal kept', [...lines.slice(0, 5), ...lines.slice(-1)], /ends at position|covers/],
    ['an event edited', lines.map((l, i) => (i === 3 ? l.replace('"i":0', '"i":7') : l)), /line 4.*hash/],
    [
      "an event's metadata without its actor",
      lines.map((l, i) => (i === 3 ? l.replace('"actor":', '"author":') : l)),
      /line 4.*metadata/,
    ],
    ['events swapped', [lines[0] ?? '', lines[2] ?? '', lines[1] ?? '', ...lines.slice(3)], /line 2.*position/],
    ['a line after the seal', [...lines, lines[1] ?? ''], /after its end/],
    ['not an export', ['{"hello":"world"}'], /export header/],
  ]
  for (const [what, variant, problem] of variants) {
    const path = join(dir, `${what}.ndjson`)
    writeFileSync(path, `${variant.join('\n')}\n`)
    const target = createMemoryEventStore()
    await t.throwsAsync(importLedger(target, path), { instanceOf: InvalidArgumentError, message: problem }, what)
    t.is(await target.headPosition(), 0, `${what}: something was written`)
  }
  const disclosed: string[] = []
  for await (const line of exportLines(store, { disclose: createPrivacy(createMemoryKeyStore()) })) disclosed.push(line)
  t.regex(disclosed[0] ?? '', /"personalData":"disclosed"/)
  await t.throwsAsync(
    importLedger(createMemoryEventStore(), () =>
      (async function* () {
        yield* disclosed
      })(),
    ),
    { instanceOf: InvalidArgumentError, message: /disclosed.*cannot be imported/ },
  )
})

test('a seal at the empty ledger is the RFC 6962 empty root and verifies', async (t) => {
  const store = createMemoryEventStore()
  const seal = await computeSeal(store, 0, '2026-04-01T09:00:00.000Z')
  t.is(seal.root, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  t.true((await verifyLedger(store, { sealFiles: [] })).ok)
})

test('with many events, the worker thread and the calling thread name the same first failure', async (t) => {
  const store = createMemoryEventStore()
  for (let b = 0; b < 12; b++)
    await store.appendMulti(
      Array.from({ length: 5 }, (_, s) => ({
        streamId: `grants.fund-${s}`,
        events: Array.from({ length: 100 }, (_, i) => event('test.ThingHappened', { b, s, i })),
        expectedRevision: 'any' as const,
      })),
    )
  const { seal } = await sealLedger(store, { actor })
  t.true((await verifyLedger(store, { sealFiles: [seal] })).ok)
  // Two edits, far apart: the earlier one (in the third of the worker's batches) is the one named.
  const alter = (log: StoredEvent[]): StoredEvent[] =>
    log.map((e) => (e.position === 2_500 || e.position === 5_400 ? { ...e, data: e.data.replace('"i":', '"i":1') } : e))
  const reports = [
    await verifyLedger(tampered(store, alter), { threads: 0 }),
    await verifyLedger(tampered(store, alter)),
  ]
  for (const report of reports) {
    t.is(report.failure?.problem, 'hash-mismatch')
    t.is(report.failure?.event?.position, 2_500)
  }
  t.deepEqual(reports[0], reports[1])
})

// --- a store that checks its own chains ---

/**
 * `store` with a `checkChains` of its own, as a store with threads has: here one follower over the
 * whole stored log, on the calling thread. `calls` counts the checks and the reads in order.
 */
const checkingItself = (
  store: EventStore,
  answer?: (result: ChainCheckResult) => ChainCheckResult,
): { store: EventStore; calls: { checks: number; reads: number } } => {
  const calls = { checks: 0, reads: 0 }
  return {
    calls,
    store: {
      ...store,
      readStored: (options) => {
        calls.reads++
        return store.readStored(options)
      },
      checkChains: async (request) => {
        calls.checks++
        const follower = chainFollower()
        let next = 0
        const headsUpTo = (position: number): boolean => {
          for (let at = request.headsAt[next]; at !== undefined && at <= position; at = request.headsAt[++next])
            if (!request.checkHeads(at, follower.heads())) return false
          return true
        }
        let intact = true
        for await (const event of store.readStored({ toPosition: request.toPosition }))
          if (!headsUpTo(event.position - 1) || !follower.follow(event)) {
            intact = false
            break
          }
        intact &&= headsUpTo(request.toPosition) && follower.events === request.toPosition
        const result = { intact, events: follower.events, streams: follower.streams }
        return answer === undefined ? result : answer(result)
      },
    },
  }
}

test('a store that checks its own chains gives the same report, and the log is not read in order', async (t) => {
  const { store, sealedAt } = await ledger()
  const seal = await computeSeal(store, sealedAt, '2026-04-01T10:00:00.000Z')
  const { store: checking, calls } = checkingItself(store)
  const report = await verifyLedger(checking, { sealFiles: [seal] })
  t.deepEqual(report, await verifyLedger(store, { sealFiles: [seal], threads: 0 }))
  t.deepEqual(report, { ok: true, events: 11, streams: 4, ledgerSeals: 1, sealFiles: 1 })
  t.deepEqual(calls, { checks: 1, reads: 0 })
  // Asked for no threads, verify reads the log itself.
  await verifyLedger(checking, { threads: 0 })
  t.deepEqual(calls, { checks: 1, reads: 1 })
})

test('when a store finds its chains broken, the log is read in order and the first failure named', async (t) => {
  const { store, sealedAt } = await ledger()
  const attacks: ReadonlyArray<readonly [string, (log: StoredEvent[]) => StoredEvent[]]> = [
    ['payload', (log) => log.map((e) => (e.position === 5 ? { ...e, data: e.data.replace('1000', '9000') } : e))],
    ['removed', (log) => log.filter((e) => e.position !== 4)],
    [
      'rehashed',
      (log) => rehash(log.map((e) => (e.position === 5 ? { ...e, data: e.data.replace('1000', '9000') } : e))),
    ],
  ]
  for (const [what, alter] of attacks) {
    const { store: checking, calls } = checkingItself(tampered(store, alter))
    const report = await verifyLedger(checking)
    t.false(report.ok, what)
    t.deepEqual(report, await verifyLedger(tampered(store, alter), { threads: 0 }), what)
    t.deepEqual(calls, { checks: 1, reads: 1 }, what)
  }
  // The rehashed edit is caught by the seal the store's check was given the heads for.
  const rehashed = await verifyLedger(checkingItself(tampered(store, attacks[2]?.[1] ?? ((l) => l))).store)
  t.like(rehashed.failure, { problem: 'seal-mismatch', seal: { position: sealedAt } })
})

test('a store whose check is intact but short of the head is not believed: the log is read in order', async (t) => {
  const { store } = await ledger()
  const { store: short, calls } = checkingItself(store, (result) => ({ ...result, events: result.events - 1 }))
  t.deepEqual(await verifyLedger(short), { ok: true, events: 11, streams: 4, ledgerSeals: 1, sealFiles: 0 })
  t.deepEqual(calls, { checks: 1, reads: 1 })
})

test('threads must be a whole number from 0 to 64', async (t) => {
  const { store } = await ledger()
  for (const threads of [-1, 1.5, 65, Number.NaN])
    await t.throwsAsync(() => verifyLedger(store, { threads }), {
      instanceOf: InvalidArgumentError,
      message: /threads/,
    })
  t.true((await verifyLedger(store, { threads: 3 })).ok)
})

test('an export that repeats an event id, rehashed and resealed, is refused before anything is written', async (t) => {
  const { dir, lines: exported } = await exportedLedger(t)
  const [header = '', ...rest] = exported
  const trailer = JSON.parse(rest.pop() ?? '') as { seal: Record<string, unknown> }
  const log = rest.map((line) => {
    const e = JSON.parse(line) as StoredEvent & { data: unknown; metadata: unknown }
    return { ...e, data: canonicalJson(e.data), metadata: canonicalJson(e.metadata) }
  })
  const lineOf = (e: StoredEvent): string =>
    JSON.stringify({ ...e, data: JSON.parse(e.data) as unknown, metadata: JSON.parse(e.metadata) as unknown })
  // The event at position 9 takes the id of the one at position 2, in another stream; then every
  // chain and the seal are made again, as someone who knows the scheme would (the seal unsigned).
  const first = log[1] as StoredEvent
  const again = log[8] as StoredEvent
  t.not(first.streamId, again.streamId)
  const forged = rehash(log.map((e) => (e === again ? { ...e, eventId: first.eventId } : e)))
  const heads = new Map(forged.map((e) => [e.streamId, { streamId: e.streamId, revision: e.revision, hash: e.hash }]))
  const lines = [
    header,
    ...forged.map(lineOf),
    JSON.stringify({ seal: { ...trailer.seal, root: merkleRoot([...heads.values()]) } }),
  ]
  const path = join(dir, 'forged.ndjson')
  writeFileSync(path, `${lines.join('\n')}\n`)
  // Batches of two: without the check, positions 1 to 8 would be written before the store refused.
  const target = createMemoryEventStore()
  await t.throwsAsync(importLedger(target, path, { batchSize: 2 }), {
    instanceOf: InvalidArgumentError,
    message: new RegExp(`line 10.*repeats the event id ${first.eventId} of line 3`),
  })
  t.is(await target.headPosition(), 0)
  // The same export with the id left alone imports whole.
  const honest = rehash(log)
  const honestPath = join(dir, 'honest.ndjson')
  writeFileSync(honestPath, `${[header, ...honest.map(lineOf), JSON.stringify(trailer)].join('\n')}\n`)
  t.is((await importLedger(createMemoryEventStore(), honestPath, { batchSize: 2 })).events, 11)
})
