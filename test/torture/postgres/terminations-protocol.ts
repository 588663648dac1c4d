/**
 * What the terminated-backends phase and its workload process share: the options the process is
 * started with, the lines it reports, and the projections it runs.
 */
import type { AppendResult } from '@civic-ledger/core'

import { countingProjection } from './watchers'

/** The log the main workload appends to, or the second schema imports go to. */
export type Ledger = 'main' | 'import'

export interface ChildOptions {
  readonly url: string
  readonly schema: string
  readonly importSchema: string
  /** The prefix of every connection's `application_name`: `<application>-<operation>`. */
  readonly application: string
  readonly seed: number
  /** Which process of the phase this is: its streams are its own. */
  readonly generation: number
}

export type ChildMessage =
  | { readonly t: 'ready' }
  | {
      readonly t: 'begin'
      readonly op: number
      readonly ledger: Ledger
      readonly appends: ReadonlyArray<{ readonly streamId: string; readonly eventIds: ReadonlyArray<string> }>
    }
  | { readonly t: 'ack'; readonly op: number; readonly results: ReadonlyArray<AppendResult> }
  | {
      readonly t: 'fail'
      readonly op: number
      readonly kind: string
      readonly written: 'no' | 'unknown'
      readonly error: string
    }
  /** A resent import was refused because its first send had committed: it is stored, whole. */
  | { readonly t: 'found'; readonly ledger: Ledger }
  | { readonly t: 'uncaught'; readonly what: string; readonly error: string }
  /** How far the workload has got in stopping: a hang is then placed. */
  | { readonly t: 'stage'; readonly stage: string }
  | { readonly t: 'done' }

export const INLINE_TYPE = 'torture.Inline'

/** Applied inside each inline append's transaction. */
export const INLINE_PROJECTION = countingProjection('torture-inline', [INLINE_TYPE], 'inline')

/** Applied in read-model batches, over every event of the main log. */
export const BATCHES_PROJECTION = countingProjection('torture-batches', ['torture.Happened', INLINE_TYPE])
