// Rebuilding read models from a SQLite ledger: four document-store projections with io-ts decoding,
// against the bare scan of the same rows with JSON.parse, in one run. Targets: the rebuild of 1M
// events takes at most 1.5× the bare scan, and its peak memory does not grow with the log.
//
// For each log size the ledger is written by one process (through the store, 1000 events per
// transaction), then measured by a fresh one, so the writer's memory does not count:
//   bare   better-sqlite3 iterating `SELECT … FROM events JOIN streams ORDER BY position` and
//          JSON.parse of each row's data and metadata: the least any rebuild must do
//   ours   createProjectionRunner over the store with four projections (defineProjection, io-ts
//          codecs), from an empty read model to the head, batches of 1000 events
//   empty apply  the same runner with the same projections' apply left empty: the runner's own cost
//   least rebuild  the least a rebuild of the same read models can do (bareRebuild below): the
//          bare scan, the projections' rules on plain objects, the documents written a batch at a time
// Peak memory is the measuring process's VmHWM (resident high-water mark) after the rebuild.
//
// Setup, once:  npm run build
// Run:          node bench/projections.mjs            (100k and 1M events, 3 rounds each; about 5 minutes)
//               node bench/projections.mjs --child rebuild <ledger>   (the rebuild alone, to profile)
//               node bench/projections.mjs 20000      (one size)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { populate } from './log.mjs'
import { recordTargets } from './targets.mjs'

const require = createRequire(import.meta.url)
const here = fileURLToPath(import.meta.url)

// --- the projections: what a grants and volunteering dashboard keeps ---

/** The checkouts measured: this one, and the one BENCH_BEFORE names (a built checkout), if any. */
const ROOT = new URL('..', import.meta.url).pathname
const BEFORE = process.env.BENCH_BEFORE

