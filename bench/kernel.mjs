// Kernel benchmarks: the in-memory store's append cost against the number of streams it holds, and
// the cost of decoding stored events through a catalog against JSON.parse alone.
// Run after `npm run build`:  node bench/kernel.mjs
// BENCH_ROOT=<another built checkout> measures that checkout's core instead (for before/after).
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'

const root = process.env.BENCH_ROOT ?? new URL('..', import.meta.url).pathname
const require = createRequire(`${root}/package.json`)
const core = require(`${root}/packages/core/dist/index.js`)
const t = require('io-ts')
// BENCH_SMOKE=1: token sizes, to show the benchmark still runs; its figures mean nothing.
const SMOKE = process.env.BENCH_SMOKE === '1'
const APPENDS = SMOKE ? 200 : 20_000
const OTHER_STREAMS = SMOKE ? 1_000 : 100_000
const ROUNDS = SMOKE ? 1 : 5
const DECODES = SMOKE ? 1_000 : 200_000

const metadata = {
  actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' },
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2026-04-01T09:00:00Z',
}
const event = (n) => ({ eventId: randomUUID(), type: 'bench.ThingHappened', schemaVersion: 1, data: { n }, metadata })

const time = async (label, n, fn) => {
  const start = performance.now()
  await fn()
  const ms = performance.now() - start
  return { label, n, ms, perSecond: (n / ms) * 1000 }
}

// --- append cost against the number of streams ---
const appendRun = async (existingStreams) => {
  const store = core.createMemoryEventStore()
  for (let i = 0; i < existingStreams; i++)
    await store.appendToStream(`bench.other-${i}`, [event(i)], { expectedRevision: 'noStream' })
  const N = APPENDS
  const events = Array.from({ length: N }, (_, i) => event(i))
  return time(`append 1 event, ${existingStreams.toLocaleString('en-GB')} other streams`, N, async () => {
    for (let i = 0; i < N; i++)
      await store.appendToStream(`bench.target-${i % 100}`, [events[i]], { expectedRevision: 'any' })
  })
}

// --- decode cost ---
const GrantAwarded = core.defineEvent({
  type: 'grants.GrantAwarded',
  codec: t.type({
    grantId: core.NonEmptyString,
    awardedOn: core.IsoDate,
    decidedAt: core.IsoDateTime,
    amount: core.Money,
    areas: t.array(core.AreaRef),
  }),
})
const catalog = core.eventCatalog(GrantAwarded)
const stored = JSON.stringify({
  grantId: 'g-1',
  awardedOn: '2026-04-01',
  decidedAt: '2026-04-01T10:15:00.000Z',
  amount: { amount: 1_250_000, currency: 'GBP' },
  areas: [{ code: 'E01017994', type: 'lsoa', vintage: '2021' }],
})

// The same shape with the dates turned into Date objects on decode, as DateFromISOString does.
const DateFromIso = new t.Type(
  'DateFromIso',
  (u) => u instanceof Date,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c)
    const d = new Date(u)
    return Number.isNaN(d.getTime()) ? t.failure(u, c) : t.success(d)
  },
  (d) => d.toISOString(),
)
const transforming = core.eventCatalog(
  core.defineEvent({
    type: 'grants.GrantAwarded',
    codec: t.type({
      grantId: core.NonEmptyString,
      awardedOn: DateFromIso,
      decidedAt: DateFromIso,
      amount: core.Money,
      areas: t.array(core.AreaRef),
    }),
  }),
)

const decodeRuns = async () => {
  const N = DECODES
  const parse = await time('JSON.parse only', N, async () => {
    for (let i = 0; i < N; i++) JSON.parse(stored)
  })
  const decode = await time('JSON.parse + catalog.decode', N, async () => {
    for (let i = 0; i < N; i++) {
      const result = catalog.decode({ type: 'grants.GrantAwarded', schemaVersion: 1, data: JSON.parse(stored) })
      if (result._tag !== 'Right') throw new Error('decode failed')
    }
  })
  const dates = await time('JSON.parse + decode with Date objects', N, async () => {
    for (let i = 0; i < N; i++) {
      const result = transforming.decode({ type: 'grants.GrantAwarded', schemaVersion: 1, data: JSON.parse(stored) })
      if (result._tag !== 'Right') throw new Error('decode failed')
    }
  })
  return [parse, decode, dates]
}

// Alternate the two cases over several rounds and keep each one's median: a single run is at the
// mercy of the JIT warming up and of when the collector runs in the larger heap.
const median = (runs) => [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]
await appendRun(0)
const few = []
const many = []
for (let round = 0; round < ROUNDS; round++) {
  few.push(await appendRun(0))
  many.push(await appendRun(OTHER_STREAMS))
}
const rows = [median(few), median(many)]
await decodeRuns()
const [parse, decode, dates] = await decodeRuns()
const fmt = (r) => `${r.label.padEnd(44)} ${Math.round(r.perSecond).toLocaleString('en-GB').padStart(12)} /s`
if (SMOKE) console.log('BENCH_SMOKE=1: token sizes, to show every case runs; these figures mean nothing')
console.log(`node ${process.version}, ${new Date().toISOString()}`)
for (const r of [...rows, parse, decode, dates]) console.log(fmt(r))
console.log(
  `append rate with ${OTHER_STREAMS.toLocaleString('en-GB')} streams / with none (median of ${ROUNDS}): ${(rows[1].perSecond / rows[0].perSecond).toFixed(2)}`,
)
console.log(
  `time to parse and decode / time to parse: ${(parse.perSecond / decode.perSecond).toFixed(2)}× (ISO strings), ${(parse.perSecond / dates.perSecond).toFixed(2)}× (Date objects)`,
)
