/**
 * The rules of a role. Regulated activity — with children, adults or both — needs an enhanced DBS
 * check with the barred list for that group (`enhanced-barred`), as the law in England requires; the
 * minimum age is a whole number of years; a course's validity, when the role sets one, is a whole
 * number of months.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { RoleCommand } from './commands'
import type { RequiredCourse, RoleEvent } from './events'
import { RoleDefined, RoleRetired } from './events'
import type { RoleState } from './state'

type Decided = Either<DomainError, ReadonlyArray<RoleEvent>>
type CommandOf<T extends RoleCommand['type']> = Extract<RoleCommand, { readonly type: T }>

/** What a role needs of the people placed in it, whatever the command that states it. */
export interface RoleRules {
  readonly regulatedActivity: 'children' | 'adults' | 'both' | 'none'
  readonly dbsLevel: string
  readonly minimumAge: number
  readonly training: ReadonlyArray<{ readonly course: string; readonly validForMonths?: number }>
}

/** Why a role's requirements cannot stand; empty when they can. */
export const roleProblems = (role: RoleRules): ReadonlyArray<string> => {
  const problems: string[] = []
  if (!Number.isSafeInteger(role.minimumAge) || role.minimumAge < 0 || role.minimumAge > 99)
    problems.push('minimumAge must be a whole number of years from 0 to 99')
  if (role.regulatedActivity !== 'none' && role.dbsLevel !== 'enhanced-barred')
    problems.push(
      `regulated activity with ${role.regulatedActivity} needs an enhanced DBS check with the barred list (enhanced-barred), not ${role.dbsLevel}`,
    )
  role.training.forEach((c, i) => {
    if (c.validForMonths !== undefined && (!Number.isSafeInteger(c.validForMonths) || c.validForMonths < 1))
      problems.push(`training[${i}] ${c.course}: validForMonths must be a whole number ≥ 1`)
  })
  return problems
}

const defineRole = (c: CommandOf<'DefineRole'>, s: RoleState): Decided => {
  if (s.status !== 'none') return reject('role-exists', `role ${c.roleId} is already defined`)
  const problems = roleProblems(c)
  if (problems.length > 0) return reject('invalid-role', problems.join('; '))
  const training: ReadonlyArray<RequiredCourse> = c.training.map((course) => ({
    course: course.course,
    ...(course.validForMonths === undefined ? {} : { validForMonths: course.validForMonths }),
    ...(course.accreditation === undefined ? {} : { accreditation: course.accreditation }),
  }))
  return accept<RoleEvent>(
    RoleDefined.create({
      roleId: c.roleId,
      title: c.title,
      organisation: c.organisation,
      regulatedActivity: c.regulatedActivity,
      dbsLevel: c.dbsLevel,
      minimumAge: c.minimumAge,
      training,
      supervision: c.supervision,
    }),
  )
}

const retireRole = (c: CommandOf<'RetireRole'>, s: RoleState): Decided =>
  s.status !== 'open'
    ? reject('role-not-open', `role ${c.roleId} is not open`)
    : accept<RoleEvent>(RoleRetired.create({ roleId: c.roleId, reason: c.reason }))

export const decideRole = (command: RoleCommand, state: RoleState): Decided => {
  switch (command.type) {
    case 'DefineRole':
      return defineRole(command, state)
    case 'RetireRole':
      return retireRole(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
