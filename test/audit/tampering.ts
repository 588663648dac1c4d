/**
 * The attacks an auditor must see (RELIABILITY, DESIGN §6), done as someone with write access to the
 * database would do them: SQL run straight against the events table of a closed ledger. Each case
 * builds a fresh ledger — volunteers with encrypted personal data, one of them erased, sealed part
 * way with the seal file kept — alters it, reopens it and verifies, expecting the named failure.
 */
import { generateKeyPairSync } from 'node:crypto'

import type { EventStore, Seal, StoredEvent, VerifyFailure, VerifyProblem } from '@civic-ledger/core'
import { allowAll, chainHash, createLedger, GENESIS_HASH, parseSealFile, verifyLedger } from '@civic-ledger/core'
import { applicants, applyCommand } from '@civic-ledger/testing'
import type { ExecutionContext } from 'ava'
import * as E from 'fp-ts/Either'

const actor = { id: 'auditor-1', organisation: 'GB-LAE-CAM', role: 'auditor' }

/** Direct access to a closed ledger's storage, as an attacker has it. */
export interface Storage {
  /** One statement with `?` parameters, straight on the storage. */
  run(sql: string, params?: ReadonlyArray<unknown>): Promise<void>
  /** Sets an event's stored hash (hex), in the storage's own representation. */
  setHash(position: number, hash: string): Promise<void>
  close(): Promise<void>
}

/** A fresh ledger each time: its store, and raw access to its storage once the store is closed. */
export interface Subject {
  open(): Promise<EventStore>
  storage(): Promise<Storage>
  dispose(): Promise<void>
}

const stored = async (store: EventStore): Promise<ReadonlyArray<StoredEvent>> => {
  const out: StoredEvent[] = []
  for await (const e of store.readStored()) out.push(e)
  return out
}

const HOURS = 'volunteers.hours-ledger'

/** Hours logged to one long stream between applications, so some streams have many events. */
const logHours = (store: EventStore, n: number): Promise<unknown> =>
  store.appendToStream(
    HOURS,
    [
      {
        eventId: `5f0c4e1a-2b3d-4c5e-8f70-${String(n).padStart(12, '0')}`,
        type: 'volunteers.HoursLogged',
        schemaVersion: 1,
        data: { volunteerId: `v-${n}`, minutes: 30 * n, activity: 'health walk, Ely' },
        metadata: {
          actor: actor,
          correlationId: `hours-${n}` as never,
          causationId: `hours-${n}` as never,
          occurredAt: '2026-03-0' + String(1 + (n % 9)) + 'T10:00:00.000Z',
        },
      },
    ],
    { expectedRevision: 'any' },
  )

/**
 * 24 volunteers applied, hours logged after every odd one (so positions 2, 5, 8, 11, … are one
 * long stream), a seal (kept as a file, signed) after the 16th, and one volunteer erased.
 */
const build = async (
  subject: Subject,
  signingKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
): Promise<{ readonly seal: Seal; readonly log: ReadonlyArray<StoredEvent> }> => {
  const store = await subject.open()
  const ledger = await createLedger({ store, policy: allowAll })
  for (let n = 1; n <= 16; n++) {
    const applied = await ledger.execute(applicants, applyCommand(n), { actor })()
    if (E.isLeft(applied)) throw new Error(applied.left.message)
    if (n % 2 === 1) await logHours(store, n)
  }
  const sealing = await ledger.audit.seal({ actor }, { signingKey })()
  if (E.isLeft(sealing)) throw new Error(sealing.left.message)
  const sealed = sealing.right
  for (let n = 17; n <= 24; n++) {
    const applied = await ledger.execute(applicants, applyCommand(n), { actor })()
    if (E.isLeft(applied)) throw new Error(applied.left.message)
  }
  const erased = await ledger.privacy.erase('v-3', 'the volunteer asked', { actor })()
  if (E.isLeft(erased)) throw new Error(erased.left.message)
  const log = await stored(store)
  await ledger.close()
  await store.close()
  // The seal file is read back from its text, as an auditor would load it.
  return { seal: parseSealFile(sealed.file), log }
}

interface Attack {
  readonly title: string
  /** Alters the storage; given the log as it was stored and the seal's position. */
  readonly alter: (storage: Storage, log: ReadonlyArray<StoredEvent>, sealedAt: number) => Promise<void>
  readonly problem: VerifyProblem
  /** The event verify must name (by position), or the seal. */
  readonly names: (log: ReadonlyArray<StoredEvent>, sealedAt: number) => Partial<VerifyFailure>
}

const at = (log: ReadonlyArray<StoredEvent>, position: number): StoredEvent => {
  const e = log[position - 1]
  if (e === undefined) throw new Error(`no event at ${position}`)
  return e
}
const named = (e: StoredEvent): Partial<VerifyFailure> => ({
  event: { streamId: e.streamId, revision: e.revision, position: e.position },
})

/** Moves every event from `from` on one position up (two steps, so the key is never duplicated). */
const makeRoomAt = async (storage: Storage, from: number): Promise<void> => {
  await storage.run('UPDATE events SET position = -position - 1 WHERE position >= ?', [from])
  await storage.run('UPDATE events SET position = -position WHERE position < 0')
}

/** The stored data with a member added: an edit, still valid JSON. */
const amended = (data: string): string => JSON.stringify({ ...(JSON.parse(data) as object), amended: true })

