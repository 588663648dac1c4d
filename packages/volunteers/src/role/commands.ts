/** What can be asked of a volunteer role. */
import { NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { RoleId } from '../ids'
import { DbsLevel, RegulatedActivity } from '../rules/safeguarding'

/**
 * Defines a volunteer role: its title, organisation, regulated activity and DBS level, minimum age,
 * training and supervision.
 */
export const DefineRole = t.readonly(
  t.type({
    type: t.literal('DefineRole'),
    roleId: RoleId,
    title: NonEmptyString,
    /** The organisation's org id (e.g. `GB-LAE-CAM`): whose co-ordinators place people in the role. */
    organisation: NonEmptyString,
    regulatedActivity: RegulatedActivity,
    dbsLevel: DbsLevel,
    minimumAge: t.number,
    training: t.readonlyArray(
      t.readonly(
        t.intersection([
          t.type({ course: NonEmptyString }),
          t.partial({ validForMonths: t.number, accreditation: NonEmptyString }),
        ]),
      ),
    ),
    supervision: t.string,
  }),
)
/** Retires a role, with a reason: no one is placed in it after. */
export const RetireRole = t.readonly(t.type({ type: t.literal('RetireRole'), roleId: RoleId, reason: NonEmptyString }))

/** The codec of the commands a volunteer role takes. */
export const RoleCommand = t.union([DefineRole, RetireRole])
/** A command a volunteer role takes, as decoded. */
export type RoleCommand = t.TypeOf<typeof RoleCommand>
/** A command to a volunteer role as an app sends it to `ledger.execute`, before decoding. */
export type RoleCommandInput = t.OutputOf<typeof RoleCommand>
