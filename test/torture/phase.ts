/**
 * What every phase of the torture run reports: the figures printed in its table and published in
 * docs/reliability.md. A phase is bounded in time and returns its counts; it never throws for a
 * broken invariant (that is a figure) but does throw when it cannot run at all.
 */
import type { Classification } from './checker'

export type StoreName = 'memory' | 'sqlite' | 'postgres' | 'kurrentdb'

export interface Invariant {
  /** As the reliability notes name it, e.g. "no lost acknowledgement", "subscriber completeness". */
  readonly name: string
  readonly held: boolean
  /** What was checked, or the first failure, without event data. */
  readonly detail: string
}

export interface PhaseResult {
  readonly store: StoreName
  /** A short title, e.g. "kill -9 of a writer mid-append". */
  readonly phase: string
  readonly seconds: number
  /** The phase's own figures, by name: e.g. `{ kills: 1000, checks: 1000, appendsAcknowledged: 8211 }`. */
  readonly counts: Readonly<Record<string, number>>
  /** Every event the phase sent, classified; absent for phases that append nothing. */
  readonly classification?: Classification
  readonly invariants: ReadonlyArray<Invariant>
}

/** How long and how hard a phase runs: `short` in the test run, `full` in `npm run torture`. */
export interface PhaseBudget {
  readonly size: 'short' | 'full'
  /** A deadline after which the phase stops starting new work. */
  readonly seconds: number
  readonly seed: number
  /** Kills of the SQLite kill loop (default 20 short, 1,000 full). */
  readonly kills?: number
}

/** True when every invariant held and the classification is clean. */
export const passed = (result: PhaseResult): boolean => result.invariants.every((invariant) => invariant.held)

/** One phase of the run: the runner calls `run` with the budget of its size. */
export interface Phase {
  readonly store: StoreName
  readonly name: string
  /** Why the phase cannot run here (e.g. no server configured), or undefined when it can. */
  readonly unavailable?: () => Promise<string | undefined>
  readonly run: (budget: PhaseBudget) => Promise<PhaseResult>
}
