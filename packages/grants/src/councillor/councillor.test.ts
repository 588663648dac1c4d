/** A councillor's record: registered once, terms representing an E58 division that never overlap. */
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { councillors } from './aggregate'
import { CouncillorCommand } from './commands'
import { termOn } from './state'

const spec = deciderSpec(councillors.decider)
const command = (input: Record<string, unknown>) => {
  const r = CouncillorCommand.decode({ councillorId: 'cllr-1', on: '2021-05-10', ...input })
  if (E.isLeft(r)) throw new Error(`does not decode: ${JSON.stringify(input)}`)
  return r.right
}
const register = command({ type: 'RegisterCouncillor', name: 'Jo Example', council: 'GB-LAE-CAM' })
const history = (...inputs: ReadonlyArray<Record<string, unknown>>) => {
  const events = []
  let state = councillors.decider.initialState
  for (const c of [register, ...inputs.map(command)]) {
    const d = councillors.decider.decide(c, state)
    if (E.isLeft(d)) throw new Error(d.left.message)
    events.push(...d.right)
    state = d.right.reduce(councillors.decider.evolve, state)
  }
  return events
}
const term = (division: string, from: string, until?: string) => ({
  type: 'RecordTerm',
  division,
  from,
  ...(until === undefined ? {} : { until }),
})

test('a councillor is registered once; terms need a registered councillor', (t) => {
  spec(t)
    .given([])
    .when(command(term('E58000097', '2021-05-06')))
    .thenRejects('unknown-councillor')
  spec(t).given(history()).when(register).thenRejects('councillor-exists')
})

test('terms represent a county division, end after they start, and never overlap', (t) => {
  const given = history(term('E58000097', '2021-05-06', '2025-05-01'))
  spec(t)
    .given(given)
    .when(command(term('E05010805', '2025-05-01')))
    .thenRejects('invalid-division')
  spec(t)
    .given(given)
    .when(command(term('E58000098', '2025-05-01', '2025-05-01')))
    .thenRejects('invalid-term')
  spec(t)
    .given(given)
    .when(command(term('E58000098', '2024-05-01')))
    .thenRejects('term-overlaps')
  spec(t)
    .given(given)
    .when(command({ type: 'EndTerm', until: '2026-01-01' }))
    .thenRejects('no-open-term')
  const open = history(term('E58000097', '2021-05-06', '2025-05-01'), term('E58000098', '2025-05-01'))
  spec(t)
    .given(open)
    .when(command({ type: 'EndTerm', until: '2025-05-01' }))
    .thenRejects('invalid-term')
})

test('the term on a day: the day a term ends belongs to the next', (t) => {
  const events = history(term('E58000097', '2021-05-06', '2025-05-01'), term('E58000098', '2025-05-01'), {
    type: 'EndTerm',
    until: '2029-05-03',
  })
  const state = events.reduce(councillors.decider.evolve, councillors.decider.initialState)
  const division = (on: string): string | undefined => termOn(state, on)?.division
  t.is(division('2021-05-05'), undefined)
  t.is(division('2021-05-06'), 'E58000097')
  t.is(division('2025-04-30'), 'E58000097')
  t.is(division('2025-05-01'), 'E58000098')
  t.is(division('2029-05-03'), undefined, 'ended')
})