const ATTACKS: ReadonlyArray<Attack> = [
  {
    title: 'an edited payload (ciphertext of a personal field)',
    alter: (s, log) => s.run('UPDATE events SET data = ? WHERE position = ?', [amended(at(log, 4).data), 4]),
    problem: 'hash-mismatch',
    names: (log) => named(at(log, 4)),
  },
  {
    title: 'an edited payload (plain data)',
    alter: (s, log) =>
      s.run('UPDATE events SET data = ? WHERE position = ?', [at(log, 8).data.replace('"minutes":', '"minutes":1'), 8]),
    problem: 'hash-mismatch',
    names: (log) => named(at(log, 8)),
  },
  {
    title: 'edited metadata (the actor)',
    alter: (s, log) =>
      s.run('UPDATE events SET metadata = ? WHERE position = ?', [
        at(log, 9).metadata.replace('auditor-1', 'nobody'),
        9,
      ]),
    problem: 'hash-mismatch',
    names: (log) => named(at(log, 9)),
  },
  {
    title: 'an edited hash',
    alter: (s) => s.setHash(7, 'ab'.repeat(32)),
    problem: 'hash-mismatch',
    names: (log) => named(at(log, 7)),
  },
  {
    title: 'a deleted event',
    alter: (s) => s.run('DELETE FROM events WHERE position = ?', [6]),
    problem: 'position-gap',
    names: (log) => named(at(log, 7)),
  },
  {
    title: 'an inserted event',
    alter: async (s, log) => {
      // A copy of the first hours event, slipped in as the stream's second at position 4.
      const first = at(log, 2)
      await makeRoomAt(s, 4)
      await s.run(
        'UPDATE events SET revision = -revision - 1 WHERE stream = (SELECT stream FROM events WHERE position = ?) AND revision >= 1',
        [2],
      )
      await s.run('UPDATE events SET revision = -revision WHERE revision < 0')
      await s.run(
        `INSERT INTO events (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)
         SELECT 4, stream, 1, ?, type, schema_version, data, metadata, recorded_at, hash FROM events WHERE position = ?`,
        ['0b9f6f0e-7d2a-4c1b-9e3f-5a6b7c8d9e0f', first.position],
      )
    },
    problem: 'hash-mismatch',
    names: (log) => ({ event: { streamId: at(log, 2).streamId, revision: 1, position: 4 } }),
  },
  {
    title: 'two events swapped',
    alter: async (s) => {
      await s.run('UPDATE events SET position = -1 WHERE position = ?', [10])
      await s.run('UPDATE events SET position = 10 WHERE position = ?', [11])
      await s.run('UPDATE events SET position = 11 WHERE position = -1')
    },
    problem: 'hash-mismatch',
    names: (log) => ({ event: { streamId: at(log, 11).streamId, revision: at(log, 11).revision, position: 10 } }),
  },
  {
    title: 'a dropped stream',
    alter: async (s, log) => {
      for (const e of log.filter((x) => x.streamId === HOURS))
        await s.run('DELETE FROM events WHERE position = ?', [e.position])
    },
    problem: 'position-gap',
    names: (log) => named(at(log, 3)),
  },
  {
    title: 'the events after the seal removed, and more',
    alter: (s, _log, sealedAt) => s.run('DELETE FROM events WHERE position > ?', [sealedAt - 2]),
    problem: 'truncated',
    names: (_log, sealedAt) => ({ seal: { position: sealedAt, source: { kind: 'file', index: 0 } } }),
  },
  {
    title: 'an edit with its stream\u2019s chain recomputed',
    alter: async (s, log) => {
      const target = at(log, 5)
      const edited = { ...target, data: amended(target.data) }
      await s.run('UPDATE events SET data = ? WHERE position = ?', [edited.data, target.position])
      let prev = GENESIS_HASH
      for (const e of log.filter((x) => x.streamId === target.streamId)) {
        prev = chainHash(prev, e.position === target.position ? edited : e)
        await s.setHash(e.position, prev)
      }
    },
    problem: 'seal-mismatch',
    names: (_log, sealedAt) => ({ range: { after: 0, upTo: sealedAt } }),
  },
]

/** Registers the untouched case and every attack, each on a fresh ledger from `makeSubject`. */
export const tamperingCases = (
  test: (title: string, run: (t: ExecutionContext) => Promise<void>) => void,
  label: string,
  makeSubject: () => Promise<Subject>,
): void => {
  const council = generateKeyPairSync('ed25519')

  test(`${label}: an untouched ledger, with a subject erased, verifies with its kept seal file`, async (t) => {
    const subject = await makeSubject()
    t.teardown(() => subject.dispose())
    const { seal, log } = await build(subject, council.privateKey)
    const store = await subject.open()
    t.teardown(() => store.close())
    const report = await verifyLedger(store, { sealFiles: [seal], trustedKeys: [council.publicKey] })
    t.deepEqual(report, { ok: true, events: log.length, streams: report.streams, ledgerSeals: 1, sealFiles: 1 })
    t.true(
      log.some((e) => e.type === 'privacy.SubjectErased'),
      'the erasure is in the log',
    )
  })

  for (const attack of ATTACKS)
    test(`${label}: ${attack.title} is caught and named`, async (t) => {
      const subject = await makeSubject()
      t.teardown(() => subject.dispose())
      const { seal, log } = await build(subject, council.privateKey)
      const storage = await subject.storage()
      try {
        await attack.alter(storage, log, seal.position)
      } finally {
        await storage.close()
      }
      const store = await subject.open()
      t.teardown(() => store.close())
      const report = await verifyLedger(store, { sealFiles: [seal], trustedKeys: [council.publicKey] })
      t.false(report.ok)
      t.is(report.failure?.problem, attack.problem, report.failure?.message)
      t.like(report.failure, attack.names(log, seal.position) as VerifyFailure)
      t.log(report.failure?.message)
    })
}
