/**
 * The PCN reference of one sub-ICB: Primary Care Networks (NHS `U` codes) with the dates they opened
 * and closed, GP practices (ODS codes), and which PCN each practice belonged to on any date. Changes
 * are dated events, so the membership in force on the date of a registration extract can be asked.
 */
import type { EventsOf } from '@civic-ledger/core'
import { accept, defineAggregate, defineEvent, eventCatalog, IsoDate, NonEmptyString, reject } from '@civic-ledger/core'
import * as t from 'io-ts'

import { codeProblem } from './codes'
import { Source } from './release'

export interface ReferenceIdBrand {
  readonly ReferenceId: unique symbol
}

const ReferenceId = t.brand(
  t.string,
  (s): s is t.Branded<string, ReferenceIdBrand> => /^[A-Za-z0-9][A-Za-z0-9-]{0,59}$/.test(s),
  'ReferenceId',
)

const Pcn = t.readonly(t.type({ code: t.string, name: NonEmptyString }))
const Practice = t.readonly(
  t.intersection([
    t.type({ code: t.string, name: NonEmptyString, pcn: t.string }),
    t.partial({ lsoa2011: t.string, lsoa2021: t.string }),
  ]),
)

// --- events ---

export const PcnReferenceImported = defineEvent({
  type: 'areas.PcnReferenceImported',
  codec: t.readonly(
    t.type({
      referenceId: ReferenceId,
      subIcb: t.string,
      asOf: IsoDate,
      source: Source,
      pcns: t.readonlyArray(Pcn),
      practices: t.readonlyArray(Practice),
    }),
  ),
})

export const PcnClosed = defineEvent({
  type: 'areas.PcnClosed',
  codec: t.readonly(t.type({ referenceId: ReferenceId, pcn: t.string, on: IsoDate, reason: NonEmptyString })),
})

export const PracticeMoved = defineEvent({
  type: 'areas.PracticeMoved',
  codec: t.readonly(
    t.type({ referenceId: ReferenceId, practice: t.string, from: t.string, to: t.string, on: IsoDate }),
  ),
})

export const PcnOpened = defineEvent({
  type: 'areas.PcnOpened',
  codec: t.readonly(t.type({ referenceId: ReferenceId, pcn: t.string, name: NonEmptyString, on: IsoDate })),
})

const definitions = [PcnReferenceImported, PcnOpened, PcnClosed, PracticeMoved] as const
export const pcnEvents = eventCatalog(...definitions)
export type PcnEvent = EventsOf<typeof definitions>

// --- commands ---

export const PcnCommand = t.union([
  t.readonly(
    t.type({
      type: t.literal('ImportPcnReference'),
      referenceId: ReferenceId,
      subIcb: t.string,
      asOf: IsoDate,
      source: Source,
      pcns: t.readonlyArray(Pcn),
      practices: t.readonlyArray(Practice),
    }),
  ),
  t.readonly(
    t.type({ type: t.literal('OpenPcn'), referenceId: ReferenceId, pcn: t.string, name: NonEmptyString, on: IsoDate }),
  ),
  t.readonly(
    t.type({
      type: t.literal('ClosePcn'),
      referenceId: ReferenceId,
      pcn: t.string,
      on: IsoDate,
      reason: NonEmptyString,
    }),
  ),
  t.readonly(
    t.type({
      type: t.literal('MovePractice'),
      referenceId: ReferenceId,
      practice: t.string,
      to: t.string,
      on: IsoDate,
    }),
  ),
])
export type PcnCommand = t.TypeOf<typeof PcnCommand>
export type PcnCommandInput = t.OutputOf<typeof PcnCommand>

// --- state ---

export interface PcnRecord {
  readonly name: string
  readonly opened: string
  readonly closed?: string
}

export interface Membership {
  readonly pcn: string
  readonly from: string
  /** The day it ended (exclusive), if it has. */
  readonly until?: string
}

export interface PcnReferenceState {
  readonly imported: boolean
  readonly subIcb: string
  readonly pcns: Readonly<Record<string, PcnRecord>>
  readonly practices: Readonly<
    Record<string, { readonly name: string; readonly memberships: ReadonlyArray<Membership> }>
  >
}

const initialState: PcnReferenceState = { imported: false, subIcb: '', pcns: {}, practices: {} }

/** The PCN a practice belonged to on `date` (ISO date), if any. */
export const pcnOn = (state: PcnReferenceState, practice: string, date: string): string | undefined =>
  state.practices[practice]?.memberships.find((m) => m.from <= date && (m.until === undefined || date < m.until))?.pcn

/** Is the PCN open on `date`? */
export const pcnOpenOn = (state: PcnReferenceState, pcn: string, date: string): boolean => {
  const record = state.pcns[pcn]
  return record !== undefined && record.opened <= date && (record.closed === undefined || date < record.closed)
}

