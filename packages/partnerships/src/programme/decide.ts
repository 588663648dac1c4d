/**
 * The rules of a programme: ids are unique within their kind; a workstream's themes and an action's
 * or milestone's workstream exist; a done or cancelled action changes no more; nothing is recorded as
 * happening after the day of the command; a pilot ends after it starts, once, and learning is
 * recorded for a pilot that started.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { ProgrammeCommand } from './commands'
import type { ProgrammeEvent } from './events'
import {
  ActionPlanned,
  ActionUpdated,
  LearningRecorded,
  MilestoneReached,
  MilestoneSet,
  PilotEnded,
  PilotStarted,
  ProgrammeDefined,
  ThemeAdded,
  WorkstreamAdded,
} from './events'
import type { ProgrammeRecord, ProgrammeState } from './state'

type Decided = Either<DomainError, ReadonlyArray<ProgrammeEvent>>
type CommandOf<T extends ProgrammeCommand['type']> = Extract<ProgrammeCommand, { readonly type: T }>

const exists = (kind: string, id: string): Decided => reject(`${kind}-exists`, `${kind} ${id} is recorded already`)
const unknown = (kind: string, id: string): Decided => reject(`unknown-${kind}`, `the programme has no ${kind} ${id}`)

const define = (c: CommandOf<'DefineProgramme'>, s: ProgrammeState): Decided =>
  s.status !== 'none'
    ? reject('programme-exists', `programme ${c.programmeId} is defined already`)
    : accept<ProgrammeEvent>(
        ProgrammeDefined.create({
          programmeId: c.programmeId,
          name: c.name,
          on: c.on,
          ...(c.boardId === undefined ? {} : { boardId: c.boardId }),
        }),
      )

const addWorkstream = (c: CommandOf<'AddWorkstream'>, s: ProgrammeRecord): Decided => {
  if (s.workstreams.includes(c.workstreamId)) return exists('workstream', c.workstreamId)
  const missing = c.themeIds.filter((id) => !s.themes.includes(id))
  if (missing.length > 0) return unknown('theme', missing.join(', '))
  return accept<ProgrammeEvent>(
    WorkstreamAdded.create({
      programmeId: c.programmeId,
      workstreamId: c.workstreamId,
      name: c.name,
      themeIds: c.themeIds,
      lead: c.lead,
      on: c.on,
    }),
  )
}

const planAction = (c: CommandOf<'PlanAction'>, s: ProgrammeRecord): Decided => {
  if (own(s.actions, c.actionId) !== undefined) return exists('action', c.actionId)
  if (!s.workstreams.includes(c.workstreamId)) return unknown('workstream', c.workstreamId)
  return accept<ProgrammeEvent>(
    ActionPlanned.create({
      programmeId: c.programmeId,
      actionId: c.actionId,
      workstreamId: c.workstreamId,
      description: c.description,
      owner: c.owner,
      due: c.due,
      on: c.on,
    }),
  )
}

const updateAction = (c: CommandOf<'UpdateAction'>, s: ProgrammeRecord): Decided => {
  const status = own(s.actions, c.actionId)
  if (status === undefined) return unknown('action', c.actionId)
  if (status === 'done' || status === 'cancelled') return reject('action-closed', `action ${c.actionId} is ${status}`)
  if (status === c.status) return accept<ProgrammeEvent>()
  return accept<ProgrammeEvent>(
    ActionUpdated.create({ programmeId: c.programmeId, actionId: c.actionId, status: c.status, on: c.on }),
  )
}

const setMilestone = (c: CommandOf<'SetMilestone'>, s: ProgrammeRecord): Decided => {
  if (own(s.milestones, c.milestoneId) !== undefined) return exists('milestone', c.milestoneId)
  if (!s.workstreams.includes(c.workstreamId)) return unknown('workstream', c.workstreamId)
  return accept<ProgrammeEvent>(
    MilestoneSet.create({
      programmeId: c.programmeId,
      milestoneId: c.milestoneId,
      workstreamId: c.workstreamId,
      description: c.description,
      due: c.due,
      on: c.on,
    }),
  )
}

const reachMilestone = (c: CommandOf<'ReachMilestone'>, s: ProgrammeRecord): Decided => {
  const reached = own(s.milestones, c.milestoneId)
  if (reached === undefined) return unknown('milestone', c.milestoneId)
  if (reached !== null) return reject('milestone-reached', `milestone ${c.milestoneId} was reached on ${reached}`)
  if (c.reachedOn > c.on)
    return reject('future-date', `a milestone reached on ${c.reachedOn} cannot be recorded on ${c.on}`)
  return accept<ProgrammeEvent>(
    MilestoneReached.create({ programmeId: c.programmeId, milestoneId: c.milestoneId, reachedOn: c.reachedOn }),
  )
}

const startPilot = (c: CommandOf<'StartPilot'>, s: ProgrammeRecord): Decided => {
  if (own(s.pilots, c.pilotId) !== undefined) return exists('pilot', c.pilotId)
  if (c.endsOn !== undefined && c.endsOn <= c.startsOn) return reject('invalid-dates', 'a pilot ends after it starts')
  return accept<ProgrammeEvent>(
    PilotStarted.create({
      programmeId: c.programmeId,
      pilotId: c.pilotId,
      name: c.name,
      place: c.place,
      startsOn: c.startsOn,
      ...(c.endsOn === undefined ? {} : { endsOn: c.endsOn }),
    }),
  )
}

const recordLearning = (c: CommandOf<'RecordLearning'>, s: ProgrammeRecord): Decided => {
  const pilot = own(s.pilots, c.pilotId)
  if (pilot === undefined) return unknown('pilot', c.pilotId)
  if (pilot.startsOn > c.on) return reject('not-started', `pilot ${c.pilotId} starts on ${pilot.startsOn}`)
  return accept<ProgrammeEvent>(
    LearningRecorded.create({ programmeId: c.programmeId, pilotId: c.pilotId, learning: c.learning, on: c.on }),
  )
}

const endPilot = (c: CommandOf<'EndPilot'>, s: ProgrammeRecord): Decided => {
  const pilot = own(s.pilots, c.pilotId)
  if (pilot === undefined) return unknown('pilot', c.pilotId)
  if (pilot.endedOn !== undefined) return reject('pilot-ended', `pilot ${c.pilotId} ended on ${pilot.endedOn}`)
  if (c.endedOn <= pilot.startsOn) return reject('invalid-dates', 'a pilot ends after it starts')
  if (c.endedOn > c.on) return reject('future-date', `a pilot ending on ${c.endedOn} cannot be recorded on ${c.on}`)
  return accept<ProgrammeEvent>(
    PilotEnded.create({ programmeId: c.programmeId, pilotId: c.pilotId, endedOn: c.endedOn }),
  )
}

const decideRecord = (c: Exclude<ProgrammeCommand, CommandOf<'DefineProgramme'>>, s: ProgrammeRecord): Decided => {
  switch (c.type) {
    case 'AddTheme':
      return s.themes.includes(c.themeId)
        ? exists('theme', c.themeId)
        : accept<ProgrammeEvent>(
            ThemeAdded.create({ programmeId: c.programmeId, themeId: c.themeId, name: c.name, on: c.on }),
          )
    case 'AddWorkstream':
      return addWorkstream(c, s)
    case 'PlanAction':
      return planAction(c, s)
    case 'UpdateAction':
      return updateAction(c, s)
    case 'SetMilestone':
      return setMilestone(c, s)
    case 'ReachMilestone':
      return reachMilestone(c, s)
    case 'StartPilot':
      return startPilot(c, s)
    case 'RecordLearning':
      return recordLearning(c, s)
    case 'EndPilot':
      return endPilot(c, s)
    default: {
      const unreachable: never = c
      return unreachable
    }
  }
}

export const decideProgramme = (command: ProgrammeCommand, state: ProgrammeState): Decided => {
  if (command.type === 'DefineProgramme') return define(command, state)
  if (state.status === 'none') return reject('unknown-programme', `programme ${command.programmeId} is not defined`)
  return decideRecord(command, state)
}
