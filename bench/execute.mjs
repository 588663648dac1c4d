// ledger.execute on durable SQLite (WAL, synchronous=FULL), with the hot aggregate cache off
// (aggregateCache: { entries: 0 }, the handler as it was before the cache) and on (default), with
// 1 and 32 concurrent callers. Each caller sends Increment commands to a stream of its own, seeded
// with SEED events, so a command without the cache folds the whole stream. Rounds alternate off/on.
// Besides the rates it prints the process's CPU per command and the store's group commit (appends a
// transaction): what bounds 32 callers is either the thread's CPU or the commits' fsyncs.
// The same rounds time the floor of the ratio: `appends`, the callers appending one event each
// straight to the store (no command, no fold), so 32 / 1 there is what group commit alone gives.
//
// Run:  node bench/execute.mjs            (env: SECONDS_PER_RUN=3 ROUNDS=2 SEED=200)
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

import { recordTargets } from './targets.mjs'

const require = createRequire(import.meta.url)
const core = require('../packages/core/dist/index.js')
const { openSqliteEventStore } = require('../packages/store-sqlite/dist/index.js')
const t = require('io-ts')

const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 3)
const ROUNDS = Number(process.env.ROUNDS ?? 2)
const SEED = Number(process.env.SEED ?? 200)

const Increment = t.type({ type: t.literal('Increment'), counterId: t.string })
const Incremented = core.defineEvent({ type: 'bench.Incremented', codec: t.type({ counterId: t.string }) })
const counter = core.defineAggregate({
  context: 'bench',
  name: 'counter',
  commands: Increment,
  events: core.eventCatalog(Incremented),
  decider: {
    initialState: 0,
    evolve: (n) => n + 1,
    decide: (command) => core.accept(Incremented.create({ counterId: command.counterId })),
  },
  id: (command) => command.counterId,
})
const actor = { id: 'bench', organisation: 'bench', role: 'bench' }

const eventFor = (counterId, correlationId) => ({
  eventId: core.randomIds.uuid(),
  ...counter.events.encode(Incremented.create({ counterId })),
  metadata: { actor, correlationId, causationId: correlationId, occurredAt: new Date().toISOString() },
})

/** One caller's send: a command through the ledger, or (entries undefined) one event appended straight to the store. */
const sender = (store, ledger) => {
  if (ledger === undefined) {
    const revisions = new Map()
    return async (id) => {
      const stream = `bench.counter-${id}`
      const expected = revisions.get(stream) ?? SEED - 1
      await store.appendToStream(stream, [eventFor(id, 'append')], { expectedRevision: expected })
      revisions.set(stream, expected + 1)
    }
  }
  return async (id) => {
    const result = await ledger.execute(counter, { type: 'Increment', counterId: id }, { actor })()
    if (result._tag === 'Left') throw new Error(JSON.stringify(result.left))
  }
}

const run = async (entries, callers) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-execute-'))
  const store = await openSqliteEventStore({ path: join(dir, 'ledger.db') })
  const ledger =
    entries === undefined
      ? undefined
      : await core.createLedger({ store, policy: core.allowAll, aggregateCache: { entries } })
  const send = sender(store, ledger)
  // Seed each caller's stream (batched appends), then one command each to warm up.
  for (let c = 0; c < callers; c++) {
    const events = Array.from({ length: SEED }, () => eventFor(`c${c}`, 'seed'))
    await store.appendToStream(`bench.counter-c${c}`, events, { expectedRevision: 'noStream' })
  }
  await Promise.all(Array.from({ length: callers }, (_, c) => send(`c${c}`)))
  let done = 0
  const stats = store.writeStats()
  const cpu = process.cpuUsage()
  const until = performance.now() + SECONDS * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: callers }, async (_, c) => {
      while (performance.now() < until) {
        await send(`c${c}`)
        done++
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const after = store.writeStats()
  await ledger?.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
  return {
    rate: done / elapsed,
    cpuMicros: (used.user + used.system) / done,
    perTransaction: (after.appends - stats.appends) / Math.max(1, after.transactions - stats.transactions),
  }
}

const CONTENDERS = [
  ['off', 0],
  ['on', 1000],
  ['appends', undefined],
]
const results = Object.fromEntries(CONTENDERS.map(([name]) => [name, { 1: [], 32: [] }]))
for (let round = 0; round < ROUNDS; round++)
  for (const callers of [1, 32])
    for (const [name, entries] of round % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse()) {
      const r = await run(entries, callers)
      results[name][callers].push(r)
      console.log(
        `round ${round + 1} ${name === 'appends' ? 'appends only' : `cache ${name}`} callers ${callers}: ${r.rate.toFixed(0)} ${name === 'appends' ? 'appends' : 'commands'}/s, CPU ${r.cpuMicros.toFixed(0)} µs a ${name === 'appends' ? 'call' : 'command'}, ${r.perTransaction.toFixed(1)} appends a transaction`,
      )
    }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const of = (name, callers, key) => median(results[name][callers].map((r) => r[key]))
const scaling = (name) => of(name, 32, 'rate') / of(name, 1, 'rate')
console.log(`\nSEED=${SEED} events a stream, ${SECONDS}s a run, ${ROUNDS} rounds (median)`)
console.log(
  '| cache | 1 caller | 32 callers | 32 / 1 | CPU µs a command, 1 / 32 | appends a transaction, 32 | CPU busy, 32 |',
)
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const [name] of CONTENDERS) {
  const one = of(name, 1, 'rate')
  const many = of(name, 32, 'rate')
  console.log(
    `| ${name === 'appends' ? 'appends only' : name} | ${one.toFixed(0)}/s | ${many.toFixed(0)}/s | ${(many / one).toFixed(2)} | ${of(name, 1, 'cpuMicros').toFixed(0)} / ${of(name, 32, 'cpuMicros').toFixed(0)} | ${of(name, 32, 'perTransaction').toFixed(1)} | ${((many * of(name, 32, 'cpuMicros')) / 1e4).toFixed(0)}% |`,
  )
}
console.log(
  `32 callers / 1 caller, cache on: ${scaling('on').toFixed(2)}× (target ≥ 6×: ${scaling('on') >= 6 ? 'met' : 'MISSED'}); appends only: ${scaling('appends').toFixed(2)}×`,
)
recordTargets('execute', [
  {
    name: '`ledger.execute` on durable SQLite, 32 callers / 1',
    measured: scaling('on'),
    target: 6,
    unit: '×',
    floors: [{ value: scaling('appends'), name: 'the same callers appending one event each straight to the store' }],
  },
])
