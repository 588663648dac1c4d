/**
 * `npm run torture`: runs the torture phases, prints a table of their figures, and writes
 * docs/reliability.md with the machine, the command, the date, the seed and the duration.
 *
 * Options (arguments, or the environment variables in brackets):
 * - `--size short|full` (`CIVIC_LEDGER_TORTURE_SIZE`, default full);
 * - `--seed N` (`CIVIC_LEDGER_TORTURE_SEED`, default from the clock);
 * - `--stores memory,sqlite,postgres,kurrentdb` (`CIVIC_LEDGER_TORTURE_STORES`, default all four; a store that cannot be reached is reported as not run);
 * - `--phases word,…` (`CIVIC_LEDGER_TORTURE_PHASES`): only phases whose name holds one of the words;
 * - `--kills N` (`CIVIC_LEDGER_TORTURE_KILLS`, default 1000 full, 20 short): SQLite kills;
 * - `--no-security`: leave out the security sweeps; `--no-report`: print, do not write the page.
 *
 * The run is two processes: this one starts itself again as the worker, with the worker's output
 * (and its children's, which inherit it) piped through this one, which keeps every byte. At the end
 * it searches that output for the personal values and subject keys the run used — the worker's
 * privacy phases list them in a file outside the output — and reports the number of matches,
 * which must be 0.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { join } from 'node:path'

import { redactConnection } from '@civic-ledger/core'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'

import { PG_URL } from '../postgres'
import type { Phase, PhaseResult, StoreName } from './phase'
import { passed } from './phase'
import { phasesByStore, secondsFor, securityPhases } from './phases'
import type { NotRun, RunRecord } from './report'
import { reliabilityPage, table } from './report'
import { scratchDirectory } from './support'

const ROOT = join(__dirname, '..', '..', '..')
const STORES: ReadonlyArray<StoreName> = ['memory', 'sqlite', 'postgres', 'kurrentdb']

// --- options ---

interface Options {
  readonly size: 'short' | 'full'
  readonly seed: number
  readonly stores: ReadonlyArray<StoreName>
  readonly phases: ReadonlyArray<string>
  readonly kills: number
  readonly security: boolean
  readonly report: boolean
}

const optionsOf = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Options => {
  const arg = (name: string): string | undefined => {
    const at = args.indexOf(`--${name}`)
    return at >= 0 ? args[at + 1] : undefined
  }
  const list = (text: string | undefined): ReadonlyArray<string> =>
    (text ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  const size = arg('size') ?? env['CIVIC_LEDGER_TORTURE_SIZE'] ?? 'full'
  if (size !== 'short' && size !== 'full') throw new Error(`--size must be short or full, got ${size}`)
  const stores = list(arg('stores') ?? env['CIVIC_LEDGER_TORTURE_STORES'] ?? 'memory,sqlite,postgres,kurrentdb')
  const unknown = stores.filter((store) => !STORES.includes(store as StoreName))
  if (unknown.length > 0) throw new Error(`unknown stores ${unknown.join(', ')} (known: ${STORES.join(', ')})`)
  const seed = Number.parseInt(arg('seed') ?? env['CIVIC_LEDGER_TORTURE_SEED'] ?? '', 10)
  const kills = Number.parseInt(arg('kills') ?? env['CIVIC_LEDGER_TORTURE_KILLS'] ?? '', 10)
  return {
    size,
    seed: Number.isSafeInteger(seed) ? seed : Date.now() % 1_000_000,
    stores: stores as ReadonlyArray<StoreName>,
    phases: list(arg('phases') ?? env['CIVIC_LEDGER_TORTURE_PHASES']),
    kills: Number.isSafeInteger(kills) && kills > 0 ? kills : size === 'short' ? 20 : 1_000,
    security: !args.includes('--no-security'),
    report: !args.includes('--no-report'),
  }
}

const chosen = (options: Options): ReadonlyArray<Phase> => {
  const wanted = (phase: Phase): boolean =>
    options.phases.length === 0 || options.phases.some((word) => phase.name.includes(word))
  return [
    ...options.stores.flatMap((store) => phasesByStore[store]),
    ...(options.security ? securityPhases : []),
  ].filter(wanted)
}

// --- the worker: runs the phases ---

interface WorkerOutput {
  readonly results: ReadonlyArray<PhaseResult>
  readonly notRun: ReadonlyArray<NotRun>
}

const runPhase = async (phase: Phase, options: Options, index: number): Promise<PhaseResult | NotRun> => {
  const reason = await phase.unavailable?.()
  if (reason !== undefined) return { store: phase.store, phase: phase.name, reason }
  const seconds = secondsFor(phase, options.size)
  const budget = { size: options.size, seconds, seed: options.seed + index, kills: options.kills }
  // A bound on a hung phase: it is reported as not run, and the run goes on.
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<NotRun>((resolve) => {
    timer = setTimeout(
      () => resolve({ store: phase.store, phase: phase.name, reason: `did not finish within ${seconds * 2 + 120} s` }),
      (seconds * 2 + 120) * 1000,
    )
  })
  try {
    return await Promise.race([phase.run(budget), timeout])
  } catch (error) {
    return {
      store: phase.store,
      phase: phase.name,
      reason: `could not run: ${error instanceof Error ? error.message : String(error)}`,
    }
  } finally {
    clearTimeout(timer)
  }
}

const worker = async (options: Options, resultsFile: string): Promise<void> => {
  const results: PhaseResult[] = []
  const notRun: NotRun[] = []
  for (const store of options.stores)
    if (phasesByStore[store].length === 0)
      notRun.push({ store, phase: 'every phase', reason: `no ${store} phases are registered in this run yet` })
  for (const [index, phase] of chosen(options).entries()) {
    console.log(`\n=== ${phase.store}: ${phase.name} ===`)
    const outcome = await runPhase(phase, options, index)
    if ('reason' in outcome) {
      notRun.push(outcome)
      console.log(`not run: ${outcome.reason}`)
    } else {
      results.push(outcome)
      console.log(`${passed(outcome) ? 'pass' : 'FAIL'} in ${outcome.seconds} s`)
      for (const failing of outcome.invariants.filter((i) => !i.held))
        console.log(`  FAILED ${failing.name}: ${failing.detail}`)
    }
    const output: WorkerOutput = { results, notRun }
    writeFileSync(resultsFile, JSON.stringify(output))
  }
}

// --- the parent: keeps the output, searches it, reports ---

const machine = async (): Promise<ReadonlyArray<readonly [string, string]>> => {
  const cpu = cpus()
  const osRelease = existsSync('/etc/os-release')
    ? (/^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '')
    : ''
  const db = new BetterSqlite3(':memory:')
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  db.close()
  let postgres: string
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    postgres = String(
      (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '',
    )
  } catch (error) {
    postgres = `not reachable at ${redactConnection(PG_URL)} (${error instanceof Error ? error.message : String(error)})`
  } finally {
    await client.end().catch(() => undefined)
  }
  return [
    ['CPU', `${cpu[0]?.model.trim() ?? 'unknown'}`],
    ['Cores', String(cpu.length)],
    ['RAM', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['OS', `${osRelease === '' ? '' : `${osRelease}, `}${type()} ${release()}`],
    ['Node', process.version],
    ['SQLite', sqlite],
    ['PostgreSQL', postgres],
  ]
}

/** How many times any of `secrets` occurs in `text`. */
const occurrences = (text: string, secrets: ReadonlyArray<string>): number =>
  secrets.reduce((sum, secret) => sum + (secret === '' ? 0 : text.split(secret).length - 1), 0)

