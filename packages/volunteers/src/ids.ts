/**
 * The ids of the volunteers context. Each is an `EntityId` — 1 to 128 of `A-Z a-z 0-9 . _ : ~ -`,
 * checked when a command is decoded — branded with what it names, so a role id cannot be passed
 * where a volunteer id is wanted.
 */
import { entityIdOf } from '@civic-ledger/core'
import type * as t from 'io-ts'

/** The brand of `VolunteerId`. */
export interface VolunteerIdBrand {
  readonly VolunteerId: unique symbol
}
/** A volunteer; also the id of their timesheet and their time-credit account. */
export const VolunteerId = entityIdOf<VolunteerIdBrand, 'VolunteerId'>('VolunteerId')
export type VolunteerId = t.TypeOf<typeof VolunteerId>

/** The brand of `RoleId`. */
export interface RoleIdBrand {
  readonly RoleId: unique symbol
}
/** The codec of a role's id: an `EntityId` that cannot be mistaken for another kind of id. */
export const RoleId = entityIdOf<RoleIdBrand, 'RoleId'>('RoleId')
/** A role's id. */
export type RoleId = t.TypeOf<typeof RoleId>

/** The brand of `PlacementId`. */
export interface PlacementIdBrand {
  readonly PlacementId: unique symbol
}
/** A placement, unique among the volunteer's placements. */
export const PlacementId = entityIdOf<PlacementIdBrand, 'PlacementId'>('PlacementId')
export type PlacementId = t.TypeOf<typeof PlacementId>

/** The brand of `EntryId`. */
export interface EntryIdBrand {
  readonly EntryId: unique symbol
}
/** A timesheet entry, unique in the volunteer's timesheet. */
export const EntryId = entityIdOf<EntryIdBrand, 'EntryId'>('EntryId')
export type EntryId = t.TypeOf<typeof EntryId>

/** The brand of `CheckId`. */
export interface CheckIdBrand {
  readonly CheckId: unique symbol
}
/** A DBS check, unique among the volunteer's checks. */
export const CheckId = entityIdOf<CheckIdBrand, 'CheckId'>('CheckId')
export type CheckId = t.TypeOf<typeof CheckId>

/** The brand of `PotId`. */
export interface PotIdBrand {
  readonly PotId: unique symbol
}
/** A community pot that time credits can be given to. */
export const PotId = entityIdOf<PotIdBrand, 'PotId'>('PotId')
export type PotId = t.TypeOf<typeof PotId>
