/**
 * Erasure on a SQLite ledger (RELIABILITY "Erasure"): after a volunteer is erased, a byte scan of
 * every file the library wrote — the database, its WAL and shared-memory files — finds none of their
 * plaintext (name, email, phone, date of birth); the aggregate still loads with `Erased` values;
 * the other volunteers are untouched; erasing twice is harmless.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { allowAll, createLedger, loadAggregate } from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { applicants, applicantSecrets, applyCommand, roster, rosterProjection } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' }

/** Every file in the ledger's directory, as bytes. */
const filesOf = (dir: string): ReadonlyArray<{ readonly name: string; readonly bytes: Buffer }> =>
  readdirSync(dir).map((name) => ({ name, bytes: readFileSync(join(dir, name)) }))

const found = (dir: string, text: string): ReadonlyArray<string> =>
  filesOf(dir)
    .filter((f) => f.bytes.includes(Buffer.from(text, 'utf8')))
    .map((f) => f.name)

test('an erased volunteer leaves no plaintext in the database, WAL or shm files, and the rest stays', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-erasure-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ledger = await createLedger({
    store: `sqlite:${join(dir, 'ledger.db')}`,
    storeProviders: [sqliteStoreProvider],
    policy: allowAll,
    projections: [rosterProjection],
  })
  for (let n = 1; n <= 40; n++) {
    const result = await ledger.execute(applicants, applyCommand(n), { actor })()
    if (E.isLeft(result)) return t.fail(result.left.message)
  }
  await ledger.projections.waitUntilCaughtUp()
  const target = applicantSecrets(7)
  const other = applicantSecrets(8)
  // The scan can see: the roster read model holds names in plain text before erasure.
  t.true(found(dir, target.name).length > 0, 'before erasure the name is in the read model')
  t.deepEqual(found(dir, target.email), [], 'the events themselves hold only ciphertext')

  t.deepEqual(
    await ledger.privacy.erase('v-7', 'the volunteer asked', { actor })(),
    E.right({ recorded: true, complete: true, waitingFor: [] }),
  )
  for (const [field, text] of Object.entries(target))
    t.deepEqual(found(dir, text), [], `no file holds the erased volunteer's ${field}`)
  t.true(found(dir, other.name).length > 0, 'another volunteer is untouched')
  t.deepEqual(await ledger.projections.query(rosterProjection, roster).get('v-8'), {
    name: other.name,
    role: 'health-walk-leader',
  })
  t.is(await ledger.projections.query(rosterProjection, roster).get('v-7'), undefined)

  const loaded = await loadAggregate(ledger.events, applicants, 'volunteers.applicant-v-7', {
    privacy: ledger.privacy,
  })
  t.true(E.isRight(loaded) && E.isRight(loaded) && loaded.right.state.name !== undefined)
  if (E.isRight(loaded)) t.deepEqual(loaded.right.state.name, { _tag: 'Erased', subject: 'v-7' })
  t.deepEqual(
    await ledger.privacy.erase('v-7', 'asked twice', { actor })(),
    E.right({ recorded: false, complete: true, waitingFor: [] }),
  )
  const again = await ledger.execute(applicants, applyCommand(7), { actor })()
  t.true(E.isLeft(again) && again.left._tag === 'Rejected' && again.left.code === 'subject-erased')
  await ledger.close()
  for (const [field, text] of Object.entries(target))
    t.deepEqual(found(dir, text), [], `after closing, no file holds the ${field}`)
})
