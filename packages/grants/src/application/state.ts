/** An application as its stream holds it: where it is in its life, and what it asks of which fund. */
import type { ApplicationEvent } from './events'

export type ApplicationStatus = 'draft' | 'submitted' | 'awarded' | 'declined' | 'withdrawn'

export interface ApplicationRecord {
  readonly status: ApplicationStatus
  readonly fundId: string
  readonly streamId: string
  readonly roundId?: string
  readonly amountRequested: number
  readonly awarded: number
}
export type ApplicationState = { readonly status: 'none' } | ApplicationRecord

export const initialApplication: ApplicationState = { status: 'none' }

export const evolveApplication = (s: ApplicationState, e: ApplicationEvent): ApplicationState => {
  if (e.type === 'grants.ApplicationDrafted') {
    const { fundId, streamId, roundId, amountRequested } = e.data
    return {
      status: 'draft',
      fundId,
      streamId,
      amountRequested,
      awarded: 0,
      ...(roundId === undefined ? {} : { roundId }),
    }
  }
  if (s.status === 'none') return s
  switch (e.type) {
    case 'grants.ApplicationSubmitted':
      return { ...s, status: 'submitted' }
    case 'grants.ApplicationWithdrawn':
      return { ...s, status: 'withdrawn' }
    case 'grants.ApplicationDeclined':
      return { ...s, status: 'declined' }
    case 'grants.GrantAwarded':
      return { ...s, status: 'awarded', awarded: e.data.amount }
  }
}
