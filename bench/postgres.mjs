// The PostgreSQL EventStore against its nearest peer and against the bare driver, on the same workloads
// in one run, with the ratios the project targets.
//
// Contenders, each in its own schema of one database (all bench_*, dropped at the end):
//   ours    @civic-ledger/store-postgres (pg; one append_group() call per group of appends, autocommit,
//           serialised by an advisory xact lock; reads paged by keyset, forward reads of the log
//           through COPY), pool of 10
//   bare    pg (a pool of 10) sending our store's SQL: the same append_group() call (a group of one)
//           with the same parameters on a schema our store created, the same read queries with the same type
//           parsers and row mapping, without our argument checks or retry settling
//   emmett  @event-driven-io/emmett-postgresql's getPostgreSQLEventStore(connectionString), as an
//           application uses it (its dumbo pool; BEGIN, SELECT emt_append_to_stream(...), COMMIT per
//           append), its tables put in bench_emmett by search_path in the connection string
//   emmett-fast  the same store in the fastest configuration it offers: a dumbo pool given to it,
//           schema migration off (autoMigration: 'None', migrated once beforehand), the expected
//           stream version always given (so its function updates the stream row instead of reading it)
//   insert  the least a durable append can be: pg (a pool of 10) sending one autocommit INSERT of the
//           event into a table with UNIQUE (stream, version), the version check left to that index;
//           no global position, no chain, no idempotency
//   ordered the least a durable append can be with the port's guarantees but the chain: positions
//           gap-free and in commit order, and each event id stored once. pg (a pool of 10) calling a
//           function that takes an advisory transaction lock, reads the head and inserts the events
//           at the next positions (a table with a primary key on position, UNIQUE (stream, version)
//           and a unique event id); appends that arrive while a call is on its way go together in
//           the next call, one INSERT, as ours groups them. No chain, no streams table, no refusal
//           of one append apart from the others
//
// The appends ours makes concurrently are written in groups (one append_group() call, one
// transaction, one commit for every append that arrived while the one before was on its way);
// the 8-caller case measures that against contenders whose appends to different streams commit
// side by side.
//
// Streaming the 1M-event log: the log is bulk-loaded (INSERT ... SELECT generate_series) into a schema
// our store created, and copied into Emmett's messages table; ours reads it with readAll(), bare with
// readAll's SQL (one COPY ... TO STDOUT of the range, through pg-copy-streams), Emmett with readMessagesBatch({ after, batchSize }), the query its
// consumer's batch puller runs (the puller also sleeps 50 ms between batches, left out here). Emmett
// has no index on global_position, so each of its batches scans the whole table: it is given a time
// budget instead of the whole log.
//
// Setup, once:  npm run build && npm install --prefix bench
// Run:          node bench/postgres.mjs     (BENCH_PG_URL=postgres://... to use another database)
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { StringDecoder } from 'node:string_decoder'

import { recordTargets } from './targets.mjs'

const require = createRequire(import.meta.url)
const { openPostgresEventStore } = require('../packages/store-postgres/dist/index.js')
const requireFromStore = createRequire(require.resolve('../packages/store-postgres/dist/index.js'))
const pg = require('pg') // bench/node_modules: the bare contender's copy
const { to: copyTo } = require('pg-copy-streams') // bench/node_modules, as our store uses it
const requireEmmett = createRequire(require.resolve('./emmett-postgresql/package.json'))
const emmett = await import(requireEmmett.resolve('@event-driven-io/emmett-postgresql'))
const { dumbo } = await import(requireEmmett.resolve('@event-driven-io/dumbo'))

const URL_ = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMAS = {
  ours: 'bench_ours',
  bare: 'bench_bare',
  emmett: 'bench_emmett',
  log: 'bench_log',
  before: 'bench_before',
  insert: 'bench_insert',
  ordered: 'bench_ordered',
}
const withSearchPath = (url, schema) => {
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return u.toString()
}
const EMMETT_URL = withSearchPath(URL_, SCHEMAS.emmett)

// --- sizes (on a 2-core VM the whole file runs in about 4 minutes, most of it the 1M-event log) ---
// Each case is measured in many short rounds, the contenders taking turns (their order rotating):
// commit (fsync) latency on a shared disk drifts, and short turns expose every contender to the same
// drift. A contender's rate is its operations over its measured time, summed over its rounds; CPU is
// the Node process's user+system time over the same rounds (the server's CPU is not in it).
// BENCH_SMOKE=1 (the test run's smoke test) runs every case once at a token size: no figures worth reading.
const SMOKE = process.env.BENCH_SMOKE === '1'
const sized = (full, smoke) => (SMOKE ? { ...full, ...smoke } : full)
const SINGLE = sized({ warmup: 100, rounds: 40, ops: 30, streams: 100 }, { warmup: 2, rounds: 2, ops: 3 }) // 1-event appends, awaited one by one
const TEN = sized({ warmup: 50, rounds: 40, ops: 15, streams: 100, size: 10 }, { warmup: 2, rounds: 2, ops: 3 }) // 10-event appends
const READ = sized({ streams: 20, length: 100, warmup: 100, rounds: 30, ops: 40 }, { warmup: 2, rounds: 2, ops: 3 }) // reads of a 100-event stream
const BIG = sized({ warmup: 2, rounds: 8, ops: 2, size: 1_000 }, { warmup: 1, rounds: 2, ops: 1 }) // appends of 1000 events, one transaction each
const CONCURRENT = sized(
  { appenders: 32, warmup: 5, rounds: 12, perAppender: 5 },
  { warmup: 1, rounds: 2, perAppender: 1 },
) // 32 appenders, 1 event each
const EIGHT = sized({ appenders: 8, warmup: 10, rounds: 40, perAppender: 12 }, { warmup: 1, rounds: 2, perAppender: 2 }) // 8 callers, distinct streams, 1 event each
const LOG = {
  events: Number(process.env.BENCH_LOG_EVENTS ?? 1_000_000),
  streams: 10_000,
  warmup: 20_000,
  emmettSeconds: 8,
  batchSize: 1_000,
  passes: 3,
}
const PAUSE_MS = 20 // before each round, so the previous contender's background work settles

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

