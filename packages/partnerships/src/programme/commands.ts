/** What can be asked of a programme. */
import { AreaRef, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { BoardId, ItemId, OrgId, ProgrammeId } from '../ids'
import { ActionStatus } from './events'

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), programmeId: ProgrammeId, on: IsoDate, ...props }))

export const DefineProgramme = t.readonly(
  t.intersection([command('DefineProgramme', { name: NonEmptyString }), t.partial({ boardId: BoardId })]),
)
export const AddTheme = command('AddTheme', { themeId: ItemId, name: NonEmptyString })
export const AddWorkstream = command('AddWorkstream', {
  workstreamId: ItemId,
  name: NonEmptyString,
  themeIds: t.readonlyArray(ItemId),
  lead: OrgId,
})
export const PlanAction = command('PlanAction', {
  actionId: ItemId,
  workstreamId: ItemId,
  description: NonEmptyString,
  owner: OrgId,
  due: IsoDate,
})
export const UpdateAction = command('UpdateAction', { actionId: ItemId, status: ActionStatus })
export const SetMilestone = command('SetMilestone', {
  milestoneId: ItemId,
  workstreamId: ItemId,
  description: NonEmptyString,
  due: IsoDate,
})
export const ReachMilestone = command('ReachMilestone', { milestoneId: ItemId, reachedOn: IsoDate })
export const StartPilot = t.readonly(
  t.intersection([
    command('StartPilot', { pilotId: ItemId, name: NonEmptyString, place: AreaRef, startsOn: IsoDate }),
    t.partial({ endsOn: IsoDate }),
  ]),
)
export const RecordLearning = command('RecordLearning', { pilotId: ItemId, learning: NonEmptyString })
export const EndPilot = command('EndPilot', { pilotId: ItemId, endedOn: IsoDate })

/** The codec of the commands a programme takes. */
export const ProgrammeCommand = t.union([
  DefineProgramme,
  AddTheme,
  AddWorkstream,
  PlanAction,
  UpdateAction,
  SetMilestone,
  ReachMilestone,
  StartPilot,
  RecordLearning,
  EndPilot,
])
/** A command a programme takes, as decoded. */
export type ProgrammeCommand = t.TypeOf<typeof ProgrammeCommand>
/** A command to a programme as an app sends it to `ledger.execute`, before decoding. */
export type ProgrammeCommandInput = t.OutputOf<typeof ProgrammeCommand>
