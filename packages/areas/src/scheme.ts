/**
 * ServiceDeliveryAreaScheme: service delivery areas built from LSOAs by the dominant-LSOA method,
 * versioned. Define the scope once; each run of the assignment (from a GP-registration extract and
 * the practice → PCN memberships on its date) makes a draft version, which can be overridden LSOA by
 * LSOA with a reason, and published only when every LSOA in scope is in exactly one area. A published
 * version never changes; publishing the next one supersedes it. Every report names the version.
 */
import type { EventsOf } from '@civic-ledger/core'
import { accept, defineAggregate, defineEvent, eventCatalog, IsoDate, NonEmptyString, reject } from '@civic-ledger/core'
import { isLeft } from 'fp-ts/Either'
import * as t from 'io-ts'

import { codeProblem, Vintage } from './codes'
import type { Assignment } from './dominant-lsoa'
import { assignDominantLsoa } from './dominant-lsoa'
import { Source } from './release'

export interface SchemeIdBrand {
  readonly SchemeId: unique symbol
}
export interface SchemeVersionBrand {
  readonly SchemeVersion: unique symbol
}

const SchemeId = t.brand(
  t.string,
  (s): s is t.Branded<string, SchemeIdBrand> => /^[a-z0-9][a-z0-9-]{0,59}$/.test(s),
  'SchemeId',
)
const Version = t.brand(
  t.number,
  (n): n is t.Branded<number, SchemeVersionBrand> => Number.isSafeInteger(n) && n >= 1,
  'SchemeVersion',
)

const AssignmentCodec = t.readonly(
  t.intersection([
    t.type({ lsoa: t.string, area: t.string, patients: t.number, total: t.number, share: t.number, tie: t.boolean }),
    t.partial({ runnerUp: t.readonly(t.type({ area: t.string, patients: t.number })) }),
  ]),
)

const ExtractMeta = t.readonly(
  t.type({ publication: t.string, extractDate: IsoDate, source: Source, modelled: t.boolean }),
)

// --- events ---

export const SchemeDefined = defineEvent({
  type: 'areas.SchemeDefined',
  codec: t.readonly(
    t.type({
      schemeId: SchemeId,
      name: NonEmptyString,
      method: t.literal('dominant-lsoa'),
      lsoaVintage: Vintage,
      scope: t.readonly(t.type({ description: NonEmptyString, lsoas: t.readonlyArray(t.string) })),
    }),
  ),
})

export const AssignmentRun = defineEvent({
  type: 'areas.AssignmentRun',
  codec: t.readonly(
    t.type({
      schemeId: SchemeId,
      version: Version,
      extract: ExtractMeta,
      pcnReference: t.string,
      assignments: t.readonlyArray(AssignmentCodec),
      unassigned: t.readonlyArray(t.string),
      rowsUsed: t.number,
      rowsOutOfScope: t.number,
    }),
  ),
})

export const LsoaOverridden = defineEvent({
  type: 'areas.LsoaOverridden',
  codec: t.readonly(
    t.type({ schemeId: SchemeId, version: Version, lsoa: t.string, area: t.string, reason: NonEmptyString }),
  ),
})

export const SchemePublished = defineEvent({
  type: 'areas.SchemePublished',
  codec: t.readonly(
    t.type({
      schemeId: SchemeId,
      version: Version,
      areas: t.readonlyArray(t.readonly(t.type({ area: t.string, lsoas: t.readonlyArray(t.string) }))),
    }),
  ),
})

export const SchemeSuperseded = defineEvent({
  type: 'areas.SchemeSuperseded',
  codec: t.readonly(
    t.intersection([
      t.type({ schemeId: SchemeId, version: Version, reason: NonEmptyString }),
      t.partial({ by: Version }),
    ]),
  ),
})

const definitions = [SchemeDefined, AssignmentRun, LsoaOverridden, SchemePublished, SchemeSuperseded] as const
export const schemeEvents = eventCatalog(...definitions)
export type SchemeEvent = EventsOf<typeof definitions>

// --- commands ---

const Row = t.readonly(
  t.intersection([t.type({ practice: t.string, lsoa: t.string, patients: t.number }), t.partial({ line: t.number })]),
)

