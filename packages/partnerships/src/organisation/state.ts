/** An organisation as its stream holds it. */
import type { OrganisationEvent, OrganisationType } from './events'

/** An organisation's state: what its events fold to, and what its commands are decided on. */
export type OrganisationState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'dissolved'
      readonly name: string
      readonly type: OrganisationType
      readonly local: boolean
      readonly successor?: string
    }

export const initialOrganisation: OrganisationState = { status: 'none' }

export const evolveOrganisation = (s: OrganisationState, e: OrganisationEvent): OrganisationState => {
  switch (e.type) {
    case 'partnerships.OrganisationRegistered':
      return { status: 'active', name: e.data.name, type: e.data.organisationType, local: e.data.local }
    case 'partnerships.OrganisationRenamed':
      return s.status === 'none' ? s : { ...s, name: e.data.name }
    case 'partnerships.OrganisationDissolved':
      return s.status === 'none'
        ? s
        : { ...s, status: 'dissolved', ...(e.data.successor === undefined ? {} : { successor: e.data.successor }) }
    case 'partnerships.PredecessorRecorded':
      return s
  }
}
