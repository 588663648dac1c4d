/**
 * Runs the PostgreSQL phases from the command line and prints their figures as JSON:
 * `node run-phases.js [short|full] [name filter]`. The full size is the one the reliability
 * figures quote (1,000 terminations or more, a session idle in transaction for 60 s).
 */
import { clean } from '../checker'
import type { PhaseBudget } from '../phase'
import { postgresPhases } from './index'

/** Seconds each phase runs for at full size. */
const FULL_SECONDS: Readonly<Record<string, number>> = {
  'N = 2, 8, 32 writers on one stream': 60,
  '10,000 streams with subscribers and a projection': 60,
  'commit inversion and a session idle in transaction': 100,
  'backends terminated under every held connection': 90,
  'replies lost after the commit': 60,
}

const main = async (): Promise<void> => {
  const size = process.argv[2] === 'full' ? 'full' : 'short'
  const filter = process.argv[3] ?? ''
  let failed = 0
  for (const [index, phase] of postgresPhases.entries()) {
    if (!phase.name.includes(filter)) continue
    const unavailable = await phase.unavailable?.()
    if (unavailable !== undefined) {
      process.stdout.write(`${JSON.stringify({ phase: phase.name, unavailable })}\n`)
      failed += 1
      continue
    }
    const budget: PhaseBudget = {
      size,
      seconds: size === 'full' ? (FULL_SECONDS[phase.name] ?? 60) : 8,
      seed: 1_000 + index,
    }
    const result = await phase.run(budget)
    const ok =
      result.invariants.every((i) => i.held) && (result.classification === undefined || clean(result.classification))
    if (!ok) failed += 1
    process.stdout.write(`${JSON.stringify({ ok, budget, ...result }, null, 2)}\n`)
  }
  process.exit(failed === 0 ? 0 : 1)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(2)
})
