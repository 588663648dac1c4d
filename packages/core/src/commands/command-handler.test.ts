/**
 * The command handler, end to end over the in-memory store: decoding before anything else, the
 * policy and tenancy, domain refusals, optimistic concurrency with retries, store failures whose
 * reply was lost, deterministic event ids, and stored events that no longer decode.
 */
import test from 'ava'
import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import * as io from 'io-ts'

import type { Decider } from '../events/decider'
import { accept, defineAggregate, reject } from '../events/decider'
import type { NewEvent, RecordedEvent } from '../events/envelope'
import type { EventOf } from '../events/event'
import { defineEvent, eventCatalog } from '../events/event'
import type { EventMetadata } from '../events/metadata'
import { fixedClock, sequentialIds } from '../kernel/clock'
import { Money, NonEmptyString, Uuid } from '../kernel/codecs'
import type { CommandError } from '../kernel/errors'
import { StoreUnavailableError } from '../kernel/errors'
import { createMemoryEventStore } from '../memory/memory-store'
import type { EventStore } from '../port/event-store'
import type { CommandHandlerOptions } from './command-handler'
import { createCommandHandler } from './command-handler'
import type { AuthorisationRequest } from './policy'
import { allowAll, denyAll, rolePolicy } from './policy'

// --- a grant application ---

const StartApplication = io.type({
  type: io.literal('StartApplication'),
  applicationId: Uuid,
  applicant: NonEmptyString,
  amount: Money,
})
const SubmitApplication = io.type({ type: io.literal('SubmitApplication'), applicationId: Uuid })
const GrantCommand = io.union([StartApplication, SubmitApplication])
type GrantCommand = io.TypeOf<typeof GrantCommand>

const ApplicationStarted = defineEvent({
  type: 'grants.ApplicationStarted',
  codec: io.type({ applicationId: Uuid, applicant: NonEmptyString, amount: Money }),
})
const ApplicationSubmitted = defineEvent({
  type: 'grants.ApplicationSubmitted',
  codec: io.type({ applicationId: Uuid }),
})
type GrantEvent = EventOf<typeof ApplicationStarted> | EventOf<typeof ApplicationSubmitted>

interface GrantState {
  readonly status: 'none' | 'started' | 'submitted'
  readonly applicant: string | null
  readonly amount: Money | null
}

const grantDecider: Decider<GrantCommand, GrantEvent, GrantState> = {
  initialState: { status: 'none', applicant: null, amount: null },
  evolve: (state, event) => {
    switch (event.type) {
      case 'grants.ApplicationStarted':
        return { status: 'started', applicant: event.data.applicant, amount: event.data.amount }
      case 'grants.ApplicationSubmitted':
        return { ...state, status: 'submitted' }
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'StartApplication':
        return state.status === 'none'
          ? accept(
              ApplicationStarted.create({
                applicationId: command.applicationId,
                applicant: command.applicant,
                amount: command.amount,
              }),
            )
          : reject('already-started', 'This application has already been started')
      case 'SubmitApplication':
        if (state.status === 'none') return reject('not-started', 'Start the application before submitting it')
        if (state.status === 'submitted') return reject('already-submitted', 'This application was already submitted')
        return accept(ApplicationSubmitted.create({ applicationId: command.applicationId }))
    }
  },
}

/** The grant application aggregate, with a count of the decisions it was asked for. */
const makeGrants = () => {
  let decisions = 0
  const aggregate = defineAggregate({
    context: 'grants',
    name: 'application',
    commands: GrantCommand,
    events: eventCatalog(ApplicationStarted, ApplicationSubmitted),
    decider: {
      ...grantDecider,
      decide: (command: GrantCommand, state: GrantState) => {
        decisions++
        return grantDecider.decide(command, state)
      },
    },
    id: (command) => command.applicationId,
  })
  return { aggregate, decisions: () => decisions }
}

// --- a counter: every Increment appends, whatever the state ---

const CounterCommand = io.union([
  io.type({ type: io.literal('Increment'), counterId: io.string }),
  io.type({ type: io.literal('Touch'), counterId: io.string }),
])
type CounterCommand = io.TypeOf<typeof CounterCommand>
const CounterIncremented = defineEvent({ type: 'tally.CounterIncremented', codec: io.type({ counterId: io.string }) })
type CounterEvent = EventOf<typeof CounterIncremented>

