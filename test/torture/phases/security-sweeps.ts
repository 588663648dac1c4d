/**
 * The security sweeps of `test/security` (roles, wrong actors, doors, hostile SQL identifiers,
 * leaks), run by ava as a child of the torture run with `CIVIC_LEDGER_SECURITY_COUNTS` set, so each
 * sweep writes its refusal counts for the report. PostgreSQL cases are left out unless asked for.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { SweepCounts } from '../../security/counts'
import type { Phase, PhaseBudget, PhaseResult } from '../phase'
import { invariant, scratchDirectory, secondsSince } from '../support'

const ROOT = join(__dirname, '..', '..', '..', '..')
const SWEEPS = ['grants-roles', 'partnerships-roles', 'wrong-actor', 'doors', 'sql-identifiers', 'leaks']

const run = async (budget: PhaseBudget, withPostgres: boolean): Promise<PhaseResult> => {
  const started = performance.now()
  const scratch = scratchDirectory('security')
  const countsFile = join(scratch.dir, 'counts.ndjson')
  try {
    const files = SWEEPS.map((sweep) => join(ROOT, 'test', 'dist', 'security', `${sweep}.int.test.js`))
    const args = [join(ROOT, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), ...files, '--timeout', '10m']
    if (!withPostgres) args.push('--match', '!postgres:*')
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, CIVIC_LEDGER_SECURITY_COUNTS: countsFile },
      })
      const timer = setTimeout(() => child.kill('SIGKILL'), budget.seconds * 1000)
      child.on('close', (exit) => {
        clearTimeout(timer)
        resolve(exit)
      })
    })
    const lines = existsSync(countsFile)
      ? readFileSync(countsFile, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as SweepCounts)
      : []
    const counts: Record<string, number> = {}
    for (const line of lines)
      for (const [name, value] of Object.entries(line.counts)) {
        const key = `${line.sweep}: ${name}`
        counts[key] = (counts[key] ?? 0) + value
      }
    const reported = new Set(lines.map((line) => line.sweep.split(' ')[0]))
    const silent = SWEEPS.filter((sweep) => !reported.has(sweep))
    const bypasses = Object.entries(counts)
      .filter(([name]) => name.endsWith('bypasses') || name.endsWith('values found'))
      .reduce((sum, [, value]) => sum + value, 0)
    return {
      store: 'sqlite',
      phase: PHASE_NAME,
      seconds: secondsSince(started),
      counts: { 'sweep runs': lines.length, ...counts },
      invariants: [
        invariant(
          'every security sweep passed',
          code === 0 ? 0 : 1,
          `ava exited 0 on ${SWEEPS.length} sweeps`,
          `ava exited ${String(code)}`,
        ),
        invariant('every sweep reported its counts', silent.length, `${lines.length} reports`, silent.join(', ')),
        invariant('no wrong actor got through, no personal value found', bypasses, '0 bypasses, 0 values found'),
      ],
    }
  } finally {
    scratch.remove()
  }
}

const PHASE_NAME = 'security sweeps (memory and SQLite): refusals counted'

/** The sweeps on memory and SQLite (and PostgreSQL when `withPostgres`). */
export const securitySweepsPhase = (withPostgres = false): Phase => ({
  store: 'sqlite',
  name: withPostgres ? 'security sweeps (memory, SQLite and PostgreSQL): refusals counted' : PHASE_NAME,
  run: (budget) => run(budget, withPostgres),
})
