/**
 * Tamper evidence on a SQLite ledger file: every attack of `tampering.ts`, done with SQL straight
 * on the file while the ledger is closed, is caught by verify and the right event or seal named.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { CorruptEventError, verifyLedger } from '@civic-ledger/core'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import type { Storage, Subject } from './tampering'
import { tamperingCases } from './tampering'

const sqliteSubject = async (): Promise<Subject> => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-tamper-'))
  const path = join(dir, 'ledger.db')
  return {
    open: () => openSqliteEventStore({ path }),
    storage: async (): Promise<Storage> => {
      const db = new BetterSqlite3(path)
      return {
        run: async (sql, params = []) => {
          db.prepare(sql).run(...params)
        },
        setHash: async (position, hash) => {
          db.prepare('UPDATE events SET hash = ? WHERE position = ?').run(Buffer.from(hash, 'hex'), position)
        },
        close: async () => {
          db.close()
        },
      }
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

tamperingCases(test, 'sqlite', sqliteSubject)

test('sqlite: a damaged row (its data no longer JSON) is named by the reader and by verify', async (t) => {
  const subject = await sqliteSubject()
  t.teardown(() => subject.dispose())
  const store = await subject.open()
  for (let n = 0; n < 8; n++)
    await store.appendToStream(
      `grants.fund-${n % 3}`,
      [
        {
          eventId: `7d1e2f30-4a5b-4c6d-9e8f-${String(n).padStart(12, '0')}`,
          type: 'grants.FundTopped',
          schemaVersion: 1,
          data: { pence: 1000 * n },
          metadata: {
            actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
            correlationId: `c-${n}`,
            causationId: `c-${n}`,
            occurredAt: '2026-04-01T09:00:00.000Z',
          },
        },
      ],
      { expectedRevision: 'any' },
    )
  await store.close()
  const storage = await subject.storage()
  await storage.run('UPDATE events SET data = ? WHERE position = ?', ['{"pence":60', 6])
  await storage.close()
  const reopened = await subject.open()
  t.teardown(() => reopened.close())
  const read = async (): Promise<number> => {
    let n = 0
    for await (const _ of reopened.readAll()) n++
    return n
  }
  const error = await t.throwsAsync(read, { instanceOf: CorruptEventError })
  t.like(error, { position: 6, streamId: 'grants.fund-2', revision: 1 })
  t.regex(error?.message ?? '', /position 6.*data is not valid JSON/)
  const report = await verifyLedger(reopened)
  t.like(report.failure, { problem: 'hash-mismatch', event: { position: 6, streamId: 'grants.fund-2', revision: 1 } })
})
