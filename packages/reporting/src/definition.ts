/** What a report is to the registry: a name, a title, the read models it needs, and how to produce it. */
import type { AnyProjection } from '@civic-ledger/core'

import type { ReportData } from './model'
import type { ReportSource } from './source'

/**
 * A report: its name and title, the projections it reads, and how it makes its data from a source
 * holding them — the live read models, or a replay as of a point.
 */
export interface ReportDefinition<Options = Record<string, never>> {
  readonly name: string
  readonly title: string
  /** The projections its source must replay. */
  readonly projections: ReadonlyArray<AnyProjection>
  /** The report from a source holding (at least) those projections. */
  readonly produce: (source: ReportSource, options?: Options) => Promise<ReportData>
}
