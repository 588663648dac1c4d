/**
 * Killed between applying an event and saving the checkpoint (RELIABILITY "Faults"): a child
 * process runs the deliberately non-idempotent `tally` projection and is sent SIGKILL while it is
 * inside `apply`, after earlier events of the same transaction have been applied and written but
 * before the transaction — the batch with its checkpoint (async), or the append itself (inline) —
 * committed. After every round a fresh runner finishes the work, and each event in the log must
 * have taken effect exactly once: `times: 1` on its own document, and a total equal to the count.
 *
 * Runs on SQLite and on PostgreSQL (skipped loudly if the server is unreachable, failing under
 * CI=true). `CIVIC_LEDGER_PROJECTION_CRASH_ROUNDS` sets the rounds per store and mode (default 4).
 */
import '@civic-ledger/store-postgres'
import '@civic-ledger/store-sqlite'

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { EventStore } from '@civic-ledger/core'
import { createProjectionRunner, openEventStore, systemClock } from '@civic-ledger/core'
import test from 'ava'

import { dropSchema, freshSchema, PG_URL, requirePostgres } from '../postgres'
import { counted, tally, total } from './tally'

const CHILD = join(__dirname, 'projection-child.js')
const ROUNDS = Math.max(1, Number.parseInt(process.env['CIVIC_LEDGER_PROJECTION_CRASH_ROUNDS'] ?? '', 10) || 4)

const META = {
  actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
  correlationId: 'crash',
  causationId: 'crash',
  occurredAt: '2026-04-01T09:00:00.000Z',
} as never

const item = (n: number) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'tally.ItemCounted',
  schemaVersion: 1,
  data: { n },
  metadata: META,
})

/** Runs the child until it prints `applying`, then kills it. Fails if it exits any other way. */
const killWhileApplying = (args: ReadonlyArray<string>): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let killed = false
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (!killed && out.includes('applying')) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('exit', (code, signal) => {
      if (killed && signal === 'SIGKILL') resolve()
      else reject(new Error(`the child exited (${String(code ?? signal)}) before it was killed: ${out} ${err}`))
    })
  })

/** Finishes the projection in this process and checks each event in the log took effect once. */
const checkExactlyOnce = async (store: EventStore, mode: 'async' | 'inline'): Promise<number> => {
  const runner = createProjectionRunner({ store, projections: [tally({ mode })], logger: { warn: () => undefined } })
  await runner.start()
  try {
    await runner.waitUntilCaughtUp({ timeoutMs: 60_000 })
    const positions: number[] = []
    for await (const event of store.readAll({ filter: { types: ['tally.ItemCounted'] } }))
      positions.push(event.position)
    const docs = await runner.query('tally', counted).find()
    const wrong = docs.filter((d) => d.times !== 1)
    if (wrong.length > 0) throw new Error(`events applied more than once: ${JSON.stringify(wrong.slice(0, 5))}`)
    const seen = new Set(docs.map((d) => d.position))
    const missing = positions.filter((p) => !seen.has(p))
    if (missing.length > 0) throw new Error(`events never applied: ${missing.slice(0, 5).join(', ')}`)
    if (docs.length !== positions.length) throw new Error(`${docs.length} documents for ${positions.length} events`)
    const applied = (await runner.query('tally', total).get('all'))?.applied
    if (applied !== positions.length) throw new Error(`total ${String(applied)} for ${positions.length} events`)
    return positions.length
  } finally {
    await runner.stop()
  }
}

const random = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low + 1))

/** Registers the async and inline cases for one kind of store. */
const crashCases = (
  name: string,
  ledger: () => Promise<{ readonly url: string; readonly dispose: () => Promise<void> }>,
): void => {
  test.serial(
    `${name}: killed inside an async batch, ${ROUNDS} times: every event takes effect exactly once`,
    async (t) => {
      const { url, dispose } = await ledger()
      try {
        const store = await openEventStore(url, { clock: systemClock })
        await store.appendToStream(
          'tally.item-all',
          Array.from({ length: 60 * ROUNDS + 20 }, (_, i) => item(i + 1)),
          {
            expectedRevision: 'noStream',
          },
        )
        const head = await store.headPosition()
        await store.close()
        for (let round = 0; round < ROUNDS; round++) {
          // Each round kills further on, inside a batch of 40 that started from the last checkpoint.
          await killWhileApplying([url, 'async', String(random(60 * round + 5, 60 * round + 55))])
        }
        const again = await openEventStore(url, { clock: systemClock })
        t.is(await checkExactlyOnce(again, 'async'), head)
        await again.close()
      } finally {
        await dispose()
      }
    },
  )

  test.serial(
    `${name}: killed inside an inline append, ${ROUNDS} times: every committed event took effect exactly once`,
    async (t) => {
      const { url, dispose } = await ledger()
      try {
        for (let round = 0; round < ROUNDS; round++) {
          // Each child numbers its items from its own thousand, so no two rounds name the same stream.
          const from = 1 + 1000 * round
          await killWhileApplying([url, 'inline', String(random(from + 3, from + 40)), String(from)])
        }
        const store = await openEventStore(url, { clock: systemClock })
        const events = await checkExactlyOnce(store, 'inline')
        t.true(events >= 3 * ROUNDS, `the children committed ${events} events before they were killed`)
        await store.close()
      } finally {
        await dispose()
      }
    },
  )
}

crashCases('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-projection-crash-'))
  return { url: `sqlite:${join(dir, 'ledger.db')}`, dispose: async () => rmSync(dir, { recursive: true, force: true }) }
})

crashCases('postgres', async () => {
  await requirePostgres('projection crash test')
  const schema = freshSchema()
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`
  return { url, dispose: () => dropSchema(schema).then(() => undefined) }
})
