/** Checking projections before they are registered or run. */
import { InvalidArgumentError } from '../../kernel/errors'
import type { AnyProjection } from '../projection'
import { checkProjection } from '../projection'

/** Checks a set of projections for registration: each well formed, names distinct, types known. */
export const checkProjections = (
  projections: ReadonlyArray<unknown>,
  knownEventTypes?: ReadonlyArray<string>,
  argument = 'projections',
): ReadonlyArray<AnyProjection> => {
  const names = new Set<string>()
  const known = knownEventTypes === undefined ? undefined : new Set(knownEventTypes)
  return projections.map((candidate, i) => {
    const projection = checkProjection(candidate, `${argument}[${i}]`)
    if (names.has(projection.name))
      throw new InvalidArgumentError(
        `${argument}[${i}].name`,
        `a projection named ${projection.name} is registered twice`,
      )
    names.add(projection.name)
    const unknown = known === undefined ? undefined : projection.handles.find((type) => !known.has(type))
    if (unknown !== undefined)
      throw new InvalidArgumentError(
        `projection ${projection.name}.handles`,
        `${unknown} is not an event type this ledger knows`,
      )
    return projection
  })
}
