/**
 * Portable exports across stores: a SQLite ledger with encrypted personal data, exported to NDJSON,
 * imported into an empty PostgreSQL schema (and back into a new SQLite file) gives the same stored
 * events and hashes, and verifies there against the council's seal file. The export keeps personal
 * fields encrypted unless the caller asks and holds the keys.
 */
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { EventStore, StoredEvent } from '@civic-ledger/core'
import { allowAll, createLedger, importLedger, parseSealFile, verifyLedger } from '@civic-ledger/core'
import { openPostgresEventStore } from '@civic-ledger/store-postgres'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'
import { applicants, applicantSecrets, applyCommand } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { dropSchema, freshSchema, PG_URL, requirePostgres } from '../postgres'

const actor = { id: 'auditor-1', organisation: 'GB-LAE-CAM', role: 'auditor' }

const stored = async (store: EventStore): Promise<ReadonlyArray<StoredEvent>> => {
  const out: StoredEvent[] = []
  for await (const e of store.readStored()) out.push(e)
  return out
}

test('a SQLite ledger exported and imported into PostgreSQL and into SQLite keeps every hash and verifies', async (t) => {
  await requirePostgres('export/import test')
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-export-'))
  const schema = freshSchema()
  t.teardown(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropSchema(schema)
  })
  const council = generateKeyPairSync('ed25519')

  const source = await openSqliteEventStore({ path: join(dir, 'council.db') })
  const ledger = await createLedger({ store: source, policy: allowAll })
  for (let n = 1; n <= 30; n++) {
    const applied = await ledger.execute(applicants, applyCommand(n), { actor })()
    if (E.isLeft(applied)) return t.fail(applied.left.message)
  }
  const sealing = await ledger.audit.seal({ actor }, { signingKey: council.privateKey })()
  if (E.isLeft(sealing)) return t.fail(sealing.left.message)
  const sealed = sealing.right
  const erased = await ledger.privacy.erase('v-4', 'the volunteer asked', { actor })()
  t.true(E.isRight(erased))

  // Disclosed first: its record is then part of the export below.
  const disclosedFile = join(dir, 'disclosed.ndjson')
  const disclosing = await ledger.audit.exportDisclosed(disclosedFile, 'a subject access request', { actor })()
  if (E.isLeft(disclosing)) return t.fail(disclosing.left.message)
  const disclosed = disclosing.right
  t.is(disclosed.header.personalData, 'disclosed')
  const disclosedText = readFileSync(disclosedFile, 'utf8')
  t.true(disclosedText.includes(applicantSecrets(5).email), 'a disclosed export holds the plain text')
  t.false(disclosedText.includes(applicantSecrets(4).email), 'an erased subject stays erased in a disclosed export')
  t.true(disclosedText.includes('{"$erased":"v-4"}'), 'the erased fields read as erased')

  const file = join(dir, 'ledger.ndjson')
  const summary = await ledger.audit.export(file, { signingKey: council.privateKey })
  t.is(summary.header.personalData, 'encrypted')
  const text = readFileSync(file, 'utf8')
  for (const secret of Object.values(applicantSecrets(5)))
    t.false(text.includes(secret), `the export holds ${secret} in plain text`)

  const original = await stored(source)
  await ledger.close()
  await source.close()

  const sealFile = parseSealFile(sealed.file)
  for (const [kind, open] of [
    ['postgres', () => openPostgresEventStore({ connectionString: PG_URL, schema })],
    ['sqlite', () => openSqliteEventStore({ path: join(dir, 'auditor.db') })],
  ] as const) {
    const target = await open()
    try {
      const imported = await importLedger(target, file, { trustedKeys: [council.publicKey] })
      t.is(imported.events, original.length, kind)
      t.deepEqual(await stored(target), original, `${kind}: the imported events, hashes included, are the originals`)
      const report = await verifyLedger(target, {
        sealFiles: [sealFile, imported.seal],
        trustedKeys: [council.publicKey],
      })
      t.true(report.ok, `${kind}: ${report.failure?.message ?? ''}`)
      t.is(report.sealFiles, 2)
      await t.throwsAsync(importLedger(target, disclosedFile), { message: /disclosed/ }, kind)
    } finally {
      await target.close()
    }
  }
})
