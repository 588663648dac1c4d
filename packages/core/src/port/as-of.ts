/**
 * The one rule for "as of" a point in the ledger's past, followed by every reader that goes back in
 * time — an aggregate as of (`loadAggregateAsOf`) and a replay of projections
 * (`replayProjections`):
 *
 * - **as of a position `P`**: every event at or before `P`;
 * - **as of a recorded time `T`**: the longest prefix of the log whose events were all recorded at
 *   or before `T` — it stops at the first event recorded after `T`, even when a later one carries
 *   an earlier time because the recording clock stepped back. The ledger as of `T` is then always
 *   a state the log really passed through: an event is never included without every event before
 *   it, on which it may have been decided.
 *
 * Both are answered as the position of the last event included (`0` when none is): where a report
 * or a state "as of" stands.
 */
import { InvalidArgumentError } from '../kernel/errors'
import type { EventLog } from './event-store'

/** A point in the ledger's past by position, by recorded time, or both (whichever comes first). */
export interface LogPoint {
  readonly position?: number
  readonly recordedAt?: string
}

/** The position of the last event the ledger held as of `point`, by the rule above; `0` when none. */
export const positionAsOf = async (log: Pick<EventLog, 'readAll'>, point: LogPoint): Promise<number> => {
  const { position, recordedAt } = point
  if (position !== undefined && !(Number.isSafeInteger(position) && position >= 0))
    throw new InvalidArgumentError('position', 'must be a whole number ≥ 0')
  const time = recordedAt === undefined ? undefined : Date.parse(recordedAt)
  if (time !== undefined && Number.isNaN(time))
    throw new InvalidArgumentError('recordedAt', 'must be an ISO 8601 date-time')
  if (position === 0) return 0
  if (time === undefined) {
    const last = log.readAll({
      direction: 'backwards',
      maxCount: 1,
      ...(position === undefined ? {} : { fromPosition: position }),
    })
    for await (const event of last) return event.position
    return 0
  }
  let included = 0
  for await (const event of log.readAll(position === undefined ? {} : { toPosition: position })) {
    if (Date.parse(event.recordedAt) > time) break
    included = event.position
  }
  return included
}
