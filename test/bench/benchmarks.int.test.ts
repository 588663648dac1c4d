/**
 * Every benchmark in bench/ still runs, as `npm run bench` runs them (bench/run.mjs) at a token size
 * (BENCH_SMOKE=1): every workload and contender each reports appears in what it prints, and every
 * target they measure reaches the one table of targets. Nothing here looks at a figure: a smoke
 * run's times mean nothing, and `npm run bench` measures.
 *
 * The benchmarks compare against Emmett's stores, which bench/ installs apart (`npm ci --prefix
 * bench`). Without them these tests fail under CI=true, where they must run, and are skipped loudly
 * elsewhere; the PostgreSQL benchmark needs the server too, and runs in a database of its own.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { ExecutionContext } from 'ava'
import test from 'ava'
import pg from 'pg'

import { PG_URL } from '../postgres'

const root = join(__dirname, '..', '..', '..')
const bench = join(root, 'bench')
const MINUTE = 60_000

// --- what the benchmarks need ---

/** bench/'s own dependencies that are not installed. */
const missingBenchPackages = (): ReadonlyArray<string> => {
  const manifest = JSON.parse(readFileSync(join(bench, 'package.json'), 'utf8')) as {
    readonly dependencies?: Readonly<Record<string, string>>
  }
  return Object.keys(manifest.dependencies ?? {}).filter(
    (name) => !existsSync(join(bench, 'node_modules', name, 'package.json')),
  )
}

const missing = missingBenchPackages()
const ready = missing.length === 0
if (!ready) {
  const message = `bench/ is missing ${missing.join(', ')} (install with: npm ci --prefix bench): the benchmark smoke tests did not run`
  if (process.env['CI'] === 'true')
    test('benchmarks: bench/ dependencies must be installed under CI', (t) => t.fail(message))
  else {
    console.warn(`\n*** ${message} ***\n`)
    test.skip(`benchmarks: skipped, ${message}`, () => undefined)
  }
}

/** Registers a benchmark's smoke test when bench/ is installed. Serial: they share two cores. */
const smoke = (title: string, run: (t: ExecutionContext) => Promise<void>): void => {
  if (ready) test.serial(title, run)
}

// --- running a benchmark ---

interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `node bench/<script> ...args` with `env` over this process's, to the end. */
const runBench = (script: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) =>
  new Promise<Finished>((resolve, reject) => {
    const child = spawn(process.execPath, [join(bench, script), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** Fails unless the run exited 0; the end of its error output says why. */
const exitedCleanly = (t: ExecutionContext, run: Finished, script: string): void => {
  t.is(run.code, 0, `${script} exited ${String(run.code)}:\n${run.stderr.slice(-4000)}`)
}

/**
 * The contenders each workload of a results table lists: rows are `<workload> <contender> <rounds>×<ops>
 * …`, the workload written on its first contender's row only.
 */
const tableRows = (output: string): ReadonlyMap<string, ReadonlyArray<string>> => {
  const rows = new Map<string, string[]>()
  let workload = ''
  for (const line of output.split('\n')) {
    const match = /^(.*?)\s+([a-z][a-z-]*)\s+\d+×[\d,]+\s/.exec(line)
    if (match === null) continue
    const label = (match[1] ?? '').trim()
    if (label !== '') workload = label
    const contenders = rows.get(workload) ?? []
    contenders.push(match[2] ?? '')
    rows.set(workload, contenders)
  }
  return rows
}

/** Fails unless every workload lists exactly these contenders. */
const hasTable = (
  t: ExecutionContext,
  output: string,
  expected: Readonly<Record<string, ReadonlyArray<string>>>,
): void => {
  const rows = tableRows(output)
  for (const [workload, contenders] of Object.entries(expected))
    t.deepEqual(rows.get(workload), contenders, `the contenders of “${workload}”`)
}

/** Fails unless each of `lines` starts some line of `output` (after its leading spaces). */
const hasLines = (t: ExecutionContext, output: string, lines: ReadonlyArray<string>): void => {
  const starts = output.split('\n').map((line) => line.trimStart())
  for (const line of lines)
    t.true(
      starts.some((s) => s.startsWith(line)),
      `a line starting “${line}” in:\n${output}`,
    )
}

// --- the run ---

/** Runs `sql` on the server's default database. */
const admin = async (sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** Why PostgreSQL cannot be reached, or undefined when it can. */
const postgresUnreachable = async (): Promise<string | undefined> => {
  try {
    await admin('SELECT 1')
    return undefined
  } catch (error) {
    return `PostgreSQL at ${PG_URL} is unreachable (${error instanceof Error ? error.message : String(error)})`
  }
}

/** The report each benchmark printed, by script (`sqlite`, `postgres`, …), and the targets table. */
const sectionsOf = (output: string): ReadonlyMap<string, string> => {
  const sections = new Map<string, string>()
  for (const part of output.split(/^== /m).slice(1)) {
    const title = part.slice(0, part.indexOf(' =='))
    sections.set(title.replace(/^bench\/(.*)\.mjs$/, '$1'), part.slice(part.indexOf('\n') + 1))
  }
  return sections
}

const APPENDS = ['ours', 'ours-nochain', 'bare', 'bare-nochain', 'bare-min', 'bare-min-id', 'emmett', 'emmett-conn']
const PG_THREE = ['ours', 'bare', 'emmett']
const PG_APPENDS = ['ours', 'insert', 'ordered', 'emmett', 'emmett-fast', 'bare']

/** What each benchmark's report must show: its tables' contenders, and lines it must print. */
const EXPECTED: Readonly<
  Record<
    string,
    { readonly tables?: Readonly<Record<string, ReadonlyArray<string>>>; readonly lines: ReadonlyArray<string> }
  >
> = {
  sqlite: {
    tables: {
      'append 1 event (FULL)': APPENDS,
      'append 10 events (FULL)': APPENDS,
      'read a 100-event stream': ['ours', 'bare', 'emmett', 'emmett-conn'],
      'append 1000 events in one tx': APPENDS,
      '32 concurrent appenders, 1 event': ['ours', 'ours-alone', 'bare'],
    },
    lines: [
      'WAL frames',
      'group commit, 32 concurrent appenders, 1 event, ours:',
      '1 event: ours / bare-min',
      '32 appenders / 1 appender (ours)',
    ],
  },
  memory: {
    lines: [
      'ours     median',
      'bare     median',
      'emmett   median',
      'ours / emmett:',
      'bare / emmett:',
      'ours / bare:',
    ],
  },
  postgres: {
    tables: {
      'append 1 event': PG_APPENDS,
      '8 callers, 1 event each': PG_APPENDS,
      'append 10 events': PG_THREE,
      'read a 100-event stream': PG_THREE,
      'append 1000 events in one tx': PG_THREE,
      '32 concurrent appenders, 1 event': PG_THREE,
      'readAll a 0.02M-event log': PG_THREE,
    },
    lines: [
      '1 caller: ours / emmett-fast',
      '1 caller: ours / ordered',
      '8 callers: ours / emmett-fast',
      '8 callers: ours / ordered',
      'readAll 1M: ours / bare',
    ],
  },
  execute: {
    lines: [
      'round 1 cache off callers 1:',
      'round 1 cache on callers 1:',
      'round 1 appends only callers 1:',
      'round 1 cache off callers 32:',
      'round 1 cache on callers 32:',
      'round 1 appends only callers 32:',
      '| off |',
      '| on |',
      '| appends only |',
      '32 callers / 1 caller, cache on:',
    ],
  },
  projections: { lines: ['2000       1', '2000  median ratio of 1 rounds:'] },
  audit: { lines: ['2000       1200', '2000       2000'] },
  kernel: {
    lines: [
      'append 1 event, 0 other streams',
      'append 1 event, 1,000 other streams',
      'JSON.parse only',
      'JSON.parse + catalog.decode',
      'JSON.parse + decode with Date objects',
      'append rate with 1,000 streams / with none',
    ],
  },
}

/** The targets table's rows that must be there: one per target of every benchmark. */
const TARGETS = [
  '| SQLite durable 1-event append / minimal bare |',
  '| SQLite durable 1-event append / Emmett, long-lived connection |',
  '| SQLite 1000-event append, events/s |',
  '| SQLite WAL frames a durable 1-event commit |',
  '| In-memory store, 1,000 appends over 100 streams / Emmett |',
  '| PostgreSQL 1-event append, 1 caller / Emmett |',
  '| PostgreSQL 1-event append, 1 caller / Emmett at its fastest |',
  '| PostgreSQL 1-event append, 8 callers on distinct streams / Emmett |',
  '| PostgreSQL 1-event append, 8 callers on distinct streams / Emmett at its fastest |',
  '| `ledger.execute` on durable SQLite, 32 callers / 1 |',
  '| Rebuild of 2,000 events / bare scan and parse |',
  '| `verify` of 2,000 events in 1,200 streams, events/s |',
]

smoke(
  'npm run bench runs every benchmark and gathers every target, and a smoke run leaves the docs alone',
  async (t) => {
    t.timeout(20 * MINUTE)
    const unreachable = await postgresUnreachable()
    if (unreachable !== undefined) {
      const message = `${unreachable}: the benchmarks did not run`
      if (process.env['CI'] === 'true') t.fail(message)
      else {
        console.warn(`\n*** ${message} ***\n`)
        t.pass()
      }
      return
    }
    const docs = join(root, 'docs', 'performance.md')
    const before = readFileSync(docs, 'utf8')
    // Its own database: the PostgreSQL benchmark drops its schemas, and refuses to run where Emmett's
    // functions exist already, so it must not share one with anything else.
    const database = `cl_bench_${randomBytes(5).toString('hex')}`
    await admin(`CREATE DATABASE ${database}`)
    try {
      const url = new URL(PG_URL)
      url.pathname = `/${database}`
      const run = await runBench('run.mjs', [], { BENCH_SMOKE: '1', BENCH_PG_URL: url.toString() })
      exitedCleanly(t, run, 'bench/run.mjs')
      const sections = sectionsOf(run.stdout)
      t.deepEqual([...sections.keys()], [...Object.keys(EXPECTED), 'targets'], 'every benchmark ran, in order')
      for (const [name, expected] of Object.entries(EXPECTED)) {
        const report = sections.get(name) ?? ''
        if (expected.tables !== undefined) hasTable(t, report, expected.tables)
        hasLines(t, report, expected.lines)
      }
      hasLines(t, sections.get('targets') ?? '', TARGETS)
      t.is(readFileSync(docs, 'utf8'), before, 'a smoke run must not rewrite docs/performance.md')
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    }
  },
)
