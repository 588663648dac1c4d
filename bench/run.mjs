// `npm run bench`: runs the store benchmarks (bench/sqlite.mjs, bench/memory.mjs), each in
// a process of its own, and rewrites the generated section of docs/performance.md with what they
// printed (medians, the rounds' spread, the ratios against their targets), the machine and the
// command. Nothing here asserts a time.
//
//   npm run bench                         every case (about 4 minutes on 2 cores)
//   BENCH_CASES=single,big,frames npm run bench
//   BENCH_NO_DOCS=1 npm run bench         print only
//   BENCH_SMOKE=1 node bench/run.mjs      token sizes, to show every case still runs; print only
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { join } from 'node:path'

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname
const docs = join(here, '..', 'docs', 'performance.md')
const START = '<!-- bench:start (written by npm run bench; edits here are replaced) -->'
const END = '<!-- bench:end -->'

const run = (script) => {
  process.stderr.write(`node bench/${script}\n`)
  return execFileSync(process.execPath, [join(here, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  }).trimEnd()
}

const started = new Date()
const sqlite = run('sqlite.mjs')
const memory = run('memory.mjs')
process.stdout.write(`${sqlite}\n\n${memory}\n`)

const shown = (value = '') => `${/^[\w.,/=-]*$/.test(value) ? value : `'${value}'`} `
// A smoke run's figures mean nothing: they never reach the docs.
if (process.env.BENCH_NO_DOCS === undefined && process.env.BENCH_SMOKE !== '1') {
  const env = ['BENCH_CASES', 'BENCH_CONTENDERS', 'BENCH_BEFORE', 'BENCH_APPENDS', 'BENCH_ROUNDS']
    .filter((k) => process.env[k] !== undefined)
    // A checkout's path says nothing to a reader, and is this machine's own.
    .map((k) =>
      k === 'BENCH_BEFORE' ? `${k}=<a built checkout of the build before> ` : k + '=' + shown(process.env[k]),
    )
    .join('')
  const section = [
    START,
    '',
    `## Latest run of \`npm run bench\` (${started.toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `Command: \`${env}npm run bench\`. Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}.`,
    'Rates are all measured operations over their time, with the median round and the rounds’ p25–p75;',
    'the contenders take turns in short rounds in one process, so their ratios share the host’s drift.',
    '',
    '### SQLite (`bench/sqlite.mjs`)',
    '',
    '```text',
    sqlite,
    '```',
    '',
    '### In-memory store (`bench/memory.mjs`)',
    '',
    '```text',
    memory,
    '```',
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
