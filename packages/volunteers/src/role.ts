/**
 * VolunteerRole: what a role asks of the people who take it — whether it is regulated activity
 * (with children, adults, both or neither), the DBS level it needs, the minimum age, the training
 * it requires and for how long each course stays valid, and how it is supervised.
 */
import type { EventsOf } from '@civic-ledger/core'
import { accept, defineAggregate, defineEvent, eventCatalog, NonEmptyString, reject } from '@civic-ledger/core'
import * as t from 'io-ts'

import { DbsLevel } from './safeguarding'

export const RegulatedActivity = t.keyof({ children: null, adults: null, both: null, none: null }, 'RegulatedActivity')

export const RoleDefinition = t.readonly(
  t.type({
    roleId: NonEmptyString,
    title: NonEmptyString,
    organisation: NonEmptyString,
    regulatedActivity: RegulatedActivity,
    dbsLevel: DbsLevel,
    minimumAge: t.number,
    training: t.readonlyArray(t.readonly(t.type({ course: NonEmptyString, validForMonths: t.number }))),
    supervision: t.string,
  }),
)
export type RoleDefinition = t.TypeOf<typeof RoleDefinition>

export const RoleDefined = defineEvent({ type: 'volunteers.RoleDefined', codec: RoleDefinition })
export const RoleRetired = defineEvent({
  type: 'volunteers.RoleRetired',
  codec: t.readonly(t.type({ roleId: NonEmptyString, reason: NonEmptyString })),
})

const definitions = [RoleDefined, RoleRetired] as const
export const roleEvents = eventCatalog(...definitions)
export type RoleEvent = EventsOf<typeof definitions>

export const RoleCommand = t.union([
  t.intersection([t.type({ type: t.literal('DefineRole') }), RoleDefinition]),
  t.readonly(t.type({ type: t.literal('RetireRole'), roleId: NonEmptyString, reason: NonEmptyString })),
])
export type RoleCommand = t.TypeOf<typeof RoleCommand>

export type RoleState =
  { readonly status: 'none' } | { readonly status: 'open' | 'retired'; readonly role: RoleDefinition }

export const roleProblems = (role: RoleDefinition): ReadonlyArray<string> => {
  const problems: string[] = []
  if (!Number.isSafeInteger(role.minimumAge) || role.minimumAge < 0 || role.minimumAge > 99)
    problems.push('minimumAge must be a whole number of years from 0 to 99')
  if (role.regulatedActivity !== 'none' && (role.dbsLevel === 'none' || role.dbsLevel === 'basic'))
    problems.push(`regulated activity with ${role.regulatedActivity} needs an enhanced DBS check, not ${role.dbsLevel}`)
  role.training.forEach((c, i) => {
    if (!Number.isSafeInteger(c.validForMonths) || c.validForMonths < 1)
      problems.push(`training[${i}] ${c.course}: validForMonths must be a whole number ≥ 1`)
  })
  return problems
}

export const volunteerRoles = defineAggregate({
  context: 'volunteers',
  name: 'role',
  commands: RoleCommand,
  events: roleEvents,
  id: (c) => c.roleId,
  decider: {
    initialState: { status: 'none' },
    evolve: (state: RoleState, event: RoleEvent): RoleState =>
      event.type === 'volunteers.RoleDefined'
        ? { status: 'open', role: event.data }
        : state.status === 'none'
          ? state
          : { ...state, status: 'retired' },
    decide: (command: RoleCommand, state: RoleState) => {
      if (command.type === 'DefineRole') {
        if (state.status !== 'none') return reject('role-exists', `role ${command.roleId} is already defined`)
        const { type: _type, ...role } = command
        const problems = roleProblems(role)
        if (problems.length > 0) return reject('invalid-role', problems.join('; '))
        return accept<RoleEvent>(RoleDefined.create(role))
      }
      if (state.status !== 'open') return reject('role-not-open', `role ${command.roleId} is not open`)
      return accept<RoleEvent>(RoleRetired.create({ roleId: command.roleId, reason: command.reason }))
    },
  },
})
