/** Programmes: themes, workstreams, actions with owners and statuses, milestones, pilots and their learning. */
import { fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { ProgrammeCommand, programmes } from '../index'
import { decode, historyOf } from '../test-helpers'

const spec = deciderSpec(programmes.decider)
const cmd = (input: Record<string, unknown>) =>
  decode(ProgrammeCommand, { programmeId: 'stronger-together', on: '2026-03-01', ...input })
const history = historyOf(programmes.decider, ProgrammeCommand)
const base = (extra: Record<string, unknown> = {}) => ({ programmeId: 'stronger-together', on: '2026-03-01', ...extra })
const setUp = history(
  base({ type: 'DefineProgramme', name: 'Stronger Together', boardId: 'psb' }),
  base({ type: 'AddTheme', themeId: 'communications', name: 'Communications and engagement' }),
  base({
    type: 'AddWorkstream',
    workstreamId: 'hubs',
    name: 'Community hubs',
    themeIds: ['communications'],
    lead: 'GB-LAE-CAM',
  }),
  base({
    type: 'PlanAction',
    actionId: 'a1',
    workstreamId: 'hubs',
    description: 'Open a hub in each district',
    owner: 'GB-LAE-HUN',
    due: '2026-09-30',
  }),
  base({
    type: 'SetMilestone',
    milestoneId: 'm1',
    workstreamId: 'hubs',
    description: 'First hub open',
    due: '2026-06-30',
  }),
  base({
    type: 'StartPilot',
    pilotId: 'p1',
    name: 'St Neots hub',
    place: { code: 'E07000011', type: 'district', vintage: '2023' },
    startsOn: '2026-02-01',
  }),
)

test('workstreams name themes the programme has; actions and milestones a workstream it has; ids are unique', (t) => {
  spec(t)
    .given(setUp)
    .when(cmd({ type: 'AddWorkstream', workstreamId: 'w2', name: 'x', themeIds: ['data'], lead: 'GB-LAE-CAM' }))
    .thenRejects('unknown-theme')
  spec(t)
    .given(setUp)
    .when(cmd({ type: 'AddWorkstream', workstreamId: 'hubs', name: 'x', themeIds: [], lead: 'GB-LAE-CAM' }))
    .thenRejects('workstream-exists')
  spec(t)
    .given(setUp)
    .when(
      cmd({
        type: 'PlanAction',
        actionId: 'a2',
        workstreamId: 'none',
        description: 'x',
        owner: 'GB-LAE-CAM',
        due: '2026-09-30',
      }),
    )
    .thenRejects('unknown-workstream')
  spec(t)
    .given(setUp)
    .when(
      cmd({
        type: 'PlanAction',
        actionId: 'a1',
        workstreamId: 'hubs',
        description: 'x',
        owner: 'GB-LAE-CAM',
        due: '2026-09-30',
      }),
    )
    .thenRejects('action-exists')
  spec(t)
    .given(setUp)
    .when(cmd({ type: 'SetMilestone', milestoneId: 'm2', workstreamId: 'none', description: 'x', due: '2026-09-30' }))
    .thenRejects('unknown-workstream')
  spec(t)
    .given([])
    .when(cmd({ type: 'AddTheme', themeId: 't', name: 'x' }))
    .thenRejects('unknown-programme')
})

test('an action moves through its statuses until done or cancelled; the same status again records nothing', (t) => {
  const update = (status: string) => ({ type: 'UpdateAction', actionId: 'a1', status })
  spec(t)
    .given(setUp)
    .when(cmd(update('not-started')))
    .then([])
  const finished = history(
    base({ type: 'DefineProgramme', name: 'Stronger Together' }),
    base({ type: 'AddWorkstream', workstreamId: 'hubs', name: 'Community hubs', themeIds: [], lead: 'GB-LAE-CAM' }),
    base({
      type: 'PlanAction',
      actionId: 'a1',
      workstreamId: 'hubs',
      description: 'x',
      owner: 'GB-LAE-HUN',
      due: '2026-09-30',
    }),
    base(update('in-progress')),
    base(update('done')),
  )
  spec(t)
    .given(finished)
    .when(cmd(update('blocked')))
    .thenRejects('action-closed')
  spec(t)
    .given(setUp)
    .when(cmd({ type: 'UpdateAction', actionId: 'a9', status: 'done' }))
    .thenRejects('unknown-action')
})

test('milestones are reached once, not in the future; pilots end after they start, once, and learn only once started', (t) => {
  spec(t)
    .given(setUp)
    .when(cmd({ type: 'ReachMilestone', milestoneId: 'm1', reachedOn: '2026-04-01' }))
    .thenRejects('future-date')
  const withReached = [
    ...setUp,
    ...decideAll(setUp, { type: 'ReachMilestone', milestoneId: 'm1', reachedOn: '2026-02-20' }),
  ]
  spec(t)
    .given(withReached)
    .when(cmd({ type: 'ReachMilestone', milestoneId: 'm1', reachedOn: '2026-02-21' }))
    .thenRejects('milestone-reached')
  spec(t)
    .given(setUp)
    .when(cmd({ type: 'EndPilot', pilotId: 'p1', endedOn: '2026-01-15' }))
    .thenRejects('invalid-dates')
  const ended = [...setUp, ...decideAll(setUp, { type: 'EndPilot', pilotId: 'p1', endedOn: '2026-02-28' })]
  spec(t)
    .given(ended)
    .when(cmd({ type: 'EndPilot', pilotId: 'p1', endedOn: '2026-02-28' }))
    .thenRejects('pilot-ended')
  spec(t)
    .given(setUp)
    .when(cmd({ type: 'RecordLearning', pilotId: 'p9', learning: 'x' }))
    .thenRejects('unknown-pilot')
  spec(t)
    .given(setUp)
    .when(
      cmd({
        type: 'StartPilot',
        pilotId: 'p2',
        name: 'x',
        place: { code: 'E07000011', type: 'district', vintage: '2023' },
        startsOn: '2026-05-01',
        endsOn: '2026-04-01',
      }),
    )
    .thenRejects('invalid-dates')
  const early = history(
    base({ type: 'DefineProgramme', name: 'x' }),
    base({
      type: 'StartPilot',
      pilotId: 'p3',
      name: 'x',
      place: { code: 'E07000011', type: 'district', vintage: '2023' },
      startsOn: '2026-06-01',
    }),
  )
  spec(t)
    .given(early)
    .when(cmd({ type: 'RecordLearning', pilotId: 'p3', learning: 'x' }))
    .thenRejects('not-started')
})

/** The events `input` records after `events`; throws on a refusal. */
function decideAll(events: ReturnType<typeof history>, input: Record<string, unknown>): ReturnType<typeof history> {
  const d = programmes.decider.decide(cmd(input), fold(programmes.decider, events))
  if (E.isLeft(d)) throw new Error(`${String(input['type'])}: ${d.left.message}`)
  return [...d.right]
}
