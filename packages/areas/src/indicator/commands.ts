/** The commands of an area-profile indicator: define it, and record its values for a period. */
import { EntityId, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { IndicatorId } from '../ids'
import { Aggregation } from '../lib/aggregation'
import { Vintage } from '../lib/codes'
import { Source } from '../lib/source'
import { IndicatorValue } from './events'

export const DefineIndicator = t.readonly(
  t.type({
    type: t.literal('DefineIndicator'),
    indicatorId: IndicatorId,
    name: NonEmptyString,
    unit: NonEmptyString,
    aggregation: Aggregation,
  }),
  'DefineIndicator',
)
export type DefineIndicator = t.TypeOf<typeof DefineIndicator>

export const RecordIndicatorValues = t.readonly(
  t.type({
    type: t.literal('RecordIndicatorValues'),
    indicatorId: IndicatorId,
    // Part of a read model's document id: held to an id's shape when the command is decoded.
    period: EntityId,
    lsoaVintage: Vintage,
    source: Source,
    values: t.readonlyArray(IndicatorValue),
  }),
  'RecordIndicatorValues',
)
export type RecordIndicatorValues = t.TypeOf<typeof RecordIndicatorValues>

/** Every command an indicator takes. */
export const ProfileCommand = t.union([DefineIndicator, RecordIndicatorValues], 'ProfileCommand')
export type ProfileCommand = t.TypeOf<typeof ProfileCommand>
/** A command to an area profile as an app sends it to `ledger.execute`, before decoding. */
export type ProfileCommandInput = t.OutputOf<typeof ProfileCommand>
