/** A programme as its stream holds it: which themes, workstreams, actions, milestones and pilots it has. */
import { own } from '@civic-ledger/core'

import type { ActionStatus, ProgrammeEvent } from './events'

/** A programme once defined: its themes, workstreams, actions, milestones and pilots. */
export interface ProgrammeRecord {
  readonly status: 'active'
  readonly themes: ReadonlyArray<string>
  readonly workstreams: ReadonlyArray<string>
  readonly actions: Readonly<Record<string, ActionStatus>>
  /** Each milestone, and the day it was reached if it was. */
  readonly milestones: Readonly<Record<string, string | null>>
  /** Each pilot's start, and its end once ended. */
  readonly pilots: Readonly<Record<string, { readonly startsOn: string; readonly endedOn?: string }>>
}
/** A programme's state: what its events fold to, and what its commands are decided on. */
export type ProgrammeState = { readonly status: 'none' } | ProgrammeRecord

export const initialProgramme: ProgrammeState = { status: 'none' }

const evolveRecord = (s: ProgrammeRecord, e: ProgrammeEvent): ProgrammeRecord => {
  switch (e.type) {
    case 'partnerships.ProgrammeDefined':
      return s
    case 'partnerships.ThemeAdded':
      return { ...s, themes: [...s.themes, e.data.themeId] }
    case 'partnerships.WorkstreamAdded':
      return { ...s, workstreams: [...s.workstreams, e.data.workstreamId] }
    case 'partnerships.ActionPlanned':
      return { ...s, actions: { ...s.actions, [e.data.actionId]: 'not-started' } }
    case 'partnerships.ActionUpdated':
      return { ...s, actions: { ...s.actions, [e.data.actionId]: e.data.status } }
    case 'partnerships.MilestoneSet':
      return { ...s, milestones: { ...s.milestones, [e.data.milestoneId]: null } }
    case 'partnerships.MilestoneReached':
      return { ...s, milestones: { ...s.milestones, [e.data.milestoneId]: e.data.reachedOn } }
    case 'partnerships.PilotStarted':
      return { ...s, pilots: { ...s.pilots, [e.data.pilotId]: { startsOn: e.data.startsOn } } }
    case 'partnerships.LearningRecorded':
      return s
    case 'partnerships.PilotEnded': {
      const pilot = own(s.pilots, e.data.pilotId)
      return pilot === undefined
        ? s
        : { ...s, pilots: { ...s.pilots, [e.data.pilotId]: { ...pilot, endedOn: e.data.endedOn } } }
    }
  }
}

export const evolveProgramme = (s: ProgrammeState, e: ProgrammeEvent): ProgrammeState => {
  if (e.type === 'partnerships.ProgrammeDefined')
    return { status: 'active', themes: [], workstreams: [], actions: {}, milestones: {}, pilots: {} }
  return s.status === 'none' ? s : evolveRecord(s, e)
}
