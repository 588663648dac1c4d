/**
 * Boards: definition, seats by role, admission once at a time (read from the organisation), withdrawal
 * with the member's representatives, one chair, seats filled by an eligible member's representative,
 * meetings and decisions, reports to the board above. And the law that a representative always
 * belongs to a current member, over random histories.
 */
import { fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'

import type { BoardEvent, BoardState, OrganisationType } from '../index'
import { admissions, AdmitMemberCommand, BoardCommand, boards, OrganisationCommand, organisations } from '../index'
import { decode, historyOf } from '../test-helpers'

const spec = deciderSpec(boards.decider)
const cmd = (input: Record<string, unknown>) => decode(BoardCommand, { boardId: 'psb', on: '2026-01-10', ...input })
const history = historyOf(boards.decider, BoardCommand)
const define = {
  type: 'DefineBoard',
  boardId: 'psb',
  on: '2026-01-05',
  name: 'Public Services Board',
  purpose: 'Chief executives working together on community resilience',
  geography: ['E10000003', 'E06000031'],
  termsOfReference: 'Meets quarterly; reports to the Health and Wellbeing Board',
  reportsTo: { boardId: 'hwb', everyMonths: 3 },
}
/** A MemberAdmitted event for `orgId` of `type`, as the admissions decision records it. */
const admitted = (orgId: string, organisationType: OrganisationType, board: BoardEvent[]): BoardEvent[] => {
  const org = fold(
    organisations.decider,
    historyOf(
      organisations.decider,
      OrganisationCommand,
    )({
      type: 'RegisterOrganisation',
      orgId,
      name: orgId,
      organisationType,
      on: '2026-01-01',
    }),
  )
  const d = admissions.decide(
    decode(AdmitMemberCommand, { type: 'AdmitMember', boardId: 'psb', orgId, on: '2026-01-06' }),
    {
      board: fold(boards.decider, board),
      organisation: org,
    },
  )
  if (E.isLeft(d)) throw new Error(d.left.message)
  return [...(d.right.board ?? [])]
}
const withMembers = (): BoardEvent[] => {
  let events = history(define, {
    type: 'DefineSeat',
    boardId: 'psb',
    on: '2026-01-05',
    seatId: 'district-ce',
    description: 'Chief executive of a district council',
    organisationTypes: ['district-council'],
  })
  for (const [orgId, type] of [
    ['GB-LAE-CAM', 'county-council'],
    ['GB-LAE-HUN', 'district-council'],
    ['local:cambs-police', 'police'],
  ] as const)
    events = [...events, ...admitted(orgId, type, events)]
  return events
}
const appoint = (
  representativeId: string,
  orgId: string,
  position = 'member',
  extra: Record<string, unknown> = {},
) => ({
  type: 'AppointRepresentative',
  representativeId,
  orgId,
  name: `Person ${representativeId}`,
  position,
  ...extra,
})

test('a board is defined once, with at least one area, reporting to another board at a sane cadence', (t) => {
  spec(t).given(history(define)).when(cmd(define)).thenRejects('board-exists')
  spec(t)
    .given([])
    .when(cmd({ ...define, geography: [] }))
    .thenRejects('invalid-board')
  spec(t)
    .given([])
    .when(cmd({ ...define, reportsTo: { boardId: 'psb', everyMonths: 3 } }))
    .thenRejects('invalid-board')
  spec(t)
    .given([])
    .when(cmd({ ...define, reportsTo: { boardId: 'hwb', everyMonths: 0 } }))
    .thenRejects('invalid-board')
  t.true(E.isLeft(BoardCommand.decode({ ...define, geography: ['Cambridgeshire'] })), 'geography is GSS codes')
  spec(t)
    .given([])
    .when(cmd({ type: 'HoldMeeting', meetingId: 'm1', heldOn: '2026-01-09' }))
    .thenRejects('unknown-board')
})

test('a member is admitted once at a time, from its record; an unknown or dissolved body is refused', (t) => {
  const events = withMembers()
  const board = fold(boards.decider, events)
  t.deepEqual(board.status === 'active' ? board.members : {}, {
    'GB-LAE-CAM': 'county-council',
    'GB-LAE-HUN': 'district-council',
    'local:cambs-police': 'police',
  })
  const again = admissions.decide(
    decode(AdmitMemberCommand, { type: 'AdmitMember', boardId: 'psb', orgId: 'GB-LAE-CAM', on: '2026-02-01' }),
    {
      board,
      organisation: { status: 'active', name: 'x', type: 'county-council', local: false },
    },
  )
  t.is(E.isLeft(again) ? again.left.code : undefined, 'already-member')
  const unknown = admissions.decide(
    decode(AdmitMemberCommand, { type: 'AdmitMember', boardId: 'psb', orgId: 'GB-LAE-FEN', on: '2026-02-01' }),
    {
      board,
      organisation: { status: 'none' },
    },
  )
  t.is(E.isLeft(unknown) ? unknown.left.code : undefined, 'unknown-organisation')
})

test('representatives belong to a current member; one chair at a time; seats take an eligible member’s representative', (t) => {
  const events = withMembers()
  spec(t)
    .given(events)
    .when(cmd(appoint('r1', 'GB-LAE-FEN')))
    .thenRejects('not-member')
  const chaired = [...events, ...decideAll(events, appoint('r1', 'GB-LAE-CAM', 'chair'))]
  spec(t)
    .given(chaired)
    .when(cmd(appoint('r2', 'GB-LAE-HUN', 'chair')))
    .thenRejects('position-filled')
  spec(t)
    .given(chaired)
    .when(cmd(appoint('r1', 'GB-LAE-HUN')))
    .thenRejects('representative-exists')
  spec(t)
    .given(chaired)
    .when(cmd(appoint('r2', 'local:cambs-police', 'member', { seatId: 'district-ce' })))
    .thenRejects('seat-not-eligible')
  spec(t)
    .given(chaired)
    .when(cmd(appoint('r2', 'GB-LAE-HUN', 'member', { seatId: 'nowhere' })))
    .thenRejects('unknown-seat')
  const seated = [...chaired, ...decideAll(chaired, appoint('r2', 'GB-LAE-HUN', 'member', { seatId: 'district-ce' }))]
  spec(t)
    .given(seated)
    .when(cmd(appoint('r3', 'GB-LAE-HUN', 'member', { seatId: 'district-ce' })))
    .thenRejects('seat-filled')
  // The district withdraws: its representative stands down and the seat is vacant again.
  const withdrawn = [
    ...seated,
    ...decideAll(seated, { type: 'WithdrawMember', orgId: 'GB-LAE-HUN', reason: 'left the partnership' }),
  ]
  t.deepEqual(
    withdrawn.slice(seated.length).map((e) => e.type),
    ['partnerships.RepresentativeStoodDown', 'partnerships.MemberWithdrawn'],
  )
  const after = fold(boards.decider, withdrawn)
  t.true(
    after.status === 'active' &&
      after.seats['district-ce']?.holder === undefined &&
      after.representatives['r2'] === undefined,
  )
  spec(t)
    .given(withdrawn)
    .when(cmd({ type: 'WithdrawMember', orgId: 'GB-LAE-HUN', reason: 'again' }))
    .thenRejects('not-member')
})

test('decisions are recorded at meetings the board held; reports go to the board above', (t) => {
  const events = withMembers()
  spec(t)
    .given(events)
    .when(cmd({ type: 'RecordDecision', meetingId: 'm1', decisionId: 'd1', summary: 'Adopt the strategy' }))
    .thenRejects('unknown-meeting')
  spec(t)
    .given(events)
    .when(cmd({ type: 'HoldMeeting', meetingId: 'm1', heldOn: '2026-02-01' }))
    .thenRejects('future-date')
  const met = [...events, ...decideAll(events, { type: 'HoldMeeting', meetingId: 'm1', heldOn: '2026-01-09' })]
  spec(t)
    .given(met)
    .when(cmd({ type: 'RecordDecision', meetingId: 'm1', decisionId: 'd1', summary: 'Adopt the strategy' }))
    .then(decideAll(met, { type: 'RecordDecision', meetingId: 'm1', decisionId: 'd1', summary: 'Adopt the strategy' }))
  const [report] = decideAll(met, { type: 'SubmitReport', title: 'Quarterly report' })
  t.like(report?.data, { boardId: 'psb', to: 'hwb' })
  const hwb = history({ ...define, boardId: 'hwb', reportsTo: undefined })
  spec(t)
    .given(hwb)
    .when(cmd({ boardId: 'hwb', type: 'SubmitReport', title: 'x' }))
    .thenRejects('reports-to-none')
})

/** The events `input` records after `events`; throws on a refusal. */
function decideAll(events: BoardEvent[], input: Record<string, unknown>): BoardEvent[] {
  const d = boards.decider.decide(cmd(input), fold(boards.decider, events))
  if (E.isLeft(d)) throw new Error(`${String(input['type'])}: ${d.left.message}`)
  return [...d.right]
}

test('law: whatever is sent, every representative belongs to a current member', (t) => {
  const orgs = ['GB-LAE-CAM', 'GB-LAE-HUN', 'GB-LAE-FEN'] as const
  const step = fc.oneof(
    fc.record({ kind: fc.constant('admit' as const), org: fc.constantFrom(...orgs) }),
    fc.record({ kind: fc.constant('withdraw' as const), org: fc.constantFrom(...orgs) }),
    fc.record({
      kind: fc.constant('appoint' as const),
      org: fc.constantFrom(...orgs),
      rep: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
      position: fc.constantFrom('chair', 'vice-chair', 'member', 'observer'),
    }),
    fc.record({ kind: fc.constant('standDown' as const), rep: fc.constantFrom('r1', 'r2', 'r3', 'r4') }),
  )
  fc.assert(
    fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      let events = history(define)
      for (const s of steps) {
        const state = fold(boards.decider, events)
        let recorded: ReadonlyArray<BoardEvent> = []
        if (s.kind === 'admit') {
          const admitted = admissions.decide(
            decode(AdmitMemberCommand, { type: 'AdmitMember', boardId: 'psb', orgId: s.org, on: '2026-01-06' }),
            { board: state, organisation: { status: 'active', name: s.org, type: 'district-council', local: false } },
          )
          if (E.isRight(admitted)) recorded = admitted.right.board ?? []
        } else {
          const input =
            s.kind === 'withdraw'
              ? { type: 'WithdrawMember', orgId: s.org, reason: 'r' }
              : s.kind === 'appoint'
                ? appoint(s.rep, s.org, s.position)
                : { type: 'StandDownRepresentative', representativeId: s.rep, reason: 'r' }
          const decided = boards.decider.decide(cmd(input), state)
          if (E.isRight(decided)) recorded = decided.right
        }
        events = [...events, ...recorded]
        const after: BoardState = fold(boards.decider, events)
        if (after.status !== 'active') return false
        if (!Object.values(after.representatives).every((r) => after.members[r.orgId] !== undefined)) return false
        if (Object.values(after.representatives).filter((r) => r.position === 'chair').length > 1) return false
      }
      return true
    }),
    { numRuns: 300 },
  )
  t.pass()
})

test('ids named like members of Object.prototype are ids like any other', (t) => {
  const events = withMembers()
  for (const id of ['constructor', 'valueOf', 'toString']) {
    spec(t)
      .given(events)
      .when(cmd(appoint('r1', 'GB-LAE-CAM', 'member', { seatId: id })))
      .thenRejects('unknown-seat')
    spec(t)
      .given(events)
      .when(cmd({ type: 'RecordDecision', meetingId: id, decisionId: 'd1', summary: 'x' }))
      .thenRejects('unknown-meeting')
    spec(t)
      .given(events)
      .when(cmd({ type: 'StandDownRepresentative', representativeId: id, reason: 'x' }))
      .thenRejects('unknown-representative')
    t.is(decideAll(events, { type: 'DefineSeat', seatId: id, description: 'x', organisationTypes: [] }).length, 1)
  }
})
