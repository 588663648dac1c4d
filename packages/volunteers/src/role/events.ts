/** What is recorded of a volunteer role. */
import type { CatalogEvent, EventOf } from '@civic-ledger/core'
import { defineEvent, eventCatalog, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { DbsLevel, RegulatedActivity } from '../rules/safeguarding'

/** A course a role requires, as recorded: validity and accreditation only when the role sets them. */
export const RequiredCourse = t.readonly(
  t.intersection([
    t.type({ course: NonEmptyString }),
    t.partial({ validForMonths: t.number, accreditation: NonEmptyString }),
  ]),
)
export type RequiredCourse = t.TypeOf<typeof RequiredCourse>

/** A volunteer role was defined, with its safeguarding levels, minimum age, training and supervision. */
export const RoleDefined = defineEvent({
  type: 'volunteers.RoleDefined',
  codec: t.readonly(
    t.type({
      roleId: NonEmptyString,
      title: NonEmptyString,
      organisation: NonEmptyString,
      regulatedActivity: RegulatedActivity,
      dbsLevel: DbsLevel,
      minimumAge: t.number,
      training: t.readonlyArray(RequiredCourse),
      supervision: t.string,
    }),
  ),
})
/** A role as defined: its title, organisation, safeguarding levels, minimum age and training. */
export type RoleDefinition = EventOf<typeof RoleDefined>['data']

/** A volunteer role was retired, with a reason. */
export const RoleRetired = defineEvent({
  type: 'volunteers.RoleRetired',
  codec: t.readonly(t.type({ roleId: NonEmptyString, reason: NonEmptyString })),
})

const definitions = [RoleDefined, RoleRetired] as const
/** The catalog of a volunteer role's events: encodes new ones, and upcasts and decodes stored ones. */
export const roleEvents = eventCatalog(...definitions)
/** An event of a volunteer role's stream: one of those `roleEvents` encodes and decodes. */
export type RoleEvent = CatalogEvent<typeof roleEvents>