// --- admin connection ---

const admin = new pg.Client({ connectionString: URL_ })
await admin.connect()
const dropSchemas = () => admin.query(`DROP SCHEMA IF EXISTS ${Object.values(SCHEMAS).join(', ')} CASCADE`)

// --- contenders ---
// Each offers append(stream, events, eventsInStreamBefore), read(stream) -> count and
// readAll(from, to, onEvent) -> events read. Events are converted to the contender's shape before timing.

const ours = {
  name: 'ours',
  open: async () => {
    const store = await openPostgresEventStore({ connectionString: URL_, schema: SCHEMAS.ours })
    return oursOn(store)
  },
}
// before: our store as another built checkout has it (BENCH_BEFORE=<its root>), in its own schema,
// measured in the same rounds as ours, for before/after ratios.
const BEFORE = process.env.BENCH_BEFORE
const before =
  BEFORE === undefined
    ? undefined
    : {
        name: 'before',
        open: async () => {
          const { openPostgresEventStore: open } = createRequire(join(BEFORE, 'package.json'))(
            join(BEFORE, 'packages/store-postgres/dist/index.js'),
          )
          return oursOn(await open({ connectionString: URL_, schema: SCHEMAS.before }))
        },
      }
const oursOn = (store) => ({
  prepare: (events) => events,
  append: (stream, events, before) =>
    store.appendToStream(stream, events, { expectedRevision: before === 0 ? 'noStream' : before - 1 }),
  read: async (stream) => {
    let n = 0
    for await (const _ of store.readStream(stream)) n++
    return n
  },
  readAll: async (from, to, onEvent) => {
    let n = 0
    for await (const e of store.readAll({ fromPosition: from, toPosition: to, batchSize: LOG.batchSize })) {
      onEvent(e)
      n++
    }
    return n
  },
  close: () => store.close(),
})

// The bare contender's type parsers and row mapping are our store's (postgres-store.ts), minus
// deepFreeze. Its fallback parsers are taken from our store's copy of pg: dumbo (Emmett's driver layer)
// replaces the global jsonb and bigint parsers of the pg copy it loads, which is bench's.
const storePgTypes = requireFromStore('pg').types
const parseBigint = (text) => {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new Error(`a stored integer ${text} is beyond 2^53`)
  return n
}
const bareTypes = {
  getTypeParser: (oid, format) => (oid === 20 ? parseBigint : storePgTypes.getTypeParser(oid, format)),
}
const COLUMNS = `e.position, e.revision, e.event_id::text AS event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at, s.name AS stream_name`
const toRecorded = (row) => ({
  eventId: row.event_id,
  streamId: row.stream_name,
  revision: row.revision,
  position: row.position,
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  recordedAt: row.recorded_at.toISOString(),
})

