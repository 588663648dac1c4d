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

export const IndicatorDefined = defineEvent({
  type: 'areas.IndicatorDefined',
  codec: t.readonly(
    t.type({ indicatorId: IndicatorId, name: NonEmptyString, unit: NonEmptyString, aggregation: Aggregation }),
  ),
})

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
export const profileEvents = eventCatalog(...definitions)
/** An event of an area profile's stream: one of those `profileEvents` encodes and decodes. */
export type ProfileEvent = CatalogEvent<typeof profileEvents>
