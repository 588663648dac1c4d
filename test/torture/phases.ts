/**
 * The torture run's phases, by store. The runner picks from these by store and name.
 * PostgreSQL's and KurrentDB's live in `./postgres`.
 */
import type { Phase, StoreName } from './phase'
import { concurrentWritersPhase } from './phases/concurrent-writers'
import { diskFullPhase } from './phases/disk-full'
import { killLoopPhase } from './phases/kill-loop'
import { manyStreamsPhase } from './phases/many-streams'
import { privacyPhase } from './phases/privacy'
import { projectionFailuresPhase } from './phases/projection-failures'
import { readOnlyPhase } from './phases/read-only'
import { securitySweepsPhase } from './phases/security-sweeps'
import { kurrentdbPhases, postgresPhases } from './postgres'

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
  readOnlyPhase,
  privacyPhase('sqlite'),
]

export { kurrentdbPhases, postgresPhases }

/** The security sweeps of `test/security`, run once over the stores they cover. */
export const securityPhases: ReadonlyArray<Phase> = [securitySweepsPhase()]

/** Every store's phases, in the order a full run takes them. */
export const phasesByStore: Readonly<Record<StoreName, ReadonlyArray<Phase>>> = {
  memory: memoryPhases,
  sqlite: sqlitePhases,
  postgres: postgresPhases,
  kurrentdb: kurrentdbPhases,
}

/**
 * Seconds the PostgreSQL phases run at full size: long enough for 1,000 terminations and more, and
 * for the session idle in transaction to hold 60 s.
 */
const FULL_SECONDS: Readonly<Record<string, number>> = {
  'N = 2, 8, 32 writers on one stream': 60,
  '10,000 streams with subscribers and a projection': 60,
  'commit inversion and a session idle in transaction': 100,
  'backends terminated under every held connection': 90,
  'replies lost after the commit': 60,
}

/** How long a phase may run, in seconds, at each size: the kill loop is bounded by its kills. */
export const secondsFor = (phase: Phase, size: 'short' | 'full'): number => {
  if (size === 'short') return phase === killLoopPhase ? 60 : 30
  if (phase === killLoopPhase) return 3 * 3_600
  if (securityPhases.includes(phase)) return 1_800
  return FULL_SECONDS[phase.name] ?? 300
}
