/**
 * The ids of the areas context. Each becomes part of a stream id or a read model's document id, so
 * each is a branded codec checked when a command is decoded: core's `EntityId` (1–128 of
 * `[A-Za-z0-9._:~-]`) narrowed to the shape this context gives it. A command with an id that
 * could not be one is `InvalidCommand` and never reaches a decider.
 */
import { EntityId } from '@civic-ledger/core'
import * as t from 'io-ts'

// --- stream ids ---

export interface ReleaseIdBrand {
  readonly ReleaseId: unique symbol
}

/** A geography release (`areas.release-<id>`): lower-case letters, digits and hyphens, up to 100. */
export const ReleaseId = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, ReleaseIdBrand> => /^[a-z0-9][a-z0-9-]{0,99}$/.test(s),
  'ReleaseId',
)
export type ReleaseId = t.TypeOf<typeof ReleaseId>

export interface PcnReferenceIdBrand {
  readonly PcnReferenceId: unique symbol
}

/** A PCN reference (`areas.pcn-reference-<id>`), e.g. `06H-2024-03`: letters, digits, hyphens, up to 60. */
export const PcnReferenceId = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, PcnReferenceIdBrand> => /^[A-Za-z0-9][A-Za-z0-9-]{0,59}$/.test(s),
  'PcnReferenceId',
)
export type PcnReferenceId = t.TypeOf<typeof PcnReferenceId>

export interface IndicatorIdBrand {
  readonly IndicatorId: unique symbol
}

/** An area-profile indicator (`areas.indicator-<id>`): lower-case letters, digits, hyphens, up to 60. */
export const IndicatorId = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, IndicatorIdBrand> => /^[a-z0-9][a-z0-9-]{0,59}$/.test(s),
  'IndicatorId',
)
export type IndicatorId = t.TypeOf<typeof IndicatorId>

export interface SchemeIdBrand {
  readonly SchemeId: unique symbol
}

/** A service delivery area scheme (`areas.sda-scheme-<id>`): lower-case letters, digits, hyphens, up to 60. */
export const SchemeId = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, SchemeIdBrand> => /^[a-z0-9][a-z0-9-]{0,59}$/.test(s),
  'SchemeId',
)
export type SchemeId = t.TypeOf<typeof SchemeId>

export interface PlaceIndexIdBrand {
  readonly PlaceIndexId: unique symbol
}

/**
 * A place index (`areas.place-index-<id>`), e.g. `current`: lower-case letters, digits and hyphens,
 * up to 60.
 */
export const PlaceIndexId = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, PlaceIndexIdBrand> => /^[a-z0-9][a-z0-9-]{0,59}$/.test(s),
  'PlaceIndexId',
)
export type PlaceIndexId = t.TypeOf<typeof PlaceIndexId>

// --- ids inside a stream ---

export interface SchemeVersionNumberBrand {
  readonly SchemeVersionNumber: unique symbol
}

/** The number of a version of a scheme: a whole number from 1. */
export const SchemeVersionNumber = t.brand(
  t.number,
  (n): n is t.Branded<number, SchemeVersionNumberBrand> => Number.isSafeInteger(n) && n >= 1,
  'SchemeVersionNumber',
)
export type SchemeVersionNumber = t.TypeOf<typeof SchemeVersionNumber>

export interface AreaIdBrand {
  readonly AreaId: unique symbol
}

/**
 * A service delivery area of a scheme, e.g. `huntingdonshire-north`: lower-case letters, digits and
 * hyphens, up to 60. Unique within its scheme; part of the read models' document ids.
 */
export const AreaId = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, AreaIdBrand> => /^[a-z0-9][a-z0-9-]{0,59}$/.test(s),
  'AreaId',
)
export type AreaId = t.TypeOf<typeof AreaId>

export interface AreaCodeBrand {
  readonly AreaCode: unique symbol
}

/**
 * The code of an area, a PCN or a practice as a command carries it: 1 to 16 letters and digits.
 * That is all decoding asks, so that every such code can be part of a document id; whether it is a
 * well-formed code of the kind it is given as (`E01…` for an LSOA, `U` and five digits for a PCN) is
 * the deciders' rule (`codeProblem`), refused naming where the code is.
 */
export const AreaCode = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, AreaCodeBrand> => /^[A-Za-z0-9]{1,16}$/.test(s),
  'AreaCode',
)
export type AreaCode = t.TypeOf<typeof AreaCode>

// --- constructors ---

/** The version after `version` (0 before the first): a whole number from 1 by construction. */
export const nextVersion = (version: number): SchemeVersionNumber => (version + 1) as SchemeVersionNumber
