// The audit chain's costs on SQLite: `verify` of a whole ledger (target: at least 200k events/s
// for 1M events, with memory that does not grow with the log), then sealing, exporting and
// importing the same ledger, each timed. What the chain adds to appends is measured in
// bench/sqlite.mjs (bare over bare-nochain), where the append workloads are.
//
// For each log size the ledger (bench/log.mjs) is written by one process and measured by a fresh
// one, so the writer's memory does not count. Peak memory is the measuring process's VmHWM.
//
// Setup, once:  npm run build
// Run:          node bench/audit.mjs             (100k and 1M events; about 3 minutes)
//               node bench/audit.mjs 20000       (one size)
//               BENCH_ROOT=<another built checkout> node bench/audit.mjs   (that checkout's packages)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { populate } from './log.mjs'
import { recordTargets } from './targets.mjs'

const require = createRequire(import.meta.url)
const here = fileURLToPath(import.meta.url)
const ROOT = process.env.BENCH_ROOT ?? new URL('..', import.meta.url).pathname

const peakRssMb = () => {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'))
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024
}

const timed = async (work) => {
  const started = performance.now()
  const result = await work()
  return { ms: performance.now() - started, result }
}

const measure = async (path, dir) => {
  const { openSqliteEventStore } = require(join(ROOT, 'packages/store-sqlite/dist/index.js'))
  const { verifyLedger, sealLedger, exportLedger, importLedger } = require(join(ROOT, 'packages/core/dist/index.js'))
  const store = await openSqliteEventStore({ path })
  const verify = await timed(() => verifyLedger(store))
  if (!verify.result.ok) throw new Error(`verify failed: ${verify.result.failure?.message}`)
  const peak = peakRssMb()
  const oneThread = await timed(() => verifyLedger(store, { threads: 0 }))
  const actor = { id: 'auditor-1', organisation: 'GB-LAE-CAM', role: 'auditor' }
  const seal = await timed(() => sealLedger(store, { actor }))
  const file = join(dir, 'ledger.ndjson')
  const exported = await timed(() => exportLedger(store, file))
  const target = await openSqliteEventStore({ path: join(dir, 'imported.db'), synchronous: 'NORMAL' })
  const imported = await timed(() => importLedger(target, file))
  const again = await verifyLedger(target, { sealFiles: [exported.result.seal] })
  if (!again.ok) throw new Error(`the imported ledger does not verify: ${again.failure?.message}`)
  await target.close()
  await store.close()
  return {
    events: verify.result.events,
    streams: verify.result.streams,
    verifyMs: verify.ms,
    oneThreadMs: oneThread.ms,
    peak,
    sealMs: seal.ms,
    exportMs: exported.ms,
    exportBytes: statSync(file).size,
    importMs: imported.ms,
  }
}

const child = async (mode, path, total, streams) => {
  if (mode === 'populate') return populate(path, Number(total), Number(streams ?? 0), ROOT)
  process.stdout.write(`${JSON.stringify(await measure(path, mode))}\n`)
}

const run = (args) => {
  const result = spawnSync(process.execPath, [here, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (result.status !== 0) throw new Error(`child ${args.join(' ')} failed`)
  return result.stdout
}

const rate = (events, ms) => Math.round(events / (ms / 1000)).toLocaleString('en-GB')

const main = () => {
  const sizes = process.argv[2] === undefined ? [100_000, 1_000_000] : [Number(process.argv[2])]
  console.log(`node ${process.version}; SQLite ledger, synchronous=FULL for the measured store`)
  console.log(
    'events     streams   verify       verify ev/s   (1 thread)   peak RSS   seal      export (MB)           import (verified after)',
  )
  const verified = []
  // Two shapes of log: the generator's own (streams grow with the log) and 5,000 long streams
  // (memory must then stay flat as the log grows, since verify keeps one head per stream).
  for (const [size, streams] of sizes.flatMap((size) => [
    [size, 0],
    [size, 5_000],
  ])) {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-bench-audit-'))
    try {
      const path = join(dir, 'ledger.db')
      run(['--child', 'populate', path, String(size), String(streams)])
      const r = JSON.parse(run(['--child', dir, path]))
      if (r.events !== size) throw new Error(`verified ${r.events} of ${size} events`)
      verified.push({ size, streams: r.streams, rate: r.events / (r.verifyMs / 1000) })
      console.log(
        [
          String(size).padStart(9),
          String(r.streams).padStart(9),
          `${(r.verifyMs / 1000).toFixed(2)} s`.padStart(8),
          rate(r.events, r.verifyMs).padStart(16),
          rate(r.events, r.oneThreadMs).padStart(11),
          `${r.peak.toFixed(0)} MB`.padStart(9),
          `${(r.sealMs / 1000).toFixed(2)} s`.padStart(8),
          `${(r.exportMs / 1000).toFixed(2)} s (${(r.exportBytes / 1e6).toFixed(0)})`.padStart(18),
          `${(r.importMs / 1000).toFixed(2)} s, ${rate(r.events, r.importMs)} ev/s`.padStart(28),
        ].join('  '),
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const largest = Math.max(...sizes)
  recordTargets(
    'audit',
    verified
      .filter((v) => v.size === largest)
      .map((v) => ({
        name: `\`verify\` of ${largest.toLocaleString('en-GB')} events in ${v.streams.toLocaleString('en-GB')} streams, events/s`,
        measured: v.rate,
        target: 200_000,
        unit: 'n',
      })),
  )
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5], process.argv[6])
else main()
