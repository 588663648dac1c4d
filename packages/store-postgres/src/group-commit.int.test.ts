/**
 * Group commit: appends made together are written in one transaction (their rows share one `xmin`),
 * yet each keeps its own expected-revision check, idempotency check and result: a conflict fails
 * only its caller, a resend inside the group gets the original positions, a multi-stream append is
 * all or nothing within it, and positions stay gap-free in commit order.
 */
import type { AppendResult } from '@civic-ledger/core'
import { EventIdConflictError, verifyLedger, WrongExpectedRevisionError } from '@civic-ledger/core'
import { collect, testEvents } from '@civic-ledger/testing'
import test from 'ava'
import pg from 'pg'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

/** The transactions the events at `positions` were written in. */
const transactionsOf = async (schema: string, positions: ReadonlyArray<number>): Promise<number> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM "${schema}".events WHERE position = ANY($1::bigint[])`,
      [positions],
    )
    return rows[0]?.n ?? 0
  } finally {
    await client.end()
  }
}

const positionsOf = (r: AppendResult): number[] =>
  Array.from({ length: r.lastPosition - r.firstPosition + 1 }, (_, i) => r.firstPosition + i)

if (postgresAvailable('postgres group commit')) {
  test.serial('appends made together share one transaction, each with its own check and result', async (t) => {
    const schema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 4 })
    t.teardown(async () => {
      await store.close()
      await dropSchema(schema)
    })
    const first = await store.appendToStream('test.stream-existing', testEvents(2), { expectedRevision: 'noStream' })
    const resent = testEvents(2)
    const partlyTaken = testEvents(1)
    const conflictingMulti = [
      { streamId: 'test.multi-x', events: testEvents(1), expectedRevision: 'noStream' as const },
      { streamId: 'test.stream-existing', events: testEvents(1), expectedRevision: 0 },
    ]
    const goodMulti = [
      { streamId: 'test.multi-a', events: testEvents(2), expectedRevision: 'noStream' as const },
      { streamId: 'test.multi-b', events: testEvents(1), expectedRevision: 'noStream' as const },
    ]
    // Made in one turn of the event loop: they reach the writer together.
    const outcomes = await Promise.allSettled([
      store.appendToStream('test.stream-a', testEvents(1), { expectedRevision: 'noStream' }), // 0: written
      store.appendToStream('test.stream-existing', testEvents(1), { expectedRevision: 'noStream' }), // 1: conflict
      store.appendToStream('test.stream-resent', resent, { expectedRevision: 'noStream' }), // 2: written
      store.appendToStream('test.stream-resent', resent, { expectedRevision: 'noStream' }), // 3: the same, resent
      store.appendMulti(goodMulti), // 4: written, both streams
      store.appendMulti(conflictingMulti), // 5: one part conflicts: neither written
      store.appendToStream('test.stream-existing', testEvents(1), { expectedRevision: 1 }), // 6: written, at 2
      store.appendToStream('test.stream-existing', testEvents(1), { expectedRevision: 1 }), // 7: conflict after 6
      store.appendToStream('test.stream-b', partlyTaken, { expectedRevision: 'any' }), // 8: written
      store.appendToStream('test.stream-c', partlyTaken, { expectedRevision: 'any' }), // 9: its id is 8's
    ])
    const value = <A>(i: number): A => {
      const o = outcomes[i]
      if (o?.status !== 'fulfilled') throw new Error(`append ${i} failed: ${String(o?.reason)}`)
      return o.value as A
    }
    const reason = (i: number): unknown => (outcomes[i]?.status === 'rejected' ? outcomes[i].reason : undefined)

    const a = value<AppendResult>(0)
    t.deepEqual([a.firstPosition, a.alreadyStored], [3, false])
    t.true(reason(1) instanceof WrongExpectedRevisionError, 'a conflict fails its caller alone')
    t.is((reason(1) as WrongExpectedRevisionError).actual, 1)
    const written = value<AppendResult>(2)
    const again = value<AppendResult>(3)
    t.false(written.alreadyStored)
    t.true(again.alreadyStored, 'a resend inside the group is recognised as the same append')
    t.deepEqual([again.firstPosition, again.lastPosition], [written.firstPosition, written.lastPosition])
    const multi = value<ReadonlyArray<AppendResult>>(4)
    t.deepEqual(
      multi.map((r) => [r.streamId, r.firstRevision, r.lastRevision]),
      [
        ['test.multi-a', 0, 1],
        ['test.multi-b', 0, 0],
      ],
    )
    t.true(reason(5) instanceof WrongExpectedRevisionError, 'the multi-stream append with a conflict is refused')
    t.is((reason(5) as WrongExpectedRevisionError).streamId, 'test.stream-existing')
    const sixth = value<AppendResult>(6)
    t.deepEqual([sixth.firstRevision, sixth.lastRevision], [2, 2], 'it sees the stream as the group left it')
    t.true(reason(7) instanceof WrongExpectedRevisionError)
    t.is((reason(7) as WrongExpectedRevisionError).actual, 2)
    value<AppendResult>(8)
    t.true(reason(9) instanceof EventIdConflictError, 'an id another caller of the group wrote elsewhere')

    const streams = (await collect(() => store.readAll())).map((e) => e.streamId)
    t.false(streams.includes('test.multi-x'), 'no part of the refused multi-stream append was written')
    t.false(streams.includes('test.stream-c'))
    const positions = [a, written, ...multi, sixth, value<AppendResult>(8)].flatMap(positionsOf)
    t.deepEqual(
      [...positions].sort((x, y) => x - y),
      Array.from({ length: positions.length }, (_, i) => first.lastPosition + 1 + i),
      'gap-free after the first append',
    )
    t.is(await transactionsOf(schema, positions), 1, 'the group was written in one transaction')
    t.is(await store.headPosition(), first.lastPosition + positions.length)
    const report = await verifyLedger(store)
    t.true(report.ok, report.failure?.message ?? '')
  })

  test.serial(
    '64 callers on 8 streams, appending with known revisions: groups form, conflicts fail their callers alone',
    async (t) => {
      const schema = freshSchema()
      const store = await openPostgresEventStore({ connectionString: PG_URL, schema, poolSize: 4 })
      t.teardown(async () => {
        await store.close()
        await dropSchema(schema)
      })
      const revisions = new Map<string, number>()
      let conflicts = 0
      const acknowledged: AppendResult[] = []
      await Promise.all(
        Array.from({ length: 64 }, async (_, caller) => {
          const streamId = `test.contended-${caller % 8}`
          for (let i = 0; i < 10; i++) {
            const expected = revisions.get(streamId) ?? -1
            try {
              const r = await store.appendToStream(streamId, testEvents(1 + (i % 2)), {
                expectedRevision: expected < 0 ? 'noStream' : expected,
              })
              acknowledged.push(r)
              revisions.set(streamId, Math.max(revisions.get(streamId) ?? -1, r.lastRevision))
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error
              conflicts++
            }
          }
        }),
      )
      t.true(conflicts > 0, 'callers on one stream conflicted')
      const all = await collect(() => store.readAll())
      t.deepEqual(
        all.map((e) => e.position),
        all.map((_, i) => i + 1),
        'gap-free',
      )
      t.is(
        all.length,
        acknowledged.reduce((n, r) => n + r.lastPosition - r.firstPosition + 1, 0),
      )
      const transactions = await transactionsOf(
        schema,
        all.map((e) => e.position),
      )
      t.true(transactions < acknowledged.length, `${acknowledged.length} appends in ${transactions} transactions`)
      const report = await verifyLedger(store)
      t.true(report.ok, report.failure?.message ?? '')
    },
  )

  test.serial('closing writes the appends already queued', async (t) => {
    const schema = freshSchema()
    const store = await openPostgresEventStore({ connectionString: PG_URL, schema })
    t.teardown(() => dropSchema(schema))
    const appends = Array.from({ length: 20 }, (_, i) =>
      store.appendToStream(`test.queued-${i}`, testEvents(1), { expectedRevision: 'noStream' }),
    )
    const closed = store.close()
    const results = await Promise.all(appends)
    await closed
    t.deepEqual(
      results.map((r) => r.firstPosition).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
  })
}
