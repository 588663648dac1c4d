/**
 * The ids of the volunteers context. Each is an `EntityId` — 1 to 128 of `A-Z a-z 0-9 . _ : ~ -`,
 * checked when a command is decoded — branded with what it names, so a role id cannot be passed
 * where a volunteer id is wanted.
 */
import { entityIdOf } from '@civic-ledger/core'
import type * as t from 'io-ts'

export interface VolunteerIdBrand {
  readonly VolunteerId: unique symbol
}
/** A volunteer; also the id of their timesheet and their time-credit account. */
export const VolunteerId = entityIdOf<VolunteerIdBrand, 'VolunteerId'>('VolunteerId')
export type VolunteerId = t.TypeOf<typeof VolunteerId>

export interface RoleIdBrand {
  readonly RoleId: unique symbol
}
export const RoleId = entityIdOf<RoleIdBrand, 'RoleId'>('RoleId')
export type RoleId = t.TypeOf<typeof RoleId>

export interface PlacementIdBrand {
  readonly PlacementId: unique symbol
}
/** A placement, unique among the volunteer's placements. */
export const PlacementId = entityIdOf<PlacementIdBrand, 'PlacementId'>('PlacementId')
export type PlacementId = t.TypeOf<typeof PlacementId>

export interface EntryIdBrand {
  readonly EntryId: unique symbol
}
/** A timesheet entry, unique in the volunteer's timesheet. */
export const EntryId = entityIdOf<EntryIdBrand, 'EntryId'>('EntryId')
export type EntryId = t.TypeOf<typeof EntryId>

export interface CheckIdBrand {
  readonly CheckId: unique symbol
}
/** A DBS check, unique among the volunteer's checks. */
export const CheckId = entityIdOf<CheckIdBrand, 'CheckId'>('CheckId')
export type CheckId = t.TypeOf<typeof CheckId>

export interface PotIdBrand {
  readonly PotId: unique symbol
}
/** A community pot that time credits can be given to. */
export const PotId = entityIdOf<PotIdBrand, 'PotId'>('PotId')
export type PotId = t.TypeOf<typeof PotId>
