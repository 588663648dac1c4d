/** The state of an indicator: whether it is defined, how it aggregates, and the periods recorded. */
import type { Aggregation } from '../lib/aggregation'
import type { ProfileEvent } from './events'

/** An area profile's state: what its events fold to, and what its commands are decided on. */
export interface ProfileState {
  readonly defined: boolean
  readonly aggregation: Aggregation
  readonly periods: ReadonlyArray<string>
}

export const initialProfileState: ProfileState = { defined: false, aggregation: 'sum', periods: [] }

export const evolveProfile = (state: ProfileState, event: ProfileEvent): ProfileState => {
  switch (event.type) {
    case 'areas.IndicatorDefined':
      return { ...state, defined: true, aggregation: event.data.aggregation }
    case 'areas.IndicatorValuesRecorded':
      return { ...state, periods: [...state.periods, event.data.period] }
  }
}
