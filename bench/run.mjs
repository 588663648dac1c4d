// `npm run bench`: runs every benchmark in bench/, each in a process of its own and one after
// another, and rewrites the generated section of docs/performance.md with what they printed: first
// one table of every target they measured (the figure, the target, whether it was met, and the
// same measure taken by the least any design could do in the same run), then each benchmark's own
// report, with the machine and the command. Nothing here asserts a time.
//
//   npm run bench                              every benchmark (12–15 minutes on 2 cores)
//   BENCH_ONLY=sqlite,memory npm run bench     some of them (sqlite, memory, postgres, execute,
//                                              projections, audit, kernel)
//   BENCH_NO_DOCS=1 npm run bench              print only
//   BENCH_SMOKE=1 node bench/run.mjs           token sizes, to show every benchmark still runs; print only
//
// The PostgreSQL benchmark uses BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test); it
// creates and drops schemas of its own there.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'

import { meets, shown } from './targets.mjs'

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname
const docs = join(here, '..', 'docs', 'performance.md')
const START = '<!-- bench:start (written by npm run bench; edits here are replaced) -->'
const END = '<!-- bench:end -->'
const SMOKE = process.env.BENCH_SMOKE === '1'

/** Every benchmark, in the order run: its script, its section's title, and its sizes (full and smoke). */
const BENCHMARKS = [
  { name: 'sqlite', title: 'SQLite', smoke: { env: { BENCH_SMOKE: '1' } } },
  { name: 'memory', title: 'In-memory store', smoke: { env: { BENCH_SMOKE: '1' } } },
  {
    name: 'postgres',
    title: 'PostgreSQL',
    smoke: { env: { BENCH_SMOKE: '1', BENCH_LOG_EVENTS: '20000' } },
  },
  {
    name: 'execute',
    title: '`ledger.execute` with 1 and 32 callers',
    full: { env: { SECONDS_PER_RUN: '3', ROUNDS: '3' } },
    smoke: { env: { SECONDS_PER_RUN: '0.2', ROUNDS: '1', SEED: '5' } },
  },
  {
    name: 'projections',
    title: 'Rebuilding read models',
    full: { args: ['1000000'] },
    smoke: { args: ['2000'], env: { CIVIC_LEDGER_BENCH_ROUNDS: '1' } },
  },
  {
    name: 'audit',
    title: 'Audit: verify, seal, export, import',
    full: { args: ['1000000'] },
    smoke: { args: ['2000'] },
  },
  { name: 'kernel', title: 'Kernel', smoke: { env: { BENCH_SMOKE: '1' } } },
]

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
const unknown = (only ?? []).filter((name) => !BENCHMARKS.some((b) => b.name === name))
if (unknown.length > 0) {
  process.stderr.write(
    `BENCH_ONLY names no benchmark: ${unknown.join(', ')} (${BENCHMARKS.map((b) => b.name).join(', ')})\n`,
  )
  process.exit(2)
}
const chosen = BENCHMARKS.filter((b) => only === undefined || only.includes(b.name))

const scratch = mkdtempSync(join(tmpdir(), 'civic-ledger-bench-'))
const targetsFile = join(scratch, 'targets.jsonl')
writeFileSync(targetsFile, '')

/** Runs one benchmark to its end; its report goes to stdout as it comes, and is returned. */
const run = (benchmark) => {
  const sizes = (SMOKE ? benchmark.smoke : benchmark.full) ?? {}
  const command = `node bench/${benchmark.name}.mjs${(sizes.args ?? []).map((a) => ` ${a}`).join('')}`
  process.stderr.write(`${command}\n`)
  const report = execFileSync(process.execPath, [join(here, `${benchmark.name}.mjs`), ...(sizes.args ?? [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...sizes.env, BENCH_TARGETS: targetsFile },
    maxBuffer: 64 * 1024 * 1024,
  }).trimEnd()
  process.stdout.write(`== bench/${benchmark.name}.mjs ==\n${report}\n\n`)
  const env = Object.entries(sizes.env ?? {})
    .map(([k, v]) => `${k}=${v} `)
    .join('')
  return { ...benchmark, command: `${env}${command}`, report }
}

const started = new Date()
let reports
try {
  reports = chosen.map(run)
} catch (error) {
  rmSync(scratch, { recursive: true, force: true })
  process.stderr.write(`a benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
const targets = readFileSync(targetsFile, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line))
rmSync(scratch, { recursive: true, force: true })

/** The targets as a Markdown table: each with its figure, whether it was met, and the floors' figures. */
const targetTable = () => [
  '| target | measured | goal | result | floors, same run |',
  '| --- | --- | --- | --- | --- |',
  ...targets.map((t) => {
    const goal = `${t.at === 'most' ? '≤' : '≥'} ${shown(t.target, t.unit)}`
    const floor =
      t.floors.length === 0
        ? '—'
        : t.floors
            .map(
              (f) => `${shown(f.value, t.unit)} (${f.name}${meets({ ...t, measured: f.value }) ? '' : '; misses too'})`,
            )
            .join('; ')
    return `| ${t.name} | ${shown(t.measured, t.unit)} | ${goal} | ${meets(t) ? 'met' : '**missed**'} | ${floor} |`
  }),
]
process.stdout.write(`== targets ==\n${targetTable().join('\n')}\n`)

const shownEnv = (value = '') => `${/^[\w.,/=-]*$/.test(value) ? value : `'${value}'`} `
// A smoke run's figures mean nothing: they never reach the docs.
if (process.env.BENCH_NO_DOCS === undefined && !SMOKE) {
  const env = ['BENCH_ONLY', 'BENCH_CASES', 'BENCH_CONTENDERS', 'BENCH_BEFORE', 'BENCH_APPENDS', 'BENCH_ROUNDS']
    .filter((k) => process.env[k] !== undefined)
    // A checkout's path says nothing to a reader, and is this machine's own.
    .map((k) =>
      k === 'BENCH_BEFORE' ? `${k}=<a built checkout of the build before> ` : k + '=' + shownEnv(process.env[k]),
    )
    .join('')
  const minutes = ((Date.now() - started.getTime()) / 60_000).toFixed(0)
  const section = [
    START,
    '',
    `## Latest run of \`npm run bench\` (${started.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `Command: \`${env}npm run bench\` (${minutes} minutes). Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.`,
    'Rates are all measured operations over their time, with the median round and the rounds’ p25–p75;',
    'the contenders take turns in short rounds in one process, so their ratios share the host’s drift.',
    '',
    '### Targets',
    '',
    'Every target the benchmarks below measured. A floor is the same measure taken in the same run by',
    'the least work it allows, named in each row: the minimal bare driver; the same with the',
    'guarantees of the port that cost most (unique event ids; gap-free positions in commit order); a',
    'store that checks nothing; the least rebuild of the same read models; our runner with empty',
    'projections. Where a floor misses the goal too, the goal asks for less work than that floor does,',
    'on this machine.',
    '',
    ...targetTable(),
    ...reports.flatMap((r) => ['', `### ${r.title} (\`${r.command}\`)`, '', '```text', r.report, '```']),
    '',
    END,
  ].join('\n')
  const text = readFileSync(docs, 'utf8')
  const a = text.indexOf(START)
  const b = text.indexOf(END)
  const next =
    a >= 0 && b > a
      ? text.slice(0, a) + section + text.slice(b + END.length)
      : text.replace(/\n## /, `\n${section}\n\n## `)
  writeFileSync(docs, next)
  process.stderr.write(`wrote ${docs}\n`)
}
