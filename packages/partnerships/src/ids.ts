/**
 * The ids of the partnerships context. Each is checked when a command is decoded and branded with
 * what it names. An organisation's id is its identifier: org-id style (`GB-LAE-CAM`, `GB-CHC-…`,
 * `GB-NHS-06H`) or local (`local:ramsey-town-council`).
 */
import { EntityId, entityIdOf } from '@civic-ledger/core'
import * as t from 'io-ts'

import { orgIdProblem } from './rules/org-id'

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

export interface BoardIdBrand {
  readonly BoardId: unique symbol
}
export const BoardId = entityIdOf<BoardIdBrand, 'BoardId'>('BoardId')
export type BoardId = t.TypeOf<typeof BoardId>

export interface SeatIdBrand {
  readonly SeatId: unique symbol
}
export const SeatId = entityIdOf<SeatIdBrand, 'SeatId'>('SeatId')
export type SeatId = t.TypeOf<typeof SeatId>

export interface RepresentativeIdBrand {
  readonly RepresentativeId: unique symbol
}
/** A person who represents a member on a board: the subject of their personal data. */
export const RepresentativeId = entityIdOf<RepresentativeIdBrand, 'RepresentativeId'>('RepresentativeId')
export type RepresentativeId = t.TypeOf<typeof RepresentativeId>

export interface MeetingIdBrand {
  readonly MeetingId: unique symbol
}
export const MeetingId = entityIdOf<MeetingIdBrand, 'MeetingId'>('MeetingId')
export type MeetingId = t.TypeOf<typeof MeetingId>

export interface DecisionIdBrand {
  readonly DecisionId: unique symbol
}
/** A decision a board recorded at a meeting. */
export const DecisionId = entityIdOf<DecisionIdBrand, 'DecisionId'>('DecisionId')
export type DecisionId = t.TypeOf<typeof DecisionId>

export interface AgreementIdBrand {
  readonly AgreementId: unique symbol
}
export const AgreementId = entityIdOf<AgreementIdBrand, 'AgreementId'>('AgreementId')
export type AgreementId = t.TypeOf<typeof AgreementId>

export interface ProgrammeIdBrand {
  readonly ProgrammeId: unique symbol
}
/** A programme of themes and workstreams, such as a strategy's action plan. */
export const ProgrammeId = entityIdOf<ProgrammeIdBrand, 'ProgrammeId'>('ProgrammeId')
export type ProgrammeId = t.TypeOf<typeof ProgrammeId>

export interface ItemIdBrand {
  readonly ItemId: unique symbol
}
/** A theme, workstream, action, milestone or pilot inside a programme. */
export const ItemId = entityIdOf<ItemIdBrand, 'ItemId'>('ItemId')
export type ItemId = t.TypeOf<typeof ItemId>

export interface PlanIdBrand {
  readonly PlanId: unique symbol
}
/** A delivery plan for a service delivery area. */
export const PlanId = entityIdOf<PlanIdBrand, 'PlanId'>('PlanId')
export type PlanId = t.TypeOf<typeof PlanId>

export interface PostIdBrand {
  readonly PostId: unique symbol
}
/** A place-based post, such as a district's co-ordinator or a PCN's link worker. */
export const PostId = entityIdOf<PostIdBrand, 'PostId'>('PostId')
export type PostId = t.TypeOf<typeof PostId>