const bareOn = (schema) => {
  const s = `"${schema}"`
  const pool = new pg.Pool({ connectionString: URL_, max: 10, types: bareTypes })
  const appendSql = `SELECT ${s}.append_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
  const streamSql = `SELECT ${COLUMNS} FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
           WHERE s.name = $1 AND e.revision BETWEEN $2 AND $3 AND e.position <= $4
           ORDER BY e.revision ASC LIMIT $5`
  // readAll's SQL for the log forwards: one COPY of the range, its lines split and parsed here.
  const allSql = (from, to) => `COPY (SELECT e.position, s.name, e.revision, e.event_id, e.type, e.schema_version,
      e.data, e.metadata, to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    FROM ${s}.events e JOIN ${s}.streams s ON s.id = e.stream
    WHERE e.position BETWEEN ${from} AND ${to} ORDER BY e.position) TO STDOUT`
  const unescape = (f) =>
    f.indexOf('\\') < 0
      ? f
      : f.replace(/\\(.)/g, (_, c) => ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' })[c] ?? c)
  return {
    prepare: (events) => events,
    append: async (stream, events, before) => {
      const { rows } = await pool.query({
        text: appendSql,
        rowMode: 'array',
        values: [
          '5000ms',
          '1',
          stream,
          before === 0 ? 'noStream' : String(before - 1),
          String(events.length),
          events.map((e) => e.eventId).join(','),
          events.map((e) => e.type).join(','),
          events.map((e) => e.schemaVersion).join(','),
          events.map((e) => JSON.stringify(e.data)).join('\u0001'),
          events.map((e) => JSON.stringify(e.metadata)).join('\u0001'),
        ],
      })
      const answer = rows[0][0]
      if (answer.startsWith('!')) throw new Error(`bare: refused (${answer})`)
      const [firstRevision, firstPosition] = answer.split(',').map(Number)
      return {
        streamId: stream,
        firstRevision,
        lastRevision: firstRevision + events.length - 1,
        firstPosition,
        lastPosition: firstPosition + events.length - 1,
      }
    },
    read: async (stream) => {
      const { rows } = await pool.query(streamSql, [stream, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 1_000])
      return rows.map(toRecorded).length
    },
    readAll: async (from, to, onEvent) => {
      const client = await pool.connect()
      let n = 0
      try {
        const decoder = new StringDecoder('utf8')
        let rest = ''
        for await (const chunk of client.query(copyTo(allSql(from, Math.min(to, Number.MAX_SAFE_INTEGER))))) {
          const text = rest + decoder.write(chunk)
          let start = 0
          for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
            const f = text.slice(start, end).split('\t')
            start = end + 1
            onEvent({
              eventId: f[3],
              streamId: f[1],
              revision: parseBigint(f[2]),
              position: parseBigint(f[0]),
              type: f[4],
              schemaVersion: Number(f[5]),
              data: JSON.parse(unescape(f[6])),
              metadata: JSON.parse(unescape(f[7])),
              recordedAt: f[8],
            })
            n++
          }
          rest = text.slice(start)
        }
      } finally {
        client.release()
      }
      return n
    },
    close: () => pool.end(),
  }
}
const bare = { name: 'bare', open: async () => bareOn(SCHEMAS.bare) }

// Emmett's event shape: { type, data, metadata }; it assigns its own message ids. Its streams count
// events (version 0 = no stream), which is `before` here.
const toEmmett = (events) => events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata }))
const emmettStore = {
  name: 'emmett',
  open: async () => {
    const store = emmett.getPostgreSQLEventStore(EMMETT_URL)
    await store.schema.migrate()
    // readMessagesBatch needs an executor; a dumbo pool on the same connection string is the kind
    // getPostgreSQLEventStore makes for itself (it does not expose its own).
    const pool = dumbo({ connectionString: EMMETT_URL })
    return {
      prepare: toEmmett,
      append: (stream, events, before) =>
        store.appendToStream(stream, events, { expectedStreamVersion: BigInt(before) }),
      read: async (stream) => {
        const result = await store.readStream(stream)
        if (result.events.length > 0 && result.events[0].metadata.streamName !== stream) throw new Error('wrong stream')
        return result.events.length
      },
      readAll: async (from, to, onEvent, deadline = Infinity) => {
        let after = BigInt(from - 1)
        let n = 0
        while (after < BigInt(to) && performance.now() < deadline) {
          const batch = await emmett.readMessagesBatch(pool.execute, { after, batchSize: LOG.batchSize })
          for (const m of batch.messages) {
            if (m.metadata.globalPosition > BigInt(to)) return n
            onEvent(m)
            n++
          }
          if (!batch.areMessagesLeft) break
          after = batch.currentGlobalPosition
        }
        return n
      },
      close: async () => {
        await pool.close()
        await store.close()
      },
    }
  },
}

// Emmett at its fastest: its own pool handed to it, no schema check per call, its stream names kept
// apart from the default contender's (they share bench_emmett).
const emmettFast = {
  name: 'emmett-fast',
  open: async () => {
    const pool = dumbo({ connectionString: EMMETT_URL })
    const store = emmett.getPostgreSQLEventStore(EMMETT_URL, {
      schema: { autoMigration: 'None' },
      connectionOptions: { dumbo: pool },
    })
    return {
      prepare: toEmmett,
      append: (stream, events, before) =>
        store.appendToStream(`fast${stream}`, events, { expectedStreamVersion: BigInt(before) }),
      close: async () => {
        await store.close()
      },
    }
  },
}

// The floor: one autocommit INSERT a durable append, into a table with UNIQUE (stream, version).
const insertFloor = {
  name: 'insert',
  open: async () => {
    const pool = new pg.Pool({ connectionString: URL_, max: 10 })
    const sql = `INSERT INTO ${SCHEMAS.insert}.events (stream, version, event_id, type, data, metadata)
      VALUES ($1, $2, $3, $4, $5, $6)`
    return {
      prepare: (events) => events,
      append: async (stream, events, before) => {
        const [e] = events
        await pool.query(sql, [stream, before, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)])
      },
      close: () => pool.end(),
    }
  },
}

// The floor with gap-free positions in commit order and unique event ids: an advisory lock, the
// head, one INSERT a group.
const orderedFloor = {
  name: 'ordered',
  open: async () => {
    const pool = new pg.Pool({ connectionString: URL_, max: 10 })
    const sql = `SELECT ${SCHEMAS.ordered}.append_ordered($1, $2, $3, $4, $5, $6)`
    let waiting = []
    let sending = false
    const send = async () => {
      sending = true
      while (waiting.length > 0) {
        const group = waiting
        waiting = []
        const column = (f) => group.map(f)
        try {
          await pool.query(sql, [
            column((a) => a.stream),
            column((a) => a.version),
            column((a) => a.event.eventId),
            column((a) => a.event.type),
            column((a) => JSON.stringify(a.event.data)),
            column((a) => JSON.stringify(a.event.metadata)),
          ])
          for (const a of group) a.resolve()
        } catch (error) {
          for (const a of group) a.reject(error)
        }
      }
      sending = false
    }
    return {
      prepare: (events) => events,
      append: (stream, events, before) =>
        new Promise((resolve, reject) => {
          waiting.push({ stream, version: before, event: events[0], resolve, reject })
          if (!sending) void send()
        }),
      close: () => pool.end(),
    }
  },
}

// --- harness ---

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Opens every contender, runs `setup` and a warm-up on each, then `rounds` measured rounds, the
 * contenders' order rotating each round.
 */
const runCase = async (label, contenders, { setup, warmup, rounds, round, eventsPerOp }) => {
  const opened = []
  for (const c of contenders.filter((c) => onlyContenders === undefined || onlyContenders.includes(c.name))) {
    const api = await c.open()
    const state = { counts: new Map(), n: 0 }
    if (setup) await setup(api, state)
    await warmup(api, state, c)
    opened.push({ c, api, state, rates: [], ops: 0, ms: 0, cpuMicros: 0 })
  }
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
  for (let r = 0; r < rounds; r++)
    for (let k = 0; k < opened.length; k++) {
      await sleep(PAUSE_MS)
      await measure(opened[(k + r) % opened.length])
    }
  for (const o of opened) await o.api.close()
  await sleep(PAUSE_MS)
  return opened.map((o) => summary(label, o.c.name, o, rounds, eventsPerOp))
}
const summary = (label, contender, o, rounds, eventsPerOp) => {
  const opsPerSecond = (o.ops / o.ms) * 1000
  const sorted = [...o.rates].sort((a, b) => a - b)
  return {
    label,
    contender,
    ops: o.ops / rounds,
    opsPerSecond,
    eventsPerSecond: opsPerSecond * eventsPerOp,
    cpuPerOp: o.cpuMicros / o.ops,
    spread: [sorted[Math.floor(rounds / 4)], sorted[Math.floor((3 * rounds) / 4)]],
    seconds: o.ms / 1000,
    rounds,
  }
}

/** Appends `ops` batches of `size` events, one at a time, round-robin over `streams` streams. */
const sequentialAppends = (size, streams, prefix) => async (api, state, ops) => {
  const batches = Array.from({ length: ops }, (_, i) => api.prepare(batchOf(size, state.n + i)))
  for (let i = 0; i < ops; i++) {
    const stream = streamName(`${prefix}${(state.n + i) % streams}`)
    const before = state.counts.get(stream) ?? 0
    await api.append(stream, batches[i], before)
    state.counts.set(stream, before + size)
  }
  state.n += ops
  return ops
}

const results = []
const notes = []
const log = (line) => process.stderr.write(`${line}\n`)
const started = performance.now()
const allThree = before === undefined ? [ours, bare, emmettStore] : [ours, bare, emmettStore, before]
const appenders = [
  ours,
  insertFloor,
  orderedFloor,
  emmettStore,
  emmettFast,
  bare,
  ...(before === undefined ? [] : [before]),
]
// For profiling one part: BENCH_CASES=single,eight,ten,read,big,concurrent,log
// BENCH_CONTENDERS=ours,insert,ordered,emmett,emmett-fast,bare
// (and BENCH_LOG_EVENTS=100000 for a smaller log)
const onlyCases = process.env.BENCH_CASES?.split(',')
const onlyContenders = process.env.BENCH_CONTENDERS?.split(',')
const selected = (name) => onlyCases === undefined || onlyCases.includes(name)

// --- schemas ---

await dropSchemas()
// Emmett creates its functions only if no function of that name exists in any schema of the database
// (it checks pg_proc by name alone), so another Emmett install here would leave bench_emmett without them.
{
  const { rows } = await admin.query(
    `SELECT DISTINCT pronamespace::regnamespace::text AS schema FROM pg_proc WHERE proname LIKE 'emt\\_%'`,
  )
  if (rows.length > 0)
    throw new Error(
      `Emmett functions already exist in schema(s) ${rows.map((r) => r.schema).join(', ')}; Emmett would not create its own in ${SCHEMAS.emmett}`,
    )
}
await admin.query(`CREATE SCHEMA ${SCHEMAS.emmett}`)
await admin.query(`CREATE SCHEMA ${SCHEMAS.insert}`)
await admin.query(`CREATE TABLE ${SCHEMAS.insert}.events (stream text NOT NULL, version bigint NOT NULL,
  event_id uuid NOT NULL, type text NOT NULL, data json NOT NULL, metadata json NOT NULL, UNIQUE (stream, version))`)
await admin.query(`CREATE SCHEMA ${SCHEMAS.ordered}`)
await admin.query(`CREATE TABLE ${SCHEMAS.ordered}.events (position bigint PRIMARY KEY, stream text NOT NULL,
  version bigint NOT NULL, event_id uuid NOT NULL UNIQUE, type text NOT NULL, data json NOT NULL,
  metadata json NOT NULL, UNIQUE (stream, version))`)
await admin.query(`CREATE FUNCTION ${SCHEMAS.ordered}.append_ordered(p_streams text[], p_versions bigint[],
  p_ids uuid[], p_types text[], p_data json[], p_metadata json[]) RETURNS bigint LANGUAGE plpgsql AS $fn$
  DECLARE v_head bigint;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('${SCHEMAS.ordered}'));
    SELECT coalesce(max(position), 0) INTO v_head FROM ${SCHEMAS.ordered}.events;
    INSERT INTO ${SCHEMAS.ordered}.events
      SELECT v_head + u.i, u.s, u.v, u.id, u.t, u.d, u.m
      FROM unnest(p_streams, p_versions, p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u (s, v, id, t, d, m, i);
    RETURN v_head;
  END
  $fn$`)
// Emmett's tables and functions, once, before either Emmett contender opens (emmett-fast does not migrate).
{
  const store = emmett.getPostgreSQLEventStore(EMMETT_URL)
  await store.schema.migrate()
  await store.close()
}

// The bare contender's schema is our store's, created by opening our store on it once; then checked
// to have the same tables, columns, constraints and append_events() as ours.
await (await openPostgresEventStore({ connectionString: URL_, schema: SCHEMAS.ours })).close()
await (await openPostgresEventStore({ connectionString: URL_, schema: SCHEMAS.bare })).close()
const schemaOf = async (schema) => {
  const parts = []
  for (const [sql, params] of [
    [
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1, 2`,
      [schema],
    ],
    [
      `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = $1::regnamespace ORDER BY 2`,
      [schema],
    ],
    [`SELECT prosrc FROM pg_proc WHERE pronamespace = $1::regnamespace ORDER BY proname`, [schema]],
  ])
    parts.push(await admin.query(sql, params))
  return JSON.stringify(parts.map((p) => p.rows)).replaceAll(schema, 'SCHEMA')
}
if ((await schemaOf(SCHEMAS.ours)) !== (await schemaOf(SCHEMAS.bare)))
  throw new Error("the bare contender's schema differs from our store's")

