/**
 * The ids of the partnerships context. Each is checked when a command is decoded and branded with
 * what it names. An organisation's id is its identifier: org-id style (`GB-LAE-CAM`, `GB-CHC-…`,
 * `GB-NHS-06H`) or local (`local:ramsey-town-council`).
 */
import { EntityId, entityIdOf } from '@civic-ledger/core'
import * as t from 'io-ts'

import { orgIdProblem } from './rules/org-id'

/** The brand of `OrgId`. */
export interface OrgIdBrand {
  readonly OrgId: unique symbol
}
const orgIdBrand = t.brand(
  EntityId,
  (s): s is t.Branded<EntityId, OrgIdBrand> => orgIdProblem(s) === undefined,
  'OrgId',
)
/**
 * An organisation's identifier, registered (`GB-LAE-CAM`) or local (`local:<name>`). Its name says
 * what is expected, since a refusal quotes it.
 */
export const OrgId = new t.Type<t.TypeOf<typeof orgIdBrand>, string, unknown>(
  'OrgId (an org-id such as GB-LAE-CAM or GB-CHC-1234567, or local:<name>)',
  orgIdBrand.is,
  (u, c) => orgIdBrand.validate(u, c),
  orgIdBrand.encode,
)
export type OrgId = t.TypeOf<typeof OrgId>

/** The brand of `BoardId`. */
export interface BoardIdBrand {
  readonly BoardId: unique symbol
}
/** The codec of a board's id: an `EntityId` that cannot be mistaken for another kind of id. */
export const BoardId = entityIdOf<BoardIdBrand, 'BoardId'>('BoardId')
/** A board's id. */
export type BoardId = t.TypeOf<typeof BoardId>

/** The brand of `SeatId`. */
export interface SeatIdBrand {
  readonly SeatId: unique symbol
}
/** The codec of a seat's id: an `EntityId` that cannot be mistaken for another kind of id. */
export const SeatId = entityIdOf<SeatIdBrand, 'SeatId'>('SeatId')
/** A seat's id. */
export type SeatId = t.TypeOf<typeof SeatId>

/** The brand of `RepresentativeId`. */
export interface RepresentativeIdBrand {
  readonly RepresentativeId: unique symbol
}
/** A person who represents a member on a board: the subject of their personal data. */
export const RepresentativeId = entityIdOf<RepresentativeIdBrand, 'RepresentativeId'>('RepresentativeId')
export type RepresentativeId = t.TypeOf<typeof RepresentativeId>

/** The brand of `MeetingId`. */
export interface MeetingIdBrand {
  readonly MeetingId: unique symbol
}
/** The codec of a meeting's id: an `EntityId` that cannot be mistaken for another kind of id. */
export const MeetingId = entityIdOf<MeetingIdBrand, 'MeetingId'>('MeetingId')
/** A meeting's id. */
export type MeetingId = t.TypeOf<typeof MeetingId>

/** The brand of `DecisionId`. */
export interface DecisionIdBrand {
  readonly DecisionId: unique symbol
}
/** A decision a board recorded at a meeting. */
export const DecisionId = entityIdOf<DecisionIdBrand, 'DecisionId'>('DecisionId')
export type DecisionId = t.TypeOf<typeof DecisionId>

/** The brand of `AgreementId`. */
export interface AgreementIdBrand {
  readonly AgreementId: unique symbol
}
/** The codec of an agreement's id: an `EntityId` that cannot be mistaken for another kind of id. */
export const AgreementId = entityIdOf<AgreementIdBrand, 'AgreementId'>('AgreementId')
/** An agreement's id. */
export type AgreementId = t.TypeOf<typeof AgreementId>

/** The brand of `ProgrammeId`. */
export interface ProgrammeIdBrand {
  readonly ProgrammeId: unique symbol
}
/** A programme of themes and workstreams, such as a strategy's action plan. */
export const ProgrammeId = entityIdOf<ProgrammeIdBrand, 'ProgrammeId'>('ProgrammeId')
export type ProgrammeId = t.TypeOf<typeof ProgrammeId>

/** The brand of `ItemId`. */
export interface ItemIdBrand {
  readonly ItemId: unique symbol
}
/** A theme, workstream, action, milestone or pilot inside a programme. */
export const ItemId = entityIdOf<ItemIdBrand, 'ItemId'>('ItemId')
export type ItemId = t.TypeOf<typeof ItemId>

/** The brand of `PlanId`. */
export interface PlanIdBrand {
  readonly PlanId: unique symbol
}
/** A delivery plan for a service delivery area. */
export const PlanId = entityIdOf<PlanIdBrand, 'PlanId'>('PlanId')
export type PlanId = t.TypeOf<typeof PlanId>

/** The brand of `PostId`. */
export interface PostIdBrand {
  readonly PostId: unique symbol
}
/** A place-based post, such as a district's co-ordinator or a PCN's link worker. */
export const PostId = entityIdOf<PostIdBrand, 'PostId'>('PostId')
export type PostId = t.TypeOf<typeof PostId>
