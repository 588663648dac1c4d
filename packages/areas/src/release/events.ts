/**
 * The events of a GeographyRelease: the release's header, one event per set of areas it records,
 * and one per lookup between two of those sets, each lookup kept as the pairs it was published as.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AreaCode, ReleaseId } from '../ids'
import { AreaTypeCodec, LookupMethod, Vintage } from '../lib/codes'
import { Source } from '../lib/source'

// --- shapes ---

/** Which areas a lookup joins: a kind of area at a vintage. */
export const AreaSetRef = t.readonly(t.type({ type: AreaTypeCodec, vintage: Vintage }), 'AreaSetRef')
export type AreaSetRef = t.TypeOf<typeof AreaSetRef>

export const Area = t.readonly(t.type({ code: AreaCode, name: t.string }), 'Area')
/** An area of a release: its code and name. */
export type Area = t.TypeOf<typeof Area>

/** The areas of one kind at one vintage. */
export const AreaSet = t.readonly(
  t.type({ type: AreaTypeCodec, vintage: Vintage, areas: t.readonlyArray(Area) }),
  'AreaSet',
)
export type AreaSet = t.TypeOf<typeof AreaSet>

/** A lookup as published: `[from, to]` code pairs, never a parent field, so it may be many-to-many. */
export const Lookup = t.readonly(
  t.type({
    from: AreaSetRef,
    to: AreaSetRef,
    method: LookupMethod,
    pairs: t.readonlyArray(t.readonly(t.tuple([AreaCode, AreaCode]))),
  }),
  'Lookup',
)
export type Lookup = t.TypeOf<typeof Lookup>

// --- events ---

/** A geography release was imported: its title, publisher and source, and the release it corrects. */
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

/** A lookup between two sets of areas of a release, as the pairs it was published as. */
export const LookupRecorded = defineEvent({
  type: 'areas.LookupRecorded',
  codec: t.readonly(t.intersection([t.type({ releaseId: ReleaseId }), Lookup])),
})

const definitions = [ReleaseImported, AreasRecorded, LookupRecorded] as const
/** The catalog of a geography release's events: encodes new ones, and upcasts and decodes stored ones. */
export const releaseEvents = eventCatalog(...definitions)
/** An event of a geography release's stream: one of those `releaseEvents` encodes and decodes. */
export type ReleaseEvent = CatalogEvent<typeof releaseEvents>
