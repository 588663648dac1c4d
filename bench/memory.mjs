// The in-memory store against Emmett's (getInMemoryEventStore): 100,000 single-event
// appends spread over 10,000 streams, each with its exact expected revision, the event the grants
// payload of bench/sqlite.mjs, and against a bare store (below) that keeps a copy of each event and
// checks nothing. Rounds alternate the stores, each on a fresh store; the rate is the median round's,
// with the rounds' spread; CPU is the process's over the round; the GC share is from a
// PerformanceObserver.
//
// Setup, once:  npm run build && npm install --prefix bench
// Run:          node bench/memory.mjs      (BENCH_SMOKE=1: 1,000 appends, one round, to show it runs)
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { cpus } from 'node:os'
import { PerformanceObserver, performance } from 'node:perf_hooks'

import { recordTargets } from './targets.mjs'

const require = createRequire(import.meta.url)
const root = process.env.BENCH_ROOT ?? new URL('..', import.meta.url).pathname
const core = createRequire(`${root}/package.json`)(`${root}/packages/core/dist/index.js`)
const SMOKE = process.env.BENCH_SMOKE === '1'
const APPENDS = Number(process.env.BENCH_APPENDS ?? (SMOKE ? 1_000 : 100_000))
const STREAMS = Math.max(1, Math.floor(APPENDS / 10))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (SMOKE ? 1 : 5))

const event = (n) => ({
  eventId: randomUUID(),
  type: 'grants.GrantAwarded',
  schemaVersion: 1,
  data: {
    grantId: `grant-${n}`,
    applicationId: `application-${n}`,
    fundId: 'community-resilience-2026',
    awardedOn: '2026-04-01',
    amount: { amount: 1_250_000 + n, currency: 'GBP' },
    areas: [{ code: 'E01017994', type: 'lsoa', vintage: '2021' }],
    conditions: ['Quarterly monitoring returns'],
  },
  metadata: {
    actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: '2026-04-01T10:15:00.000Z',
  },
})

let gcMs = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration
}).observe({ entryTypes: ['gc'] })

const contenders = {
  ours: {
    open: () => core.createMemoryEventStore(),
    append: (store, stream, e, before) =>
      store.appendToStream(stream, [e], { expectedRevision: before === 0 ? 'noStream' : before - 1 }),
  },
  // The floor for any store that keeps a copy of what it is given: a map of streams, one array in
  // position order and a map of ids, each event kept as the JSON text of its data and metadata with
  // a recorded time; the expected revision checked, nothing else (no argument checks, no canonical
  // order, no id check beyond the map). What ours does beyond this is the port's checking.
  bare: {
    open: () => ({ streams: new Map(), log: [], ids: new Map() }),
    append: async (store, stream, e, before) => {
      await Promise.resolve()
      let events = store.streams.get(stream)
      if ((events?.length ?? 0) !== before) throw new Error(`${stream} is not at revision ${before - 1}`)
      if (store.ids.has(e.eventId)) throw new Error(`${e.eventId} is stored already`)
      if (events === undefined) store.streams.set(stream, (events = []))
      const kept = {
        eventId: e.eventId,
        streamId: stream,
        revision: events.length,
        position: store.log.length + 1,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: JSON.stringify(e.data),
        metadata: JSON.stringify(e.metadata),
        recordedAt: new Date().toISOString(),
      }
      events.push(kept)
      store.log.push(kept)
      store.ids.set(e.eventId, kept)
      return { streamId: stream, firstRevision: kept.revision, lastRevision: kept.revision, position: kept.position }
    },
  },
  emmett: {
    open: () => emmett.getInMemoryEventStore(),
    append: (store, stream, e, before) =>
      store.appendToStream(stream, [{ type: e.type, data: e.data, metadata: e.metadata }], {
        expectedStreamVersion: BigInt(before),
      }),
  },
}
const emmett = await import('@event-driven-io/emmett').catch(() => undefined)
if (emmett === undefined) delete contenders.emmett
// before: the in-memory store of another built checkout (BENCH_BEFORE=<its root>), in the same rounds.
const BEFORE = process.env.BENCH_BEFORE
if (BEFORE !== undefined) {
  const earlier = createRequire(`${BEFORE}/package.json`)(`${BEFORE}/packages/core/dist/index.js`)
  contenders.before = { ...contenders.ours, open: () => earlier.createMemoryEventStore() }
}

const round = async (c) => {
  const events = Array.from({ length: APPENDS }, (_, i) => event(i))
  const store = c.open()
  const counts = new Int32Array(STREAMS)
  const gcBefore = gcMs
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (let i = 0; i < APPENDS; i++) {
    const s = i % STREAMS
    await c.append(store, `grants.application-${s}`, events[i], counts[s])
    counts[s]++
  }
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  await new Promise((resolve) => setTimeout(resolve, 0)) // let the observer report
  return { rate: (APPENDS / ms) * 1000, gcShare: (gcMs - gcBefore) / ms, cpu: (used.user + used.system) / APPENDS }
}

const results = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]))
for (const name of Object.keys(contenders)) await round(contenders[name]) // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? Object.keys(contenders) : Object.keys(contenders).reverse()
  for (const name of order) results[name].push(await round(contenders[name]))
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const int = (x) => Math.round(x).toLocaleString('en-GB')
if (SMOKE) console.log('BENCH_SMOKE=1: token sizes, to show every case runs; these figures mean nothing')
console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${new Date().toISOString()}`)
console.log(`${int(APPENDS)} single-event appends over ${int(STREAMS)} streams, ${ROUNDS} rounds a store, alternating`)
for (const [name, runs] of Object.entries(results)) {
  const rates = runs.map((r) => r.rate)
  console.log(
    `${name.padEnd(8)} median ${int(median(rates)).padStart(9)} appends/s  (min ${int(Math.min(...rates))}, max ${int(Math.max(...rates))}), CPU ${median(runs.map((r) => r.cpu)).toFixed(1)} µs an append, GC ${(median(runs.map((r) => r.gcShare)) * 100).toFixed(0)}% of the time`,
  )
}
if (results.emmett !== undefined) {
  const ratio = median(results.ours.map((r) => r.rate)) / median(results.emmett.map((r) => r.rate))
  console.log(`ours / emmett: ${ratio.toFixed(2)}×  (target ≥ 10×: ${ratio >= 10 ? 'met' : 'MISSED'})`)
  const floor = median(results.bare.map((r) => r.rate)) / median(results.emmett.map((r) => r.rate))
  console.log(`bare / emmett: ${floor.toFixed(2)}×  (a store that keeps a copy and checks nothing)`)
  recordTargets('memory', [
    {
      name: `In-memory store, ${int(APPENDS)} appends over ${int(STREAMS)} streams / Emmett`,
      measured: ratio,
      target: 10,
      unit: '×',
      floors: [{ value: floor, name: 'bare: a store that keeps a copy and checks nothing' }],
    },
  ])
}
if (results.before !== undefined)
  console.log(
    `ours / before: ${(median(results.ours.map((r) => r.rate)) / median(results.before.map((r) => r.rate))).toFixed(2)}×`,
  )
console.log(
  `ours / bare: ${((median(results.ours.map((r) => r.rate)) / median(results.bare.map((r) => r.rate))) * 100).toFixed(0)}%`,
)
