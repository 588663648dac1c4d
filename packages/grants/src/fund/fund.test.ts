/**
 * Funds: administrators, eligibility, streams and their limits, rounds with the limits of that
 * round, the budget and its changes. Amounts are whole pence: negative, fractional or pounds are
 * refused when the command is decoded.
 */
import type { Decider } from '@civic-ledger/core'
import { allowAll, createLedger, fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { FundCommand, FundEvent, FundState } from '../index'
import {
  FundCommand as FundCommandCodec,
  fundDocs,
  fundPositions,
  funds,
  grantsPlugin,
  limitsFor,
  remaining,
} from '../index'

const decider: Decider<FundCommand, FundEvent, FundState> = funds.decider
const spec = deciderSpec(decider)
const cmd = (input: Record<string, unknown>): FundCommand => {
  const r = FundCommandCodec.decode({ fundId: 'innovate', on: '2026-01-05', ...input })
  if (E.isLeft(r)) throw new Error(`does not decode: ${JSON.stringify(input)}`)
  return r.right
}
const history = (...inputs: ReadonlyArray<Record<string, unknown>>): FundEvent[] => {
  const events: FundEvent[] = []
  for (const input of inputs) {
    const d = decider.decide(cmd(input), fold(decider, events))
    if (E.isLeft(d)) throw new Error(`${String(input['type'])}: ${d.left.message}`)
    events.push(...d.right)
  }
  return events
}

const define = (extra: Record<string, unknown> = {}) => ({
  type: 'DefineFund',
  name: 'Innovate and Cultivate Fund',
  funder: 'GB-LAE-CAM',
  administrators: ['local:cambridgeshire-community-foundation'],
  eligibility: {
    areasIncluded: ['E10000003'],
    areasExcluded: ['E06000031'],
    applicantTypes: ['voluntary-sector', 'parish-council'],
    priorityOutcomes: ['reduce demand on council services'],
  },
  budget: 100_000_000,
  directAwards: false,
  asksForSavings: true,
  ...extra,
})
const cultivate = {
  type: 'AddStream',
  streamId: 'cultivate',
  name: 'Cultivate',
  limits: { minimum: 200_000, maximum: 1_000_000 },
}
const innovate = {
  type: 'AddStream',
  streamId: 'innovate',
  name: 'Innovate',
  limits: { minimum: 1_000_000, maximum: 5_000_000 },
}
const set = history(define(), cultivate, innovate)

test('amounts are whole pence: negative, fractional and pounds are refused when decoded', (t) => {
  for (const budget of [-1, 1.5, '£100,000', '100000', Number.NaN, Number.POSITIVE_INFINITY])
    t.true(E.isLeft(FundCommandCodec.decode({ ...define({ budget }), fundId: 'f', on: '2026-01-05' })), String(budget))
  t.true(
    E.isLeft(
      FundCommandCodec.decode({ type: 'ChangeBudget', fundId: 'f', on: '2026-01-05', change: 0.5, reason: 'x' }),
    ),
  )
})

test('a fund has an administrator, named once, and no area both included and excluded', (t) => {
  spec(t)
    .given([])
    .when(cmd(define({ administrators: [] })))
    .thenRejects('invalid-fund')
  spec(t)
    .given([])
    .when(cmd(define({ administrators: ['GB-CHC-1000001', 'GB-CHC-1000001'] })))
    .thenRejects('invalid-fund')
  spec(t)
    .given([])
    .when(
      cmd(
        define({
          eligibility: {
            areasIncluded: ['E07000010'],
            areasExcluded: ['E07000010'],
            applicantTypes: [],
            priorityOutcomes: [],
          },
        }),
      ),
    )
    .thenRejects('invalid-fund')
  spec(t).given(history(define())).when(cmd(define())).thenRejects('fund-exists')
  t.true(
    E.isLeft(FundCommandCodec.decode({ ...define({ funder: 'Cambridgeshire' }), fundId: 'f', on: '2026-01-05' })),
    'the funder is an org id',
  )
})

test('streams have limits whose minimum is no more than the maximum; rounds set limits for streams the fund has', (t) => {
  spec(t)
    .given(set)
    .when(cmd({ ...cultivate, streamId: 'x', limits: { minimum: 5, maximum: 4 } }))
    .thenRejects('invalid-limits')
  spec(t).given(set).when(cmd(cultivate)).thenRejects('stream-exists')
  const round = (extra: Record<string, unknown>) => ({
    type: 'OpenRound',
    roundId: 'r1',
    opensOn: '2026-02-01',
    closesOn: '2026-03-31',
    limits: [{ streamId: 'cultivate', limits: { minimum: 200_000, maximum: 1_500_000 } }],
    ...extra,
  })
  spec(t)
    .given(set)
    .when(cmd(round({ closesOn: '2026-02-01' })))
    .thenRejects('invalid-round')
  spec(t)
    .given(set)
    .when(cmd(round({ limits: [{ streamId: 'nothing', limits: { minimum: 1, maximum: 2 } }] })))
    .thenRejects('unknown-stream')
  const opened = history(define(), cultivate, innovate, round({}))
  const state = fold(decider, opened)
  if (state.status === 'none') return t.fail()
  t.deepEqual(
    limitsFor(state, 'cultivate', 'r1'),
    { minimum: 200_000, maximum: 1_500_000 },
    'the round changed the limits',
  )
  t.deepEqual(
    limitsFor(state, 'innovate', 'r1'),
    { minimum: 1_000_000, maximum: 5_000_000 },
    'a stream the round leaves keeps its own',
  )
  t.deepEqual(
    limitsFor(state, 'cultivate'),
    { minimum: 200_000, maximum: 1_000_000 },
    'a direct award uses the stream’s',
  )
  t.is(limitsFor(state, 'constructor', 'r1'), undefined)
  spec(t)
    .given(opened)
    .when(cmd(round({})))
    .thenRejects('round-exists')
})

test('the budget changes by whole pence, never below nothing or what is committed', (t) => {
  const changed = history(define(), { type: 'ChangeBudget', change: -40_000_000, reason: 'in-year saving' })
  const state = fold(decider, changed)
  t.true(state.status !== 'none' && remaining(state) === 60_000_000)
  spec(t)
    .given(changed)
    .when(cmd({ type: 'ChangeBudget', change: -60_000_001, reason: 'x' }))
    .thenRejects('budget-below-committed')
  spec(t)
    .given(changed)
    .when(cmd({ type: 'ChangeBudget', change: 0, reason: 'x' }))
    .thenRejects('invalid-amount')
  spec(t)
    .given([])
    .when(cmd({ type: 'ChangeBudget', change: 5, reason: 'x' }))
    .thenRejects('unknown-fund')
})

test('through a ledger: the fund-positions read model shows the budget, its changes, streams and rounds', async (t) => {
  const ledger = await createLedger({ policy: allowAll, plugins: [grantsPlugin] })
  t.teardown(() => ledger.close())
  const context = { actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' } }
  for (const input of [define(), cultivate, { type: 'ChangeBudget', change: 25_000_000, reason: 'a second year' }]) {
    const r = await ledger.execute(funds, { fundId: 'innovate', on: '2026-01-05', ...input }, context)()
    t.true(E.isRight(r), E.isLeft(r) ? r.left.message : '')
  }
  const head = await ledger.events.headPosition()
  const refused = await ledger.execute(
    funds,
    { fundId: 'innovate', on: '2026-01-05', type: 'ChangeBudget', change: -1.5, reason: 'x' },
    context,
  )()
  t.is(E.isLeft(refused) ? refused.left._tag : undefined, 'InvalidCommand')
  t.is(await ledger.events.headPosition(), head, 'nothing written')
  await ledger.projections.waitUntilCaughtUp()
  t.like(await ledger.projections.query(fundPositions, fundDocs).get('innovate'), {
    budget: 125_000_000,
    changes: [{ change: 25_000_000, reason: 'a second year', on: '2026-01-05' }],
    streams: { cultivate: { name: 'Cultivate', minimum: 200_000, maximum: 1_000_000 } },
  })
})