const projectionsModule = (root = ROOT, empty = false) => {
  const fromRoot = createRequire(join(root, 'package.json'))
  const t = fromRoot('io-ts')
  const core = fromRoot(join(root, 'packages/core/dist/index.js'))
  const { AreaRef, IsoDate, Money, NonEmptyString, defineCollection, defineEvent, defineProjection } = core
  const Org = t.type({ orgId: NonEmptyString, name: NonEmptyString })
  const Submitted = defineEvent({
    type: 'grants.ApplicationSubmitted',
    codec: t.type({
      applicationId: NonEmptyString,
      fundId: NonEmptyString,
      applicant: Org,
      requested: Money,
      ward: AreaRef,
      title: t.string,
      submittedOn: IsoDate,
    }),
  })
  const Awarded = defineEvent({
    type: 'grants.GrantAwarded',
    codec: t.type({
      applicationId: NonEmptyString,
      fundId: NonEmptyString,
      amount: Money,
      ward: AreaRef,
      conditions: t.array(t.string),
      awardedOn: IsoDate,
    }),
  })
  const Withdrawn = defineEvent({
    type: 'grants.GrantWithdrawn',
    codec: t.type({ applicationId: NonEmptyString, reason: t.string }),
  })
  const Hours = defineEvent({
    type: 'volunteers.HoursLogged',
    codec: t.type({
      volunteerId: NonEmptyString,
      placementId: NonEmptyString,
      date: IsoDate,
      hours: t.number,
      ward: AreaRef,
    }),
  })
  const funds = defineCollection('fund-totals')
  const wards = defineCollection('ward-totals')
  const applications = defineCollection('applications', { indexes: ['fundId', 'status'] })
  const hours = defineCollection('hours-by-month', { indexes: ['month'] })
  const add = async (collection, id, seed, change) => {
    const before = (await collection.get(id)) ?? seed
    await collection.put(id, change(before))
  }
  const all = [
    defineProjection({
      name: 'fund-totals',
      version: 1,
      events: [Awarded, Withdrawn, Submitted],
      collections: [funds],
      apply: async (e, ctx) => {
        const c = ctx.collection(funds)
        if (e.type === 'grants.ApplicationSubmitted')
          await add(c, e.data.fundId, { applied: 0, awarded: 0, pence: 0 }, (d) => ({ ...d, applied: d.applied + 1 }))
        else if (e.type === 'grants.GrantAwarded')
          await add(c, e.data.fundId, { applied: 0, awarded: 0, pence: 0 }, (d) => ({
            ...d,
            awarded: d.awarded + 1,
            pence: d.pence + e.data.amount.amount,
          }))
      },
    }),
    defineProjection({
      name: 'ward-totals',
      version: 1,
      events: [Awarded, Hours],
      collections: [wards],
      apply: async (e, ctx) => {
        const c = ctx.collection(wards)
        await add(c, e.data.ward.code, { grants: 0, pence: 0, hours: 0 }, (d) =>
          e.type === 'grants.GrantAwarded'
            ? { ...d, grants: d.grants + 1, pence: d.pence + e.data.amount.amount }
            : { ...d, hours: d.hours + e.data.hours },
        )
      },
    }),
    defineProjection({
      name: 'applications',
      version: 1,
      events: [Submitted, Awarded, Withdrawn],
      collections: [applications],
      apply: async (e, ctx) => {
        const c = ctx.collection(applications)
        const id = e.data.applicationId
        if (e.type === 'grants.ApplicationSubmitted')
          await c.put(id, {
            fundId: e.data.fundId,
            applicant: e.data.applicant.name,
            requested: e.data.requested.amount,
            status: 'submitted',
          })
        else
          await add(c, id, { fundId: '', status: 'unknown' }, (d) =>
            e.type === 'grants.GrantAwarded'
              ? { ...d, status: 'awarded', awarded: e.data.amount.amount }
              : { ...d, status: 'withdrawn' },
          )
      },
    }),
    defineProjection({
      name: 'hours-by-month',
      version: 1,
      events: [Hours],
      collections: [hours],
      apply: async (e, ctx) => {
        const month = e.data.date.slice(0, 7)
        await add(ctx.collection(hours), `${e.data.volunteerId}/${month}`, { month, hours: 0, entries: 0 }, (d) => ({
          ...d,
          hours: d.hours + e.data.hours,
          entries: d.entries + 1,
        }))
      },
    }),
  ]
  // Empty: the same projections under names of their own, with no collections and an empty apply,
  // which measures the runner's own cost (reading, freezing, decoding, checkpoints) on the same log.
  // CIVIC_LEDGER_BENCH_NOOP=1 makes every rebuild of the run one of these.
  return empty || process.env['CIVIC_LEDGER_BENCH_NOOP'] === '1'
    ? all.map((p) => ({ ...p, name: `${p.name}-empty`, collections: [], apply: () => undefined }))
    : all
}

// --- the child processes ---

/** better-sqlite3 as our store loads it: the bare scan uses the same build of the driver. */
const storeDriver = () =>
  require(createRequire(require.resolve('../packages/store-sqlite/dist/index.js')).resolve('better-sqlite3'))

const bareScan = (path) => {
  const Database = storeDriver()
  const db = new Database(path, { readonly: true })
  const started = performance.now()
  let rows = 0
  let check = 0
  for (const row of db
    .prepare(
      'SELECT e.position, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, s.name FROM events e JOIN streams s ON s.id = e.stream ORDER BY e.position',
    )
    .iterate()) {
    const data = JSON.parse(row.data)
    const metadata = JSON.parse(row.metadata)
    check += data === null || metadata === null ? 0 : 1
    rows++
  }
  db.close()
  if (check !== rows) throw new Error('the scan lost rows')
  return { ms: performance.now() - started, rows }
}

/**
 * The least a rebuild of the same four read models can do, as a floor: the bare scan, each event
 * applied by the same rules to plain objects changed in place, the documents a batch of 1000 events
 * touches read once (from the batch or the table) and written back as JSON in one transaction with
 * the batch's checkpoint, on a second connection (WAL, synchronous=NORMAL, as read models are
 * written). No decoding, no freezing, no second thread, no index beyond each table's key.
 */
