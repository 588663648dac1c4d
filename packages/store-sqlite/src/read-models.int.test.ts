/**
 * How read-model collections sit in the SQLite file: a `find` on an indexed field takes its page
 * from the index in id order, tables laid out by earlier versions (clustered on `id`, an index on
 * the field alone) are read and written by the same SQL as today's, and documents written many to
 * a statement land exactly as written one at a time would.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { ReadModelStorage } from '@civic-ledger/core'
import test from 'ava'
import Database from 'better-sqlite3'
import fc from 'fast-check'

import { openSqliteEventStore } from './sqlite-store'

const withLedger = async (
  work: (path: string, readModels: ReadModelStorage) => Promise<void>,
  before?: (path: string) => void,
): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-read-models-'))
  const path = join(dir, 'ledger.db')
  try {
    if (before !== undefined) {
      // A ledger first, then what `before` does to it behind the store's back.
      await (await openSqliteEventStore({ path })).close()
      before(path)
    }
    const store = await openSqliteEventStore({ path })
    try {
      if (store.readModels === undefined) throw new Error('the SQLite store has read models')
      await work(path, store.readModels)
    } finally {
      await store.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const TABLE = 'rm_applications_v1__applications'

/** Awards and submissions, ids out of order, so that id order is not insertion order. */
const documents = Array.from({ length: 60 }, (_, i) => {
  const n = (i * 37) % 60
  return [`application-${n}`, { status: n % 3 === 0 ? 'awarded' : 'submitted', amount: 1000 + n }] as const
})

/** What the collection holds, as a read through the store sees it. */
const awardedPages = async (readModels: ReadModelStorage): Promise<string[][]> =>
  readModels.read(async (reader) => {
    const pages: string[][] = []
    let after: string | undefined
    for (;;) {
      const page = await reader.findDocuments(TABLE, [['status', 'awarded']], {
        limit: 7,
        ...(after === undefined ? {} : { after }),
      })
      if (page.length === 0) return pages
      pages.push(page.map(([id]) => id))
      after = page[page.length - 1]?.[0]
    }
  })

const expectedAwarded = documents
  .filter(([, doc]) => doc.status === 'awarded')
  .map(([id]) => id)
  .sort()

const planOf = (path: string, sql: string, ...params: unknown[]): string => {
  const db = new Database(path, { readonly: true })
  try {
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
      .map((row) => row.detail)
      .join('; ')
  } finally {
    db.close()
  }
}

test('a find on an indexed field reads its pages in id order from the index, with no sort', async (t) => {
  await withLedger(async (path, readModels) => {
    await readModels.transaction(async (tx) => {
      await tx.ensureCollection(TABLE, ['status'])
      await tx.writeDocuments(
        TABLE,
        documents.map(([id, doc]) => [id, JSON.stringify(doc)]),
        [],
      )
    })
    const pages = await awardedPages(readModels)
    t.deepEqual(pages.flat(), expectedAwarded)
    t.true(pages.every((page) => page.length <= 7))
    const plan = planOf(
      path,
      `SELECT id, body FROM "${TABLE}" WHERE json_extract(body, '$.status') = ? AND id > ? ORDER BY id LIMIT 7`,
      'awarded',
      'application-3',
    )
    t.regex(plan, new RegExp(`USING INDEX ${TABLE}__status`))
    t.notRegex(plan, /TEMP B-TREE/, 'a page of a find must not sort every match')
    const db = new Database(path, { readonly: true })
    try {
      const ddl = db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(TABLE) as { sql: string }
      t.notRegex(ddl.sql, /WITHOUT ROWID/, 'documents go to the end of a rowid table')
    } finally {
      db.close()
    }
  })
})

