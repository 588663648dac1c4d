/**
 * The rules of an organisation's record: registered once, under an identifier that says whether it
 * is local; a council's GSS code only for a council; renamed and dissolved only while active.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import { isLocalOrgId } from '../rules/org-id'
import type { OrganisationCommand } from './commands'
import type { OrganisationEvent } from './events'
import { OrganisationDissolved, OrganisationRegistered, OrganisationRenamed } from './events'
import type { OrganisationState } from './state'

type Decided = Either<DomainError, ReadonlyArray<OrganisationEvent>>
type CommandOf<T extends OrganisationCommand['type']> = Extract<OrganisationCommand, { readonly type: T }>

const COUNCILS: ReadonlyArray<string> = ['county-council', 'district-council', 'unitary-council', 'combined-authority']

const register = (c: CommandOf<'RegisterOrganisation'>, s: OrganisationState): Decided => {
  if (s.status !== 'none') return reject('organisation-exists', `${c.orgId} is registered already`)
  if (c.gssCode !== undefined && !COUNCILS.includes(c.organisationType))
    return reject('invalid-organisation', `a GSS code belongs to a council, not a ${c.organisationType}`)
  return accept<OrganisationEvent>(
    OrganisationRegistered.create({
      orgId: c.orgId,
      name: c.name,
      organisationType: c.organisationType,
      local: isLocalOrgId(c.orgId),
      on: c.on,
      ...(c.gssCode === undefined ? {} : { gssCode: c.gssCode }),
    }),
  )
}

/** Why `s` is not an active organisation, or undefined. */
export const activeProblem = (orgId: string, s: OrganisationState): DomainError | undefined =>
  s.status === 'active'
    ? undefined
    : {
        code: s.status === 'none' ? 'unknown-organisation' : 'organisation-dissolved',
        message: `${orgId} is ${s.status === 'none' ? 'not registered' : 'dissolved'}`,
      }

const rename = (c: CommandOf<'RenameOrganisation'>, s: OrganisationState): Decided => {
  const problem = activeProblem(c.orgId, s)
  if (problem !== undefined) return reject(problem.code, problem.message)
  if (s.status === 'active' && s.name === c.name) return accept<OrganisationEvent>()
  return accept<OrganisationEvent>(OrganisationRenamed.create({ orgId: c.orgId, name: c.name, on: c.on }))
}

const dissolve = (c: CommandOf<'DissolveOrganisation'>, s: OrganisationState): Decided => {
  const problem = activeProblem(c.orgId, s)
  return problem !== undefined
    ? reject(problem.code, problem.message)
    : accept<OrganisationEvent>(OrganisationDissolved.create({ orgId: c.orgId, on: c.on, reason: c.reason }))
}

export const decideOrganisation = (command: OrganisationCommand, state: OrganisationState): Decided => {
  switch (command.type) {
    case 'RegisterOrganisation':
      return register(command, state)
    case 'RenameOrganisation':
      return rename(command, state)
    case 'DissolveOrganisation':
      return dissolve(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
