/** The checks every store applies to a snapshot before keeping it. */
import { InvalidArgumentError } from '../kernel/errors'
import { findNonJson } from '../kernel/json'
import type { Snapshot } from '../port/snapshot'
import { checkStreamId } from './validation'

/** Throws `InvalidArgumentError` unless `snapshot` is well formed. */
export const checkSnapshot = (snapshot: unknown): Snapshot => {
  if (typeof snapshot !== 'object' || snapshot === null) throw new InvalidArgumentError('snapshot', 'must be an object')
  const s = snapshot as Partial<Record<keyof Snapshot, unknown>>
  checkStreamId(s.streamId, 'snapshot.streamId')
  for (const key of ['revision', 'version'] as const) {
    const n = s[key]
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < (key === 'version' ? 1 : 0))
      throw new InvalidArgumentError(`snapshot.${key}`, `must be a whole number ≥ ${key === 'version' ? 1 : 0}`)
  }
  const problem = findNonJson(s.state, 'snapshot.state')
  if (problem !== undefined) throw new InvalidArgumentError('snapshot.state', problem)
  return snapshot as Snapshot
}

/**
 * Throws `InvalidArgumentError` when a snapshot is of a revision its stream (`undefined`: a stream
 * with no events) has not reached.
 */
export function checkSnapshotRevision<S extends { readonly revision: number }>(
  snapshot: Snapshot,
  stream: S | undefined,
): asserts stream is S {
  const last = stream?.revision ?? -1
  if (stream === undefined || snapshot.revision > last)
    throw new InvalidArgumentError(
      'snapshot.revision',
      `${snapshot.revision} is beyond the stream's last revision ${last}`,
    )
}
