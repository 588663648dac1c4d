/** A role as its stream holds it: not defined, open, or retired. */
import type { RoleDefinition, RoleEvent } from './events'

/** A volunteer role's state: what its events fold to, and what its commands are decided on. */
export type RoleState =
  { readonly status: 'none' } | { readonly status: 'open' | 'retired'; readonly role: RoleDefinition }

export const initialRole: RoleState = { status: 'none' }

export const evolveRole = (state: RoleState, event: RoleEvent): RoleState => {
  switch (event.type) {
    case 'volunteers.RoleDefined':
      return { status: 'open', role: event.data }
    case 'volunteers.RoleRetired':
      return state.status === 'none' ? state : { ...state, status: 'retired' }
  }
}
