/**
 * A `find` on an indexed field pages through a large read model in id order from the field's
 * index: each page costs its own length, not a sort of every document that matches. Documents
 * written in one call land as if written one at a time, an id put twice ending with its last body.
 */
import type { ReadModelStorage } from '@civic-ledger/core'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import pg from 'pg'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const TABLE = 'rm_applications_v1__applications'

/** 3,000 applications, ids out of insertion order; one in a hundred withdrawn. */
const documents = Array.from({ length: 3_000 }, (_, i) => {
  const n = (i * 7_919) % 3_000
  return [`application-${String(n).padStart(4, '0')}`, { status: n % 100 === 7 ? 'withdrawn' : 'awarded' }] as const
})

/** A store on a schema of its own, dropped when the test ends; its read-model storage. */
const freshReadModels = async (
  t: ExecutionContext,
): Promise<{ readonly schema: string; readonly readModels: ReadModelStorage }> => {
  const schema = freshSchema()
  const store = await openPostgresEventStore({ connectionString: PG_URL, schema })
  t.teardown(async () => {
    await store.close()
    await dropSchema(schema)
  })
  if (store.readModels === undefined) throw new Error('the PostgreSQL store has read models')
  return { schema, readModels: store.readModels }
}

if (postgresAvailable('postgres read models')) {
  test('a find on an indexed field reads its pages in id order from the index, with no sort', async (t) => {
    const { schema, readModels } = await freshReadModels(t)
    await readModels.transaction(async (tx) => {
      await tx.ensureCollection(TABLE, ['status'])
      await tx.writeDocuments(
        TABLE,
        documents.map(([id, doc]) => [id, JSON.stringify(doc)] as const),
        [],
      )
    })
    const pages: string[][] = []
    await readModels.read(async (reader) => {
      let after: string | undefined
      for (;;) {
        const page = await reader.findDocuments(TABLE, [['status', 'withdrawn']], {
          limit: 7,
          ...(after === undefined ? {} : { after }),
        })
        if (page.length === 0) return
        pages.push(page.map(([id]) => id))
        after = page[page.length - 1]?.[0]
      }
    })
    const withdrawn = documents
      .filter(([, doc]) => doc.status === 'withdrawn')
      .map(([id]) => id)
      .sort()
    t.deepEqual(pages.flat(), withdrawn)
    t.true(pages.every((page) => page.length <= 7))

    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    try {
      await client.query(`ANALYZE "${schema}"."${TABLE}"`)
      // Without a sequential scan to fall back on, the planner shows which index serves the page.
      await client.query('SET enable_seqscan = off')
      const plan = (
        await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id, body FROM "${schema}"."${TABLE}" WHERE body -> 'status' = $1::jsonb AND id > $2 ORDER BY id LIMIT 7`,
          ['"withdrawn"', 'application-0500'],
        )
      ).rows
        .map((row) => row['QUERY PLAN'])
        .join('\n')
      t.regex(plan, /Index Scan using rm_ix_/, plan)
      t.notRegex(plan, /Sort/, `a page of a find must not sort every match:\n${plan}`)
    } finally {
      await client.end()
    }
  })

  test('an id put twice in one write ends with its last body, and deletes follow the puts', async (t) => {
    const { readModels } = await freshReadModels(t)
    await readModels.transaction(async (tx) => {
      await tx.ensureCollection(TABLE, ['status'])
      await tx.writeDocuments(TABLE, [['application-1', '{"status":"submitted"}']], [])
    })
    await readModels.transaction(async (tx) => {
      await tx.writeDocuments(
        TABLE,
        [
          ['application-1', '{"status":"awarded"}'],
          ['application-2', '{"status":"submitted"}'],
          ['application-1', '{"status":"withdrawn"}'],
          ['application-3', '{"status":"submitted"}'],
        ],
        ['application-3'],
      )
    })
    const read = (id: string) => readModels.read((reader) => reader.getDocument(TABLE, id))
    t.deepEqual(await read('application-1'), { status: 'withdrawn' })
    t.deepEqual(await read('application-2'), { status: 'submitted' })
    t.is(await read('application-3'), undefined)
  })
}
