/**
 * The short versions of the torture phases in the test run: each phase of a store with a `short`
 * budget, as an ava test that fails on any broken invariant or unclean classification. A phase the
 * machine cannot run (one that mounts file systems, without root) is skipped loudly.
 */
import type { TestFn } from 'ava'

import { clean } from './checker'
import type { Phase } from './phase'
import { secondsFor } from './phases'

/** Registers one test per phase; `seed` repeats a run (`CIVIC_LEDGER_TORTURE_SEED`). */
export const shortPhaseTests = (test: TestFn, phases: ReadonlyArray<Phase>): void => {
  const seed = Number.parseInt(process.env['CIVIC_LEDGER_TORTURE_SEED'] ?? '', 10) || Date.now() % 1_000_000
  for (const [index, phase] of phases.entries())
    test.serial(`${phase.store}: ${phase.name} (short)`, async (t) => {
      t.timeout((secondsFor(phase, 'short') * 3 + 60) * 1000)
      const reason = await phase.unavailable?.()
      if (reason !== undefined) {
        // Loud, and a failure where the machine is meant to allow it.
        console.warn(`SKIPPED torture phase "${phase.name}": ${reason}`)
        if (process.env['CI'] === 'true' && process.getuid?.() === 0) t.fail(`cannot run: ${reason}`)
        else t.pass(`SKIPPED: ${reason}`)
        return
      }
      t.log(`seed ${seed + index} (set CIVIC_LEDGER_TORTURE_SEED=${seed} to repeat)`)
      const result = await phase.run({ size: 'short', seconds: secondsFor(phase, 'short'), seed: seed + index })
      t.log(
        Object.entries(result.counts)
          .map(([name, value]) => `${name} ${value}`)
          .join(', '),
      )
      t.deepEqual(
        result.invariants.filter((invariant) => !invariant.held),
        [],
        'every invariant held',
      )
      if (result.classification !== undefined)
        t.true(clean(result.classification), result.classification.problems.join('; '))
    })
}
