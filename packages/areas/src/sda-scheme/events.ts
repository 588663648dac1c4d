/**
 * The events of a ServiceDeliveryAreaScheme: its definition (scope, PCN reference, and the named
 * areas, each a group of PCNs), each run of the dominant-LSOA assignment (a draft version), each
 * LSOA moved to another area by hand, and each version's publication and supersession.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AreaCode, AreaId, PcnReferenceId, SchemeId, SchemeVersionNumber } from '../ids'
import { Vintage } from '../lib/codes'
import { Source } from '../lib/source'

// --- shapes ---

/** The LSOAs a scheme must cover, and what they are. */
export const Scope = t.readonly(t.type({ description: NonEmptyString, lsoas: t.readonlyArray(AreaCode) }), 'Scope')
export type Scope = t.TypeOf<typeof Scope>

/** A service delivery area as defined: its id, name, and its PCNs with their names in the reference. */
export const SchemeArea = t.readonly(
  t.type({
    areaId: AreaId,
    name: NonEmptyString,
    pcns: t.readonlyArray(t.readonly(t.type({ code: AreaCode, name: NonEmptyString }))),
  }),
  'SchemeArea',
)
export type SchemeArea = t.TypeOf<typeof SchemeArea>

/** What a registration extract was: its publication, date and source, and whether it is modelled. */
export const ExtractMeta = t.readonly(
  t.type({ publication: t.string, extractDate: IsoDate, source: Source, modelled: t.boolean }),
  'ExtractMeta',
)
export type ExtractMeta = t.TypeOf<typeof ExtractMeta>

/** One LSOA's place after a run: its dominant PCN, that PCN's area (if any), share, runner-up, tie. */
export const LsoaAssignment = t.readonly(
  t.intersection([
    t.type({
      lsoa: AreaCode,
      pcn: AreaCode,
      patients: t.number,
      total: t.number,
      share: t.number,
      tie: t.boolean,
    }),
    t.partial({
      area: AreaId,
      runnerUp: t.readonly(
        t.intersection([t.type({ pcn: AreaCode, patients: t.number }), t.partial({ area: AreaId })]),
      ),
    }),
  ]),
  'LsoaAssignment',
)
export type LsoaAssignment = t.TypeOf<typeof LsoaAssignment>

/** The extract's practices with no PCN in the reference on its date: left out, and counted. */
export const ExcludedPractices = t.readonly(
  t.type({
    practices: t.number,
    patients: t.number,
    practicesInScope: t.readonlyArray(AreaCode),
    patientsInScope: t.number,
  }),
  'ExcludedPractices',
)
export type ExcludedPractices = t.TypeOf<typeof ExcludedPractices>

// --- events ---

/**
 * A service delivery area scheme was defined: its LSOA vintage and scope, its PCN reference, and its areas.
 */
export const SchemeDefined = defineEvent({
  type: 'areas.SchemeDefined',
  codec: t.readonly(
    t.type({
      schemeId: SchemeId,
      name: NonEmptyString,
      method: t.literal('dominant-lsoa'),
      lsoaVintage: Vintage,
      scope: Scope,
      pcnReference: PcnReferenceId,
      areas: t.readonlyArray(SchemeArea),
    }),
  ),
})

/**
 * A version of a scheme was drawn from a registration extract: each LSOA's dominant PCN and area,
 * and what was left out.
 */
export const AssignmentRun = defineEvent({
  type: 'areas.AssignmentRun',
  codec: t.readonly(
    t.type({
      schemeId: SchemeId,
      version: SchemeVersionNumber,
      extract: ExtractMeta,
      pcnReference: PcnReferenceId,
      assignments: t.readonlyArray(LsoaAssignment),
      unassigned: t.readonlyArray(AreaCode),
      rowsUsed: t.number,
      rowsOutOfScope: t.number,
      excluded: ExcludedPractices,
    }),
  ),
})

/** An LSOA of a draft version was given to another area by hand, with the reason. */
export const LsoaOverridden = defineEvent({
  type: 'areas.LsoaOverridden',
  codec: t.readonly(
    t.type({ schemeId: SchemeId, version: SchemeVersionNumber, lsoa: AreaCode, area: AreaId, reason: NonEmptyString }),
  ),
})

/** A version of a scheme was published, with the LSOAs of each area: what reports name from then on. */
export const SchemePublished = defineEvent({
  type: 'areas.SchemePublished',
  codec: t.readonly(
    t.type({
      schemeId: SchemeId,
      version: SchemeVersionNumber,
      areas: t.readonlyArray(t.readonly(t.type({ areaId: AreaId, lsoas: t.readonlyArray(AreaCode) }))),
    }),
  ),
})

/** A published version of a scheme was superseded, by a later version when one is named. */
export const SchemeSuperseded = defineEvent({
  type: 'areas.SchemeSuperseded',
  codec: t.readonly(
    t.intersection([
      t.type({ schemeId: SchemeId, version: SchemeVersionNumber, reason: NonEmptyString }),
      t.partial({ by: SchemeVersionNumber }),
    ]),
  ),
})

const definitions = [SchemeDefined, AssignmentRun, LsoaOverridden, SchemePublished, SchemeSuperseded] as const
/**
 * The catalog of a service delivery area scheme's events: encodes new ones, and upcasts and decodes
 * stored ones.
 */
export const schemeEvents = eventCatalog(...definitions)
/** An event of a service delivery area scheme's stream: one of those `schemeEvents` encodes and decodes. */
export type SchemeEvent = CatalogEvent<typeof schemeEvents>
