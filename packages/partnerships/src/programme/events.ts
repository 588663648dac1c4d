/** What is recorded of a programme: its themes, workstreams, actions, milestones and pilots. */
import type { CatalogEvent } from '@civic-ledger/core'
import { AreaRef, defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

export const ActionStatus = t.keyof(
  { 'not-started': null, 'in-progress': null, blocked: null, done: null, cancelled: null },
  'ActionStatus',
)
export type ActionStatus = t.TypeOf<typeof ActionStatus>

export const ProgrammeDefined = defineEvent({
  type: 'partnerships.ProgrammeDefined',
  codec: t.readonly(
    t.intersection([t.type({ programmeId: Id, name: NonEmptyString, on: IsoDate }), t.partial({ boardId: Id })]),
  ),
})
export const ThemeAdded = defineEvent({
  type: 'partnerships.ThemeAdded',
  codec: t.readonly(t.type({ programmeId: Id, themeId: Id, name: NonEmptyString, on: IsoDate })),
})
export const WorkstreamAdded = defineEvent({
  type: 'partnerships.WorkstreamAdded',
  codec: t.readonly(
    t.type({
      programmeId: Id,
      workstreamId: Id,
      name: NonEmptyString,
      themeIds: t.readonlyArray(Id),
      lead: Id,
      on: IsoDate,
    }),
  ),
})
export const ActionPlanned = defineEvent({
  type: 'partnerships.ActionPlanned',
  codec: t.readonly(
    t.type({
      programmeId: Id,
      actionId: Id,
      workstreamId: Id,
      description: NonEmptyString,
      owner: Id,
      due: IsoDate,
      on: IsoDate,
    }),
  ),
})
export const ActionUpdated = defineEvent({
  type: 'partnerships.ActionUpdated',
  codec: t.readonly(t.type({ programmeId: Id, actionId: Id, status: ActionStatus, on: IsoDate })),
})
export const MilestoneSet = defineEvent({
  type: 'partnerships.MilestoneSet',
  codec: t.readonly(
    t.type({
      programmeId: Id,
      milestoneId: Id,
      workstreamId: Id,
      description: NonEmptyString,
      due: IsoDate,
      on: IsoDate,
    }),
  ),
})
export const MilestoneReached = defineEvent({
  type: 'partnerships.MilestoneReached',
  codec: t.readonly(t.type({ programmeId: Id, milestoneId: Id, reachedOn: IsoDate })),
})
export const PilotStarted = defineEvent({
  type: 'partnerships.PilotStarted',
  codec: t.readonly(
    t.intersection([
      t.type({ programmeId: Id, pilotId: Id, name: NonEmptyString, place: AreaRef, startsOn: IsoDate }),
      t.partial({ endsOn: IsoDate }),
    ]),
  ),
})
export const LearningRecorded = defineEvent({
  type: 'partnerships.LearningRecorded',
  codec: t.readonly(t.type({ programmeId: Id, pilotId: Id, learning: NonEmptyString, on: IsoDate })),
})
export const PilotEnded = defineEvent({
  type: 'partnerships.PilotEnded',
  codec: t.readonly(t.type({ programmeId: Id, pilotId: Id, endedOn: IsoDate })),
})

const definitions = [
  ProgrammeDefined,
  ThemeAdded,
  WorkstreamAdded,
  ActionPlanned,
  ActionUpdated,
  MilestoneSet,
  MilestoneReached,
  PilotStarted,
  LearningRecorded,
  PilotEnded,
] as const
/** The catalog of a programme's events: encodes new ones, and upcasts and decodes stored ones. */
export const programmeEvents = eventCatalog(...definitions)
/** An event of a programme's stream: one of those `programmeEvents` encodes and decodes. */
export type ProgrammeEvent = CatalogEvent<typeof programmeEvents>
