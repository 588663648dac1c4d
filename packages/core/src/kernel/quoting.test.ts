/** Errors quote input sparingly: long strings clipped, problem lists cut short, messages capped. */
import test from 'ava'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { allowAll } from '../commands/policy'
import { accept, defineAggregate, reject } from '../events/decider'
import { defineEvent, eventCatalog } from '../events/event'
import { createLedger } from '../ledger/ledger'
import { invalidCommand } from './errors'
import { boundQuotes, clip, MESSAGE_LIMIT, PROBLEM_LIMIT, QUOTE_LIMIT } from './quoting'

test('clip keeps 60 characters and marks the cut', (t) => {
  t.is(clip('short'), 'short')
  t.is(clip('x'.repeat(61)), `${'x'.repeat(60)}…`)
})

test('law: a message never carries more than 60 characters of a long input string, however it quotes it', (t) => {
  fc.assert(
    fc.property(
      fc.string({ minLength: QUOTE_LIMIT + 1, maxLength: 3000 }),
      fc.string({ maxLength: 40 }),
      fc.boolean(),
      (long, around, asJson) => {
        const quoted = asJson ? JSON.stringify(long) : long
        const message = `${around}${quoted}${around}`
        const bounded = boundQuotes(message, { nested: [{ field: long }] })
        return !bounded.includes(long) && bounded.length <= MESSAGE_LIMIT + 40
      },
    ),
    { numRuns: 300 },
  )
  t.is(boundQuotes('no input here', { a: 'x'.repeat(100) }), 'no input here')
})

test('an InvalidCommand lists at most 20 problems and counts the rest', (t) => {
  const error = invalidCommand(Array.from({ length: 2000 }, (_, i) => `items.${i}: expected number`))
  t.is(error.problems.length, PROBLEM_LIMIT + 1)
  t.is(error.problems.at(-1), '… and 1980 more problems')
  t.true(error.message.length < 1000)
})

const Noted = defineEvent({ type: 'test.Noted', codec: t.type({ id: t.string, note: t.string }) })
const NoteCommand = t.type({ type: t.literal('Note'), id: t.string, note: t.string })
const notes = defineAggregate({
  context: 'test',
  name: 'note',
  commands: NoteCommand,
  events: eventCatalog(Noted),
  id: (c) => c.id,
  decider: {
    initialState: null,
    evolve: (s: null) => s,
    // A careless rule that puts the whole input in its message.
    decide: (c: t.TypeOf<typeof NoteCommand>) =>
      c.note.startsWith('ok')
        ? accept(Noted.create({ id: c.id, note: c.note }))
        : reject('bad-note', `cannot note ${c.note}`),
  },
})

test('through a ledger: a rule that echoes its input, or a policy that does, returns it clipped', async (t) => {
  const huge = `secret ${'x'.repeat(10_000_000)}`
  const ledger = await createLedger({ policy: allowAll })
  t.teardown(() => ledger.close())
  const actor = { actor: { id: 'a-1', organisation: 'o', role: 'r' } }
  const refused = await ledger.execute(notes, { type: 'Note', id: 'n1', note: huge }, actor)()
  t.true(E.isLeft(refused) && refused.left._tag === 'Rejected')
  const message = E.isLeft(refused) ? refused.left.message : ''
  t.is(message, `cannot note ${clip(huge)}`)
  const echoing = await createLedger({
    policy: (request) => ({ allowed: false, reason: `no: ${JSON.stringify(request.input)}` }),
  })
  t.teardown(() => echoing.close())
  const forbidden = await echoing.execute(notes, { type: 'Note', id: 'n1', note: huge }, actor)()
  t.true(
    E.isLeft(forbidden) && forbidden.left._tag === 'Forbidden' && forbidden.left.message.length < MESSAGE_LIMIT + 100,
  )
})
