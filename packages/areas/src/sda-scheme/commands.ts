/**
 * The commands of a ServiceDeliveryAreaScheme. Defining a scheme and running its assignment are
 * decided on the scheme and its PCN reference together (`SchemeDecisionCommand`, sent with
 * `ledger.decide(schemeDecisions, …)`): the PCNs an area groups and each practice's PCN are read
 * from the reference, never from the caller. Overriding, publishing and superseding need the
 * scheme alone (`SchemeCommand`, sent with `ledger.execute(serviceDeliveryAreaSchemes, …)`).
 */
import { NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AreaCode, AreaId, PcnReferenceId, SchemeId, SchemeVersionNumber } from '../ids'
import { Vintage } from '../lib/codes'
import { ExtractMeta, Scope } from './events'

// --- decided with the PCN reference ---

/** An area as a definition names it: an id, a name, and the codes of its PCNs (one or more). */
export const AreaDefinition = t.readonly(
  t.type({ areaId: AreaId, name: NonEmptyString, pcns: t.readonlyArray(AreaCode) }),
  'AreaDefinition',
)
export type AreaDefinition = t.TypeOf<typeof AreaDefinition>
/** An area definition as sent, before decoding. */
export type AreaDefinitionInput = t.OutputOf<typeof AreaDefinition>

/** The codec of `DefineScheme`: a scheme's name, LSOA vintage, scope, PCN reference and areas. */
export const DefineScheme = t.readonly(
  t.type({
    type: t.literal('DefineScheme'),
    schemeId: SchemeId,
    name: NonEmptyString,
    lsoaVintage: Vintage,
    scope: Scope,
    /** The PCN reference whose PCNs the areas group. */
    pcnReference: PcnReferenceId,
    areas: t.readonlyArray(AreaDefinition),
  }),
  'DefineScheme',
)
/** Define a service delivery area scheme, as decoded. */
export type DefineScheme = t.TypeOf<typeof DefineScheme>
/** `DefineScheme` as an app sends it to `ledger.decide(schemeDecisions, …)`, before decoding. */
export type DefineSchemeInput = t.OutputOf<typeof DefineScheme>

/** One row of a registration extract: a practice's patients living in an LSOA. */
export const RegistrationRowCodec = t.readonly(
  t.intersection([t.type({ practice: AreaCode, lsoa: AreaCode, patients: t.number }), t.partial({ line: t.number })]),
  'RegistrationRow',
)

/** The codec of `RunAssignment`: draw a new version of a scheme from a registration extract. */
export const RunAssignment = t.readonly(
  t.type({
    type: t.literal('RunAssignment'),
    schemeId: SchemeId,
    /** The PCN reference each practice's PCN is read from, on the extract's date. */
    pcnReference: PcnReferenceId,
    extract: t.readonly(t.intersection([ExtractMeta, t.type({ rows: t.readonlyArray(RegistrationRowCodec) })])),
  }),
  'RunAssignment',
)
/** Run the dominant-LSOA assignment for a scheme, as decoded. */
export type RunAssignment = t.TypeOf<typeof RunAssignment>
/** `RunAssignment` as an app sends it to `ledger.decide(schemeDecisions, …)`, before decoding. */
export type RunAssignmentInput = t.OutputOf<typeof RunAssignment>

/** The commands decided on a scheme and its PCN reference together. */
export const SchemeDecisionCommand = t.union([DefineScheme, RunAssignment], 'SchemeDecisionCommand')
export type SchemeDecisionCommand = t.TypeOf<typeof SchemeDecisionCommand>
/**
 * A command of the `schemeDecisions` decision (define a scheme, run it) as an app sends it to
 * `ledger.decide`, before decoding.
 */
export type SchemeDecisionCommandInput = t.OutputOf<typeof SchemeDecisionCommand>

// --- decided on the scheme alone ---

/**
 * The codec of `OverrideLsoa`: give an LSOA of a draft version to another area of the scheme, with a reason.
 */
export const OverrideLsoa = t.readonly(
  t.type({
    type: t.literal('OverrideLsoa'),
    schemeId: SchemeId,
    version: SchemeVersionNumber,
    lsoa: AreaCode,
    /** The area of the scheme the LSOA moves to. */
    area: AreaId,
    reason: NonEmptyString,
  }),
  'OverrideLsoa',
)
/** Override an LSOA's area, as decoded. */
export type OverrideLsoa = t.TypeOf<typeof OverrideLsoa>

/**
 * The codec of `PublishScheme`: publish a draft version in which every LSOA in scope is in exactly one area.
 */
export const PublishScheme = t.readonly(
  t.type({ type: t.literal('PublishScheme'), schemeId: SchemeId, version: SchemeVersionNumber }),
  'PublishScheme',
)
/** Publish a version of a scheme, as decoded. */
export type PublishScheme = t.TypeOf<typeof PublishScheme>

/** The codec of `SupersedeScheme`: retire a published version, with the reason. */
export const SupersedeScheme = t.readonly(
  t.type({
    type: t.literal('SupersedeScheme'),
    schemeId: SchemeId,
    version: SchemeVersionNumber,
    reason: NonEmptyString,
  }),
  'SupersedeScheme',
)
/** Supersede a version of a scheme, as decoded. */
export type SupersedeScheme = t.TypeOf<typeof SupersedeScheme>

/** The commands the scheme's aggregate takes on its own. */
export const SchemeCommand = t.union([OverrideLsoa, PublishScheme, SupersedeScheme], 'SchemeCommand')
export type SchemeCommand = t.TypeOf<typeof SchemeCommand>
/** A command to a service delivery area scheme as an app sends it to `ledger.execute`, before decoding. */
export type SchemeCommandInput = t.OutputOf<typeof SchemeCommand>