// The durability each contender ran at, read from a connection opened as each opens one: none of the
// three sets synchronous_commit (our store refuses to open when it is off unless allowed; neither
// Emmett nor dumbo nor pongo mentions it), so each gets the server's setting.
const durability = {}
{
  const show = async (url) => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    const { rows } = await c.query(
      `SELECT current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fsync, current_setting('wal_sync_method') AS method, current_setting('search_path') AS path,
       (SELECT source FROM pg_settings WHERE name = 'synchronous_commit') AS source`,
    )
    await c.end()
    return rows[0]
  }
  const base = await show(URL_)
  const em = await show(EMMETT_URL)
  const line = (r) => `synchronous_commit=${r.sc} (${r.source}), fsync=${r.fsync}, wal_sync_method=${r.method}`
  durability.ours = `${line(base)}; one autocommit statement per append`
  durability.bare = `${line(base)}; one autocommit statement per append`
  durability.emmett = `${line(em)}; search_path=${em.path}; BEGIN + SELECT emt_append_to_stream + COMMIT per append`
  durability['emmett-fast'] = durability.emmett
  durability.insert = `${line(base)}; one autocommit INSERT per append`
  durability.ordered = `${line(base)}; one autocommit append_ordered() call per group of concurrent appends`
  durability.ours = `${line(base)}; one autocommit append_group() call per group of concurrent appends`
}