const parent = async (options: Options, args: ReadonlyArray<string>): Promise<number> => {
  const started = Date.now()
  const startedAt = new Date(started).toISOString()
  const scratch = scratchDirectory('run')
  const secretsFile = join(scratch.dir, 'secrets')
  const resultsFile = join(scratch.dir, 'results.json')
  const chunks: Buffer[] = []
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [__filename, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CIVIC_LEDGER_TORTURE_WORKER: resultsFile,
          CIVIC_LEDGER_TORTURE_SECRETS: secretsFile,
          CIVIC_LEDGER_TORTURE_SEED: String(options.seed),
        },
      })
      child.stdout.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        process.stdout.write(chunk)
      })
      child.stderr.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        process.stderr.write(chunk)
      })
      child.on('close', resolve)
    })
    const output: WorkerOutput = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as WorkerOutput)
      : { results: [], notRun: [{ store: 'all', phase: 'the run', reason: `the worker exited ${String(code)}` }] }
    const secrets = existsSync(secretsFile)
      ? [
          ...new Set(
            readFileSync(secretsFile, 'utf8')
              .split('\n')
              .filter((line) => line !== ''),
          ),
        ]
      : []
    const text = Buffer.concat(chunks).toString('utf8')
    const record: RunRecord = {
      command: `npm run torture${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
      startedAt,
      seconds: Math.round((Date.now() - started) / 1000),
      size: options.size,
      seed: options.seed,
      kills: options.kills,
      machine: await machine(),
      results: output.results,
      notRun: output.notRun,
      leakScan: { secrets: secrets.length, matches: occurrences(text, secrets), outputBytes: Buffer.byteLength(text) },
    }
    console.log(`\n${table(record)}`)
    if (options.report) {
      writeFileSync(join(ROOT, 'docs', 'reliability.md'), reliabilityPage(record))
      console.log('\nwrote docs/reliability.md')
    }
    const failed = output.results.some((r) => !passed(r)) || record.leakScan.matches > 0 || code !== 0
    return failed ? 1 : 0
  } finally {
    scratch.remove()
  }
}

const main = async (): Promise<void> => {
  const args = process.argv.slice(2)
  const options = optionsOf(args, process.env)
  const resultsFile = process.env['CIVIC_LEDGER_TORTURE_WORKER']
  if (resultsFile !== undefined && resultsFile !== '') {
    await worker(options, resultsFile)
    process.exit(0)
  }
  process.exit(await parent(options, args))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(2)
})
