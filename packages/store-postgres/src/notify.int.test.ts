/**
 * Live subscriptions across app instances: a commit by one instance reaches another's subscriber
 * through LISTEN/NOTIFY, long before the fallback poll would run.
 */
import { testEvents } from '@civic-ledger/testing'
import test from 'ava'
import { firstValueFrom, take, timeout, toArray } from 'rxjs'

import { openPostgresEventStore } from './postgres-store'
import { dropSchema, freshSchema, PG_URL, postgresAvailable } from './test-database'

if (postgresAvailable('postgres notifications')) {
  test.serial("another instance's commit is delivered by notification, not by the poll", async (t) => {
    const schema = freshSchema()
    // A poll every ten minutes: only a notification can deliver within the timeout below.
    const listening = await openPostgresEventStore({ connectionString: PG_URL, schema, pollIntervalMs: 600_000 })
    const writing = await openPostgresEventStore({ connectionString: PG_URL, schema })
    t.teardown(async () => {
      await listening.close()
      await writing.close()
      await dropSchema(schema)
    })
    const received = firstValueFrom(listening.subscribe().pipe(take(5), toArray(), timeout(5_000)))
    // Let the catch-up read and the LISTEN settle, then commit from the other instance.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const started = Date.now()
    await writing.appendToStream('test.stream-a', testEvents(2), { expectedRevision: 'noStream' })
    await writing.appendMulti([
      { streamId: 'test.stream-b', events: testEvents(2), expectedRevision: 'noStream' },
      { streamId: 'test.stream-a', events: testEvents(1), expectedRevision: 1 },
    ])
    const events = await received
    t.deepEqual(
      events.map((e) => e.position),
      [1, 2, 3, 4, 5],
    )
    t.log(`delivered to the other instance within ${Date.now() - started} ms`)
  })
}
