/**
 * The PostgreSQL (and KurrentDB) phases of the torture run: load, commit inversion, terminated
 * backends and lost replies. Each is bounded by its budget, reports its figures and invariants,
 * and is unavailable when its server is not there.
 */
import type { Phase } from '../phase'
import { concurrencyPhases } from './concurrency'
import { inversionPhase } from './inversion'
import { kurrentdbPhases } from './kurrentdb'
import { lostRepliesPhase } from './lost-replies'
import { terminationsPhase } from './terminations'

export const postgresPhases: ReadonlyArray<Phase> = [
  ...concurrencyPhases,
  inversionPhase,
  terminationsPhase,
  lostRepliesPhase,
]

export { kurrentdbPhases }