const counterDecider: Decider<CounterCommand, CounterEvent, number> = {
  initialState: 0,
  evolve: (count) => count + 1,
  decide: (command) =>
    command.type === 'Increment' ? accept(CounterIncremented.create({ counterId: command.counterId })) : accept(),
}

const counter = defineAggregate({
  context: 'tally',
  name: 'counter',
  commands: CounterCommand,
  events: eventCatalog(CounterIncremented),
  decider: counterDecider,
  id: (command) => command.counterId,
})

// --- helpers ---

const APPLICATION = '7f3c0a9e-1b2d-4c3e-8f40-5a6b7c8d9e0f'
const STREAM = `grants.application-${APPLICATION}`
const NOW = '2026-04-01T09:30:00.000Z'
const applicant = { id: 'user-17', organisation: 'fenland-food-bank', role: 'applicant' }
const officer = { id: 'user-2', organisation: 'cambridgeshire-cc', role: 'grants-officer' }

const start = {
  type: 'StartApplication',
  applicationId: APPLICATION,
  applicant: 'Fenland Food Bank',
  amount: { amount: 250_000, currency: 'GBP' },
}
const submit = { type: 'SubmitApplication', applicationId: APPLICATION }

const setup = (options: Partial<CommandHandlerOptions> = {}) => {
  const clock = fixedClock(NOW)
  const store = options.store ?? createMemoryEventStore({ clock })
  const handler = createCommandHandler({
    policy: allowAll,
    clock,
    ids: sequentialIds(),
    backoffMs: 0,
    ...options,
    store,
  })
  const grants = makeGrants()
  return { store, clock, grants, handle: handler(grants.aggregate), count: handler(counter) }
}

