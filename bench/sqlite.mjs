// The SQLite EventStore against its nearest peer and against the bare driver, on the same workloads
// in one run, with the ratios the project targets.
//
// Contenders, each on its own fresh file per workload:
//   ours         @civic-ledger/store-sqlite (better-sqlite3; WAL, synchronous=FULL, group commit)
//   bare         better-sqlite3 doing our store's SQL per append (BEGIN IMMEDIATE; select the stream
//                and its head; insert stream if new; insert events; COMMIT), on our
//                schema and pragmas, without our argument checks, savepoints or queue
//   emmett       @event-driven-io/emmett-sqlite's getSQLiteEventStore({ fileName }), as an
//                application uses it (it opens and closes a sqlite3 connection per operation)
//   emmett-conn  Emmett's exported appendToStream/readStream on one long-lived sqliteConnection,
//                with synchronous=FULL set on it: Emmett's SQL without the per-operation connection
//
// Setup, once:  npm run build && npm install --prefix bench
// Run:          node bench/sqlite.mjs
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { performance } from 'node:perf_hooks'
import { recordTargets } from './targets.mjs'

const require = createRequire(import.meta.url)
const { openSqliteEventStore } = require('../packages/store-sqlite/dist/index.js')
const { GENESIS_HASH, canonicalJson, chainHash } = require('../packages/core/dist/index.js')

// ours-nochain: our store with the chain's computations switched off (canonical JSON replaced by
// JSON.stringify, each event's SHA-256 skipped; the hash column still written, with a constant).
// Without the chain a store would still check each event's data and metadata (findNonJson) before
// writing JSON.stringify's text; with it, the check and the canonical ordering are one walk
// (checkedCanonicalJson). It is a second copy of our
// packages, loaded apart, so that neither store's code ever calls the other's functions (switching
// them around each append made the calls polymorphic, and cost both). bare and bare-nochain took
// their own copies above.
const isOurDist = (id) => id.includes(`${sep}packages${sep}`) && id.includes(`${sep}dist${sep}`)
const openNoChainStore = (() => {
  const first = Object.entries(require.cache).filter(([id]) => isOurDist(id))
  for (const [id] of first) delete require.cache[id]
  const core = require('../packages/core/dist/index.js')
  const { GENESIS_HASH: zero, InvalidArgumentError, findNonJson } = core
  require('../packages/core/dist/port/chain.js').chainHash = () => zero
  require('../packages/core/dist/kernel/canonical.js').checkedCanonicalJson = (value, argument) => {
    const name = typeof argument === 'function' ? argument() : argument
    const problem = findNonJson(value, name)
    if (problem !== undefined) throw new InvalidArgumentError(name, problem)
    return JSON.stringify(value)
  }
  const open = require('../packages/store-sqlite/dist/index.js').openSqliteEventStore
  for (const [id] of Object.entries(require.cache).filter(([id]) => isOurDist(id))) delete require.cache[id]
  for (const [id, module] of first) require.cache[id] = module
  if (open === openSqliteEventStore) throw new Error('ours-nochain must be a copy of its own')
  return open
})()
const requireFromStore = createRequire(require.resolve('../packages/store-sqlite/dist/index.js'))
const StoreDriver = requireFromStore('better-sqlite3') // the copy our store loads
const BareDriver = require('better-sqlite3') // bench/node_modules: the bare contender
const sqlite3 = require('sqlite3')
const emmett = await import('@event-driven-io/emmett-sqlite')

// --- sizes (on a 2-core VM whose fsyncs take 0.3–3 ms the whole file runs in about 2 minutes) ---
// Each case is measured in many short rounds, the contenders taking turns (their order rotating):
// fsync latency on a shared disk drifts by several times within seconds, and short turns expose
// every contender to the same drift. A contender's rate is its operations over its measured time,
// summed over its rounds; CPU is the process's user+system time over the same rounds.
// BENCH_SMOKE=1: every case and contender at a token size, to show the benchmark still runs; its
// figures mean nothing.
const SMOKE = process.env.BENCH_SMOKE === '1'
const SINGLE = SMOKE ? { warmup: 2, rounds: 2, ops: 2, streams: 4 } : { warmup: 100, rounds: 60, ops: 30, streams: 100 } // 1-event appends, awaited one by one
const TEN = SMOKE
  ? { warmup: 2, rounds: 2, ops: 2, streams: 4, size: 10 }
  : { warmup: 50, rounds: 60, ops: 15, streams: 100, size: 10 } // 10-event appends
const READ = SMOKE
  ? { streams: 2, length: 100, warmup: 2, rounds: 2, ops: 2 }
  : { streams: 20, length: 100, warmup: 100, rounds: 30, ops: 60 } // reads of a 100-event stream
