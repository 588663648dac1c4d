/**
 * The state of a PCN reference: each PCN with the dates it opened and closed, and each practice
 * with its dated memberships, so the PCN a practice was in on any date can be asked.
 */
import type { NonEmptyString } from '@civic-ledger/core'
import { own } from '@civic-ledger/core'

import type { AreaCode } from '../ids'
import type { PcnEvent } from './events'

// --- model ---

/** A PCN of a reference: its name, and the days it opened and closed. */
export interface PcnRecord {
  readonly name: NonEmptyString
  readonly opened: string
  readonly closed?: string
}

/** A practice's membership of a PCN, from a day until a day (not included), or open. */
export interface Membership {
  readonly pcn: AreaCode
  readonly from: string
  /** The day it ended (exclusive), if it has. */
  readonly until?: string
}

/** A PCN reference's state: what its events fold to, and what its commands are decided on. */
export interface PcnReferenceState {
  readonly imported: boolean
  readonly subIcb: string
  readonly pcns: Readonly<Record<string, PcnRecord>>
  readonly practices: Readonly<
    Record<string, { readonly name: NonEmptyString; readonly memberships: ReadonlyArray<Membership> }>
  >
}

export const initialPcnReferenceState: PcnReferenceState = { imported: false, subIcb: '', pcns: {}, practices: {} }

// --- questions ---

/** The PCN a practice belonged to on `date` (ISO date), if any. */
export const pcnOn = (state: PcnReferenceState, practice: string, date: string): AreaCode | undefined =>
  own(state.practices, practice)?.memberships.find((m) => m.from <= date && (m.until === undefined || date < m.until))
    ?.pcn

/** Is the PCN open on `date`? */
export const pcnOpenOn = (state: PcnReferenceState, pcn: string, date: string): boolean => {
  const record = own(state.pcns, pcn)
  return record !== undefined && record.opened <= date && (record.closed === undefined || date < record.closed)
}

// --- folding ---

const moved = (state: PcnReferenceState, event: Extract<PcnEvent, { type: 'areas.PracticeMoved' }>) => {
  const practice = own(state.practices, event.data.practice)
  if (practice === undefined) return state
  const memberships = practice.memberships.map((m) =>
    m.until === undefined && m.pcn === event.data.from ? { ...m, until: event.data.on } : m,
  )
  return {
    ...state,
    practices: {
      ...state.practices,
      [event.data.practice]: {
        ...practice,
        memberships: [...memberships, { pcn: event.data.to, from: event.data.on }],
      },
    },
  }
}

export const evolvePcnReference = (state: PcnReferenceState, event: PcnEvent): PcnReferenceState => {
  switch (event.type) {
    case 'areas.PcnReferenceImported':
      return {
        imported: true,
        subIcb: event.data.subIcb,
        pcns: Object.fromEntries(event.data.pcns.map((p) => [p.code, { name: p.name, opened: event.data.asOf }])),
        practices: Object.fromEntries(
          event.data.practices.map((p) => [
            p.code,
            { name: p.name, memberships: [{ pcn: p.pcn, from: event.data.asOf }] },
          ]),
        ),
      }
    case 'areas.PcnOpened':
      return { ...state, pcns: { ...state.pcns, [event.data.pcn]: { name: event.data.name, opened: event.data.on } } }
    case 'areas.PcnClosed': {
      const record = own(state.pcns, event.data.pcn)
      return record === undefined
        ? state
        : { ...state, pcns: { ...state.pcns, [event.data.pcn]: { ...record, closed: event.data.on } } }
    }
    case 'areas.PracticeMoved':
      return moved(state, event)
  }
}