export const SchemeCommand = t.union([
  t.readonly(
    t.type({
      type: t.literal('DefineScheme'),
      schemeId: SchemeId,
      name: NonEmptyString,
      lsoaVintage: Vintage,
      scope: t.readonly(t.type({ description: NonEmptyString, lsoas: t.readonlyArray(t.string) })),
    }),
  ),
  t.readonly(
    t.type({
      type: t.literal('RunAssignment'),
      schemeId: SchemeId,
      extract: t.readonly(t.intersection([ExtractMeta, t.type({ rows: t.readonlyArray(Row) })])),
      /** The PCN reference the memberships come from, and each practice's PCN on the extract's date. */
      pcnReference: t.string,
      memberships: t.readonlyArray(t.readonly(t.type({ practice: t.string, pcn: t.string }))),
    }),
  ),
  t.readonly(
    t.type({
      type: t.literal('OverrideLsoa'),
      schemeId: SchemeId,
      version: Version,
      lsoa: t.string,
      area: t.string,
      reason: NonEmptyString,
    }),
  ),
  t.readonly(t.type({ type: t.literal('PublishScheme'), schemeId: SchemeId, version: Version })),
  t.readonly(
    t.type({ type: t.literal('SupersedeScheme'), schemeId: SchemeId, version: Version, reason: NonEmptyString }),
  ),
])
export type SchemeCommand = t.TypeOf<typeof SchemeCommand>
export type SchemeCommandInput = t.OutputOf<typeof SchemeCommand>

// --- state ---

export interface SchemeVersion {
  readonly version: number
  readonly status: 'draft' | 'published' | 'superseded'
  readonly assignments: Readonly<Record<string, Assignment>>
  readonly overrides: Readonly<Record<string, { readonly area: string; readonly reason: string }>>
  readonly areas: ReadonlyArray<string>
}

export interface SchemeState {
  readonly defined: boolean
  readonly lsoaVintage: string
  readonly scope: ReadonlyArray<string>
  readonly versions: ReadonlyArray<SchemeVersion>
}

const initialState: SchemeState = { defined: false, lsoaVintage: '', scope: [], versions: [] }

/** Where each LSOA of a version sits: its override if it has one, else its assignment. */
export const areaOfLsoa = (version: SchemeVersion, lsoa: string): string | undefined =>
  version.overrides[lsoa]?.area ?? version.assignments[lsoa]?.area

/** The areas of a version and their LSOAs, in code order: the partition a publication records. */
export const partition = (
  scope: ReadonlyArray<string>,
  version: SchemeVersion,
): { readonly areas: ReadonlyArray<{ area: string; lsoas: string[] }>; readonly unassigned: ReadonlyArray<string> } => {
  const byArea = new Map<string, string[]>()
  const unassigned: string[] = []
  for (const lsoa of [...scope].sort()) {
    const area = areaOfLsoa(version, lsoa)
    if (area === undefined) unassigned.push(lsoa)
    else byArea.set(area, [...(byArea.get(area) ?? []), lsoa])
  }
  return {
    areas: [...byArea.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([area, lsoas]) => ({ area, lsoas })),
    unassigned,
  }
}

const withVersion = (
  state: SchemeState,
  version: number,
  change: (v: SchemeVersion) => SchemeVersion,
): SchemeState => ({
  ...state,
  versions: state.versions.map((v) => (v.version === version ? change(v) : v)),
})

const evolve = (state: SchemeState, event: SchemeEvent): SchemeState => {
  switch (event.type) {
    case 'areas.SchemeDefined':
      return { ...state, defined: true, lsoaVintage: event.data.lsoaVintage, scope: event.data.scope.lsoas }
    case 'areas.AssignmentRun': {
      const draft: SchemeVersion = {
        version: event.data.version,
        status: 'draft',
        assignments: Object.fromEntries(event.data.assignments.map((a) => [a.lsoa, a])),
        overrides: {},
        areas: [...new Set(event.data.assignments.map((a) => a.area))].sort(),
      }
      return { ...state, versions: [...state.versions.filter((v) => v.version !== draft.version), draft] }
    }
    case 'areas.LsoaOverridden':
      return withVersion(state, event.data.version, (v) => ({
        ...v,
        overrides: { ...v.overrides, [event.data.lsoa]: { area: event.data.area, reason: event.data.reason } },
      }))
    case 'areas.SchemePublished':
      return withVersion(state, event.data.version, (v) => ({ ...v, status: 'published' }))
    case 'areas.SchemeSuperseded':
      return withVersion(state, event.data.version, (v) => ({ ...v, status: 'superseded' }))
  }
}

const latest = (state: SchemeState): SchemeVersion | undefined => state.versions[state.versions.length - 1]

const draftProblem = (state: SchemeState, version: number): string | undefined => {
  const found = state.versions.find((v) => v.version === version)
  if (found === undefined) return `version ${version} has not been run`
  if (found.status !== 'draft') return `version ${version} is ${found.status}, and never changes`
  return undefined
}

