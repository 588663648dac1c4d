/**
 * The events of an area-profile indicator: defined once with its unit and how it aggregates, then
 * values recorded per LSOA, one period at a time.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, EntityId, eventCatalog, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AreaCode, IndicatorId } from '../ids'
import { Aggregation } from '../lib/aggregation'
import { Vintage } from '../lib/codes'
import { Source } from '../lib/source'

// --- shapes ---

export const IndicatorValue = t.readonly(
  t.intersection([t.type({ lsoa: AreaCode, value: t.number }), t.partial({ population: t.number })]),
  'IndicatorValue',
)
export type IndicatorValue = t.TypeOf<typeof IndicatorValue>

// --- events ---

/** An indicator was defined: its name, unit, and how its LSOA values aggregate to larger areas. */
export const IndicatorDefined = defineEvent({
  type: 'areas.IndicatorDefined',
  codec: t.readonly(
    t.type({ indicatorId: IndicatorId, name: NonEmptyString, unit: NonEmptyString, aggregation: Aggregation }),
  ),
})

/** An indicator's values for a period were recorded, one per LSOA of a vintage, with their source. */
export const IndicatorValuesRecorded = defineEvent({
  type: 'areas.IndicatorValuesRecorded',
  codec: t.readonly(
    t.type({
      indicatorId: IndicatorId,
      // Part of a read model's document id: an id's shape.
      period: EntityId,
      lsoaVintage: Vintage,
      source: Source,
      values: t.readonlyArray(IndicatorValue),
    }),
  ),
})

const definitions = [IndicatorDefined, IndicatorValuesRecorded] as const
/** The catalog of an area profile's events: encodes new ones, and upcasts and decodes stored ones. */
export const profileEvents = eventCatalog(...definitions)
/** An event of an area profile's stream: one of those `profileEvents` encodes and decodes. */
export type ProfileEvent = CatalogEvent<typeof profileEvents>
