/**
 * Every benchmark in bench/ still runs: each at a token size (BENCH_SMOKE=1, or the smallest size its
 * arguments take), with every workload and contender it reports appearing in what it prints. Nothing
 * here looks at a figure: a smoke run's times mean nothing, and `npm run bench` measures.
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

// --- the benchmarks ---

const APPENDS = ['ours', 'ours-nochain', 'bare', 'bare-nochain', 'bare-min', 'bare-min-id', 'emmett', 'emmett-conn']

smoke('npm run bench’s runner: every SQLite and in-memory case runs, and the docs are left alone', async (t) => {
  t.timeout(10 * MINUTE)
  const docs = join(root, 'docs', 'performance.md')
  const before = readFileSync(docs, 'utf8')
  const run = await runBench('run.mjs', [], { BENCH_SMOKE: '1' })
  exitedCleanly(t, run, 'bench/run.mjs')
  hasTable(t, run.stdout, {
    'append 1 event (FULL)': APPENDS,
    'append 10 events (FULL)': APPENDS,
    'read a 100-event stream': ['ours', 'bare', 'emmett', 'emmett-conn'],
    'append 1000 events in one tx': APPENDS,
    '32 concurrent appenders, 1 event': ['ours', 'ours-alone', 'bare'],
  })
  hasLines(t, run.stdout, [
    'WAL frames',
    'group commit, 32 concurrent appenders, 1 event, ours:',
    '1 event: ours / bare-min',
    '32 appenders / 1 appender (ours)',
    'ours     median',
    'bare     median',
    'emmett   median',
    'ours / emmett:',
    'bare / emmett:',
    'ours / bare:',
  ])
  t.is(readFileSync(docs, 'utf8'), before, 'a smoke run must not rewrite docs/performance.md')
})

smoke('bench/kernel.mjs runs its append and decode cases', async (t) => {
  t.timeout(5 * MINUTE)
  const run = await runBench('kernel.mjs', [], { BENCH_SMOKE: '1' })
  exitedCleanly(t, run, 'bench/kernel.mjs')
  hasLines(t, run.stdout, [
    'append 1 event, 0 other streams',
    'append 1 event, 1,000 other streams',
    'JSON.parse only',
    'JSON.parse + catalog.decode',
    'JSON.parse + decode with Date objects',
    'append rate with 1,000 streams / with none',
  ])
})

smoke('bench/execute.mjs runs 1 and 32 callers with the aggregate cache off and on', async (t) => {
  t.timeout(5 * MINUTE)
  const run = await runBench('execute.mjs', [], { SECONDS_PER_RUN: '0.2', ROUNDS: '1', SEED: '5' })
  exitedCleanly(t, run, 'bench/execute.mjs')
  hasLines(t, run.stdout, [
    'round 1 cache off callers 1:',
    'round 1 cache on callers 1:',
    'round 1 cache off callers 32:',
    'round 1 cache on callers 32:',
    '| off |',
    '| on |',
  ])
})

smoke('bench/projections.mjs rebuilds a small ledger and scans it bare', async (t) => {
  t.timeout(5 * MINUTE)
  const run = await runBench('projections.mjs', ['2000'], { CIVIC_LEDGER_BENCH_ROUNDS: '1' })
  exitedCleanly(t, run, 'bench/projections.mjs')
  hasLines(t, run.stdout, ['2000       1', '2000  median ratio of 1 rounds:'])
})

smoke('bench/audit.mjs verifies, seals, exports and imports both shapes of a small ledger', async (t) => {
  t.timeout(5 * MINUTE)
  const run = await runBench('audit.mjs', ['2000'], {})
  exitedCleanly(t, run, 'bench/audit.mjs')
  const rows = run.stdout.split('\n').filter((line) => /^\s*2000\s+\d+\s+[\d.]+ s/.test(line))
  t.is(rows.length, 2, `a row for each shape of log in:\n${run.stdout}`)
})

// --- PostgreSQL: the server, in a database made for the run ---

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

smoke('bench/postgres.mjs runs every case against every contender', async (t) => {
  t.timeout(10 * MINUTE)
  try {
    await admin('SELECT 1')
  } catch (error) {
    const message = `PostgreSQL at ${PG_URL} is unreachable (${error instanceof Error ? error.message : String(error)}): the PostgreSQL benchmark did not run`
    if (process.env['CI'] === 'true') t.fail(message)
    else {
      console.warn(`\n*** ${message} ***\n`)
      t.pass()
    }
    return
  }
  // Its own database: the benchmark drops its schemas, and refuses to run where Emmett's functions
  // exist already, so it must not share one with anything else.
  const database = `cl_bench_${randomBytes(5).toString('hex')}`
  await admin(`CREATE DATABASE ${database}`)
  try {
    const url = new URL(PG_URL)
    url.pathname = `/${database}`
    const run = await runBench('postgres.mjs', [], {
      BENCH_PG_URL: url.toString(),
      BENCH_LOG_EVENTS: '20000',
      BENCH_SMOKE: '1',
    })
    exitedCleanly(t, run, 'bench/postgres.mjs')
    const three = ['ours', 'bare', 'emmett']
    const five = ['ours', 'insert', 'emmett', 'emmett-fast', 'bare']
    hasTable(t, run.stdout, {
      'append 1 event': five,
      '8 callers, 1 event each': five,
      'append 10 events': three,
      'read a 100-event stream': three,
      'append 1000 events in one tx': three,
      '32 concurrent appenders, 1 event': three,
      'readAll a 0.02M-event log': three,
    })
    hasLines(t, run.stdout, [
      '1 caller: ours / emmett-fast',
      '8 callers: ours / emmett-fast',
      'readAll 1M: ours / bare',
    ])
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }
})
