/**
 * The rules of a GeographyRelease: codes well-formed and of the kind their set declares, each area
 * once, lookups only between sets of the same release and only naming their areas, each pair once.
 * A release is imported once; a correction is a new release.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { AreaType } from '../lib/codes'
import { codeProblem } from '../lib/codes'
import { sourceOf } from '../lib/source'
import type { ImportRelease, ReleaseCommand } from './commands'
import type { ReleaseEvent } from './events'
import { AreasRecorded, LookupRecorded, ReleaseImported } from './events'
import type { ReleaseState } from './state'

type Decision = Either<DomainError, ReadonlyArray<ReleaseEvent>>

// --- rules ---

const setKey = (ref: { readonly type: AreaType; readonly vintage: string }): string => `${ref.type}@${ref.vintage}`

/** The problems of each area set; returns the codes of each set by key. */
const areaSetProblems = (command: ImportRelease, problems: string[]): Map<string, Set<string>> => {
  const sets = new Map<string, Set<string>>()
  command.areaSets.forEach((set, s) => {
    const key = setKey(set)
    if (sets.has(key)) problems.push(`areaSets[${s}]: ${set.type} ${set.vintage} is recorded twice`)
    const codes = new Set<string>()
    set.areas.forEach((area, a) => {
      const problem = codeProblem(area.code, set.type)
      if (problem !== undefined) problems.push(`areaSets[${s}].areas[${a}]: ${problem}`)
      else if (codes.has(area.code)) problems.push(`areaSets[${s}].areas[${a}]: ${area.code} is listed twice`)
      if (area.name.trim().length === 0) problems.push(`areaSets[${s}].areas[${a}]: ${area.code} has no name`)
      codes.add(area.code)
    })
    sets.set(key, codes)
  })
  return sets
}

/** Every problem with a release's contents, each naming the code and where it is. Empty when sound. */
export const releaseProblems = (command: ImportRelease): ReadonlyArray<string> => {
  const problems: string[] = []
  if (command.areaSets.length === 0) problems.push('a release records at least one set of areas')
  if (command.corrects === command.releaseId) problems.push(`release ${command.releaseId} cannot correct itself`)
  const sets = areaSetProblems(command, problems)
  command.lookups.forEach((lookup, l) => {
    const from = sets.get(setKey(lookup.from))
    const to = sets.get(setKey(lookup.to))
    if (from === undefined)
      problems.push(`lookups[${l}]: ${lookup.from.type} ${lookup.from.vintage} is not an area set of this release`)
    if (to === undefined)
      problems.push(`lookups[${l}]: ${lookup.to.type} ${lookup.to.vintage} is not an area set of this release`)
    if (from === undefined || to === undefined) return
    const seen = new Set<string>()
    lookup.pairs.forEach(([a, b], p) => {
      if (!from.has(a))
        problems.push(
          `lookups[${l}].pairs[${p}]: ${a} is not a ${lookup.from.type} ${lookup.from.vintage} of this release`,
        )
      if (!to.has(b))
        problems.push(`lookups[${l}].pairs[${p}]: ${b} is not a ${lookup.to.type} ${lookup.to.vintage} of this release`)
      const pair = `${a}>${b}`
      if (seen.has(pair)) problems.push(`lookups[${l}].pairs[${p}]: ${a} → ${b} is listed twice`)
      seen.add(pair)
    })
  })
  return problems
}

/** The most problems one rejection lists; the count of the rest follows. */
const SHOWN = 20

// --- one function per command ---

export const importRelease = (command: ImportRelease, state: ReleaseState): Decision => {
  if (state.status === 'imported')
    return reject(
      'release-exists',
      `release ${command.releaseId} is already imported; releases never change — import a correction as a new release that names it in corrects`,
    )
  const problems = releaseProblems(command)
  if (problems.length > 0)
    return reject(
      'invalid-release',
      [
        ...problems.slice(0, SHOWN),
        ...(problems.length > SHOWN ? [`and ${problems.length - SHOWN} more problems`] : []),
      ].join('; '),
    )
  const { releaseId } = command
  return accept<ReleaseEvent>(
    ReleaseImported.create({
      releaseId,
      title: command.title,
      publisher: command.publisher,
      source: sourceOf(command.source),
      ...(command.corrects === undefined ? {} : { corrects: command.corrects }),
    }),
    ...command.areaSets.map((set) =>
      AreasRecorded.create({
        releaseId,
        type: set.type,
        vintage: set.vintage,
        areas: set.areas.map((area) => ({ code: area.code, name: area.name })),
      }),
    ),
    ...command.lookups.map((lookup) =>
      LookupRecorded.create({
        releaseId,
        from: { type: lookup.from.type, vintage: lookup.from.vintage },
        to: { type: lookup.to.type, vintage: lookup.to.vintage },
        method: lookup.method,
        pairs: lookup.pairs.map(([from, to]) => [from, to] as const),
      }),
    ),
  )
}

// --- the decider's decide ---

export const decideRelease = (command: ReleaseCommand, state: ReleaseState): Decision => {
  switch (command.type) {
    case 'ImportRelease':
      return importRelease(command, state)
    default: {
      // One command, so the check is on its type: TypeScript narrows a lone object by it no further.
      const unreachable: never = command.type
      return unreachable
    }
  }
}
