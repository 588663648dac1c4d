/**
 * Grants by fund, stream, round and area: for each, what was applied for and what became of it.
 *
 * Each application counts in its fund, its stream, its round (when it has one; a direct award has
 * none) and each area it names — every code of `areas`, and of `lsoas` when the draft gives them —
 * so one application naming two wards counts in both, and the areas of a fund do not sum to the
 * fund. The figures, counts of applications and whole pence:
 * - `applied`, `amountRequested`: applications submitted, and what they asked for;
 * - `awarded`, `amountAwarded`: applications awarded a grant (whatever became of it since), and the
 *   grants as awarded then varied;
 * - `declined`; `withdrawn` (after submission: a draft abandoned never applied); `closed`;
 * - `paid`: paid to recipients, less what they repaid;
 * - `remaining`: what is still to pay of the grants not ended — the award less what was paid. A
 *   closed grant has nothing remaining: closing releases the rest to the fund;
 * - `successRate`: awarded ÷ decided (awarded + declined), or null before any decision;
 * - `projectedSavings`: the savings the awarded applications projected when drafted;
 * - `reportedSavings`: the savings reported by accepted monitoring returns — for each requirement,
 *   the saving of its last return, counted once the return is accepted; returns waiting or sent back
 *   count nothing.
 *
 * The projection keeps each application's register entry (`lines`, folded by `enterEvent`) and, for
 * every event, adds what the event changed in the application's figures to each of its totals, so a
 * total is always the sum of its applications' figures.
 */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import type { RegisterEntry } from './register'
import { applicationLife, enterEvent, isEnded } from './register'

// --- model ---

/** The figures one application contributes, and a total sums. */
export interface GrantFigures {
  readonly applied: number
  readonly amountRequested: number
  readonly awarded: number
  readonly amountAwarded: number
  readonly declined: number
  readonly withdrawn: number
  readonly closed: number
  readonly paid: number
  readonly remaining: number
  readonly projectedSavings: number
  readonly reportedSavings: number
}

/** What a total is of: a fund, or a stream, round or area within one. */
export type Dimension = 'fund' | 'stream' | 'round' | 'area'

/** The totals of one fund, or of a stream, round or area within one fund. */
export interface GrantTotals extends GrantFigures {
  readonly dimension: Dimension
  readonly fundId: string
  /** The fund's, stream's or round's id, or the area code. */
  readonly key: string
  readonly successRate: number | null
}

const FIGURES: ReadonlyArray<keyof GrantFigures> = [
  'applied',
  'amountRequested',
  'awarded',
  'amountAwarded',
  'declined',
  'withdrawn',
  'closed',
  'paid',
  'remaining',
  'projectedSavings',
  'reportedSavings',
]

export const noFigures: GrantFigures = {
  applied: 0,
  amountRequested: 0,
  awarded: 0,
  amountAwarded: 0,
  declined: 0,
  withdrawn: 0,
  closed: 0,
  paid: 0,
  remaining: 0,
  projectedSavings: 0,
  reportedSavings: 0,
}

// --- figures ---

/** What one application contributes to each total it counts in. */
export const figuresOf = (entry: RegisterEntry): GrantFigures => {
  const applied = entry.dates.submitted !== null
  const awarded = entry.dates.awarded !== null
  return {
    applied: applied ? 1 : 0,
    amountRequested: applied ? entry.requested : 0,
    awarded: awarded ? 1 : 0,
    amountAwarded: awarded ? entry.awarded : 0,
    declined: entry.status === 'declined' ? 1 : 0,
    withdrawn: applied && entry.status === 'withdrawn' ? 1 : 0,
    closed: entry.status === 'closed' ? 1 : 0,
    paid: entry.paid - entry.repaid,
    remaining: awarded && !isEnded(entry.status) ? Math.max(0, entry.awarded - entry.paid) : 0,
    projectedSavings: awarded ? (entry.projectedSaving ?? 0) : 0,
    reportedSavings: entry.reportedSaving,
  }
}

/** `a` + `sign` × `b`, figure by figure. */
export const addFigures = (a: GrantFigures, b: GrantFigures, sign: 1 | -1 = 1): GrantFigures =>
  Object.fromEntries(FIGURES.map((f) => [f, a[f] + sign * b[f]])) as unknown as GrantFigures

/** Awarded ÷ decided, or null before any decision. */
export const successRate = (f: Pick<GrantFigures, 'awarded' | 'declined'>): number | null =>
  f.awarded + f.declined === 0 ? null : f.awarded / (f.awarded + f.declined)

/** Just the figures of a total (or of anything that has them). */
export const figuresIn = (f: GrantFigures): GrantFigures =>
  Object.fromEntries(FIGURES.map((k) => [k, f[k]])) as unknown as GrantFigures

/** The totals an application counts in: its fund, stream, round, and each area it names. */
export const totalsOf = (
  entry: RegisterEntry,
): ReadonlyArray<{ readonly id: string; readonly dimension: Dimension; readonly key: string }> => {
  const { fundId, streamId, roundId } = entry
  const areas = [...new Set([...entry.areas, ...entry.lsoas])]
  return [
    { id: totalId('fund', fundId, fundId), dimension: 'fund', key: fundId },
    { id: totalId('stream', fundId, streamId), dimension: 'stream', key: streamId },
    ...(roundId === null ? [] : [{ id: totalId('round', fundId, roundId), dimension: 'round' as const, key: roundId }]),
    ...areas.map((code) => ({ id: totalId('area', fundId, code), dimension: 'area' as const, key: code })),
  ]
}

/** A total's document id: `fund:<fund>`, or `<dimension>:<fund>/<key>`. */
export const totalId = (dimension: Dimension, fundId: string, key: string): string =>
  dimension === 'fund' ? `fund:${fundId}` : `${dimension}:${fundId}/${key}`

// --- the projection ---

/** Each application's register entry, as this projection last folded it. */
export const lineDocs = defineCollection<RegisterEntry>('lines')
/**
 * The `totals` collection of `grant-totals`: what was applied for and became of it, by fund,
 * stream, round or area.
 */
export const totalDocs = defineCollection<GrantTotals, 'dimension' | 'fundId' | 'key'>('totals', {
  indexes: ['dimension', 'fundId', 'key'],
})

/** The `grant-totals` read model: grants by fund, stream, round and area. */
export const grantTotals = defineProjection({
  name: 'grant-totals',
  version: 1,
  events: applicationLife,
  collections: [lineDocs, totalDocs],
  apply: async (e, ctx) => {
    const lines = ctx.collection(lineDocs)
    const totals = ctx.collection(totalDocs)
    const before = await lines.get(e.data.applicationId)
    const after = enterEvent(before, e)
    if (after === undefined || after === before) return
    await lines.put(after.applicationId, after)
    const change = addFigures(figuresOf(after), before === undefined ? noFigures : figuresOf(before), -1)
    if (FIGURES.every((f) => change[f] === 0)) return
    for (const { id, dimension, key } of totalsOf(after)) {
      const total = addFigures((await totals.get(id)) ?? noFigures, change)
      await totals.put(id, { dimension, fundId: after.fundId, key, ...total, successRate: successRate(total) })
    }
  },
})