const evolve = (state: PcnReferenceState, event: PcnEvent): PcnReferenceState => {
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
      const record = state.pcns[event.data.pcn]
      return record === undefined
        ? state
        : { ...state, pcns: { ...state.pcns, [event.data.pcn]: { ...record, closed: event.data.on } } }
    }
    case 'areas.PracticeMoved': {
      const practice = state.practices[event.data.practice]
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
  }
}

const importProblems = (command: Extract<PcnCommand, { type: 'ImportPcnReference' }>): string[] => {
  const problems: string[] = []
  const subIcb = codeProblem(command.subIcb, 'sub-icb')
  if (subIcb !== undefined) problems.push(`subIcb: ${subIcb}`)
  const pcns = new Set<string>()
  command.pcns.forEach((p, i) => {
    const problem = codeProblem(p.code, 'pcn')
    if (problem !== undefined) problems.push(`pcns[${i}]: ${problem}`)
    if (pcns.has(p.code)) problems.push(`pcns[${i}]: ${p.code} is listed twice`)
    pcns.add(p.code)
  })
  const practices = new Set<string>()
  command.practices.forEach((p, i) => {
    const problem = codeProblem(p.code, 'practice')
    if (problem !== undefined) problems.push(`practices[${i}]: ${problem}`)
    if (practices.has(p.code)) problems.push(`practices[${i}]: ${p.code} is listed twice`)
    practices.add(p.code)
    if (!pcns.has(p.pcn))
      problems.push(`practices[${i}]: ${p.code} belongs to ${p.pcn}, which is not a PCN listed here`)
    for (const [field, vintage] of [
      ['lsoa2011', p.lsoa2011],
      ['lsoa2021', p.lsoa2021],
    ] as const) {
      const lsoaProblem = vintage === undefined ? undefined : codeProblem(vintage, 'lsoa')
      if (lsoaProblem !== undefined) problems.push(`practices[${i}].${field}: ${lsoaProblem}`)
    }
  })
  return problems
}

export const pcnReferences = defineAggregate({
  context: 'areas',
  name: 'pcn-reference',
  commands: PcnCommand,
  events: pcnEvents,
  id: (command) => command.referenceId,
  decider: {
    initialState,
    evolve,
    decide: (command: PcnCommand, state: PcnReferenceState) => {
      if (command.type === 'ImportPcnReference') {
        if (state.imported)
          return reject(
            'reference-exists',
            `PCN reference ${command.referenceId} is already imported; record changes as events`,
          )
        const problems = importProblems(command)
        if (problems.length > 0) return reject('invalid-reference', problems.slice(0, 20).join('; '))
        const { type: _type, ...data } = command
        return accept<PcnEvent>(PcnReferenceImported.create(data))
      }
      if (!state.imported) return reject('no-reference', `PCN reference ${command.referenceId} has not been imported`)
      switch (command.type) {
        case 'OpenPcn': {
          const problem = codeProblem(command.pcn, 'pcn')
          if (problem !== undefined) return reject('invalid-code', problem)
          if (state.pcns[command.pcn] !== undefined) return reject('pcn-exists', `${command.pcn} is already known`)
          const { type: _type, ...data } = command
          return accept<PcnEvent>(PcnOpened.create(data))
        }
        case 'ClosePcn': {
          const record = state.pcns[command.pcn]
          if (record === undefined) return reject('unknown-pcn', `${command.pcn} is not a PCN of this reference`)
          if (record.closed !== undefined) return reject('pcn-closed', `${command.pcn} closed on ${record.closed}`)
          if (command.on <= record.opened)
            return reject(
              'before-opening',
              `${command.pcn} opened on ${record.opened}; it cannot close on ${command.on}`,
            )
          const members = Object.entries(state.practices)
            .filter(([code]) => pcnOn(state, code, command.on) === command.pcn)
            .map(([code]) => code)
          if (members.length > 0)
            return reject(
              'pcn-has-practices',
              `${command.pcn} still has practices on ${command.on}: ${members.join(', ')}; move them first`,
            )
          const { type: _type, ...data } = command
          return accept<PcnEvent>(PcnClosed.create(data))
        }
        case 'MovePractice': {
          const practice = state.practices[command.practice]
          if (practice === undefined)
            return reject('unknown-practice', `${command.practice} is not a practice of this reference`)
          const from = pcnOn(state, command.practice, command.on)
          const current = practice.memberships[practice.memberships.length - 1]
          if (from === undefined || current === undefined || current.until !== undefined || command.on <= current.from)
            return reject(
              'not-in-order',
              `${command.practice} can move only after its latest membership began (${current?.from ?? 'never'})`,
            )
          if (from === command.to) return reject('same-pcn', `${command.practice} is already in ${command.to}`)
          if (!pcnOpenOn(state, command.to, command.on))
            return reject('pcn-not-open', `${command.to} is not an open PCN on ${command.on}`)
          return accept<PcnEvent>(
            PracticeMoved.create({
              referenceId: command.referenceId,
              practice: command.practice,
              from,
              to: command.to,
              on: command.on,
            }),
          )
        }
      }
    },
  },
})
