/**
 * The PostgreSQL phases of the torture run, short: every phase for a few seconds, every invariant
 * held and every classification clean. Skipped loudly when the server does not answer, and failing
 * then under CI=true, where these must run.
 */
import { spawnSync } from 'node:child_process'

import test from 'ava'

import { clean } from '../checker'
import type { PhaseResult } from '../phase'
import { PG_URL } from './common'
import { postgresPhases } from './index'

/** Whether the server answers; asked once, synchronously, so tests can be registered or not. */
const probe = (): string | undefined => {
  const script = `const c = new (require('pg').Client)(${JSON.stringify({ connectionString: PG_URL })}); c.connect().then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1) })`
  const result = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', timeout: 10_000 })
  return result.status === 0 ? undefined : result.stderr.trim() || 'no answer'
}

/** Seconds each phase runs for in the short run. */
const SECONDS: Readonly<Record<string, number>> = {
  'N = 2, 8, 32 writers on one stream': 6,
  '10,000 streams with subscribers and a projection': 8,
  'commit inversion and a session idle in transaction': 6,
  'backends terminated under every held connection': 10,
  'replies lost after the commit': 6,
}

const describe = (result: PhaseResult): string =>
  `${result.phase}: ${result.seconds} s; ${Object.entries(result.counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')}`

const unreachable = probe()
if (unreachable !== undefined) {
  const message = `PostgreSQL at ${new URL(PG_URL).host} is unreachable (${unreachable}): the PostgreSQL torture phases did not run`
  if (process.env['CI'] === 'true')
    test('postgres torture: PostgreSQL must be reachable under CI', (t) => t.fail(message))
  else {
    console.warn(`\n*** ${message} ***\n`)
    test.skip(`postgres torture: skipped, ${message}`, () => undefined)
  }
} else
  postgresPhases.forEach((phase, index) => {
    test.serial(`postgres torture, short: ${phase.name}`, async (t) => {
      t.timeout(120_000)
      t.is(await phase.unavailable?.(), undefined)
      const result = await phase.run({ size: 'short', seconds: SECONDS[phase.name] ?? 5, seed: 20_261_207 + index })
      t.log(describe(result))
      for (const held of result.invariants) t.true(held.held, `${held.name}: ${held.detail}`)
      if (result.classification !== undefined)
        t.true(clean(result.classification), result.classification.problems.join('; '))
    })
  })
