/** The ids of the grants context, each an `EntityId` branded with what it names. */
import { EntityId, entityIdOf } from '@civic-ledger/core'
import * as t from 'io-ts'

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

export interface AssessorIdBrand {
  readonly AssessorId: unique symbol
}
/** An assessor: the id they act under, so only they score as themselves. */
export const AssessorId = entityIdOf<AssessorIdBrand, 'AssessorId'>('AssessorId')
export type AssessorId = t.TypeOf<typeof AssessorId>

export interface PaymentIdBrand {
  readonly PaymentId: unique symbol
}
/** A payment of a grant, scheduled then approved and made, or cancelled. */
export const PaymentId = entityIdOf<PaymentIdBrand, 'PaymentId'>('PaymentId')
export type PaymentId = t.TypeOf<typeof PaymentId>

export interface RequirementIdBrand {
  readonly RequirementId: unique symbol
}
/** A monitoring requirement of a grant. */
export const RequirementId = entityIdOf<RequirementIdBrand, 'RequirementId'>('RequirementId')
export type RequirementId = t.TypeOf<typeof RequirementId>

export interface VariationIdBrand {
  readonly VariationId: unique symbol
}
/** A request to vary a grant's amount. */
export const VariationId = entityIdOf<VariationIdBrand, 'VariationId'>('VariationId')
export type VariationId = t.TypeOf<typeof VariationId>

export interface RepaymentIdBrand {
  readonly RepaymentId: unique symbol
}
/** Money a recipient gave back. */
export const RepaymentId = entityIdOf<RepaymentIdBrand, 'RepaymentId'>('RepaymentId')
export type RepaymentId = t.TypeOf<typeof RepaymentId>

export interface CouncillorIdBrand {
  readonly CouncillorId: unique symbol
}
/**
 * A county councillor, e.g. `cllr-jane-smith`: an `EntityId` without a `~`, so that `NO_COUNCILLOR`
 * (`none~`), the stream an application without a councillor is decided on, can never be a
 * councillor's.
 */
export const CouncillorId = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, CouncillorIdBrand> => !s.includes('~'),
  'CouncillorId',
)
export type CouncillorId = t.TypeOf<typeof CouncillorId>

/** The id of the councillor stream an application that names no councillor reads: always empty. */
export const NO_COUNCILLOR = 'none~'
