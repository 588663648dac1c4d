/** What is recorded of a programme: its themes, workstreams, actions, milestones and pilots. */
import type { CatalogEvent } from '@civic-ledger/core'
import { AreaRef, defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/** Where an action of a programme stands: not started, in progress, blocked, done or cancelled. */
export const ActionStatus = t.keyof(
  { 'not-started': null, 'in-progress': null, blocked: null, done: null, cancelled: null },
  'ActionStatus',
)
/** Where an action stands; see the codec. */
export type ActionStatus = t.TypeOf<typeof ActionStatus>

/** A programme was defined. */
export const ProgrammeDefined = defineEvent({
  type: 'partnerships.ProgrammeDefined',
  codec: t.readonly(
    t.intersection([t.type({ programmeId: Id, name: NonEmptyString, on: IsoDate }), t.partial({ boardId: Id })]),
  ),
})
/** A theme was added to a programme. */
export const ThemeAdded = defineEvent({
  type: 'partnerships.ThemeAdded',
  codec: t.readonly(t.type({ programmeId: Id, themeId: Id, name: NonEmptyString, on: IsoDate })),
})
/** A workstream was added to a programme. */
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
/** An action of a workstream was planned: its owner organisation and due day. */
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
/** An action's status changed on a day. */
export const ActionUpdated = defineEvent({
  type: 'partnerships.ActionUpdated',
  codec: t.readonly(t.type({ programmeId: Id, actionId: Id, status: ActionStatus, on: IsoDate })),
})
/** A milestone of a programme was set. */
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
/** A milestone was reached on a day. */
export const MilestoneReached = defineEvent({
  type: 'partnerships.MilestoneReached',
  codec: t.readonly(t.type({ programmeId: Id, milestoneId: Id, reachedOn: IsoDate })),
})
/** A pilot of a programme started. */
export const PilotStarted = defineEvent({
  type: 'partnerships.PilotStarted',
  codec: t.readonly(
    t.intersection([
      t.type({ programmeId: Id, pilotId: Id, name: NonEmptyString, place: AreaRef, startsOn: IsoDate }),
      t.partial({ endsOn: IsoDate }),
    ]),
  ),
})
/** What a pilot taught, recorded on a day. */
export const LearningRecorded = defineEvent({
  type: 'partnerships.LearningRecorded',
  codec: t.readonly(t.type({ programmeId: Id, pilotId: Id, learning: NonEmptyString, on: IsoDate })),
})
/** A pilot ended on a day. */
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
