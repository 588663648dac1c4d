/**
 * Small counts of people, suppressed so that public outputs cannot single anyone out: a count of 1
 * to 4 is shown as `<5` (primary), and where a total and the other cells of its group would let a
 * suppressed cell be worked out by subtraction, the smallest other cell is withheld too (secondary,
 * shown as `c`) — or, when there is no other, the total; and a withheld total never has all its
 * members published. Zero is published: it identifies nobody.
 */

/** Counts of fewer people than this are suppressed. */
export const SMALL_COUNT = 5

/**
 * Why a figure is withheld: `primary`, a count of fewer than `SMALL_COUNT` people; `secondary`, a
 * figure that would let a suppressed one be worked out from the totals.
 */
export type Suppression = 'primary' | 'secondary'

/** Whether a count of people must be suppressed. */
export const isSmall = (people: number): boolean => people > 0 && people < SMALL_COUNT

/** A total and the cells that add up to it (or, for distinct people, that it is counted over). */
export interface Group {
  readonly total: string
  readonly members: ReadonlyArray<string>
}

/**
 * The cells to withhold: those given (primary) and what groups need besides (secondary), until no
 * group has exactly one withheld member beside a published total.
 */
export const protect = (
  values: ReadonlyMap<string, number>,
  primary: ReadonlySet<string>,
  groups: ReadonlyArray<Group>,
): ReadonlyMap<string, Suppression> => {
  const out = new Map<string, Suppression>([...primary].map((id) => [id, 'primary' as const]))
  for (let changed = true; changed;) {
    changed = false
    for (const group of groups) {
      const withheld = group.members.filter((m) => out.has(m))
      // A withheld total must not be the sum of published members either.
      const totalGivenAway = out.has(group.total) && withheld.length === 0 && group.members.length > 0
      const memberGivenAway = !out.has(group.total) && withheld.length === 1
      if (!totalGivenAway && !memberGivenAway) continue
      const candidates = group.members
        .filter((m) => !out.has(m))
        .sort((a, b) => {
          const va = values.get(a) ?? 0
          const vb = values.get(b) ?? 0
          // The smallest non-zero first: withholding a zero hides little.
          return (va === 0 ? 1 : 0) - (vb === 0 ? 1 : 0) || va - vb || a.localeCompare(b)
        })
      out.set(candidates[0] ?? group.total, 'secondary')
      changed = true
    }
  }
  return out
}