const BIG = SMOKE ? { warmup: 1, rounds: 2, ops: 1, size: 1_000 } : { warmup: 2, rounds: 32, ops: 2, size: 1_000 } // appends of 1000 events, one transaction each
const CONCURRENT = SMOKE
  ? { appenders: 32, warmup: 1, rounds: 2, perAppender: 1 }
  : { appenders: 32, warmup: 10, rounds: 24, perAppender: 15 } // 32 appenders, 1 event each
const FRAMES = SMOKE ? { warmup: 10, appends: 10 } : { warmup: 200, appends: 300 } // WAL frames a commit
const PAUSE_MS = 20 // before each round, so the previous contender's background I/O settles

// --- the payload: a grants event with full metadata (about 750 characters of JSON) ---
const COUNCIL = 'GB-LAE-CAM'
const grantAwarded = (n) => ({
  eventId: randomUUID(),
  type: 'grants.GrantAwarded',
  schemaVersion: 1,
  data: {
    grantId: `grant-${n}`,
    applicationId: `application-${n}`,
    fundId: 'community-resilience-2026',
    awardedOn: '2026-04-01',
    decidedAt: '2026-04-01T10:15:00.000Z',
    amount: { amount: 1_250_000 + n, currency: 'GBP' },
    areas: [
      { code: 'E01017994', type: 'lsoa', vintage: '2021' },
      { code: 'E02003718', type: 'msoa', vintage: '2021' },
    ],
    conditions: ['Quarterly monitoring returns', 'Acknowledge the council in publicity'],
    panel: { decisionRef: `PANEL-2026-04-${n % 97}`, members: ['officer-1', 'officer-7', 'councillor-3'] },
  },
  metadata: {
    actor: { id: 'officer-1', organisation: COUNCIL, role: 'grants-officer' },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: '2026-04-01T10:15:00.000Z',
  },
})
const batchOf = (size, n) => Array.from({ length: size }, (_, i) => grantAwarded(n * size + i))
const streamName = (i) => `grants.application-${i}`

// --- contenders ---
// Each opens a file and offers append(stream, events, eventsInStreamBefore) and read(stream) -> count.
// Events are converted to the contender's own shape before timing (prepare).

const oursContender = (name, open) => ({
  name,
  open: async (path) => {
    const store = await open({ path })
    return {
      prepare: (events) => events,
      append: (stream, events, before) =>
        store.appendToStream(stream, events, { expectedRevision: before === 0 ? 'noStream' : before - 1 }),
      read: async (stream) => {
        let n = 0
        for await (const _ of store.readStream(stream)) n++
        return n
      },
      stats: () => store.writeStats?.(),
      close: () => store.close(),
    }
  },
})
const ours = oursContender('ours', openSqliteEventStore)
const oursNoChain = oursContender('ours-nochain', openNoChainStore)
// before: our store as another built checkout has it (BENCH_BEFORE=<its root>), measured in the same
// rounds as ours, for before/after ratios. It loads its own packages and its own better-sqlite3.
const BEFORE = process.env.BENCH_BEFORE
const before =
  BEFORE === undefined
    ? undefined
    : oursContender(
        'before',
        createRequire(join(BEFORE, 'package.json'))(join(BEFORE, 'packages/store-sqlite/dist/index.js'))
          .openSqliteEventStore,
      )
const withBefore = (list) => (before === undefined ? list : [...list, before])

const EVENT_COLUMNS =
  'e.position, e.revision, e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, s.name AS stream_name'

