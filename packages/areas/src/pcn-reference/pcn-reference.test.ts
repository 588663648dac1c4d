/**
 * The PCN reference: imported from the real practice lookup, then dated changes — a practice moving
 * PCN, a PCN closing — with the membership in force on any date.
 */
import { fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import { isLeft } from 'fp-ts/Either'

import { referencePcnImport } from '../lib/practices'
import { decoded } from '../lib/test-helpers.test-fixture'
import { pcnReferences } from './aggregate'
import type { PcnCommandInput } from './commands'
import { PcnCommand } from './commands'
import type { PcnEvent } from './events'
import { pcnOn } from './state'

const decider = pcnReferences.decider
const spec = deciderSpec(decider)
const command = (input: PcnCommandInput) => decoded(PcnCommand, input)

const importReal = referencePcnImport

const decide = (history: PcnEvent[], input: PcnCommandInput): PcnEvent[] => {
  const decision = decider.decide(command(input), fold(decider, history))
  if (isLeft(decision)) throw new Error(decision.left.message)
  return [...history, ...decision.right]
}

test('the real reference imports: 22 PCNs and 87 practices, each in its PCN from the reference date', (t) => {
  const state = fold(decider, decide([], importReal()))
  t.is(Object.keys(state.pcns).length, 22)
  t.is(Object.keys(state.practices).length, 87)
  t.is<string | undefined, string | undefined>(pcnOn(state, 'D81001', '2024-03-01'), 'U88254')
  t.is<string | undefined, string | undefined>(
    pcnOn(state, 'D81001', '2024-02-29'),
    undefined,
    'no membership before the reference date',
  )
})

test('a practice that moves PCN belongs to the old one before the date and the new one from it', (t) => {
  const history = decide(decide([], importReal()), {
    type: 'MovePractice',
    referenceId: '06H-2024-03',
    practice: 'D81001',
    to: 'U24388',
    on: '2024-10-01',
  })
  const state = fold(decider, history)
  t.is<string | undefined, string | undefined>(pcnOn(state, 'D81001', '2024-09-30'), 'U88254')
  t.is<string | undefined, string | undefined>(pcnOn(state, 'D81001', '2024-10-01'), 'U24388')
  spec(t)
    .given(history)
    .when(
      command({ type: 'MovePractice', referenceId: '06H-2024-03', practice: 'D81001', to: 'U24388', on: '2024-11-01' }),
    )
    .thenRejects('same-pcn')
  spec(t)
    .given(history)
    .when(
      command({ type: 'MovePractice', referenceId: '06H-2024-03', practice: 'D81001', to: 'U88254', on: '2024-06-01' }),
    )
    .thenRejects('not-in-order')
})

test('a PCN closes only when no practice is left in it, and then takes no practices', (t) => {
  const imported = decide([], importReal())
  const members = Object.entries(fold(decider, imported).practices)
    .filter(([, p]) => p.memberships[0]?.pcn === 'U88254')
    .map(([code]) => code)
  t.regex(
    spec(t)
      .given(imported)
      .when(
        command({ type: 'ClosePcn', referenceId: '06H-2024-03', pcn: 'U88254', on: '2025-04-01', reason: 'merged' }),
      )
      .thenRejects('pcn-has-practices')?.message ?? '',
    /still has practices on 2025-04-01: D81001/,
  )
  let history = imported
  for (const practice of members)
    history = decide(history, {
      type: 'MovePractice',
      referenceId: '06H-2024-03',
      practice,
      to: 'U24388',
      on: '2025-04-01',
    })
  history = decide(history, {
    type: 'ClosePcn',
    referenceId: '06H-2024-03',
    pcn: 'U88254',
    on: '2025-04-01',
    reason: 'merged',
  })
  spec(t)
    .given(history)
    .when(
      command({ type: 'MovePractice', referenceId: '06H-2024-03', practice: 'D81002', to: 'U88254', on: '2025-05-01' }),
    )
    .thenRejects('pcn-not-open')
})

test('a reference with a bad code, or a practice in a PCN it does not list, is refused naming them', (t) => {
  const real = importReal() as Extract<PcnCommandInput, { type: 'ImportPcnReference' }>
  const bad = {
    ...real,
    pcns: [...real.pcns.slice(1), { code: 'X12345', name: 'Not a PCN' }],
  }
  const error = spec(t).given([]).when(command(bad)).thenRejects('invalid-reference')
  t.regex(error?.message ?? '', /"X12345" is not a PCN code/)
  t.regex(error?.message ?? '', /belongs to .*, which is not a PCN listed here/)
  spec(t).given(decide([], real)).when(command(real)).thenRejects('reference-exists')
})

test('a PCN or practice named like a member of Object.prototype is unknown, not inherited', (t) => {
  const imported = decide([], importReal())
  for (const code of ['constructor', 'valueOf', 'toString']) {
    spec(t)
      .given(imported)
      .when(command({ type: 'ClosePcn', referenceId: '06H-2024-03', pcn: code, on: '2025-04-01', reason: 'merged' }))
      .thenRejects('unknown-pcn')
    spec(t)
      .given(imported)
      .when(
        command({ type: 'MovePractice', referenceId: '06H-2024-03', practice: code, to: 'U24388', on: '2025-04-01' }),
      )
      .thenRejects('unknown-practice')
  }
})
