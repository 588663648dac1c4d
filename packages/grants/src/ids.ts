/** The ids of the grants context, each an `EntityId` branded with what it names. */
import { EntityId, entityIdOf } from '@civic-ledger/core'
import * as t from 'io-ts'

/** The brand of `FundId`. */
export interface FundIdBrand {
  readonly FundId: unique symbol
}
/** The codec of a fund's id: an `EntityId` that cannot be mistaken for another kind of id. */
export const FundId = entityIdOf<FundIdBrand, 'FundId'>('FundId')
/** A fund's id. */
export type FundId = t.TypeOf<typeof FundId>

/** The brand of `StreamId`. */
export interface StreamIdBrand {
  readonly StreamId: unique symbol
}
/** A stream of a fund, such as small grants up to £2,000. */
export const StreamId = entityIdOf<StreamIdBrand, 'StreamId'>('StreamId')
export type StreamId = t.TypeOf<typeof StreamId>

/** The brand of `RoundId`. */
export interface RoundIdBrand {
  readonly RoundId: unique symbol
}
/** The codec of a round's id: an `EntityId` that cannot be mistaken for another kind of id. */
export const RoundId = entityIdOf<RoundIdBrand, 'RoundId'>('RoundId')
/** A round's id. */
export type RoundId = t.TypeOf<typeof RoundId>

/** The brand of `ApplicationId`. */
export interface ApplicationIdBrand {
  readonly ApplicationId: unique symbol
}
/** An application, and the grant it becomes. */
export const ApplicationId = entityIdOf<ApplicationIdBrand, 'ApplicationId'>('ApplicationId')
export type ApplicationId = t.TypeOf<typeof ApplicationId>

/** The brand of `AssessorId`. */
export interface AssessorIdBrand {
  readonly AssessorId: unique symbol
}
/** An assessor: the id they act under, so only they score as themselves. */
export const AssessorId = entityIdOf<AssessorIdBrand, 'AssessorId'>('AssessorId')
export type AssessorId = t.TypeOf<typeof AssessorId>

/** The brand of `PaymentId`. */
export interface PaymentIdBrand {
  readonly PaymentId: unique symbol
}
/** A payment of a grant, scheduled then approved and made, or cancelled. */
export const PaymentId = entityIdOf<PaymentIdBrand, 'PaymentId'>('PaymentId')
export type PaymentId = t.TypeOf<typeof PaymentId>

/** The brand of `RequirementId`. */
export interface RequirementIdBrand {
  readonly RequirementId: unique symbol
}
/** A monitoring requirement of a grant. */
export const RequirementId = entityIdOf<RequirementIdBrand, 'RequirementId'>('RequirementId')
export type RequirementId = t.TypeOf<typeof RequirementId>

/** The brand of `VariationId`. */
export interface VariationIdBrand {
  readonly VariationId: unique symbol
}
/** A request to vary a grant's amount. */
export const VariationId = entityIdOf<VariationIdBrand, 'VariationId'>('VariationId')
export type VariationId = t.TypeOf<typeof VariationId>

/** The brand of `RepaymentId`. */
export interface RepaymentIdBrand {
  readonly RepaymentId: unique symbol
}
/** Money a recipient gave back. */
export const RepaymentId = entityIdOf<RepaymentIdBrand, 'RepaymentId'>('RepaymentId')
export type RepaymentId = t.TypeOf<typeof RepaymentId>

/** The brand of `CouncillorId`. */
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