if (selected('single')) {
  log('1/6 single-event appends')
  const go = sequentialAppends(1, SINGLE.streams, 'single')
  results.push(
    ...(await runCase('append 1 event', appenders, {
      warmup: (api, s) => go(api, s, SINGLE.warmup),
      rounds: SINGLE.rounds,
      round: (api, s) => go(api, s, SINGLE.ops),
      eventsPerOp: 1,
    })),
  )
}

if (selected('eight')) {
  log('1b 8 concurrent callers, distinct streams, single-event appends')
  // Each caller owns a stream and appends one event at a time, awaiting each.
  const go = async (api, state, perAppender) => {
    const n = EIGHT.appenders
    const batches = Array.from({ length: n }, (_, a) =>
      Array.from({ length: perAppender }, (_, i) => api.prepare(batchOf(1, state.n + a * perAppender + i))),
    )
    await Promise.all(
      batches.map(async (mine, a) => {
        const stream = streamName(`eight${a}`)
        for (const events of mine) {
          const before = state.counts.get(stream) ?? 0
          await api.append(stream, events, before)
          state.counts.set(stream, before + 1)
        }
      }),
    )
    state.n += n * perAppender
    return n * perAppender
  }
  results.push(
    ...(await runCase('8 callers, 1 event each', appenders, {
      warmup: (api, s) => go(api, s, EIGHT.warmup),
      rounds: EIGHT.rounds,
      round: (api, s) => go(api, s, EIGHT.perAppender),
      eventsPerOp: 1,
    })),
  )
}

if (selected('ten')) {
  log('2/6 10-event appends')
  const go = sequentialAppends(TEN.size, TEN.streams, 'ten')
  results.push(
    ...(await runCase('append 10 events', allThree, {
      warmup: (api, s) => go(api, s, TEN.warmup),
      rounds: TEN.rounds,
      round: (api, s) => go(api, s, TEN.ops),
      eventsPerOp: TEN.size,
    })),
  )
}

if (selected('read')) {
  log('3/6 reading a 100-event stream')
  const write = sequentialAppends(10, READ.streams, 'read')
  const reads = async (api, ops) => {
    for (let i = 0; i < ops; i++) {
      const n = await api.read(streamName(`read${i % READ.streams}`))
      if (n !== READ.length) throw new Error(`read ${n} events, expected ${READ.length}`)
    }
    return ops
  }
  results.push(
    ...(await runCase('read a 100-event stream', allThree, {
      setup: (api, s) => write(api, s, (READ.streams * READ.length) / 10),
      warmup: (api) => reads(api, READ.warmup),
      rounds: READ.rounds,
      round: (api) => reads(api, READ.ops),
      eventsPerOp: READ.length,
    })),
  )
}

if (selected('big')) {
  log('4/6 1000-event transactions')
  // each append of 1000 events goes to a new stream, as an import or a migration would
  const go = async (api, state, ops) => {
    const batches = Array.from({ length: ops }, (_, i) => api.prepare(batchOf(BIG.size, state.n + i)))
    for (let i = 0; i < ops; i++) await api.append(streamName(`import${state.n + i}`), batches[i], 0)
    state.n += ops
    return ops
  }
  results.push(
    ...(await runCase('append 1000 events in one tx', allThree, {
      warmup: (api, s) => go(api, s, BIG.warmup),
      rounds: BIG.rounds,
      round: (api, s) => go(api, s, BIG.ops),
      eventsPerOp: BIG.size,
    })),
  )
}