export const serviceDeliveryAreaSchemes = defineAggregate({
  context: 'areas',
  name: 'sda-scheme',
  commands: SchemeCommand,
  events: schemeEvents,
  id: (command) => command.schemeId,
  decider: {
    initialState,
    evolve,
    decide: (command: SchemeCommand, state: SchemeState) => {
      if (command.type === 'DefineScheme') {
        if (state.defined) return reject('scheme-exists', `scheme ${command.schemeId} is already defined`)
        if (command.scope.lsoas.length === 0) return reject('empty-scope', 'a scheme covers at least one LSOA')
        const bad = command.scope.lsoas.map((code, i) => [i, codeProblem(code, 'lsoa')] as const).find(([, p]) => p)
        if (bad !== undefined) return reject('invalid-code', `scope.lsoas[${bad[0]}]: ${String(bad[1])}`)
        const dup = command.scope.lsoas.find((code, i) => command.scope.lsoas.indexOf(code) !== i)
        if (dup !== undefined) return reject('duplicate-lsoa', `scope.lsoas lists ${dup} twice`)
        const { type: _type, ...data } = command
        return accept<SchemeEvent>(SchemeDefined.create({ ...data, method: 'dominant-lsoa' }))
      }
      if (!state.defined) return reject('no-scheme', `scheme ${command.schemeId} has not been defined`)
      switch (command.type) {
        case 'RunAssignment': {
          const pcns = new Map<string, string>()
          for (const [i, m] of command.memberships.entries()) {
            const problem = codeProblem(m.practice, 'practice') ?? codeProblem(m.pcn, 'pcn')
            if (problem !== undefined) return reject('invalid-code', `memberships[${i}]: ${problem}`)
            if (pcns.has(m.practice)) return reject('duplicate-practice', `memberships lists ${m.practice} twice`)
            pcns.set(m.practice, m.pcn)
          }
          for (const [i, row] of command.extract.rows.entries()) {
            const at = row.line === undefined ? `extract.rows[${i}]` : `line ${row.line}`
            const problem = codeProblem(row.practice, 'practice') ?? codeProblem(row.lsoa, 'lsoa')
            if (problem !== undefined) return reject('invalid-code', `${at}: ${problem}`)
          }
          const run = assignDominantLsoa(state.scope, command.extract.rows, (practice) => pcns.get(practice))
          if (isLeft(run))
            return reject(
              'invalid-extract',
              [
                ...run.left.slice(0, 20).map((p) => p.problem),
                ...(run.left.length > 20 ? [`and ${run.left.length - 20} more`] : []),
              ].join('; '),
            )
          const current = latest(state)
          const version = current === undefined ? 1 : current.status === 'draft' ? current.version : current.version + 1
          const { rows: _rows, ...extract } = command.extract
          return accept<SchemeEvent>(
            AssignmentRun.create({
              schemeId: command.schemeId,
              version: version as never,
              extract,
              pcnReference: command.pcnReference,
              ...run.right,
            }),
          )
        }
        case 'OverrideLsoa': {
          const problem = draftProblem(state, command.version)
          if (problem !== undefined) return reject('not-a-draft', problem)
          if (!state.scope.includes(command.lsoa))
            return reject('outside-scope', `${command.lsoa} is not in the scope of scheme ${command.schemeId}`)
          const codeIssue = codeProblem(command.area, 'pcn')
          if (codeIssue !== undefined) return reject('invalid-code', codeIssue)
          const { type: _type, ...data } = command
          return accept<SchemeEvent>(LsoaOverridden.create(data))
        }
        case 'PublishScheme': {
          const problem = draftProblem(state, command.version)
          if (problem !== undefined) return reject('not-a-draft', problem)
          const draft = state.versions.find((v) => v.version === command.version)
          if (draft === undefined) return reject('not-a-draft', `version ${command.version} has not been run`)
          const { areas, unassigned } = partition(state.scope, draft)
          if (unassigned.length > 0)
            return reject(
              'unassigned-lsoas',
              `${unassigned.length} LSOAs in scope have no area; override them first: ${unassigned.slice(0, 20).join(', ')}`,
            )
          const previous = state.versions.filter((v) => v.status === 'published')
          return accept<SchemeEvent>(
            SchemePublished.create({ schemeId: command.schemeId, version: command.version, areas }),
            ...previous.map((v) =>
              SchemeSuperseded.create({
                schemeId: command.schemeId,
                version: v.version as never,
                by: command.version,
                reason: `superseded by version ${command.version}` as never,
              }),
            ),
          )
        }
        case 'SupersedeScheme': {
          const found = state.versions.find((v) => v.version === command.version)
          if (found?.status !== 'published')
            return reject('not-published', `version ${command.version} is not a published version`)
          const { type: _type, ...data } = command
          return accept<SchemeEvent>(SchemeSuperseded.create(data))
        }
      }
    },
  },
})
