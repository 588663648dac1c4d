/**
 * GeographyRelease: one published product of boundaries — the areas of one or more kinds at a
 * vintage, and the lookups between them — recorded exactly as published. A release is immutable:
 * a correction is a new release that names the one it corrects. Lookups are kept as pairs, so a ward
 * in two county divisions or a parish spanning wards stays many-to-many; nothing assumes nesting.
 */
import type { EventsOf } from '@civic-ledger/core'
import { accept, defineAggregate, defineEvent, eventCatalog, NonEmptyString, reject } from '@civic-ledger/core'
import * as t from 'io-ts'

import type { AreaType } from './codes'
import { AreaTypeCodec, codeProblem, LookupMethod, Vintage } from './codes'

// --- shapes ---

export interface ReleaseIdBrand {
  readonly ReleaseId: unique symbol
}

const ReleaseId = t.brand(
  t.string,
  (s): s is t.Branded<string, ReleaseIdBrand> => /^[a-z0-9][a-z0-9-]{0,99}$/.test(s),
  'ReleaseId',
)
export type ReleaseId = t.TypeOf<typeof ReleaseId>

export const Source = t.readonly(
  t.intersection([
    t.type({ name: NonEmptyString, licence: NonEmptyString }),
    t.partial({ url: t.string, note: t.string }),
  ]),
  'Source',
)
export type Source = t.TypeOf<typeof Source>
export type SourceInput = t.OutputOf<typeof Source>

/** Which areas a lookup joins: a kind of area at a vintage. */
export const AreaSetRef = t.readonly(t.type({ type: AreaTypeCodec, vintage: Vintage }), 'AreaSetRef')
export type AreaSetRef = t.TypeOf<typeof AreaSetRef>

const Area = t.readonly(t.type({ code: t.string, name: t.string }))

const AreaSet = t.readonly(t.type({ type: AreaTypeCodec, vintage: Vintage, areas: t.readonlyArray(Area) }))
export type AreaSet = t.TypeOf<typeof AreaSet>

/** A lookup as published: `[from, to]` code pairs. */
const Lookup = t.readonly(
  t.type({
    from: AreaSetRef,
    to: AreaSetRef,
    method: LookupMethod,
    pairs: t.readonlyArray(t.readonly(t.tuple([t.string, t.string]))),
  }),
)
export type Lookup = t.TypeOf<typeof Lookup>

// --- events ---

export const ReleaseImported = defineEvent({
  type: 'areas.ReleaseImported',
  codec: t.readonly(
    t.intersection([
      t.type({ releaseId: ReleaseId, title: NonEmptyString, publisher: NonEmptyString, source: Source }),
      t.partial({ corrects: ReleaseId }),
    ]),
  ),
})

/** The areas of one kind at one vintage in a release. */
export const AreasRecorded = defineEvent({
  type: 'areas.AreasRecorded',
  codec: t.readonly(t.intersection([t.type({ releaseId: ReleaseId }), AreaSet])),
})

export const LookupRecorded = defineEvent({
  type: 'areas.LookupRecorded',
  codec: t.readonly(t.intersection([t.type({ releaseId: ReleaseId }), Lookup])),
})

const definitions = [ReleaseImported, AreasRecorded, LookupRecorded] as const
export const releaseEvents = eventCatalog(...definitions)
export type ReleaseEvent = EventsOf<typeof definitions>

// --- commands ---

export const ImportRelease = t.readonly(
  t.intersection([
    t.type({
      type: t.literal('ImportRelease'),
      releaseId: ReleaseId,
      title: NonEmptyString,
      publisher: NonEmptyString,
      source: Source,
      areaSets: t.readonlyArray(AreaSet),
      lookups: t.readonlyArray(Lookup),
    }),
    t.partial({ corrects: ReleaseId }),
  ]),
)
export type ImportRelease = t.TypeOf<typeof ImportRelease>
/** An import as sent, before decoding: what the importers build. */
export type ImportReleaseInput = t.OutputOf<typeof ImportRelease>

export type ReleaseCommand = ImportRelease
export const ReleaseCommand = ImportRelease

// --- state ---

export type ReleaseState = { readonly status: 'none' } | { readonly status: 'imported'; readonly releaseId: string }

// --- rules ---

const setKey = (ref: { readonly type: AreaType; readonly vintage: string }): string => `${ref.type}@${ref.vintage}`

/** Every problem with a release's contents, each naming the code and where it is. Empty when sound. */
export const releaseProblems = (command: ImportRelease): ReadonlyArray<string> => {
  const problems: string[] = []
  const sets = new Map<string, Set<string>>()
  if (command.areaSets.length === 0) problems.push('a release records at least one set of areas')
  if (command.corrects === command.releaseId) problems.push(`release ${command.releaseId} cannot correct itself`)
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

export const geographyReleases = defineAggregate({
  context: 'areas',
  name: 'release',
  commands: ReleaseCommand,
  events: releaseEvents,
  id: (command) => command.releaseId,
  decider: {
    initialState: { status: 'none' },
    evolve: (state: ReleaseState, event: ReleaseEvent): ReleaseState =>
      event.type === 'areas.ReleaseImported' ? { status: 'imported', releaseId: event.data.releaseId } : state,
    decide: (command: ReleaseCommand, state: ReleaseState) => {
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
          source: command.source,
          ...(command.corrects === undefined ? {} : { corrects: command.corrects }),
        }),
        ...command.areaSets.map((set) => AreasRecorded.create({ releaseId, ...set })),
        ...command.lookups.map((lookup) => LookupRecorded.create({ releaseId, ...lookup })),
      )
    },
  },
})
