/**
 * Tamper evidence on a SQLite ledger file: every attack of `tampering.ts`, done with SQL straight
 * on the file while the ledger is closed, is caught by verify and the right event or seal named.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'
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
