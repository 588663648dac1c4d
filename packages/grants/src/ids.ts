/** The ids of the grants context, each an `EntityId` branded with what it names. */
import { entityIdOf } from '@civic-ledger/core'
import type * as t from 'io-ts'

export interface FundIdBrand {
  readonly FundId: unique symbol
}
export const FundId = entityIdOf<FundIdBrand, 'FundId'>('FundId')
export type FundId = t.TypeOf<typeof FundId>

export interface StreamIdBrand {
  readonly StreamId: unique symbol
}
/** A stream of a fund, such as small grants up to £2,000. */
export const StreamId = entityIdOf<StreamIdBrand, 'StreamId'>('StreamId')
export type StreamId = t.TypeOf<typeof StreamId>

export interface RoundIdBrand {
  readonly RoundId: unique symbol
}
export const RoundId = entityIdOf<RoundIdBrand, 'RoundId'>('RoundId')
export type RoundId = t.TypeOf<typeof RoundId>

export interface ApplicationIdBrand {
  readonly ApplicationId: unique symbol
}
/** An application, and the grant it becomes. */
export const ApplicationId = entityIdOf<ApplicationIdBrand, 'ApplicationId'>('ApplicationId')
export type ApplicationId = t.TypeOf<typeof ApplicationId>
