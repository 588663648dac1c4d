/** The program driven through `run(argv, io)` with its output captured: usage, help, errors, progress. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { ExecutionContext } from 'ava'
import test from 'ava'

import { ExitCode } from './exit-codes'
import type { Io } from './io'
import { run } from './run'

interface Captured {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const tempDir = (t: ExecutionContext): string => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-run-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const runIn = async (
  cwd: string,
  argv: ReadonlyArray<string>,
  options: { readonly tty?: boolean; readonly env?: Record<string, string> } = {},
): Promise<Captured> => {
  let stdout = ''
  let stderr = ''
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty === true, columns: 100 },
    env: options.env ?? {},
    cwd,
  }
  const code = await run(argv, io)
  return { code, stdout, stderr }
}

test('--help and --version end well and write to stdout', async (t) => {
  const cwd = tempDir(t)
  const help = await runIn(cwd, ['--help'])
  t.is(help.code, ExitCode.ok)
  t.regex(help.stdout, /^Usage: civic-ledger \[options\] \[command\]/)
  t.regex(help.stdout, /Exit codes:/)
  for (const command of [
    'init',
    'status',
    'projections',
    'dead-letters',
    'report',
    'history',
    'seal',
    'verify',
    'export',
    'import',
    'erase',
  ])
    t.regex(help.stdout, new RegExp(`\\n  ${command} `), command)
  const version = await runIn(cwd, ['--version'])
  t.is(version.code, ExitCode.ok)
  t.regex(version.stdout, /^\d+\.\d+\.\d+\n$/)
  const sub = await runIn(cwd, ['erase', '--help'])
  t.is(sub.code, ExitCode.ok)
  t.regex(sub.stdout, /roles\.erase lists \(default data-protection-officer\)/)
})

test('a command that is not there, an option or a missing argument is bad usage in one line on stderr', async (t) => {
  const cwd = tempDir(t)
  for (const [argv, message] of [
    [['nope'], /^civic-ledger: unknown command 'nope'\n/],
    [['status', '--frob'], /^civic-ledger: unknown option '--frob'\n/],
    [['erase', '--reason', 'asked'], /^civic-ledger: missing required argument 'subjectId'\n/],
    [['seal'], /^civic-ledger: required option '--out <file>' not specified\n/],
    [['history', 'a', 'b'], /^civic-ledger: too many arguments for 'history'/],
    [['status', '--timeout', 'later'], /^civic-ledger: --timeout: "later" is not a number of seconds/],
    [
      ['report', 'fund-budgets', '--format', 'pdf'],
      /^civic-ledger: --format: "pdf" is not one of table, csv, json, html\n$/,
    ],
  ] as const) {
    const out = await runIn(cwd, argv)
    t.is(out.code, ExitCode.usage, argv.join(' '))
    t.regex(out.stderr, message, argv.join(' '))
    t.is(out.stdout, '')
  }
  // With no command, commander shows the help on stderr: that is usage too.
  t.is((await runIn(cwd, [])).code, ExitCode.usage)
})

test('a missing ledger exits 3, and nothing is made; init makes one and status reports it as JSON', async (t) => {
  const cwd = tempDir(t)
  const missing = await runIn(cwd, ['status'])
  t.is(missing.code, ExitCode.cannotOpen)
  t.is(
    missing.stderr,
    `civic-ledger: ${join(cwd, 'civic-ledger.db')}: there is no ledger here (make one with civic-ledger init)\n`,
  )
  const init = await runIn(cwd, ['init', '--json'])
  t.is(init.code, ExitCode.ok)
  t.deepEqual(JSON.parse(init.stdout), { store: `sqlite:${join(cwd, 'civic-ledger.db')}`, head: 0, created: true })
  const status = await runIn(cwd, ['--json', 'status'])
  t.is(status.code, ExitCode.ok)
  const report = JSON.parse(status.stdout) as {
    head: number
    lastSeal: unknown
    projections: ReadonlyArray<{ name: string }>
  }
  t.is(report.head, 0)
  t.is(report.lastSeal, null)
  t.true(report.projections.some((p) => p.name === 'privacy-erasures'))
})

test('a KurrentDB connection string opens through the KurrentDB store; with no server there, one line says so', async (t) => {
  // Nothing listens on port 1: the store is the KurrentDB one, and it names the server as unavailable.
  const down = await runIn(tempDir(t), ['--store', 'kurrentdb://ledger:secret@127.0.0.1:1?tls=false', 'status'])
  t.not(down.code, ExitCode.ok)
  t.not(down.code, ExitCode.usage, 'the scheme is known')
  t.regex(down.stderr, /^civic-ledger: the KurrentDB ledger .*KurrentDB is unavailable/)
  t.is(down.stderr.split('\n').length, 2, 'one line')
  t.false(down.stderr.includes('secret'), 'no password in the message')
})

test('progress bars are drawn on a terminal, and not with --no-progress or --json', async (t) => {
  const cwd = tempDir(t)
  t.is((await runIn(cwd, ['init'])).code, 0)
  const drawn = await runIn(cwd, ['verify'], { tty: true })
  t.is(drawn.code, ExitCode.ok)
  t.regex(drawn.stderr, /verify/)
  t.is((await runIn(cwd, ['verify', '--no-progress'], { tty: true })).stderr, '')
  const asJson = await runIn(cwd, ['verify', '--json'], { tty: true })
  t.is(asJson.stderr, '')
  t.like(JSON.parse(asJson.stdout), { ok: true, events: 0 })
})

test('the store may come from the environment the io gives', async (t) => {
  const cwd = tempDir(t)
  const env = { CIVIC_LEDGER_STORE: 'sqlite:./elsewhere.db' }
  t.is((await runIn(cwd, ['init'], { env })).code, 0)
  t.regex((await runIn(cwd, ['status'], { env })).stdout, /elsewhere\.db/)
  t.is((await runIn(cwd, ['status'])).code, ExitCode.cannotOpen)
})

test('report modules named in the config add reports, and may render them as HTML', async (t) => {
  const cwd = tempDir(t)
  writeFileSync(
    join(cwd, 'reports.js'),
    `exports.reports = [{
      name: 'ledger-size',
      description: 'how many events the ledger holds',
      projections: [],
      produce: async (source) => ({ title: 'Ledger size', columns: [{ key: 'events', title: 'events' }], rows: [{ events: source.position }] }),
      html: (data) => '<table><tr><td>' + data.rows[0].events + '</td></tr></table>',
    }]\n`,
  )
  writeFileSync(join(cwd, 'civic-ledger.config.json'), JSON.stringify({ reports: ['./reports.js'] }))
  t.is((await runIn(cwd, ['init'])).code, 0)
  const list = await runIn(cwd, ['report'])
  t.regex(list.stdout, /ledger-size +how many events the ledger holds/)
  const html = await runIn(cwd, ['report', 'ledger-size', '--format', 'html'])
  t.is(html.code, ExitCode.ok, html.stderr)
  t.is(html.stdout, '<table><tr><td>0</td></tr></table>\n')
  const replayed = await runIn(cwd, ['report', 'ledger-size', '--as-of', '0', '--format', 'csv'])
  t.is(replayed.stdout, 'events\r\n0\r\n')
  writeFileSync(join(cwd, 'civic-ledger.config.json'), JSON.stringify({ reports: ['./nothing-here.js'] }))
  const missing = await runIn(cwd, ['report'])
  t.is(missing.code, ExitCode.usage)
  t.regex(missing.stderr, /reports .*nothing-here\.js: cannot be loaded/)
})