if (selected('concurrent')) {
  log('5/6 32 concurrent single-event appenders')
  // Each appender owns a stream and appends one event at a time, awaiting each; every contender has a
  // pool of 10 connections. Our store and bare serialise appends on the ledger's advisory lock;
  // Emmett's appends to different streams do not wait for each other.
  const go = async (api, state, perAppender) => {
    const appenders = CONCURRENT.appenders
    const batches = Array.from({ length: appenders }, (_, a) =>
      Array.from({ length: perAppender }, (_, i) => api.prepare(batchOf(1, state.n + a * perAppender + i))),
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
    state.n += appenders * perAppender
    return appenders * perAppender
  }
  results.push(
    ...(await runCase('32 concurrent appenders, 1 event', allThree, {
      warmup: (api, s) => go(api, s, CONCURRENT.warmup),
      rounds: CONCURRENT.rounds,
      round: (api, s) => go(api, s, CONCURRENT.perAppender),
      eventsPerOp: 1,
    })),
  )
}

if (selected('log')) {
  log(`6/6 streaming a ${LOG.events.toLocaleString('en-GB')}-event log: loading`)
  // The log: LOG.streams streams, events interleaved across them (position n is in stream
  // (n - 1) % streams + 1 at revision (n - 1) / streams), the grants payload and metadata above with
  // fresh uuids, one recorded_at; data and metadata written as the store writes them (canonical
  // JSON: members sorted, no spaces). Loaded in two halves on two connections (one core each). Each
  // row gets a 32-byte placeholder hash, not its chain's: this case measures reading the log.
  const loadStart = performance.now()
  const L = `"${SCHEMAS.log}"`
  await (await openPostgresEventStore({ connectionString: URL_, schema: SCHEMAS.log })).close()
  await admin.query(
    `INSERT INTO ${L}.streams (name, revision)
     SELECT 'grants.application-' || i, ($1::bigint - i) / $2 FROM generate_series(1, $2::bigint) i`,
    [LOG.events, LOG.streams],
  )
  const loadSql = `INSERT INTO ${L}.events (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash)
    SELECT n, s.id, (n - 1) / $3, gen_random_uuid(), 'grants.GrantAwarded', 1,
      format('{"amount":{"amount":%s,"currency":"GBP"},"applicationId":"application-%s","areas":[{"code":"E01017994","type":"lsoa","vintage":"2021"},{"code":"E02003718","type":"msoa","vintage":"2021"}],"awardedOn":"2026-04-01","conditions":["Quarterly monitoring returns","Acknowledge the council in publicity"],"decidedAt":"2026-04-01T10:15:00.000Z","fundId":"community-resilience-2026","grantId":"grant-%s","panel":{"decisionRef":"PANEL-2026-04-%s","members":["officer-1","officer-7","councillor-3"]}}',
        1250000 + n, n, n, n % 97)::json,
      format('{"actor":{"id":"officer-1","organisation":"${COUNCIL}","role":"grants-officer"},"causationId":"%s","correlationId":"%s","occurredAt":"2026-04-01T10:15:00.000Z"}',
        gen_random_uuid(), gen_random_uuid())::json,
      date_trunc('milliseconds', now()), sha256(int8send(n))
    FROM generate_series($1::bigint, $2::bigint) n JOIN ${L}.streams s ON s.name = 'grants.application-' || ((n - 1) % $3 + 1)`
  const half = LOG.events / 2
  const loader = new pg.Client({ connectionString: URL_ })
  await loader.connect()
  await Promise.all([
    admin.query(loadSql, [1, half, LOG.streams]),
    loader.query(loadSql, [half + 1, LOG.events, LOG.streams]),
  ])
  // Emmett's copy: the same events in its messages table (stream_position counts from 1, global
  // position = our position), all stamped with one committed transaction id, as if one transaction
  // had appended them; then its stream rows and sequence. The earlier cases' messages are cleared first.
  const emmettApi =
    onlyContenders === undefined || onlyContenders.includes('emmett') ? await emmettStore.open() : undefined
  const E = SCHEMAS.emmett
  const copySql = `INSERT INTO ${E}.emt_messages (stream_position, global_position, transaction_id, created, message_kind, stream_id, partition,
      message_schema_version, message_id, message_type, message_data, message_metadata)
    SELECT e.revision + 1, e.position, $3::xid8, e.recorded_at, 'E', s.name, $4, '1', e.event_id::text, e.type, e.data, e.metadata
    FROM ${L}.events e JOIN ${L}.streams s ON s.id = e.stream WHERE e.position BETWEEN $1 AND $2`
  if (emmettApi !== undefined) {
    await admin.query(`TRUNCATE ${E}.emt_messages, ${E}.emt_streams`)
    const xid = (await admin.query('SELECT pg_current_xact_id()::text AS xid')).rows[0].xid
    await Promise.all([
      admin.query(copySql, [1, half, xid, emmett.defaultTag]),
      loader.query(copySql, [half + 1, LOG.events, xid, emmett.defaultTag]),
    ])
    await admin.query(
      `INSERT INTO ${E}.emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata)
       SELECT name, revision + 1, $1, 'grants.application', '{}' FROM ${L}.streams`,
      [emmett.defaultTag],
    )
    await admin.query(`SELECT setval('${E}.emt_global_message_position', $1)`, [LOG.events])
  }
  // Hint bits and statistics, so the first reader does not pay for setting them.
  await Promise.all([
    admin.query(`VACUUM (ANALYZE) ${L}.events, ${L}.streams`),
    emmettApi === undefined ? undefined : loader.query(`VACUUM (ANALYZE) ${E}.emt_messages, ${E}.emt_streams`),
  ])
  // The load's dirty pages written out now, so the server's checkpoint does not compete with the
  // readers for the machine's two cores.
  await admin.query('CHECKPOINT')
  await loader.end()
  const size = (await admin.query(`SELECT pg_size_pretty(pg_total_relation_size('${L}.events')) AS s`)).rows[0].s
  notes.push(
    `log: ${LOG.events.toLocaleString('en-GB')} events in ${LOG.streams.toLocaleString('en-GB')} streams, ${size} with indexes, loaded and copied in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`,
  )

  log('6/6 streaming the log: reading')
  const store = await openPostgresEventStore({ connectionString: URL_, schema: SCHEMAS.log })
  const readers = [
    { name: 'ours', api: oursOn(store) },
    { name: 'bare', api: bareOn(SCHEMAS.log) },
    ...(emmettApi === undefined ? [] : [{ name: 'emmett', api: emmettApi }]),
  ].filter((r) => onlyContenders === undefined || onlyContenders.includes(r.name))
  // Every reader checks order and the last position; ours and bare see every position once.
  const reader = (name) => {
    let last = 0
    const onEvent = (e) => {
      const p = name === 'emmett' ? Number(e.metadata.globalPosition) : e.position
      if (p !== last + 1) throw new Error(`${name}: position ${p} after ${last}`)
      last = p
    }
    return { onEvent, last: () => last, reset: () => (last = 0) }
  }
  for (const r of readers) {
    const check = reader(r.name)
    await r.api.readAll(1, LOG.warmup, check.onEvent)
  }
  // LOG.passes passes over the whole log, the readers taking turns (Emmett, on its time budget, once).
  const tally = new Map(readers.map((r) => [r.name, { ops: 0, ms: 0, cpuMicros: 0, rates: [] }]))
  for (let pass = 0; pass < LOG.passes; pass++)
    for (const r of readers) {
      if (r.name === 'emmett' && pass > 0) continue
      await sleep(PAUSE_MS)
      const check = reader(r.name)
      const cpu = process.cpuUsage()
      const start = performance.now()
      const n = await r.api.readAll(1, Number.MAX_SAFE_INTEGER, check.onEvent, start + LOG.emmettSeconds * 1_000)
      const ms = performance.now() - start
      const used = process.cpuUsage(cpu)
      if (r.name !== 'emmett' && (n !== LOG.events || check.last() !== LOG.events))
        throw new Error(`${r.name} read ${n} events up to ${check.last()}`)
      if (n < LOG.events)
        notes.push(
          `${r.name} read the first ${n.toLocaleString('en-GB')} events of the log in its ${LOG.emmettSeconds} s budget (batches of ${LOG.batchSize})`,
        )
      const t = tally.get(r.name)
      t.ops += n
      t.ms += ms
      t.cpuMicros += used.user + used.system
      t.rates.push((n / ms) * 1000)
    }
  for (const r of readers) {
    const t = tally.get(r.name)
    results.push(summary(`readAll a ${LOG.events / 1e6}M-event log`, r.name, t, t.rates.length, 1))
  }
  for (const r of readers) await r.api.close()
}

await dropSchemas()
await admin.end()

// --- report ---

const int = (x) => Math.round(x).toLocaleString('en-GB')
const row = (cells, widths) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
const widths = [34, 10, 12, 10, 12, 10, 17]
// The version of the copy `req` loads: its package.json sits above the entry point it resolves to.
const version = (req, name) => {
  const entry = req.resolve(name)
  const dir = entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}/`.length)
  return JSON.parse(readFileSync(`${dir}package.json`, 'utf8')).version
}
const serverVersion = await (async () => {
  const c = new pg.Client({ connectionString: URL_ })
  await c.connect()
  const v = (await c.query('SHOW server_version')).rows[0].server_version
  await c.end()
  return v
})()

console.log(
  `node ${process.version} on ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model.trim()}; PostgreSQL ${serverVersion} on the same machine (${new URL(URL_).host})`,
)
console.log(`ours: @civic-ledger/store-postgres on pg ${version(requireFromStore, 'pg')}`)
console.log(`bare: pg ${version(require, 'pg')}`)
console.log(
  `emmett: @event-driven-io/emmett-postgresql ${version(requireEmmett, '@event-driven-io/emmett-postgresql')} (emmett ${version(requireEmmett, '@event-driven-io/emmett')}, dumbo ${version(requireEmmett, '@event-driven-io/dumbo')}) on pg ${version(requireEmmett, 'pg')}`,
)
console.log(
  `per case a warm-up, then short rounds taken in turn; ops/s = all measured ops / their time, with the rounds' quartiles; CPU is the Node process's`,
)
console.log('durability:')
for (const [name, d] of Object.entries(durability)) console.log(`  ${name.padEnd(8)} ${d}`)
for (const note of notes) console.log(note)
console.log()
console.log(row(['workload', 'contender', 'rounds×ops', 'ops/s', 'events/s', 'CPU µs/op', 'rounds p25–p75'], widths))
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
        r.cpuPerOp < 10 ? r.cpuPerOp.toFixed(1) : int(r.cpuPerOp),
        r.rounds > 1 ? `${int(r.spread[0])}–${int(r.spread[1])}` : '',
      ],
      widths,
    ),
  )
  previous = r.label
}

const get = (label, contender) =>
  results.find((r) => r.label === label && r.contender === contender) ?? { eventsPerSecond: NaN }
const ratio = (label, a, b) => get(label, a).eventsPerSecond / get(label, b).eventsPerSecond
const logLabel = `readAll a ${LOG.events / 1e6}M-event log`
const targets = [
  ['1 caller: ours / emmett', ratio('append 1 event', 'ours', 'emmett'), 1.6, '×'],
  ['1 caller: ours / emmett-fast', ratio('append 1 event', 'ours', 'emmett-fast'), 1.6, '×'],
  ['1 caller: ours / insert', ratio('append 1 event', 'ours', 'insert'), undefined, '%'],
  ['1 caller: ours / ordered', ratio('append 1 event', 'ours', 'ordered'), undefined, '%'],
  ['1 caller: ordered / emmett', ratio('append 1 event', 'ordered', 'emmett'), undefined, '×'],
  ['1 caller: ours / bare', ratio('append 1 event', 'ours', 'bare'), 0.9, '%'],
  ['8 callers: ours / emmett', ratio('8 callers, 1 event each', 'ours', 'emmett'), 2, '×'],
  ['8 callers: ours / emmett-fast', ratio('8 callers, 1 event each', 'ours', 'emmett-fast'), 2, '×'],
  ['8 callers: ours / insert', ratio('8 callers, 1 event each', 'ours', 'insert'), undefined, '%'],
  ['8 callers: ours / ordered', ratio('8 callers, 1 event each', 'ours', 'ordered'), undefined, '%'],
  ['8 callers: ordered / emmett', ratio('8 callers, 1 event each', 'ordered', 'emmett'), undefined, '×'],
  ['8 callers: ours / bare', ratio('8 callers, 1 event each', 'ours', 'bare'), undefined, '×'],
  ['10 events: ours / emmett', ratio('append 10 events', 'ours', 'emmett'), 2, '×'],
  ['10 events: ours / bare', ratio('append 10 events', 'ours', 'bare'), undefined, '%'],
  ['read 100: ours / emmett', ratio('read a 100-event stream', 'ours', 'emmett'), 1.5, '×'],
  ['read 100: ours / bare', ratio('read a 100-event stream', 'ours', 'bare'), undefined, '%'],
  ['1000-event tx: ours / emmett', ratio('append 1000 events in one tx', 'ours', 'emmett'), undefined, '×'],
  ['1000-event tx: ours / bare', ratio('append 1000 events in one tx', 'ours', 'bare'), undefined, '%'],
  ['32 appenders: ours / emmett', ratio('32 concurrent appenders, 1 event', 'ours', 'emmett'), undefined, '×'],
  ['32 appenders: ours / bare', ratio('32 concurrent appenders, 1 event', 'ours', 'bare'), undefined, '%'],
  ...(before === undefined
    ? []
    : [
        ['1 event: ours / before', ratio('append 1 event', 'ours', 'before'), undefined, '%'],
        ['8 callers: ours / before', ratio('8 callers, 1 event each', 'ours', 'before'), undefined, '%'],
        ['10 events: ours / before', ratio('append 10 events', 'ours', 'before'), undefined, '%'],
        ['read 100: ours / before', ratio('read a 100-event stream', 'ours', 'before'), undefined, '%'],
        ['1000-event tx: ours / before', ratio('append 1000 events in one tx', 'ours', 'before'), undefined, '%'],
        ['32 appenders: ours / before', ratio('32 concurrent appenders, 1 event', 'ours', 'before'), undefined, '%'],
      ]),
  ['readAll 1M: ours events/s', get(logLabel, 'ours').eventsPerSecond, 250_000, 'n'],
  ['readAll 1M: bare events/s', get(logLabel, 'bare').eventsPerSecond, 250_000, 'n'],
  ['readAll 1M: ours / bare', ratio(logLabel, 'ours', 'bare'), undefined, '%'],
  ['readAll 1M: ours / emmett', ratio(logLabel, 'ours', 'emmett'), undefined, '×'],
]
console.log()
console.log(row(['ratio', 'measured', 'target', 'result'], [34, 12, 12, 8]))
for (const [name, value, target, unit] of targets.filter(([, value]) => !Number.isNaN(value))) {
  const show = (x) => (unit === '%' ? `${(x * 100).toFixed(0)}%` : unit === 'n' ? int(x) : `${x.toFixed(2)}×`)
  const verdict = target === undefined ? '' : value >= target ? 'met' : 'MISSED'
  console.log(row([name, show(value), target === undefined ? '—' : `≥ ${show(target)}`, verdict], [34, 12, 12, 8]))
}
const pgTargets = (caller, label, target) =>
  ['emmett', 'emmett-fast'].map((peer) => ({
    name: `PostgreSQL 1-event append, ${caller} / Emmett${peer === 'emmett' ? '' : ' at its fastest'}`,
    measured: ratio(label, 'ours', peer),
    target,
    unit: '×',
    floors: [
      { value: ratio(label, 'insert', peer), name: 'insert: one autocommit INSERT with UNIQUE (stream, version)' },
      {
        value: ratio(label, 'ordered', peer),
        name: 'ordered: the same with gap-free positions in commit order, unique event ids and group commit, as the port needs, without the chain',
      },
    ],
  }))
recordTargets('postgres', [
  ...pgTargets('1 caller', 'append 1 event', 1.6),
  ...pgTargets('8 callers on distinct streams', '8 callers, 1 event each', 2),
])
console.log(`\nwhole run: ${((performance.now() - started) / 1000).toFixed(0)} s`)