test('a collection in the layout of earlier versions is read and written as before', async (t) => {
  // As earlier versions made it: clustered on id, the index on the field alone.
  const earlier = (path: string): void => {
    const db = new Database(path)
    try {
      db.exec(`CREATE TABLE "${TABLE}" (id TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) WITHOUT ROWID`)
      db.exec(`CREATE INDEX "${TABLE}__status" ON "${TABLE}" (json_extract(body, '$.status'))`)
      const insert = db.prepare(`INSERT INTO "${TABLE}" (id, body) VALUES (?, ?)`)
      for (const [id, doc] of documents.slice(0, 30)) insert.run(id, JSON.stringify(doc))
    } finally {
      db.close()
    }
  }
  await withLedger(async (path, readModels) => {
    await readModels.transaction(async (tx) => {
      await tx.ensureCollection(TABLE, ['status'])
      // The rest are new; one of the first thirty is written again, one deleted.
      const [changedId] = documents[0] ?? ['', {}]
      await tx.writeDocuments(
        TABLE,
        [
          ...documents.slice(30).map(([id, doc]) => [id, JSON.stringify(doc)] as const),
          [changedId, JSON.stringify({ status: 'submitted', amount: 1 })],
        ],
        [documents[1]?.[0] ?? ''],
      )
    })
    const [changedId] = documents[0] ?? ['']
    const removedId = documents[1]?.[0] ?? ''
    const pages = await awardedPages(readModels)
    t.deepEqual(
      pages.flat(),
      expectedAwarded.filter((id) => id !== changedId && id !== removedId),
    )
    const changed = await readModels.read((reader) => reader.getDocument(TABLE, changedId))
    t.deepEqual(changed, { status: 'submitted', amount: 1 })
    t.is(await readModels.read((reader) => reader.getDocument(TABLE, removedId)), undefined)
    const db = new Database(path, { readonly: true })
    try {
      const ddl = db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(TABLE) as { sql: string }
      t.regex(ddl.sql, /WITHOUT ROWID/, 'an existing table is kept as it is')
      t.is((db.prepare(`SELECT count(*) AS n FROM "${TABLE}"`).get() as { n: number }).n, 59)
    } finally {
      db.close()
    }
  }, earlier)
})

/** What a table holds, read straight from the file. */
const tableContents = (path: string, table: string): Record<string, string> => {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db.prepare(`SELECT id, body FROM "${table}"`).all() as Array<{ id: string; body: string }>
    return Object.fromEntries(rows.map((row) => [row.id, row.body]))
  } finally {
    db.close()
  }
}

test('documents written many to a statement land as if written one by one, in either layout', async (t) => {
  // Batches of every size around a statement's 64 rows, ids from a small set so that batches meet
  // each other's documents and their own (an id twice in one batch: its last body wins).
  const batch = fc.record({
    puts: fc.array(fc.tuple(fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 9 })), {
      maxLength: 200,
      size: 'max',
    }),
    deletes: fc.array(fc.integer({ min: 0, max: 150 }), { maxLength: 5 }),
  })
  const earlierLayout = (path: string): void => {
    const db = new Database(path)
    try {
      db.exec(`CREATE TABLE "${TABLE}" (id TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) WITHOUT ROWID`)
    } finally {
      db.close()
    }
  }
  let runs = 0
  let longBatches = 0
  await fc.assert(
    fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 4 }), fc.boolean(), async (batches, earlier) => {
      const model = new Map<string, string>()
      await withLedger(
        async (path, readModels) => {
          for (const { puts, deletes } of batches) {
            const written = puts.map(([n, v]) => [`doc-${n}`, JSON.stringify({ n, v })] as const)
            const removed = deletes.map((n) => `doc-${n}`)
            await readModels.transaction(async (tx) => {
              await tx.ensureCollection(TABLE, ['v'])
              await tx.writeDocuments(TABLE, written, removed)
            })
            if (puts.length >= 64) longBatches++
            for (const [id, body] of written) model.set(id, body)
            for (const id of removed) model.delete(id)
          }
          t.deepEqual(tableContents(path, TABLE), Object.fromEntries(model))
          runs++
        },
        earlier ? earlierLayout : undefined,
      )
    }),
    // Each run opens a ledger: a failure is reported as found, not shrunk through hundreds more.
    { numRuns: 40, endOnFailure: true },
  )
  t.is(runs, 40)
  t.true(longBatches > 20, `only ${longBatches} batches filled a statement`)
})
