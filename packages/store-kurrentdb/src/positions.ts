/**
 * The port's positions and KurrentDB's. The port numbers the ledger's events 1, 2, 3… without gaps;
 * KurrentDB places them in `$all` at `{ commit, prepare }` positions, which are byte offsets in its
 * transaction log: increasing, but sparse, shared with every other stream on the server, and (for
 * the events of one multi-stream append) sharing one commit position.
 *
 * The driver therefore keeps the ledger's own ordinal, assigned under the `<ledger>.positions`
 * stream's expected revision and stored in each event, and an index from ordinals to `$all`
 * positions it has seen, so a read from ordinal n starts near n in `$all` instead of at the start.
 */
import type { Position } from '@kurrent/kurrentdb-client'

/** Orders two `$all` positions: by commit, then prepare. */
export const comparePositions = (a: Position, b: Position): number =>
  a.commit === b.commit ? (a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1) : a.commit < b.commit ? -1 : 1

/**
 * Ordinals and the `$all` positions of their events, as far as seen. Keeps one entry every
 * `stride` ordinals (and the latest), so memory stays bounded on a long ledger.
 */
export class PositionIndex {
  private readonly ordinals: number[] = []
  private readonly positions: Position[] = []
  private latest: { ordinal: number; position: Position } | undefined

  constructor(private readonly stride = 256) {}

  /** Records that the event of `ordinal` is at `position`. */
  record(ordinal: number, position: Position): void {
    if (this.latest === undefined || ordinal > this.latest.ordinal) this.latest = { ordinal, position }
    if (ordinal % this.stride !== 0) return
    const last = this.ordinals[this.ordinals.length - 1]
    if (last !== undefined && ordinal <= last) return
    this.ordinals.push(ordinal)
    this.positions.push(position)
  }

  /**
   * The greatest known ordinal below `ordinal` and its `$all` position: reading `$all` from there
   * (inclusive or exclusive) reaches `ordinal`'s event, never beyond it. Undefined: read from the start.
   */
  before(ordinal: number): { readonly ordinal: number; readonly position: Position } | undefined {
    if (this.latest !== undefined && this.latest.ordinal < ordinal) return this.latest
    let lo = 0
    let hi = this.ordinals.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if ((this.ordinals[mid] ?? Infinity) < ordinal) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    const at = this.ordinals[found]
    const position = this.positions[found]
    return at === undefined || position === undefined ? undefined : { ordinal: at, position }
  }

  /** Forgets everything (e.g. the ledger was found shorter than an entry: another ledger with the same name). */
  clear(): void {
    this.ordinals.length = 0
    this.positions.length = 0
    this.latest = undefined
  }
}

/**
 * A checkpoint that only moves forward: `advance` to an older or equal position is ignored, so an
 * event delivered again after a reconnect, or a server checkpoint older than what was seen, never
 * moves a resumed subscription back.
 */
export class ForwardCheckpoint {
  private current: Position | undefined

  constructor(start?: Position) {
    this.current = start
  }

  /** Moves to `position` if it is after the current one; true when it moved. */
  advance(position: Position): boolean {
    if (this.current !== undefined && comparePositions(position, this.current) <= 0) return false
    this.current = position
    return true
  }

  get position(): Position | undefined {
    return this.current
  }
}