// bare: our SQL, hash chain included (data and metadata as canonical JSON, each event's position
// taken as the head + 1 and its hash computed before the insert, the stream's head hash updated).
// bare-nochain: the same without the chain (JSON.stringify, positions by rowid, no hashes): bare
// over bare-nochain is what the chain adds to an append.
const bareContender = (name, chained) => ({
  name,
  open: async (path) => {
    const db = new BareDriver(path)
    db.pragma('busy_timeout = 5000')
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('wal_autocheckpoint = 10000') // as our store sets it
    db.pragma('foreign_keys = ON')
    db.exec(
      `BEGIN IMMEDIATE; ${ourSchema.ddl}; PRAGMA user_version = ${ourSchema.userVersion}; PRAGMA application_id = ${ourSchema.applicationId}; COMMIT;`,
    )
    const begin = db.prepare('BEGIN IMMEDIATE')
    const commit = db.prepare('COMMIT')
    const rollback = db.prepare('ROLLBACK')
    // As our store (schema 6): the stream's head is its last event, from the top of its index.
    const selectStream = db.prepare(
      `SELECT s.id, coalesce(e.revision, -1) AS revision, e.hash AS head_hash FROM streams s
       LEFT JOIN events e ON e.position = (SELECT x.position FROM events x WHERE x.stream = s.id ORDER BY x.revision DESC LIMIT 1)
       WHERE s.name = ?`,
    )
    const insertStream = db.prepare('INSERT INTO streams (name) VALUES (?)')
    const insertEvent = chained
      ? db.prepare(
          'INSERT INTO events (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
      : db.prepare(
          'INSERT INTO events (stream, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
    const head = db.prepare('SELECT max(position) AS head FROM events')
    // Rows as arrays (raw mode), as our store reads them: cheaper than a row object each.
    const page = db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM events e JOIN streams s ON s.id = e.stream WHERE e.stream = ? AND e.revision BETWEEN ? AND ? AND e.position <= ? ORDER BY e.revision ASC LIMIT ?`,
      )
      .raw(true)
    return {
      prepare: (events) => events,
      append: async (stream, events, before) => {
        begin.run()
        try {
          const row = selectStream.get(stream)
          const actual = row?.revision ?? -1
          if (actual !== before - 1) throw new Error(`${stream} is at ${actual}, expected ${before - 1}`)
          const key = row?.id ?? Number(insertStream.run(stream).lastInsertRowid)
          const recordedAt = new Date().toISOString()
          let revision = actual
          let first = 0
          let last = 0
          if (chained) {
            let prev = row?.head_hash?.toString('hex') ?? GENESIS_HASH
            let position = head.get().head ?? 0
            for (const e of events) {
              revision++
              position++
              const fields = {
                eventId: e.eventId,
                streamId: stream,
                revision,
                position,
                type: e.type,
                schemaVersion: e.schemaVersion,
                data: canonicalJson(e.data),
                metadata: canonicalJson(e.metadata),
                recordedAt,
              }
              prev = chainHash(prev, fields)
              insertEvent.run(
                position,
                key,
                revision,
                e.eventId,
                e.type,
                e.schemaVersion,
                fields.data,
                fields.metadata,
                recordedAt,
                Buffer.from(prev, 'hex'),
              )
              if (first === 0) first = position
              last = position
            }
          } else {
            for (const e of events) {
              revision++
              last = Number(
                insertEvent.run(
                  key,
                  revision,
                  e.eventId,
                  e.type,
                  e.schemaVersion,
                  JSON.stringify(e.data),
                  JSON.stringify(e.metadata),
                  recordedAt,
                ).lastInsertRowid,
              )
              if (first === 0) first = last
            }
          }
          commit.run()
          return { firstRevision: actual + 1, lastRevision: revision, firstPosition: first, lastPosition: last }
        } catch (error) {
          rollback.run()
          throw error
        }
      },
      read: async (stream) => {
        const row = selectStream.get(stream)
        if (row === undefined) return 0
        const rows = page.all(row.id, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 500)
        const events = rows.map((r) => ({
          eventId: r[2],
          streamId: r[8],
          revision: r[1],
          position: r[0],
          type: r[3],
          schemaVersion: r[4],
          data: JSON.parse(r[5]),
          metadata: JSON.parse(r[6]),
          recordedAt: r[7],
        }))
        return events.length
      },
      close: async () => db.close(),
    }
  },
})
const bare = bareContender('bare', true)
const bareNoChain = bareContender('bare-nochain', false)

// bare-min: the floor. The smallest durable event table a store could have (UNIQUE(stream, version),
// no stream table, no event-id index, no chain), one autocommit INSERT per event (a multi-event
// append is one transaction of INSERTs), JSON.stringify in the timed part, the same pragmas.
// Ours is measured against it.
// bare-min-id: the same with a unique index on event ids, as the port's guarantee (an event id is
// stored once in the whole ledger) needs of any store: the floor for a store that keeps it.
const bareMinContender = (name, eventIdIndex) => ({
  name,
  open: async (path) => {
    const db = new BareDriver(path)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('wal_autocheckpoint = 10000')
    db.exec(
      `CREATE TABLE events (stream TEXT NOT NULL, version INTEGER NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, version))${
        eventIdIndex ? '; CREATE UNIQUE INDEX events_by_event_id ON events (event_id)' : ''
      }`,
    )
    const insert = db.prepare(
      'INSERT INTO events (stream, version, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    )
    const many = db.transaction((stream, events, before) => {
      for (let i = 0; i < events.length; i++) {
        const e = events[i]
        insert.run(stream, before + i, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata))
      }
    })
    return {
      prepare: (events) => events,
      append: async (stream, events, before) => {
        if (events.length === 1) {
          const e = events[0]
          insert.run(stream, before, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata))
        } else many.immediate(stream, events, before)
      },
      read: async () => 0,
      close: async () => db.close(),
    }
  },
})
const bareMin = bareMinContender('bare-min', false)
const bareMinId = bareMinContender('bare-min-id', true)

// Emmett's event shape: { type, data, metadata }; it assigns its own message ids. Its streams count
// events (version 0 = no stream), which is `before` here.
const toEmmett = (events) => events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata }))
const emmettCount = (stream) => (result) => {
  if (result.events.length > 0 && result.events[0].metadata.streamName !== stream) throw new Error('wrong stream')
  return result.events.length
}

// Emmett's COMMIT now and then fails with SQLITE_BUSY "cannot commit transaction - SQL statements in
// progress": its INSERT ... RETURNING runs through sqlite3's Database#get, whose statement is
// finalised on sqlite3's queue, which (not in serialize mode) can let the COMMIT step first.
// Nothing is written then, so the bench retries the append (the time counts) and reports how often.
const emmettRetries = { emmett: 0, 'emmett-conn': 0 }
const retryBusy = async (name, attempt) => {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt()
    } catch (error) {
      if (error?.code !== 'SQLITE_BUSY' || tries === 5) throw error
      emmettRetries[name]++
    }
  }
}

// Measured apart, after the others' rounds: each of its operations opens the file, and closing the
// last connection checkpoints the WAL and deletes it (about 5 fsyncs, 2 files created and deleted
// per append), partly after the operation has resolved; taking turns with it slowed the others'
// fsyncs several-fold on the disk this was written on.
const emmettStore = {
  name: 'emmett',
  apart: true,
  open: async (path) => {
    const store = emmett.getSQLiteEventStore({ fileName: path })
    return {
      prepare: toEmmett,
      append: (stream, events, before) =>
        retryBusy('emmett', () => store.appendToStream(stream, events, { expectedStreamVersion: BigInt(before) })),
      read: (stream) => store.readStream(stream).then(emmettCount(stream)),
      // getSQLiteEventStore has no close: it closes its connection after every operation.
      close: async () => {},
    }
  },
}

const emmettConnection = {
  name: 'emmett-conn',
  open: async (path) => {
    const connection = emmett.sqliteConnection({ fileName: path })
    await connection.command('PRAGMA synchronous = FULL')
    await emmett.createEventStoreSchema(connection)
    return {
      prepare: toEmmett,
      append: (stream, events, before) =>
        retryBusy('emmett-conn', async () => {
          const result = await emmett.appendToStream(connection, stream, 'grants.application', events, {
            expectedStreamVersion: BigInt(before),
          })
          if (!result.success) throw new Error(`append to ${stream} failed`)
          return result
        }),
      read: (stream) => emmett.readStream(connection, stream).then(emmettCount(stream)),
      // Emmett's connection.close() calls sqlite3's close without a callback; sqlite3 queues it.
      close: async () => connection.close(),
    }
  },
}

// --- harness ---

const root = mkdtempSync(join(tmpdir(), 'civic-ledger-bench-'))
let files = 0
const freshFile = (name) => join(root, `${String(++files).padStart(2, '0')}-${name}.db`)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Opens every contender on its own fresh file, runs `setup` and a warm-up on each, then `rounds`
 * measured rounds, the contenders' order rotating each round. Returns the median round per contender.
 */
const runCase = async (label, contenders, { setup, warmup, rounds, round, eventsPerOp }) => {
  const opened = []
  for (const c of contenders.filter((c) => onlyContenders === undefined || onlyContenders.includes(c.name))) {
    const api = await c.open(freshFile(c.name))
    const state = { counts: new Map(), n: 0 }
    if (setup) await setup(api, state)
    await warmup(api, state, c)
    opened.push({ c, api, state, rates: [], ops: 0, ms: 0, cpuMicros: 0 })
  }
  if (opened.some((o) => o.c.apart)) await sleep(1_000)
  const measure = async (o) => {
    const cpu = process.cpuUsage()
    const start = performance.now()
    const ops = await round(o.api, o.state, o.c)
    const ms = performance.now() - start
    const used = process.cpuUsage(cpu)
    o.rates.push((ops / ms) * 1000)
    o.ops += ops
    o.ms += ms
    o.cpuMicros += used.user + used.system
  }
  const together = opened.filter((o) => !o.c.apart)
  for (let r = 0; r < rounds; r++)
    for (let k = 0; k < together.length; k++) {
      await sleep(PAUSE_MS)
      await measure(together[(k + r) % together.length])
    }
  for (const o of opened.filter((o) => o.c.apart)) {
    await sleep(1_000)
    for (let r = 0; r < rounds; r++) {
      await sleep(PAUSE_MS)
      await measure(o)
    }
  }
  for (const o of opened) {
    o.stats = o.api.stats?.()
    await o.api.close()
  }
  await sleep(PAUSE_MS)
  return opened.map((o) => {
    const opsPerSecond = (o.ops / o.ms) * 1000
    const sorted = [...o.rates].sort((a, b) => a - b)
    return {
      label,
      contender: o.c.name,
      ops: o.ops / rounds,
      opsPerSecond,
      eventsPerSecond: opsPerSecond * eventsPerOp,
      cpuPerOp: o.cpuMicros / o.ops,
      median: sorted[Math.floor(rounds / 2)],
      spread: [sorted[Math.floor(rounds / 4)], sorted[Math.floor((3 * rounds) / 4)]],
      seconds: o.ms / 1000,
      rounds,
      stats: o.stats,
    }
  })
}

/** Appends `ops` batches of `size` events, one at a time, round-robin over `streams` streams. */
const sequentialAppends = (size, streams) => {
  const go = async (api, state, ops) => {
    const batches = Array.from({ length: ops }, (_, i) => api.prepare(batchOf(size, state.n + i)))
    for (let i = 0; i < ops; i++) {
      const stream = streamName((state.n + i) % streams)
      const before = state.counts.get(stream) ?? 0
      await api.append(stream, batches[i], before)
      state.counts.set(stream, before + size)
    }
    state.n += ops
    return ops
  }
  return go
}

const results = []
const log = (line) => process.stderr.write(`${line}\n`)
const started = performance.now()
const allFour = withBefore([ours, bare, emmettStore, emmettConnection])
const appendContenders = withBefore([
  ours,
  oursNoChain,
  bare,
  bareNoChain,
  bareMin,
  bareMinId,
  emmettStore,
  emmettConnection,
])
// For profiling one part: BENCH_CASES=single,ten,read,big,concurrent  BENCH_CONTENDERS=ours,bare,...
const onlyCases = process.env.BENCH_CASES?.split(',')
const onlyContenders = process.env.BENCH_CONTENDERS?.split(',')
const selected = (name) => onlyCases === undefined || onlyCases.includes(name)

// The bare contender's schema is our store's: the DDL of schema.ts's migrations as our store wrote
// it to a fresh file, replayed in the order it was created; then checked to be identical.
const schemaOf = (path) => {
  const db = new BareDriver(path, { readonly: true })
  const objects = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY rowid').all()
  const userVersion = db.pragma('user_version', { simple: true })
  const applicationId = db.pragma('application_id', { simple: true })
  db.close()
  return { objects, userVersion, applicationId }
}
const ourSchemaFile = freshFile('schema-ours')
await (await openSqliteEventStore({ path: ourSchemaFile })).close()
const ourSchema = schemaOf(ourSchemaFile)
ourSchema.ddl = ourSchema.objects.flatMap((o) => (o.sql === null ? [] : [o.sql])).join(';\n')
{
  const file = freshFile('schema-bare')
  await (await bare.open(file)).close()
  if (JSON.stringify(schemaOf(file)) !== JSON.stringify(schemaOf(ourSchemaFile)))
    throw new Error("the bare contender's schema differs from our store's")
}

// The durability each contender ran at, read from a connection opened the way each opens one.
const durability = {}
{
  const probe = (api) => api.pragma('synchronous', { simple: true })
  const names = ['OFF', 'NORMAL', 'FULL', 'EXTRA']
  // openSqliteEventStore sets journal_mode=WAL and synchronous=FULL unless told NORMAL; the store
  // keeps its connection to itself, so this is from sqlite-store.ts, not read back.
  durability.ours = 'WAL, synchronous=FULL (the store default, set by openSqliteEventStore)'
  const b = new BareDriver(freshFile('probe-bare'))
  b.pragma('journal_mode = WAL')
  b.pragma('synchronous = FULL')
  durability.bare = `WAL, synchronous=${names[probe(b)]} (set explicitly)`
  b.close()
  const c = emmett.sqliteConnection({ fileName: freshFile('probe-emmett') })
  const sync = (await c.querySingle('PRAGMA synchronous')).synchronous
  const journal = (await c.querySingle('PRAGMA journal_mode')).journal_mode
  c.close()
  durability.emmett = `${journal.toUpperCase()}, synchronous=${names[sync]} (sqlite3's default; getSQLiteEventStore opens its own connection per operation and offers no pragma option)`
  durability['emmett-conn'] = `${journal.toUpperCase()}, synchronous=FULL (set explicitly on the connection)`
}

// Emmett's withTransaction console.logs every error it rethrows; keep those out of the report.
const realConsoleLog = console.log
let emmettLogged = 0
console.log = () => {
  emmettLogged++
}

if (selected('single')) {
  log('1/5 single-event appends')
  const go = sequentialAppends(1, SINGLE.streams)
  results.push(
    ...(await runCase('append 1 event (FULL)', appendContenders, {
      warmup: (api, s) => go(api, s, SINGLE.warmup),
      rounds: SINGLE.rounds,
      round: (api, s) => go(api, s, SINGLE.ops),
      eventsPerOp: 1,
    })),
  )
}

if (selected('ten')) {
  log('2/5 10-event appends')
  const go = sequentialAppends(TEN.size, TEN.streams)
  results.push(
    ...(await runCase('append 10 events (FULL)', appendContenders, {
      warmup: (api, s) => go(api, s, TEN.warmup),
      rounds: TEN.rounds,
      round: (api, s) => go(api, s, TEN.ops),
      eventsPerOp: TEN.size,
    })),
  )
}

if (selected('read')) {
  log('3/5 reading a 100-event stream')
  const write = sequentialAppends(10, READ.streams)
  const reads = async (api, ops) => {
    for (let i = 0; i < ops; i++) {
      const n = await api.read(streamName(i % READ.streams))
      if (n !== READ.length) throw new Error(`read ${n} events, expected ${READ.length}`)
    }
    return ops
  }
  results.push(
    ...(await runCase('read a 100-event stream', allFour, {
      setup: (api, s) => write(api, s, (READ.streams * READ.length) / 10),
      warmup: (api) => reads(api, READ.warmup),
      rounds: READ.rounds,
      round: (api) => reads(api, READ.ops),
      eventsPerOp: READ.length,
    })),
  )
}

if (selected('big')) {
  log('4/5 1000-event transactions')
  // each append of 1000 events goes to a new stream, as an import or a migration would
  const go = async (api, state, ops) => {
    const batches = Array.from({ length: ops }, (_, i) => api.prepare(batchOf(BIG.size, state.n + i)))
    for (let i = 0; i < ops; i++) await api.append(streamName(`import${state.n + i}`), batches[i], 0)
    state.n += ops
    return ops
  }
  results.push(
    ...(await runCase('append 1000 events in one tx', appendContenders, {
      warmup: (api, s) => go(api, s, BIG.warmup),
      rounds: BIG.rounds,
      round: (api, s) => go(api, s, BIG.ops),
      eventsPerOp: BIG.size,
    })),
  )
}

if (selected('concurrent')) {
  log('5/5 32 concurrent single-event appenders')
  // Each appender owns a stream and appends one event at a time, awaiting each. The same number of
  // appends by one appender, measured in the same rounds on its own file, is the single-appender
  // durable rate the target compares with. The bare driver is synchronous: its 32 "concurrent"
  // appenders take turns, one commit each. Emmett's contenders are left out: getSQLiteEventStore
  // opens a connection per operation, so 32 of them would fight over the write lock (sqlite3's busy
  // timeout is 1 s), and one sqliteConnection's withTransaction is not safe for concurrent callers
  // (it keeps one nesting counter for all of them).
  const oursAlone = { ...ours, name: 'ours-alone', appenders: 1 }
  const go = async (api, state, perAppender, c) => {
    const appenders = c.appenders ?? CONCURRENT.appenders
    const each = (perAppender * CONCURRENT.appenders) / appenders
    const batches = Array.from({ length: appenders }, (_, a) =>
      Array.from({ length: each }, (_, i) => api.prepare(batchOf(1, state.n + a * each + i))),
    )
    await Promise.all(
      batches.map(async (mine, a) => {
        const stream = streamName(`writer${a}`)
        for (const events of mine) {
          const before = state.counts.get(stream) ?? 0
          await api.append(stream, events, before)
          state.counts.set(stream, before + 1)
        }
      }),
    )
    state.n += appenders * each
    return appenders * each
  }
  results.push(
    ...(await runCase('32 concurrent appenders, 1 event', withBefore([ours, oursAlone, bare]), {
      warmup: (api, s, c) => go(api, s, CONCURRENT.warmup, c),
      rounds: CONCURRENT.rounds,
      round: (api, s, c) => go(api, s, CONCURRENT.perAppender, c),
      eventsPerOp: 1,
    })),
  )
}

// WAL frames a commit writes: each contender on a fresh file, 100 streams made by a warm-up, then the
// growth of its -wal file over single-event appends (and over 1000-event appends), in frames of
// page_size + 24 bytes. No checkpoint runs meanwhile (every contender checkpoints at 10,000 pages).
const frames = []
if (selected('frames')) {
  log('frames per commit')
  const walFrames = (path) => {
    const probe = new BareDriver(path, { readonly: true, fileMustExist: true })
    const pageSize = probe.pragma('page_size', { simple: true })
    probe.close()
    return statSync(`${path}-wal`).size / (pageSize + 24)
  }
  const one = sequentialAppends(1, 100)
  for (const c of [ours, bare, bareNoChain, bareMin, bareMinId, ...(before === undefined ? [] : [before])]) {
    if (onlyContenders !== undefined && !onlyContenders.includes(c.name)) continue
    const path = freshFile(`frames-${c.name}`)
    const api = await c.open(path)
    const state = { counts: new Map(), n: 0 }
    await one(api, state, FRAMES.warmup)
    const start = walFrames(path)
    const commits = await one(api, state, FRAMES.appends)
    const single = (walFrames(path) - start) / commits
    const big = api.prepare(batchOf(1_000, 1))
    const beforeBig = walFrames(path)
    await api.append(streamName('frames-big'), big, 0)
    const perThousand = walFrames(path) - beforeBig
    await api.close()
    frames.push({ contender: c.name, single, perThousand })
  }
}

rmSync(root, { recursive: true, force: true })
console.log = realConsoleLog

// --- report ---

const int = (x) => Math.round(x).toLocaleString('en-GB')
const row = (cells, widths) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
const widths = [34, 16, 10, 10, 12, 12, 10, 17]
const storeVersion = (Driver) => new Driver(':memory:').prepare('SELECT sqlite_version() AS v').get().v
const pkg = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version
const emmettVersion = JSON.parse(
  readFileSync(
    join(
      import.meta.dirname ?? new URL('.', import.meta.url).pathname,
      'node_modules/@event-driven-io/emmett-sqlite/package.json',
    ),
    'utf8',
  ),
).version

if (SMOKE) console.log('BENCH_SMOKE=1: token sizes, to show every case runs; these figures mean nothing')
console.log(
  `node ${process.version} on ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model.trim()}`,
)
console.log(
  `ours: better-sqlite3 ${JSON.parse(readFileSync(requireFromStore.resolve('better-sqlite3/package.json'), 'utf8')).version}, SQLite ${storeVersion(StoreDriver)}`,
)
console.log(`bare: better-sqlite3 ${pkg('better-sqlite3')}, SQLite ${storeVersion(BareDriver)}`)
console.log(
  `emmett: @event-driven-io/emmett-sqlite ${emmettVersion} on sqlite3 ${pkg('sqlite3')}, SQLite ${sqlite3.VERSION}`,
)
console.log(
  `files in ${tmpdir()}; per case a warm-up, then short rounds taken in turn; ops/s = all measured ops / their time, with the rounds' quartiles`,
)
console.log(
  `Emmett COMMITs that failed with SQLITE_BUSY and were retried: emmett ${emmettRetries.emmett}, emmett-conn ${emmettRetries['emmett-conn']} (errors Emmett logged: ${emmettLogged})`,
)
console.log('durability:')
for (const [name, d] of Object.entries(durability)) console.log(`  ${name.padEnd(12)} ${d}`)
console.log()
console.log(
  row(
    ['workload', 'contender', 'rounds×ops', 'ops/s', 'events/s', 'median ops/s', 'CPU µs/op', 'rounds p25–p75'],
    widths,
  ),
)
let previous = ''
for (const r of results) {
  console.log(
    row(
      [
        r.label === previous ? '' : r.label,
        r.contender,
        `${r.rounds}×${int(r.ops)}`,
        int(r.opsPerSecond),
        int(r.eventsPerSecond),
        int(r.median),
        int(r.cpuPerOp),
        `${int(r.spread[0])}–${int(r.spread[1])}`,
      ],
      widths,
    ),
  )
  previous = r.label
}

console.log()
for (const r of results.filter((r) => r.stats !== undefined && r.stats.transactions > 0))
  console.log(
    `group commit, ${r.label}, ${r.contender}: ${int(r.stats.appends)} appends in ${int(r.stats.transactions)} transactions (${(r.stats.appends / r.stats.transactions).toFixed(1)} per transaction)`,
  )

if (frames.length > 0) {
  console.log()
  console.log(row(['WAL frames', 'contender', 'per commit', '1000 events'], [34, 16, 12, 12]))
  for (const f of frames)
    console.log(row(['', f.contender, f.single.toFixed(2), f.perThousand.toFixed(0)], [34, 16, 12, 12]))
}

const get = (label, contender) =>
  results.find((r) => r.label === label && r.contender === contender) ?? { eventsPerSecond: NaN }
const ratio = (label, a, b) => get(label, a).eventsPerSecond / get(label, b).eventsPerSecond
const targets = [
  ['1 event: ours / emmett', ratio('append 1 event (FULL)', 'ours', 'emmett'), 5, '×'],
  ['1 event: ours / emmett-conn', ratio('append 1 event (FULL)', 'ours', 'emmett-conn'), 2.5, '×'],
  ['1 event: ours / bare', ratio('append 1 event (FULL)', 'ours', 'bare'), 0.85, '%'],
  ['1 event: ours / bare-min', ratio('append 1 event (FULL)', 'ours', 'bare-min'), 0.75, '%'],
  ['1 event: ours / bare-min-id', ratio('append 1 event (FULL)', 'ours', 'bare-min-id'), undefined, '%'],
  ['1 event: bare-min-id / bare-min', ratio('append 1 event (FULL)', 'bare-min-id', 'bare-min'), undefined, '%'],
  ['10 events: ours / bare-min', ratio('append 10 events (FULL)', 'ours', 'bare-min'), undefined, '%'],
  ['1000-event tx: ours / bare-min', ratio('append 1000 events in one tx', 'ours', 'bare-min'), undefined, '%'],
  [
    '1 event: chain cost, ours (nochain / ours)',
    ratio('append 1 event (FULL)', 'ours-nochain', 'ours'),
    undefined,
    '×',
  ],
  ['10 events: chain cost, ours', ratio('append 10 events (FULL)', 'ours-nochain', 'ours'), undefined, '×'],
  ['1000-event tx: chain cost, ours', ratio('append 1000 events in one tx', 'ours-nochain', 'ours'), undefined, '×'],
  ['1 event: chain cost, bare', ratio('append 1 event (FULL)', 'bare-nochain', 'bare'), undefined, '×'],
  ['10 events: chain cost, bare', ratio('append 10 events (FULL)', 'bare-nochain', 'bare'), undefined, '×'],
  ['1000-event tx: chain cost, bare', ratio('append 1000 events in one tx', 'bare-nochain', 'bare'), undefined, '×'],
  ['10 events: ours / emmett', ratio('append 10 events (FULL)', 'ours', 'emmett'), 3, '×'],
  ['10 events: ours / emmett-conn', ratio('append 10 events (FULL)', 'ours', 'emmett-conn'), 3, '×'],
  ['10 events: ours / bare', ratio('append 10 events (FULL)', 'ours', 'bare'), undefined, '%'],
  ['read 100: ours / emmett', ratio('read a 100-event stream', 'ours', 'emmett'), 3, '×'],
  ['read 100: ours / emmett-conn', ratio('read a 100-event stream', 'ours', 'emmett-conn'), 3, '×'],
  ['read 100: ours / bare', ratio('read a 100-event stream', 'ours', 'bare'), undefined, '%'],
  ['1000-event tx: ours events/s', get('append 1000 events in one tx', 'ours').eventsPerSecond, 120_000, 'n'],
  ['1000-event tx: ours / bare', ratio('append 1000 events in one tx', 'ours', 'bare'), undefined, '%'],
  ['1000-event tx: ours / emmett', ratio('append 1000 events in one tx', 'ours', 'emmett'), undefined, '×'],
  ['32 appenders / 1 appender (ours)', ratio('32 concurrent appenders, 1 event', 'ours', 'ours-alone'), 4, '×'],
  [
    '  same, 1 appender from case 1',
    get('32 concurrent appenders, 1 event', 'ours').eventsPerSecond /
      get('append 1 event (FULL)', 'ours').eventsPerSecond,
    undefined,
    '×',
  ],
  ...(before === undefined
    ? []
    : [
        ['1 event: ours / before', ratio('append 1 event (FULL)', 'ours', 'before'), undefined, '%'],
        ['10 events: ours / before', ratio('append 10 events (FULL)', 'ours', 'before'), undefined, '%'],
        ['read 100: ours / before', ratio('read a 100-event stream', 'ours', 'before'), undefined, '%'],
        ['1000-event tx: ours / before', ratio('append 1000 events in one tx', 'ours', 'before'), undefined, '%'],
        ['32 appenders: ours / before', ratio('32 concurrent appenders, 1 event', 'ours', 'before'), undefined, '%'],
      ]),
]
console.log()
console.log(row(['ratio', 'measured', 'target', 'result'], [34, 12, 12, 8]))
for (const [name, value, target, unit] of targets.filter(([, value]) => !Number.isNaN(value))) {
  const show = (x) => (unit === '%' ? `${(x * 100).toFixed(0)}%` : unit === 'n' ? int(x) : `${x.toFixed(2)}×`)
  const verdict = target === undefined ? '' : value >= target ? 'met' : 'MISSED'
  console.log(row([name, show(value), target === undefined ? '—' : `≥ ${show(target)}`, verdict], [34, 12, 12, 8]))
}

const framesOf = (contender) => frames.find((f) => f.contender === contender)?.single ?? NaN
const ONE = 'append 1 event (FULL)'
const BIG_TX = 'append 1000 events in one tx'
const MIN = 'bare-min: one autocommit INSERT with UNIQUE (stream, version)'
const MIN_ID = 'bare-min-id: the same with a unique index on event ids, as the port needs'
recordTargets('sqlite', [
  {
    name: 'SQLite durable 1-event append / minimal bare',
    measured: ratio(ONE, 'ours', 'bare-min'),
    target: 0.75,
    unit: '%',
    floors: [{ value: ratio(ONE, 'bare-min-id', 'bare-min'), name: MIN_ID }],
  },
  {
    name: 'SQLite durable 1-event append / Emmett, long-lived connection',
    measured: ratio(ONE, 'ours', 'emmett-conn'),
    target: 2.5,
    unit: '×',
    floors: [
      { value: ratio(ONE, 'bare-min', 'emmett-conn'), name: MIN },
      { value: ratio(ONE, 'bare-min-id', 'emmett-conn'), name: MIN_ID },
    ],
  },
  {
    name: 'SQLite 1000-event append, events/s',
    measured: get(BIG_TX, 'ours').eventsPerSecond,
    target: 120_000,
    unit: 'n',
    floors: [
      { value: get(BIG_TX, 'bare-min').eventsPerSecond, name: MIN },
      { value: get(BIG_TX, 'bare-min-id').eventsPerSecond, name: MIN_ID },
    ],
  },
  {
    name: 'SQLite WAL frames a durable 1-event commit',
    measured: framesOf('ours'),
    target: 3,
    at: 'most',
    unit: 'frames',
    floors: [
      { value: framesOf('bare-min'), name: MIN },
      { value: framesOf('bare-min-id'), name: MIN_ID },
    ],
  },
])
console.log(`\nwhole run: ${((performance.now() - started) / 1000).toFixed(0)} s`)
