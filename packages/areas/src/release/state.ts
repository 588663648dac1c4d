/**
 * What a GeographyRelease's decider needs to know: whether the release has been imported. A release
 * never changes after that, so nothing else is kept.
 */
import type { ReleaseEvent } from './events'

/** A geography release's state: what its events fold to, and what its commands are decided on. */
export type ReleaseState = { readonly status: 'none' } | { readonly status: 'imported'; readonly releaseId: string }

export const initialReleaseState: ReleaseState = { status: 'none' }

export const evolveRelease = (state: ReleaseState, event: ReleaseEvent): ReleaseState => {
  switch (event.type) {
    case 'areas.ReleaseImported':
      return { status: 'imported', releaseId: event.data.releaseId }
    case 'areas.AreasRecorded':
    case 'areas.LookupRecorded':
      return state
  }
}
