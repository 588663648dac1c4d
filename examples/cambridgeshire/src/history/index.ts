/**
 * The Cambridgeshire history: each context's dated steps, collected on one timeline and recorded in
 * date order through the ledger's commands.
 */
import type { Ledger } from '@civic-ledger/core'

import { areasHistory } from './areas'
import { grantsHistory } from './grants'
import { partnershipsHistory } from './partnerships'
import type { SettableClock, Step } from './timeline'
import { Timeline } from './timeline'
import { volunteersHistory } from './volunteers'

export interface BuildOptions {
  /** The ledger's clock (its `clock` option): set to each step's day before the step runs. */
  readonly clock: SettableClock
  /** Told of each step as it starts. */
  readonly onStep?: (step: Step) => void
}

export interface Built {
  /** Steps run, and commands sent (each workflow's commands counted as one). */
  readonly steps: number
  readonly commands: number
  /** The first and last day of the history. */
  readonly from: string
  readonly until: string
}

/** The whole history as a timeline, not yet run. */
export const cambridgeshireTimeline = (): Timeline => {
  const timeline = new Timeline()
  areasHistory(timeline)
  partnershipsHistory(timeline)
  grantsHistory(timeline)
  volunteersHistory(timeline)
  return timeline
}

/**
 * Records the Cambridgeshire history on `ledger`, which must have the example's policy and read
 * models (`openExampleLedger`, or a ledger made with `examplePolicy` and `examplePlugins`) and
 * `options.clock` as its clock. Throws `HistoryStepRefused` naming the step if any command is refused.
 */
export const buildCambridgeshireLedger = async (ledger: Ledger, options: BuildOptions): Promise<Built> => {
  const timeline = cambridgeshireTimeline()
  const steps = timeline.ordered()
  const commands = await timeline.run(ledger, options.clock, options.onStep)
  return { steps: steps.length, commands, from: steps[0]?.day ?? '', until: steps[steps.length - 1]?.day ?? '' }
}
