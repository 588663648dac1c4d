/**
 * The torture run's phases, by store. The runner picks from these by store and name.
 *
 * PostgreSQL and KurrentDB have places of their own below: their phases live beside their stores'
 * test helpers and are listed here when they exist.
 */
import type { Phase, StoreName } from './phase'
import { concurrentWritersPhase } from './phases/concurrent-writers'
import { diskFullPhase } from './phases/disk-full'
import { killLoopPhase } from './phases/kill-loop'
import { manyStreamsPhase } from './phases/many-streams'
import { privacyPhase } from './phases/privacy'
import { projectionFailuresPhase } from './phases/projection-failures'
import { securitySweepsPhase } from './phases/security-sweeps'

/** The in-memory store of `@civic-ledger/core`. */
export const memoryPhases: ReadonlyArray<Phase> = [
  concurrentWritersPhase('memory'),
  manyStreamsPhase('memory'),
  projectionFailuresPhase('memory'),
  privacyPhase('memory'),
]

/** SQLite on real files in a temporary directory. */
export const sqlitePhases: ReadonlyArray<Phase> = [
  concurrentWritersPhase('sqlite'),
  manyStreamsPhase('sqlite'),
  killLoopPhase,
  projectionFailuresPhase('sqlite'),
  diskFullPhase,
  privacyPhase('sqlite'),
]

/** PostgreSQL: the phases of `test/torture/postgres` (`postgresPhases`) go here. */
export const postgresPhases: ReadonlyArray<Phase> = []

/** KurrentDB: none yet. */
export const kurrentdbPhases: ReadonlyArray<Phase> = []

/** The security sweeps of `test/security`, run once over the stores they cover. */
export const securityPhases: ReadonlyArray<Phase> = [securitySweepsPhase()]

/** Every store's phases, in the order a full run takes them. */
export const phasesByStore: Readonly<Record<StoreName, ReadonlyArray<Phase>>> = {
  memory: memoryPhases,
  sqlite: sqlitePhases,
  postgres: postgresPhases,
  kurrentdb: kurrentdbPhases,
}

/** How long a phase may run, in seconds, at each size: the kill loop is bounded by its kills. */
export const secondsFor = (phase: Phase, size: 'short' | 'full'): number => {
  if (size === 'short') return phase === killLoopPhase ? 60 : 30
  if (phase === killLoopPhase) return 3 * 3_600
  if (securityPhases.includes(phase)) return 1_800
  return 300
}