const rightOf = <A>(result: E.Either<CommandError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`)
  return result.right
}

const leftOf = <A>(result: E.Either<CommandError, A>): CommandError => {
  if (E.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

const readStream = async (store: EventStore, streamId: string): Promise<ReadonlyArray<RecordedEvent>> => {
  const events: RecordedEvent[] = []
  for await (const event of store.readStream(streamId)) events.push(event)
  return events
}

const metadata: EventMetadata = {
  actor: { id: 'system', organisation: 'tests', role: 'migration' },
  correlationId: 'c-1',
  causationId: 'c-1',
  occurredAt: NOW,
} as EventMetadata

// --- the happy path ---

test('a command is decided and its events appended with their metadata', async (t) => {
  const { store, handle } = setup()
  const result = rightOf(await handle(start, { actor: applicant })())

  t.is(result.streamId, STREAM)
  t.is(result.revision, 0)
  t.is(result.attempts, 1)
  t.deepEqual(result.state, { status: 'started', applicant: 'Fenland Food Bank', amount: start.amount })
  t.deepEqual(result.events, [
    {
      type: 'grants.ApplicationStarted',
      data: { applicationId: APPLICATION, applicant: 'Fenland Food Bank', amount: start.amount },
    },
  ])
  t.deepEqual(result.appended, {
    streamId: STREAM,
    firstRevision: 0,
    lastRevision: 0,
    firstPosition: 1,
    lastPosition: 1,
    alreadyStored: false,
  })

  const [recorded, ...rest] = await readStream(store, STREAM)
  t.deepEqual(rest, [])
  t.is(recorded?.type, 'grants.ApplicationStarted')
  t.is(recorded?.schemaVersion, 1)
  t.is(recorded?.recordedAt, NOW)
  t.deepEqual(recorded?.data, {
    applicationId: APPLICATION,
    applicant: 'Fenland Food Bank',
    amount: start.amount,
  })
  const meta = recorded?.metadata
  t.deepEqual(meta?.actor, applicant)
  t.is<string | undefined, string>(meta?.occurredAt, NOW, 'occurredAt comes from the clock')
  t.true(Uuid.is(meta?.correlationId), 'a correlation id is made when none is given')
  t.is(meta?.causationId, meta?.correlationId)
  t.true(Uuid.is(recorded?.eventId))
  t.not(recorded?.eventId, meta?.correlationId)
})

test('the result state is the state folded from the stream', async (t) => {
  const { handle } = setup()
  rightOf(await handle(start, { actor: applicant })())
  const submitted = rightOf(await handle(submit, { actor: officer })())
  t.is(submitted.revision, 1)
  t.deepEqual(submitted.events, [{ type: 'grants.ApplicationSubmitted', data: { applicationId: APPLICATION } }])
  t.deepEqual(submitted.state, { status: 'submitted', applicant: 'Fenland Food Bank', amount: start.amount })
  t.is(submitted.appended?.firstPosition, 2)
})

test('metadata takes the correlation, causation and business time from the context', async (t) => {
  const { store, handle } = setup()
  const context = {
    actor: applicant,
    correlationId: 'grant-round-2026',
    causationId: 'form-submission-88',
    occurredAt: '2026-03-24T16:05:00+00:00',
  }
  rightOf(await handle(start, context)())
  const [recorded] = await readStream(store, STREAM)
  t.deepEqual(recorded?.metadata, {
    actor: applicant,
    correlationId: 'grant-round-2026',
    causationId: 'form-submission-88',
    occurredAt: '2026-03-24T16:05:00+00:00',
  })
  t.is(recorded?.recordedAt, NOW, 'recordedAt is still when the store committed')
})

test('a commandId is the correlation and causation id when none is given', async (t) => {
  const { store, handle } = setup()
  const commandId = '0f8e4a52-6c7d-4b1e-9a3f-1d2c3b4a5e6f'
  rightOf(await handle(start, { actor: applicant, commandId })())
  const [recorded] = await readStream(store, STREAM)
  t.is<string | undefined, string>(recorded?.metadata.correlationId, commandId)
  t.is<string | undefined, string>(recorded?.metadata.causationId, commandId)
})

test('a decision with no events writes nothing and reports appended: null', async (t) => {
  const { store, count } = setup()
  rightOf(await count({ type: 'Increment', counterId: 'c1' }, { actor: applicant })())
  const touched = rightOf(await count({ type: 'Touch', counterId: 'c1' }, { actor: applicant })())
  t.deepEqual(touched.events, [])
  t.is(touched.appended, null)
  t.is(touched.revision, 0)
  t.is(touched.state, 1)
  t.is(await store.headPosition(), 1)
})

// --- bad input ---

test('a command that does not decode is InvalidCommand naming each field, and nothing is written', async (t) => {
  const { store, handle, grants } = setup()
  const error = leftOf(
    await handle({ ...start, applicationId: 'APP-1', amount: { amount: -5, currency: 'GBP' } }, { actor: applicant })(),
  )
  if (error._tag !== 'InvalidCommand') return t.fail(`expected InvalidCommand, got ${error._tag}`)
  t.true(error.problems.includes('command applicationId: expected Uuid, got a string of 5 characters'), error.message)
  t.true(error.problems.includes('command amount.amount: expected Pence, got a negative whole number'), error.message)
  t.regex(error.message, /^invalid command: /)
  t.is(await store.headPosition(), 0)
  t.is(grants.decisions(), 0, 'decide never saw it')
})

test('a command of an unknown type is InvalidCommand', async (t) => {
  const { store, handle } = setup()
  const error = leftOf(
    await handle({ type: 'WithdrawApplication', applicationId: APPLICATION }, { actor: applicant })(),
  )
  t.is(error._tag, 'InvalidCommand')
  t.regex(error.message, /type/)
  t.is(await store.headPosition(), 0)
})

test('a context without an actor is InvalidCommand naming the actor, and nothing is written', async (t) => {
  const { store, handle, grants } = setup()
  for (const context of [{}, undefined, null, 'user-17', { actor: { ...applicant, role: '' } }]) {
    const error = leftOf(await handle(start, context)())
    if (error._tag !== 'InvalidCommand') return t.fail(`expected InvalidCommand, got ${error._tag}`)
    t.true(
      error.problems.some((p) => /^context .*\bactor\b/.test(p)),
      `${JSON.stringify(context)}: ${error.message}`,
    )
  }
  t.is(await store.headPosition(), 0)
  t.is(grants.decisions(), 0)
})

test('a context with a malformed commandId or occurredAt is InvalidCommand naming the field', async (t) => {
  const { store, handle } = setup()
  const badId = leftOf(await handle(start, { actor: applicant, commandId: 'retry-1' })())
  t.is(badId._tag, 'InvalidCommand')
  t.regex(badId.message, /commandId: expected Uuid, got a string of 7 characters/)
  const badTime = leftOf(await handle(start, { actor: applicant, occurredAt: '2026-02-30T09:00:00Z' })())
  t.regex(badTime.message, /occurredAt: expected IsoDateTime/)
  t.is(await store.headPosition(), 0)
})

test('a bad command is InvalidCommand even when the policy would deny it', async (t) => {
  const { handle } = setup({ policy: denyAll })
  t.is(leftOf(await handle({ type: 'StartApplication' }, { actor: applicant })())._tag, 'InvalidCommand')
})

test('a command that names no valid stream is InvalidCommand, and nothing is written', async (t) => {
  const { store, count } = setup()
  const error = leftOf(await count({ type: 'Increment', counterId: 'not a valid id!' }, { actor: applicant })())
  t.is(error._tag, 'InvalidCommand')
  t.regex(error.message, /does not name a valid stream/)
  t.is(await store.headPosition(), 0)
})

const hostileKeys = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'type', 'applicationId', 'amount', 'toString'),
)

/** Hostile keys that must be plain data to the handler, never a prototype or a method. */
const hostile = { ['__proto__']: fc.anything(), ['constructor']: fc.anything(), ['toString']: fc.anything() }

const commandLike = fc.oneof(
  fc.anything({
    key: hostileKeys,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withObjectString: true,
    withSet: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
  fc.record(
    {
      type: fc.constantFrom('StartApplication', 'SubmitApplication', '__proto__', 'constructor'),
      applicationId: fc.oneof(fc.constant(APPLICATION), fc.uuid(), fc.anything()),
      applicant: fc.oneof(fc.string(), fc.anything()),
      amount: fc.anything(),
      ...hostile,
    },
    { requiredKeys: [] },
  ),
  // Nearly valid: most of these decode, so the property sees successes as well as refusals.
  fc.record(
    {
      type: fc.constantFrom('StartApplication', 'SubmitApplication'),
      applicationId: fc.oneof(fc.constant(APPLICATION), fc.uuid()),
      applicant: fc.string(),
      amount: fc.record({
        amount: fc.oneof(fc.maxSafeNat(), fc.double()),
        currency: fc.constantFrom('GBP', 'EUR', 'gbp'),
      }),
      ...hostile,
    },
    { requiredKeys: ['type', 'applicationId', 'applicant', 'amount'] },
  ),
  fc.constant(JSON.parse(`{"type":"SubmitApplication","__proto__":{"applicationId":"${APPLICATION}"}}`) as unknown),
)

/** True when a command carries only fields its type names (at the top and in `amount`). */
const namesOnly = (command: unknown): boolean => {
  const named: Readonly<Record<string, ReadonlyArray<string>>> = {
    StartApplication: ['type', 'applicationId', 'applicant', 'amount'],
    SubmitApplication: ['type', 'applicationId'],
  }
  const c = command as { readonly type: string; readonly amount?: object }
  const only = (value: object, keys: ReadonlyArray<string>): boolean =>
    Object.keys(value).every((k) => keys.includes(k))
  return only(c, named[c.type] ?? []) && (c.amount === undefined || only(c.amount, ['amount', 'currency']))
}

test('property: any command is refused as InvalidCommand or handled, never thrown, never written when invalid', async (t) => {
  const outcomes = new Set<string>()
  await fc.assert(
    fc.asyncProperty(commandLike, async (command) => {
      const { store, handle } = setup()
      const result = await handle(command, { actor: applicant })()
      outcomes.add(E.isRight(result) ? 'Right' : result.left._tag)
      const decodes = E.isRight(GrantCommand.decode(command)) && namesOnly(command)
      if (E.isLeft(result)) {
        t.true(['InvalidCommand', 'Rejected'].includes(result.left._tag), result.left._tag)
        t.is(result.left._tag === 'InvalidCommand', !decodes)
        if (result.left._tag === 'InvalidCommand') t.true(result.left.problems.length > 0)
        t.is(await store.headPosition(), 0)
      } else {
        t.true(decodes)
        t.is(await store.headPosition(), result.right.revision + 1)
      }
    }),
    {
      // One of each outcome always runs, whatever the random inputs turn out to be.
      examples: [
        [
          {
            type: 'StartApplication',
            applicationId: APPLICATION,
            applicant: 'Fenland Food Bank',
            amount: { amount: 500_000, currency: 'GBP' },
          },
        ],
        [{ type: 'SubmitApplication', applicationId: APPLICATION }],
        [{ type: 'SubmitApplication', applicationId: 42 }],
      ],
    },
  )
  t.deepEqual([...outcomes].sort(), ['InvalidCommand', 'Rejected', 'Right'], 'the property saw every outcome')
  t.deepEqual(Object.keys(Object.prototype), [], 'nothing polluted Object.prototype')
})

test('property: any context is refused as InvalidCommand unless it carries an actor and nothing else unknown', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.anything({ key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'actor')) }),
        fc.record(
          { actor: fc.oneof(fc.constant(applicant), fc.anything()), tenant: fc.anything() },
          { requiredKeys: [] },
        ),
      ),
      async (context) => {
        const { store, handle } = setup()
        const result = await handle(start, context)()
        if (E.isLeft(result)) {
          t.is(result.left._tag, 'InvalidCommand')
          t.is(await store.headPosition(), 0)
        } else t.is(await store.headPosition(), 1)
      },
    ),
  )
})

// --- exact commands ---

test('a command carrying a field its codec does not name is InvalidCommand naming the field, at any depth, and nothing is written', async (t) => {
  const { store, handle, grants } = setup()
  const top = leftOf(await handle({ ...start, note: 'alice@example.org' }, { actor: applicant })())
  t.deepEqual(top._tag === 'InvalidCommand' && top.problems, ['command note: not a field of StartApplication'])
  const nested = leftOf(
    await handle({ ...start, amount: { ...start.amount, memo: 'alice@example.org' } }, { actor: applicant })(),
  )
  t.deepEqual(nested._tag === 'InvalidCommand' && nested.problems, [
    'command amount.memo: not a field of StartApplication',
  ])
  // An object made by JSON.parse carries `__proto__` and `constructor` as keys of its own.
  const hostile = JSON.parse(
    `{"type":"SubmitApplication","applicationId":"${APPLICATION}","__proto__":{"admin":true},"constructor":1}`,
  ) as unknown
  const polluted = leftOf(await handle(hostile, { actor: applicant })())
  t.deepEqual(polluted._tag === 'InvalidCommand' && polluted.problems, [
    'command __proto__: not a field of SubmitApplication',
    'command constructor: not a field of SubmitApplication',
  ])
  const context = leftOf(await handle(start, { actor: { ...applicant, nickname: 'Al' } })())
  t.deepEqual(context._tag === 'InvalidCommand' && context.problems, [
    'context actor.nickname: not a field of a command context',
  ])
  t.is(await store.headPosition(), 0)
  t.is(grants.decisions(), 0)
})

test('an unknown command type is named with the known ones, and no error quotes more than 60 characters of it', async (t) => {
  const { handle } = setup()
  const unknown = leftOf(
    await handle({ type: 'WithdrawApplication', applicationId: APPLICATION }, { actor: applicant })(),
  )
  t.deepEqual(unknown._tag === 'InvalidCommand' && unknown.problems, [
    'command type: "WithdrawApplication" is not a command of grants.application (known: StartApplication, SubmitApplication)',
  ])
  const huge = leftOf(await handle({ type: 'x'.repeat(10_000_000) }, { actor: applicant })())
  t.true(huge.message.length < 300, `${huge.message.length} characters`)
  const missing = leftOf(await handle({ applicationId: APPLICATION }, { actor: applicant })())
  t.regex(
    missing.message,
    /command type: missing; a command of grants.application is one of StartApplication, SubmitApplication/,
  )
  const longKey = leftOf(await handle({ ...submit, ['k'.repeat(100_000)]: 1 }, { actor: applicant })())
  t.true(longKey.message.length < 300, `${longKey.message.length} characters`)
})

// --- authorisation ---

test('denyAll forbids every command, and nothing is written', async (t) => {
  const { store, handle, grants } = setup({ policy: denyAll })
  const error = leftOf(await handle(start, { actor: applicant })())
  t.is(error._tag, 'Forbidden')
  t.regex(error.message, /grants\.application\/StartApplication/)
  t.is(await store.headPosition(), 0)
  t.is(grants.decisions(), 0)
})

test('rolePolicy allows the listed roles only', async (t) => {
  const { store, handle } = setup({
    policy: rolePolicy({
      'grants.application': { StartApplication: ['applicant'], SubmitApplication: ['grants-officer'] },
    }),
  })
  const wrongRole = leftOf(await handle(start, { actor: officer })())
  t.is(wrongRole._tag, 'Forbidden')
  t.regex(wrongRole.message, /role grants-officer may not send grants\.application\/StartApplication/)
  t.is(await store.headPosition(), 0)

  rightOf(await handle(start, { actor: applicant })())
  t.is(leftOf(await handle(submit, { actor: applicant })())._tag, 'Forbidden')
  t.is(await store.headPosition(), 1)
  rightOf(await handle(submit, { actor: officer })())
  t.is(await store.headPosition(), 2)
})

test('rolePolicy denies commands and aggregates it does not list', async (t) => {
  const { handle, count } = setup({ policy: rolePolicy({ 'grants.application': { StartApplication: ['*'] } }) })
  rightOf(await handle(start, { actor: officer })())
  t.is(leftOf(await handle(submit, { actor: officer })())._tag, 'Forbidden')
  t.is(leftOf(await count({ type: 'Increment', counterId: 'c1' }, { actor: officer })())._tag, 'Forbidden')
})

test('the policy is asked with the actor, the command and the current state', async (t) => {
  const requests: AuthorisationRequest[] = []
  const { handle } = setup({
    policy: (request) => {
      requests.push(request)
      return { allowed: true }
    },
  })
  rightOf(await handle(start, { actor: applicant })())
  rightOf(await handle(submit, { actor: officer })())
  t.deepEqual(requests[1], {
    actor: officer,
    context: 'grants',
    aggregate: 'application',
    command: 'SubmitApplication',
    streamId: STREAM,
    state: { status: 'started', applicant: 'Fenland Food Bank', amount: start.amount },
    input: submit,
  })
})

test('a context that names a tenant, or any key it does not know, is InvalidCommand naming it, and nothing is written', async (t) => {
  const { store, handle, grants } = setup()
  const tenant = leftOf(await handle(start, { actor: applicant, tenant: 'cambridgeshire' })())
  t.is(tenant._tag, 'InvalidCommand')
  t.true(
    tenant._tag === 'InvalidCommand' &&
      tenant.problems.some((p) => /^context tenant: not supported; one ledger serves one data controller/.test(p)),
  )
  const stray = leftOf(await handle(start, { actor: applicant, onBehalfOf: 'peterborough' })())
  t.true(
    stray._tag === 'InvalidCommand' && stray.problems.includes('context onBehalfOf: not a field of a command context'),
  )
  t.is(await store.headPosition(), 0)
  t.is(grants.decisions(), 0)
})

// --- domain refusals ---

test('a domain refusal is Rejected with its stable code, and nothing is written', async (t) => {
  const { store, handle } = setup()
  t.deepEqual(leftOf(await handle(submit, { actor: officer })()), {
    _tag: 'Rejected',
    code: 'not-started',
    message: 'Start the application before submitting it',
  })
  t.is(await store.headPosition(), 0)

  rightOf(await handle(start, { actor: applicant })())
  rightOf(await handle(submit, { actor: officer })())
  const twice = leftOf(await handle(submit, { actor: officer })())
  t.is(twice._tag, 'Rejected')
  t.is(twice._tag === 'Rejected' ? twice.code : undefined, 'already-submitted')
  t.is(await store.headPosition(), 2)
})

// --- concurrency ---

const N = 10

test('concurrent commands on one stream all succeed by retrying', async (t) => {
  // Each lost race means another writer committed, so N attempts always suffice for N writers.
  const { store, count } = setup({ maxAttempts: N })
  const results = await Promise.all(
    Array.from({ length: N }, () => count({ type: 'Increment', counterId: 'busy' }, { actor: applicant })()),
  )
  const done = results.map(rightOf)
  t.deepEqual(
    done.map((r) => r.revision).sort((a, b) => a - b),
    Array.from({ length: N }, (_, i) => i),
  )
  t.true(
    done.some((r) => r.attempts > 1),
    'some commands had to retry',
  )
  for (const r of done) t.is(r.state, r.revision + 1, 'each result’s state matches its revision')
  const stream = await readStream(store, 'tally.counter-busy')
  t.is(stream.length, N)
  t.is(stream[stream.length - 1]?.revision, N - 1)
})

test('with maxAttempts: 1 concurrent commands that lose the race fail with Conflict and write nothing', async (t) => {
  const { store, count } = setup({ maxAttempts: 1 })
  const results = await Promise.all(
    Array.from({ length: N }, () => count({ type: 'Increment', counterId: 'busy' }, { actor: applicant })()),
  )
  const conflicts = results.filter(E.isLeft).map((r) => r.left)
  const successes = results.filter(E.isRight)
  t.true(successes.length >= 1)
  t.true(conflicts.length >= 1, 'some writers lost the race')
  for (const conflict of conflicts) {
    t.is(conflict._tag, 'Conflict')
    if (conflict._tag === 'Conflict') {
      t.is(conflict.streamId, 'tally.counter-busy')
      t.is(conflict.attempts, 1)
    }
  }
  t.is(await store.headPosition(), successes.length)
})

// --- store failures ---

/** The memory store, with `appendToStream` replaced. */
const wrapStore = (inner: EventStore, appendToStream: EventStore['appendToStream']): EventStore => ({
  appendToStream,
  appendMulti: (appends) => inner.appendMulti(appends),
  readStream: (streamId, options) => inner.readStream(streamId, options),
  readAll: (options) => inner.readAll(options),
  subscribe: (options) => inner.subscribe(options),
  readStored: (options) => inner.readStored(options),
  streamHeads: (position) => inner.streamHeads(position),
  importStored: (events) => inner.importStored(events),
  headPosition: () => inner.headPosition(),
  close: () => inner.close(),
})

test('an append whose reply was lost is resent with the same event ids and acknowledged once', async (t) => {
  const inner = createMemoryEventStore({ clock: fixedClock(NOW) })
  const sent: Array<ReadonlyArray<NewEvent>> = []
  const store = wrapStore(inner, async (streamId, events, options) => {
    sent.push(events)
    const result = await inner.appendToStream(streamId, events, options)
    if (sent.length === 1) throw new StoreUnavailableError('connection reset before the reply arrived')
    return result
  })
  const { handle } = setup({ store })

  const result = rightOf(await handle(start, { actor: applicant })())
  t.is(sent.length, 2)
  t.deepEqual(
    sent[1]?.map((e) => e.eventId),
    sent[0]?.map((e) => e.eventId),
  )
  t.is(result.appended?.alreadyStored, true)
  t.is(result.revision, 0)
  t.deepEqual(result.state, { status: 'started', applicant: 'Fenland Food Bank', amount: start.amount })
  t.is((await readStream(inner, STREAM)).length, 1)
  t.is(await inner.headPosition(), 1)
})

test('an append the store failed before writing is resent and written once', async (t) => {
  const inner = createMemoryEventStore()
  let calls = 0
  const store = wrapStore(inner, async (streamId, events, options) => {
    if (++calls === 1) throw new StoreUnavailableError('connection refused')
    return inner.appendToStream(streamId, events, options)
  })
  const { handle } = setup({ store })
  const result = rightOf(await handle(start, { actor: applicant })())
  t.is(result.appended?.alreadyStored, false)
  t.is(await inner.headPosition(), 1)
})

test('a store that keeps failing gives StoreUnavailable after a bounded number of sends', async (t) => {
  const inner = createMemoryEventStore()
  let calls = 0
  const failure = new StoreUnavailableError('disk full')
  const store = wrapStore(inner, async () => {
    calls++
    throw failure
  })
  const { handle } = setup({ store, maxStoreRetries: 2 })
  const error = leftOf(await handle(start, { actor: applicant })())
  t.is(error._tag, 'StoreUnavailable')
  t.is(error.message, 'disk full')
  t.is(error._tag === 'StoreUnavailable' ? error.cause : undefined, failure)
  t.is(calls, 3)
  t.is(await inner.headPosition(), 0)
})

test('a store that fails to read gives StoreUnavailable, not a throw', async (t) => {
  const inner = createMemoryEventStore()
  const store: EventStore = {
    ...wrapStore(inner, (s, e, o) => inner.appendToStream(s, e, o)),
    readStream: () => {
      throw new StoreUnavailableError('connection lost')
    },
  }
  const { handle } = setup({ store })
  const error = leftOf(await handle(start, { actor: applicant })())
  t.is(error._tag, 'StoreUnavailable')
  t.is(error.message, 'connection lost')
})

// --- deterministic event ids ---

const COMMAND_ID = '0f8e4a52-6c7d-4b1e-9a3f-1d2c3b4a5e6f'

test('the same commandId gives the same event ids, whichever store and whenever', async (t) => {
  const first = setup()
  const second = setup()
  second.clock.advance(86_400_000)
  rightOf(await first.handle(start, { actor: applicant, commandId: COMMAND_ID })())
  rightOf(await second.handle(start, { actor: officer, commandId: COMMAND_ID })())
  const [a] = await readStream(first.store, STREAM)
  const [b] = await readStream(second.store, STREAM)
  t.truthy(a?.eventId)
  t.is(a?.eventId, b?.eventId)

  const third = setup()
  rightOf(await third.handle(start, { actor: applicant, commandId: '1f8e4a52-6c7d-4b1e-9a3f-1d2c3b4a5e6f' })())
  const [c] = await readStream(third.store, STREAM)
  t.not(c?.eventId, a?.eventId, 'another commandId gives other ids')
})

test('a command sent twice with the same commandId is decided again: the second is Rejected and nothing is written twice', async (t) => {
  const { store, handle } = setup()
  rightOf(await handle(start, { actor: applicant })())
  const context = { actor: officer, commandId: COMMAND_ID }
  const first = rightOf(await handle(submit, context)())
  t.is(first.appended?.alreadyStored, false)
  const again = leftOf(await handle(submit, context)())
  t.deepEqual(again, {
    _tag: 'Rejected',
    code: 'already-submitted',
    message: 'This application was already submitted',
  })
  t.is((await readStream(store, STREAM)).length, 2)
})

test('a resent command whose decision repeats is acknowledged as already stored, and stored once', async (t) => {
  const { store, count } = setup()
  const context = { actor: applicant, commandId: COMMAND_ID }
  const first = rightOf(await count({ type: 'Increment', counterId: 'c1' }, context)())
  const again = rightOf(await count({ type: 'Increment', counterId: 'c1' }, context)())
  t.is(first.appended?.alreadyStored, false)
  t.is(again.appended?.alreadyStored, true)
  t.is(again.appended?.firstPosition, first.appended?.firstPosition)
  t.is(again.revision, 0)
  const stream = await readStream(store, 'tally.counter-c1')
  t.is(stream.length, 1)
})

// The handler folds the repeated decision into the state it loaded, which already holds the stored
// events, so the acknowledged retry reports a count of 2 for a stream holding one event (and a
// revision of 0 beside it). command-handler.ts: `events.reduce(aggregate.decider.evolve, state)`
// runs even when `appended.alreadyStored` says the events were in `state` already.
test('a resent command acknowledged as already stored reports the state the stream holds', async (t) => {
  const { count } = setup()
  const context = { actor: applicant, commandId: COMMAND_ID }
  const first = rightOf(await count({ type: 'Increment', counterId: 'c1' }, context)())
  const again = rightOf(await count({ type: 'Increment', counterId: 'c1' }, context)())
  t.is(first.state, 1)
  t.is(again.state, 1)
})

// --- unreadable history ---

test('a stored event that fails its codec is UnreadableEvent naming its position, and nothing is written', async (t) => {
  const { store, handle, count } = setup()
  rightOf(await count({ type: 'Increment', counterId: 'c1' }, { actor: applicant })())
  await store.appendToStream(
    STREAM,
    [
      {
        eventId: '3a4b5c6d-7e8f-4a1b-8c2d-3e4f5a6b7c8d',
        type: 'grants.ApplicationStarted',
        schemaVersion: 1,
        data: { applicationId: APPLICATION, applicant: '', amount: { amount: 1, currency: 'GBP' } },
        metadata,
      },
    ],
    { expectedRevision: 'noStream' },
  )
  const error = leftOf(await handle(submit, { actor: officer })())
  t.like(error, { _tag: 'UnreadableEvent', streamId: STREAM, revision: 0, position: 2 })
  t.regex(error.message, /position 2/)
  t.regex(error.message, /applicant: expected NonEmptyString/)
  t.is(await store.headPosition(), 2)
})

test('a stored event of an unknown type or a future version is UnreadableEvent, never skipped', async (t) => {
  for (const [type, schemaVersion] of [
    ['grants.ApplicationWithdrawn', 1],
    ['grants.ApplicationStarted', 2],
  ] as const) {
    const { store, handle } = setup()
    rightOf(await handle(start, { actor: applicant })())
    await store.appendToStream(
      STREAM,
      [{ eventId: '3a4b5c6d-7e8f-4a1b-8c2d-3e4f5a6b7c8d', type, schemaVersion, data: {}, metadata }],
      { expectedRevision: 0 },
    )
    const error = leftOf(await handle(submit, { actor: officer })())
    t.like(error, { _tag: 'UnreadableEvent', streamId: STREAM, revision: 1, position: 2 }, type)
    t.is(await store.headPosition(), 2)
  }
})
