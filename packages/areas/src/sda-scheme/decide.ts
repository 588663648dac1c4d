/**
 * The rules of a ServiceDeliveryAreaScheme, one function per command:
 *
 * - *define*: a scope of well-formed, distinct LSOA codes, and named areas grouping the PCNs of an
 *   imported PCN reference — every area with at least one PCN, no PCN unknown to the reference, no
 *   PCN in two areas;
 * - *run*: from a registration extract, each LSOA to its dominant PCN on the extract's date (read
 *   from the PCN reference the command names, which must exist) and so to that PCN's area; practices
 *   outside the reference are left out and counted; the run makes (or remakes) the draft version;
 * - *override*: a draft's LSOA in scope moved to another area of the scheme, with a reason;
 * - *publish*: a draft whose every LSOA in scope is in exactly one area; it supersedes the last;
 * - *supersede*: a published version, with a reason.
 */
import type { DomainError, NonEmptyString } from '@civic-ledger/core'
import { accept, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'
import { isLeft } from 'fp-ts/Either'

import type { AreaId, SchemeVersionNumber } from '../ids'
import { nextVersion } from '../ids'
import { codeProblem } from '../lib/codes'
import { assignDominantLsoa } from '../lib/dominant-lsoa'
import { sourceOf } from '../lib/source'
import type { PcnReferenceState } from '../pcn-reference/state'
import { pcnOn } from '../pcn-reference/state'
import type {
  DefineScheme,
  OverrideLsoa,
  PublishScheme,
  RunAssignment,
  SchemeCommand,
  SchemeDecisionCommand,
  SupersedeScheme,
} from './commands'
import type { SchemeEvent } from './events'
import { AssignmentRun, LsoaOverridden, SchemeDefined, SchemePublished, SchemeSuperseded } from './events'
import type { SchemeState } from './state'
import { partition } from './state'

type Decision = Either<DomainError, ReadonlyArray<SchemeEvent>>

/** The most problems one rejection lists; the count of the rest follows. */
const SHOWN = 20

const listed = (problems: ReadonlyArray<string>): string =>
  [...problems.slice(0, SHOWN), ...(problems.length > SHOWN ? [`and ${problems.length - SHOWN} more`] : [])].join('; ')

// --- rules ---

const scopeProblem = (command: DefineScheme): Decision | undefined => {
  const { lsoas } = command.scope
  if (lsoas.length === 0) return reject('empty-scope', 'a scheme covers at least one LSOA')
  const bad = lsoas.map((code, i) => [i, codeProblem(code, 'lsoa')] as const).find(([, p]) => p !== undefined)
  if (bad !== undefined) return reject('invalid-code', `scope.lsoas[${bad[0]}]: ${String(bad[1])}`)
  const seen = new Set<string>()
  for (const code of lsoas) {
    if (seen.has(code)) return reject('duplicate-lsoa', `scope.lsoas lists ${code} twice`)
    seen.add(code)
  }
  return undefined
}

/** The first problem with a definition's areas, by a stable code, naming the area and the PCN. */
const areasProblem = (command: DefineScheme, reference: PcnReferenceState): Decision | undefined => {
  if (command.areas.length === 0)
    return reject('no-areas', 'a scheme groups PCNs into at least one named service delivery area')
  const ids = new Set<string>()
  const names = new Set<string>()
  const pcnArea = new Map<string, string>()
  for (const [i, area] of command.areas.entries()) {
    const at = `areas[${i}] (${area.areaId})`
    if (ids.has(area.areaId)) return reject('duplicate-area', `${at}: area ${area.areaId} is defined twice`)
    if (names.has(area.name)) return reject('duplicate-area', `${at}: another area is already named ${area.name}`)
    ids.add(area.areaId)
    names.add(area.name)
    if (area.pcns.length === 0)
      return reject('empty-area', `${at}: area ${area.areaId} has no PCNs; an area groups one or more PCNs`)
    for (const [j, pcn] of area.pcns.entries()) {
      const problem = codeProblem(pcn, 'pcn')
      if (problem !== undefined) return reject('invalid-code', `${at}.pcns[${j}]: ${problem}`)
      if (own(reference.pcns, pcn) === undefined)
        return reject('unknown-pcn', `${at}.pcns[${j}]: ${pcn} is not a PCN of PCN reference ${command.pcnReference}`)
      const already = pcnArea.get(pcn)
      if (already !== undefined)
        return reject(
          'duplicate-pcn',
          already === area.areaId
            ? `${at}.pcns[${j}]: ${pcn} is listed twice in area ${area.areaId}`
            : `${at}.pcns[${j}]: ${pcn} is already in area ${already}; a PCN is in at most one area`,
        )
      pcnArea.set(pcn, area.areaId)
    }
  }
  return undefined
}

const noReference = (pcnReference: string, reference: PcnReferenceState): Decision | undefined =>
  reference.imported
    ? undefined
    : reject('no-reference', `PCN reference ${pcnReference} has not been imported: there is no such reference`)

const noScheme = (command: { readonly schemeId: string }, state: SchemeState): Decision | undefined =>
  state.defined ? undefined : reject('no-scheme', `scheme ${command.schemeId} has not been defined`)

const draftProblem = (state: SchemeState, version: number): Decision | undefined => {
  const found = state.versions.find((v) => v.version === version)
  if (found === undefined) return reject('not-a-draft', `version ${version} has not been run`)
  if (found.status !== 'draft') return reject('not-a-draft', `version ${version} is ${found.status}, and never changes`)
  return undefined
}

/** A PCN of the scheme's areas that the run's reference does not know. */
const schemePcnsProblem = (
  command: RunAssignment,
  state: SchemeState,
  reference: PcnReferenceState,
): Decision | undefined => {
  for (const area of state.areas)
    for (const pcn of area.pcns)
      if (own(reference.pcns, pcn.code) === undefined)
        return reject(
          'unknown-pcn',
          `area ${area.areaId} groups ${pcn.code}, which is not a PCN of PCN reference ${command.pcnReference}`,
        )
  return undefined
}

const rowsProblem = (command: RunAssignment): Decision | undefined => {
  for (const [i, row] of command.extract.rows.entries()) {
    const at = row.line === undefined ? `extract.rows[${i}]` : `line ${row.line}`
    const problem = codeProblem(row.practice, 'practice') ?? codeProblem(row.lsoa, 'lsoa')
    if (problem !== undefined) return reject('invalid-code', `${at}: ${problem}`)
  }
  return undefined
}

// --- one function per command ---

export const defineScheme = (command: DefineScheme, state: SchemeState, reference: PcnReferenceState): Decision => {
  if (state.defined) return reject('scheme-exists', `scheme ${command.schemeId} is already defined`)
  const refused =
    noReference(command.pcnReference, reference) ?? scopeProblem(command) ?? areasProblem(command, reference)
  if (refused !== undefined) return refused
  return accept<SchemeEvent>(
    SchemeDefined.create({
      schemeId: command.schemeId,
      name: command.name,
      method: 'dominant-lsoa',
      lsoaVintage: command.lsoaVintage,
      scope: { description: command.scope.description, lsoas: [...command.scope.lsoas] },
      pcnReference: command.pcnReference,
      areas: command.areas.map((area) => ({
        areaId: area.areaId,
        name: area.name,
        // Each PCN is known to the reference (checked above); its name is the reference's.
        pcns: area.pcns.map((code) => ({ code, name: own(reference.pcns, code)?.name ?? code })),
      })),
    }),
  )
}

export const runAssignment = (command: RunAssignment, state: SchemeState, reference: PcnReferenceState): Decision => {
  const refused =
    noScheme(command, state) ??
    noReference(command.pcnReference, reference) ??
    schemePcnsProblem(command, state, reference) ??
    rowsProblem(command)
  if (refused !== undefined) return refused
  const { extract } = command
  const areaOf = new Map<string, AreaId>(state.areas.flatMap((area) => area.pcns.map((p) => [p.code, area.areaId])))
  const run = assignDominantLsoa(
    state.scope,
    extract.rows,
    (practice) => pcnOn(reference, practice, extract.extractDate),
    (pcn) => areaOf.get(pcn),
  )
  if (isLeft(run)) return reject('invalid-extract', listed(run.left.map((p) => p.problem)))
  const current = state.versions[state.versions.length - 1]
  const version =
    current === undefined ? nextVersion(0) : current.status === 'draft' ? current.version : nextVersion(current.version)
  return accept<SchemeEvent>(
    AssignmentRun.create({
      schemeId: command.schemeId,
      version,
      extract: {
        publication: extract.publication,
        extractDate: extract.extractDate,
        source: sourceOf(extract.source),
        modelled: extract.modelled,
      },
      pcnReference: command.pcnReference,
      assignments: run.right.assignments,
      unassigned: run.right.unassigned,
      rowsUsed: run.right.rowsUsed,
      rowsOutOfScope: run.right.rowsOutOfScope,
      excluded: run.right.excluded,
    }),
  )
}

export const overrideLsoa = (command: OverrideLsoa, state: SchemeState): Decision => {
  const refused = noScheme(command, state) ?? draftProblem(state, command.version)
  if (refused !== undefined) return refused
  if (!state.scope.includes(command.lsoa))
    return reject('outside-scope', `${command.lsoa} is not in the scope of scheme ${command.schemeId}`)
  if (!state.areas.some((area) => area.areaId === command.area))
    return reject(
      'unknown-area',
      `${command.area} is not an area of scheme ${command.schemeId}; its areas are ${state.areas.map((a) => a.areaId).join(', ')}`,
    )
  return accept<SchemeEvent>(
    LsoaOverridden.create({
      schemeId: command.schemeId,
      version: command.version,
      lsoa: command.lsoa,
      area: command.area,
      reason: command.reason,
    }),
  )
}

const supersededBy = (version: SchemeVersionNumber): NonEmptyString =>
  // Never blank: it names the version.
  `superseded by version ${version}` as NonEmptyString

export const publishScheme = (command: PublishScheme, state: SchemeState): Decision => {
  const refused = noScheme(command, state) ?? draftProblem(state, command.version)
  if (refused !== undefined) return refused
  const draft = state.versions.find((v) => v.version === command.version)
  if (draft === undefined) return reject('not-a-draft', `version ${command.version} has not been run`)
  const { areas, unassigned } = partition(state, draft)
  if (unassigned.length > 0)
    return reject(
      'unassigned-lsoas',
      `${unassigned.length} LSOAs in scope have no area; override them first: ${unassigned.slice(0, SHOWN).join(', ')}`,
    )
  return accept<SchemeEvent>(
    SchemePublished.create({ schemeId: command.schemeId, version: command.version, areas }),
    ...state.versions
      .filter((v) => v.status === 'published')
      .map((v) =>
        SchemeSuperseded.create({
          schemeId: command.schemeId,
          version: v.version,
          by: command.version,
          reason: supersededBy(command.version),
        }),
      ),
  )
}

export const supersedeScheme = (command: SupersedeScheme, state: SchemeState): Decision => {
  const refused = noScheme(command, state)
  if (refused !== undefined) return refused
  const found = state.versions.find((v) => v.version === command.version)
  if (found?.status !== 'published')
    return reject('not-published', `version ${command.version} is not a published version`)
  return accept<SchemeEvent>(
    SchemeSuperseded.create({ schemeId: command.schemeId, version: command.version, reason: command.reason }),
  )
}

// --- the two decides ---

/** The scheme's aggregate: the commands decided on the scheme alone. */
export const decideScheme = (command: SchemeCommand, state: SchemeState): Decision => {
  switch (command.type) {
    case 'OverrideLsoa':
      return overrideLsoa(command, state)
    case 'PublishScheme':
      return publishScheme(command, state)
    case 'SupersedeScheme':
      return supersedeScheme(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}

/** The commands decided on the scheme and its PCN reference together. */
export const decideSchemeWithReference = (
  command: SchemeDecisionCommand,
  state: SchemeState,
  reference: PcnReferenceState,
): Decision => {
  switch (command.type) {
    case 'DefineScheme':
      return defineScheme(command, state, reference)
    case 'RunAssignment':
      return runAssignment(command, state, reference)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
