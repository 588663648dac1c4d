/**
 * Commit inversion: one append is held open (a trigger waits on an advisory lock the test holds)
 * while later appends are made. A subscription must deliver every event, in order, none skipped and
 * none twice. The same scenario against positions taken from a sequence — the design Marten and
 * Emmett shipped — shows a poller skipping the late commit, so this test can tell the two apart.
 */
import type { RecordedEvent } from '@civic-ledger/core'
import { testEvent, testEvents } from '@civic-ledger/testing'
import test from 'ava'
import pg from 'pg'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

const HOLD_KEY = 7_316_002
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const waitFor = async (what: string, condition: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> => {
  const until = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** A trigger on a table that, for rows of `column = value`, waits until the test lets go of HOLD_KEY. */
const holdOpenTrigger = (schema: string, table: string, column: string, value: string): string => `
  CREATE FUNCTION "${schema}".hold_open() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.${column} = '${value}' THEN
      PERFORM pg_advisory_lock(${HOLD_KEY});
      PERFORM pg_advisory_unlock(${HOLD_KEY});
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER hold_open BEFORE INSERT ON "${schema}".${table} FOR EACH ROW EXECUTE FUNCTION "${schema}".hold_open();
`

if (postgresAvailable('postgres commit inversion')) {
  test.serial(
    'an append held open while later appends wait: the subscriber skips nothing and repeats nothing',
    async (t) => {
      const schema = freshSchema()
      const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 8, pollIntervalMs: 50 })
      const holder = new pg.Client({ connectionString: PG_URL })
      const observer = new pg.Client({ connectionString: PG_URL })
      await holder.connect()
      await observer.connect()
      t.teardown(async () => {
        await holder.end().catch(() => undefined)
        await observer.end().catch(() => undefined)
        await store.close()
        await dropSchema(schema)
      })
      await observer.query(holdOpenTrigger(schema, 'events', 'type', 'test.HeldOpen'))

      const received: RecordedEvent[] = []
      const subscription = store.subscribe({ batchSize: 2 }).subscribe((e) => received.push(e))
      t.teardown(() => subscription.unsubscribe())
      await store.appendToStream('test.stream-before', testEvents(3), { expectedRevision: 'noStream' })
      await waitFor('the first three events', () => received.length === 3)

      await holder.query('SELECT pg_advisory_lock($1)', [HOLD_KEY])
      const held = store.appendToStream('test.stream-held', [testEvent({}, 'test.HeldOpen')], {
        expectedRevision: 'noStream',
      })
      await waitFor('the held append to wait on the trigger', async () => {
        const { rows } = await observer.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
          [HOLD_KEY],
        )
        return Number(rows[0]?.n) > 0
      })
      const later = [1, 2, 3].map((i) =>
        store.appendToStream(`test.stream-later${i}`, testEvents(2), { expectedRevision: 'noStream' }),
      )
      await sleep(300)
      const { rows: seen } = await observer.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".events`)
      t.is(Number(seen[0]?.n), 3, 'nothing after the held append committed while it was held')
      t.is(received.length, 3, 'the subscriber delivered nothing past the held append while it was open')

      await holder.query('SELECT pg_advisory_unlock($1)', [HOLD_KEY])
      const heldResult = await held
      const laterResults = await Promise.all(later)
      t.is(heldResult.firstPosition, 4, 'the held append kept the position it took first')
      t.deepEqual(
        laterResults.map((r) => r.firstPosition).sort((a, b) => a - b),
        [5, 7, 9],
      )
      await waitFor('all ten events', () => received.length >= 10)
      await sleep(200)
      t.deepEqual(
        received.map((e) => e.position),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        'every event once, in position order',
      )
      t.is(new Set(received.map((e) => e.eventId)).size, 10)
    },
  )

  test.serial(
    'the same scenario with sequence positions makes a position-polling reader skip the late commit',
    async (t) => {
      const schema = freshSchema()
      const setup = new pg.Client({ connectionString: PG_URL })
      const holder = new pg.Client({ connectionString: PG_URL })
      const slow = new pg.Client({ connectionString: PG_URL })
      const fast = new pg.Client({ connectionString: PG_URL })
      for (const c of [setup, holder, slow, fast]) await c.connect()
      t.teardown(async () => {
        for (const c of [holder, slow, fast, setup]) await c.end().catch(() => undefined)
        await dropSchema(schema)
      })
      await setup.query(
        `CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".naive (position bigserial PRIMARY KEY, kind text)`,
      )
      await setup.query(holdOpenTrigger(schema, 'naive', 'kind', 'held'))

      await holder.query('SELECT pg_advisory_lock($1)', [HOLD_KEY])
      // The held insert takes position 1 from the sequence, then waits before it can commit.
      const heldInsert = slow.query(`INSERT INTO "${schema}".naive (kind) VALUES ('held')`)
      await sleep(200)
      await fast.query(`INSERT INTO "${schema}".naive (kind) VALUES ('late'), ('late')`)

      // A reader that polls position > last sees 2 and 3, and moves its checkpoint past 1.
      let last = 0
      const delivered: number[] = []
      const poll = async (): Promise<void> => {
        const { rows } = await setup.query<{ position: string }>(
          `SELECT position FROM "${schema}".naive WHERE position > $1 ORDER BY position`,
          [last],
        )
        for (const row of rows) {
          delivered.push(Number(row.position))
          last = Number(row.position)
        }
      }
      await poll()
      await holder.query('SELECT pg_advisory_unlock($1)', [HOLD_KEY])
      await heldInsert
      await poll()
      t.deepEqual(delivered, [2, 3], 'position 1 committed late and was never delivered')
    },
  )
}