const bareRebuild = (path) => {
  const Database = storeDriver()
  const reader = new Database(path, { readonly: true })
  const writer = new Database(path)
  writer.pragma('synchronous = NORMAL')
  const names = ['fund_totals', 'ward_totals', 'applications', 'hours_by_month']
  for (const name of names)
    writer.exec(
      `DROP TABLE IF EXISTS rm_bare_${name}; CREATE TABLE rm_bare_${name} (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID`,
    )
  writer.exec(
    'DROP TABLE IF EXISTS rm_bare_checkpoint; CREATE TABLE rm_bare_checkpoint (id INTEGER PRIMARY KEY, position INTEGER NOT NULL)',
  )
  const checkpoint = writer.prepare(
    'INSERT INTO rm_bare_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
  )
  const started = performance.now()
  const tables = Object.fromEntries(
    names.map((name) => [
      name,
      {
        get: writer.prepare(`SELECT doc FROM rm_bare_${name} WHERE id = ?`).pluck(),
        put: writer.prepare(
          `INSERT INTO rm_bare_${name} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
        ),
        batch: new Map(),
      },
    ]),
  )
  /** The document `id` of `table` as the batch has it, read from the table once a batch, or `seed`. */
  const doc = (table, id, seed) => {
    const t = tables[table]
    let found = t.batch.get(id)
    if (found === undefined) {
      const text = t.get.get(id)
      found = text === undefined ? seed() : JSON.parse(text)
      t.batch.set(id, found)
    }
    return found
  }
  const flush = writer.transaction((position) => {
    for (const t of Object.values(tables)) {
      for (const [id, d] of t.batch) t.put.run(id, JSON.stringify(d))
      t.batch.clear()
    }
    checkpoint.run(position)
  })
  const fund = () => ({ applied: 0, awarded: 0, pence: 0 })
  const ward = () => ({ grants: 0, pence: 0, hours: 0 })
  let rows = 0
  let position = 0
  for (const row of reader
    .prepare('SELECT e.position, e.type, e.data, e.metadata FROM events e ORDER BY e.position')
    .iterate()) {
    const data = JSON.parse(row.data)
    JSON.parse(row.metadata)
    position = row.position
    switch (row.type) {
      case 'grants.ApplicationSubmitted':
        doc('fund_totals', data.fundId, fund).applied++
        tables.applications.batch.set(data.applicationId, {
          fundId: data.fundId,
          applicant: data.applicant.name,
          requested: data.requested.amount,
          status: 'submitted',
        })
        break
      case 'grants.GrantAwarded': {
        const f = doc('fund_totals', data.fundId, fund)
        f.awarded++
        f.pence += data.amount.amount
        const w = doc('ward_totals', data.ward.code, ward)
        w.grants++
        w.pence += data.amount.amount
        const a = doc('applications', data.applicationId, () => ({ fundId: '', status: 'unknown' }))
        a.status = 'awarded'
        a.awarded = data.amount.amount
        break
      }
      case 'grants.GrantWithdrawn':
        doc('applications', data.applicationId, () => ({ fundId: '', status: 'unknown' })).status = 'withdrawn'
        break
      case 'volunteers.HoursLogged': {
        doc('ward_totals', data.ward.code, ward).hours += data.hours
        const month = data.date.slice(0, 7)
        const h = doc('hours_by_month', `${data.volunteerId}/${month}`, () => ({ month, hours: 0, entries: 0 }))
        h.hours += data.hours
        h.entries++
        break
      }
    }
    if (++rows % 1_000 === 0) flush(position)
  }
  flush(position)
  const ms = performance.now() - started
  const funds = writer.prepare('SELECT count(*) FROM rm_bare_fund_totals').pluck().get()
  reader.close()
  writer.close()
  return { ms, rows, funds }
}

const rebuild = async (path, root = ROOT, empty = false) => {
  const { openSqliteEventStore } = require(join(root, 'packages/store-sqlite/dist/index.js'))
  const { createProjectionRunner } = require(join(root, 'packages/core/dist/index.js'))
  const store = await openSqliteEventStore({
    path,
    // CIVIC_LEDGER_BENCH_READ_AHEAD=0: without the read-ahead thread, to see what it brings.
    ...(process.env['CIVIC_LEDGER_BENCH_READ_AHEAD'] === '0' ? { readAhead: false } : {}),
  })
  const runner = createProjectionRunner({ store, projections: projectionsModule(root, empty), batchSize: 1_000 })
  const started = performance.now()
  await runner.start()
  const head = await runner.waitUntilCaughtUp({ timeoutMs: 3_600_000 })
  const ms = performance.now() - started
  const funds = empty ? [] : await runner.query('fund-totals', { name: 'fund-totals', indexes: [] }).find()
  await runner.stop()
  await store.close()
  return { ms, head, funds: funds.length }
}

const peakRssMb = () => {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'))
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024
}

/** Drops what a rebuild wrote, so the next round starts from empty read models on the same log. */
const dropReadModels = (path) => {
  const Database = storeDriver()
  const db = new Database(path)
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 3) = 'rm_'").all()
  db.exec('BEGIN')
  for (const { name } of tables) db.exec(`DROP TABLE "${name}"`)
  db.exec('DELETE FROM projection_checkpoints; DELETE FROM projection_parked; COMMIT')
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
}

const child = async (mode, path, total, round) => {
  if (mode === 'populate') return populate(path, Number(total))
  // The same log, written by the BENCH_BEFORE checkout's store (its own schema version).
  if (mode === 'populate-before') return populate(path, Number(total), 0, BEFORE)
  if (mode === 'reset') return dropReadModels(path)
  // For profiling the rebuild alone: node bench/projections.mjs --child rebuild <ledger file>
  if (mode === 'rebuild') return process.stdout.write(`${JSON.stringify(await rebuild(path))}\n`)
  const bare1 = bareScan(path)
  // With a checkout to compare: both rebuilds in this process, in turns (which goes first alternates
  // by round), each on its own copy of the log; peak memory is the first rebuild's.
  const order = BEFORE !== undefined && Number(round) % 2 === 0 ? ['before', 'ours'] : ['ours', 'before']
  const timed = {}
  let peak = 0
  for (const who of order) {
    if (who === 'before' && BEFORE === undefined) continue
    timed[who] = who === 'ours' ? await rebuild(path) : await rebuild(`${path}.before`, BEFORE)
    if (peak === 0) peak = peakRssMb()
  }
  // The floors of the rebuild, over the same log in the same process: the runner with empty
  // projections, and the least work a rebuild of these read models can do.
  const empty = process.env['CIVIC_LEDGER_BENCH_NOOP'] === '1' ? undefined : await rebuild(path, ROOT, true)
  const least = bareRebuild(path)
  if (least.funds !== timed.ours.funds)
    throw new Error(`the bare rebuild kept ${least.funds} funds, ours ${timed.ours.funds}`)
  const bare2 = bareScan(path)
  process.stdout.write(
    `${JSON.stringify({ bare: Math.min(bare1.ms, bare2.ms), rows: bare1.rows, ours: timed.ours, before: timed.before, empty, least, peak })}\n`,
  )
}

// --- the parent ---

const run = (args) => {
  const result = spawnSync(process.execPath, ['--max-old-space-size=8192', here, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (result.status !== 0) throw new Error(`child ${args.join(' ')} failed`)
  return result.stdout
}

// The host's speed can drift by more than the effects measured here within minutes: each size is
// measured in several rounds, each a fresh process timing the bare scan and a rebuild from empty
// read models, and the median ratio is the result. CIVIC_LEDGER_BENCH_ROUNDS sets how many (3).
const ROUNDS = Number(process.env['CIVIC_LEDGER_BENCH_ROUNDS'] ?? 3)

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const main = () => {
  const sizes = process.argv[2] === undefined ? [100_000, 1_000_000] : [Number(process.argv[2])]
  console.log('rebuild of four document-store projections (io-ts decoding) vs bare scan + JSON.parse, SQLite')
  console.log(
    'events     round   bare scan   rebuild    ratio   rebuild events/s   peak RSS   empty apply    ratio   least rebuild    ratio',
  )
  let largest
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-bench-projections-'))
    try {
      const path = join(dir, 'ledger.db')
      run(['--child', 'populate', path, String(size)])
      if (BEFORE !== undefined) run(['--child', 'populate-before', `${path}.before`, String(size)])
      const ratios = []
      const floors = []
      const leasts = []
      const afterBefore = []
      for (let round = 1; round <= ROUNDS; round++) {
        if (round > 1) run(['--child', 'reset', path])
        if (round > 1 && BEFORE !== undefined) run(['--child', 'reset', `${path}.before`])
        // Let the kernel write the file back first: writeback of a freshly written ledger running
        // under the measurements moved them by half from run to run.
        spawnSync('sync')
        const r = JSON.parse(run(['--child', 'measure', path, String(size), String(round)]))
        if (r.before !== undefined) afterBefore.push(r.ours.ms / r.before.ms)
        if (r.ours.head !== r.rows) throw new Error(`rebuilt to ${r.ours.head} of ${r.rows} events`)
        ratios.push(r.ours.ms / r.bare)
        if (r.empty !== undefined) floors.push(r.empty.ms / r.bare)
        leasts.push(r.least.ms / r.bare)
        const timedAgainstBare = (ms, width) =>
          `${(ms / 1000).toFixed(2).padStart(width)} s  ${(ms / r.bare).toFixed(2).padStart(6)}×`
        const floor = `${r.empty === undefined ? ' '.repeat(20) : timedAgainstBare(r.empty.ms, 9)}  ${timedAgainstBare(r.least.ms, 12)}`
        console.log(
          `${String(size).padStart(9)}  ${String(round).padStart(6)}  ${(r.bare / 1000).toFixed(2).padStart(8)} s  ${(r.ours.ms / 1000).toFixed(2).padStart(7)} s  ${(r.ours.ms / r.bare).toFixed(2).padStart(6)}×  ${Math.round(
            r.rows / (r.ours.ms / 1000),
          )
            .toLocaleString('en-GB')
            .padStart(16)}   ${r.peak.toFixed(0).padStart(5)} MB  ${floor}`,
        )
      }
      console.log(
        `${String(size).padStart(9)}  median ratio of ${ROUNDS} rounds: ${median(ratios).toFixed(2)}×${floors.length > 0 ? `; with empty apply ${median(floors).toFixed(2)}×` : ''}; the least rebuild ${median(leasts).toFixed(2)}×`,
      )
      largest = {
        size,
        ratio: median(ratios),
        empty: floors.length > 0 ? median(floors) : NaN,
        least: median(leasts),
      }
      if (afterBefore.length > 0)
        console.log(
          `${String(size).padStart(9)}  rebuild time, this checkout / BENCH_BEFORE: ${afterBefore.map((x) => x.toFixed(2)).join(', ')} (median ${median(afterBefore).toFixed(2)}×; below 1 is faster)`,
        )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  if (largest !== undefined && process.env['CIVIC_LEDGER_BENCH_NOOP'] !== '1')
    recordTargets('projections', [
      {
        name: `Rebuild of ${largest.size.toLocaleString('en-GB')} events / bare scan and parse`,
        measured: largest.ratio,
        target: 1.5,
        at: 'most',
        unit: '×',
        floors: [
          {
            value: largest.least,
            name: 'the least rebuild: the bare scan, the same rules on plain objects, the documents written a batch at a time',
          },
          {
            value: largest.empty,
            name: 'our runner with empty projections (reading, freezing, decoding, checkpoints)',
          },
        ],
      },
    ])
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], process.argv[5], process.argv[6])
else main()
