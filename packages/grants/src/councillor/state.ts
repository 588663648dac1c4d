/** A councillor as their stream holds them: name, council, and their terms in the order recorded. */
import type { NonEmptyString } from '@civic-ledger/core'

import type { CouncillorEvent } from './events'

/** A councillor's term for one county division, from a day until a day (not included), or open. */
export interface Term {
  readonly division: NonEmptyString
  readonly from: string
  /** The day it ends, not included; undefined while it is open. */
  readonly until?: string
}

/** A registered councillor: their name, council and terms. */
export interface CouncillorRecord {
  readonly status: 'registered'
  readonly councillorId: NonEmptyString
  readonly name: NonEmptyString
  readonly council: NonEmptyString
  readonly terms: ReadonlyArray<Term>
}
/** A councillor's state: what its events fold to, and what its commands are decided on. */
export type CouncillorState = { readonly status: 'none' } | CouncillorRecord

export const initialCouncillor: CouncillorState = { status: 'none' }

export const evolveCouncillor = (s: CouncillorState, e: CouncillorEvent): CouncillorState => {
  if (e.type === 'grants.CouncillorRegistered')
    return {
      status: 'registered',
      councillorId: e.data.councillorId,
      name: e.data.name,
      council: e.data.council,
      terms: [],
    }
  if (s.status === 'none') return s
  switch (e.type) {
    case 'grants.TermRecorded':
      return {
        ...s,
        terms: [
          ...s.terms,
          {
            division: e.data.division,
            from: e.data.from,
            ...(e.data.until === undefined ? {} : { until: e.data.until }),
          },
        ],
      }
    case 'grants.TermEnded':
      return {
        ...s,
        terms: s.terms.map((term) => (term.until === undefined ? { ...term, until: e.data.until } : term)),
      }
  }
}

/** Whether `term` covers day `on` (ISO dates compare as strings). */
export const covers = (term: Term, on: string): boolean =>
  term.from <= on && (term.until === undefined || on < term.until)

/** The term of `councillor` that covers day `on`, if any: terms never overlap, so at most one. */
export const termOn = (councillor: CouncillorState, on: string): Term | undefined =>
  councillor.status === 'none' ? undefined : councillor.terms.find((term) => covers(term, on))
