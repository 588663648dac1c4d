/**
 * The projection contract: what every store that keeps read models (memory, SQLite, PostgreSQL)
 * must do for projection plug-ins — documents, checkpoints in the same transaction, inline and async
 * modes, blue/green rebuilds, failure policies, status and replays. Each case runs against a fresh
 * store and fails with a plain assertion naming what broke.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'

import type {
  AnyProjection,
  EventStore,
  NewEvent,
  ProjectionLogger,
  ProjectionRunner,
  ProjectionRunnerOptions,
  ProjectionStatus,
  SqlHandle,
} from '@civic-ledger/core'
import {
  createProjectionRunner,
  defineCollection,
  InvalidArgumentError,
  ProjectionError,
  ProjectionFailedError,
  replayProjections,
} from '@civic-ledger/core'
import { filter, first, firstValueFrom, timeout } from 'rxjs'

import type { ContractSubject, EventStoreFactory } from './event-store-contract'
import { testMetadata } from './fixtures'

// --- the read model under test ---

const AWARDED = 'grants.GrantAwarded'
const WITHDRAWN = 'grants.GrantWithdrawn'
const NOTED = 'grants.NoteAdded'

interface Award {
  readonly applicationId: string
  readonly fundId: string
  readonly amount: number
  readonly open: boolean
  readonly ward: string | null
}
interface FundTotal {
  readonly fundId: string
  readonly awarded: number
  /** How many events were applied: not idempotent on purpose, so a double effect shows. */
  readonly applied: number
}
const awards = defineCollection<Award, 'fundId' | 'amount' | 'open' | 'ward'>('awards', {
  indexes: ['fundId', 'amount', 'open', 'ward'],
})
const totals = defineCollection<FundTotal, 'fundId'>('fund-totals', { indexes: ['fundId'] })

interface AwardData {
  readonly applicationId: string
  readonly fundId: string
  readonly amount: number
  readonly ward?: string | null
}

const awarded = (data: AwardData): NewEvent => ({
  eventId: randomUUID(),
  type: AWARDED,
  schemaVersion: 1,
  data: { ward: null, ...data },
  metadata: testMetadata(),
})
const withdrawn = (applicationId: string): NewEvent => ({
  eventId: randomUUID(),
  type: WITHDRAWN,
  schemaVersion: 1,
  data: { applicationId },
  metadata: testMetadata(),
})
const noted = (): NewEvent => ({
  eventId: randomUUID(),
  type: NOTED,
  schemaVersion: 1,
  data: { note: 'not projected' },
  metadata: testMetadata(),
})

/** Grants awarded per fund; `fail` decides, per event, whether `apply` throws. */
const grantsProjection = (
  options: {
    readonly name?: string
    readonly version?: number
    readonly mode?: 'async' | 'inline'
    readonly onFailure?: AnyProjection['onFailure']
    readonly fail?: (data: AwardData & { readonly type: string }) => boolean
    readonly gate?: () => Promise<void>
  } = {},
): AnyProjection => ({
  name: options.name ?? 'grants-by-fund',
  version: options.version ?? 1,
  handles: [AWARDED, WITHDRAWN],
  collections: [awards, totals],
  ...(options.mode === undefined ? {} : { mode: options.mode }),
  ...(options.onFailure === undefined ? {} : { onFailure: options.onFailure }),
  apply: async (event, ctx) => {
    const data = event.data as AwardData
    if (options.fail?.({ ...data, type: event.type }) === true) throw new Error(`refused ${data.applicationId}`)
    await options.gate?.()
    const byId = ctx.collection(awards)
    const byFund = ctx.collection(totals)
    if (event.type === AWARDED) {
      await byId.put(data.applicationId, {
        applicationId: data.applicationId,
        fundId: data.fundId,
        amount: data.amount * (options.version ?? 1),
        open: true,
        ward: data.ward ?? null,
      })
      const total = (await byFund.get(data.fundId)) ?? { fundId: data.fundId, awarded: 0, applied: 0 }
      await byFund.put(data.fundId, {
        ...total,
        awarded: total.awarded + data.amount * (options.version ?? 1),
        applied: total.applied + 1,
      })
    } else {
      const award = await byId.get(data.applicationId)
      if (award === undefined) return
      await byId.put(data.applicationId, { ...award, open: false })
      const total = (await byFund.get(award.fundId)) ?? { fundId: award.fundId, awarded: 0, applied: 0 }
      await byFund.put(award.fundId, { ...total, awarded: total.awarded - award.amount, applied: total.applied + 1 })
    }
  },
})

// --- helpers ---

const quietLogger = (): ProjectionLogger & { readonly lines: string[] } => {
  const lines: string[] = []
  return { lines, warn: (message) => void lines.push(message) }
}

const running = async (
  store: EventStore,
  projections: ReadonlyArray<AnyProjection>,
  options: Partial<ProjectionRunnerOptions> = {},
): Promise<ProjectionRunner> => {
  const runner = createProjectionRunner({ store, projections, logger: quietLogger(), ...options })
  await runner.start()
  return runner
}

const award = (n: number, fundId = 'fund-a', extra: Partial<AwardData> = {}): NewEvent =>
  awarded({ applicationId: `app-${n}`, fundId, amount: 100 * n, ...extra })

const appendAwards = async (store: EventStore, from: number, to: number, fundId = 'fund-a'): Promise<void> => {
  for (let n = from; n <= to; n++)
    await store.appendToStream(`grants.application-${n}`, [award(n, fundId)], { expectedRevision: 'noStream' })
}

const untilStatus = (
  runner: ProjectionRunner,
  name: string,
  predicate: (s: ProjectionStatus) => boolean,
): Promise<ProjectionStatus> => firstValueFrom(runner.statusOf$(name).pipe(filter(predicate)))

const sum = (from: number, to: number): number => {
  let total = 0
  for (let n = from; n <= to; n++) total += 100 * n
  return total
}

// --- cases ---

/** One case of the projection contract: its title, what it needs of the store, and the check. */
export interface ProjectionContractCase {
  readonly title: string
  /** Needs a store whose read models share its database (inline projections). */
  readonly inline?: boolean
  /** Needs `reopen`. */
  readonly durable?: boolean
  /** Needs read models in a database with SQL. */
  readonly sql?: boolean
  /** Runs the case on a fresh store; rejects when the store's read models break it. */
  readonly run: (subject: ContractSubject) => Promise<void>
}

const cases: ProjectionContractCase[] = [
  {
    title: 'documents: find matches a value only of its own JSON type (1 is not true, 0 not false, "1" not 1)',
    run: async ({ store }) => {
      // One document per kind of value an indexed field can hold, and one without the field.
      const values: ReadonlyArray<readonly [string, unknown]> = [
        ['v-true', true],
        ['v-one', 1],
        ['v-one-text', '1'],
        ['v-false', false],
        ['v-zero', 0],
        ['v-zero-text', '0'],
        ['v-null', null],
        ['v-absent', undefined],
        ['v-object', { a: 1 }],
        ['v-object-text', '{"a":1}'],
        ['v-array', [1]],
        ['v-array-text', '[1]'],
      ]
      const kinds = defineCollection<{ readonly v?: unknown }, 'v'>('kinds', { indexes: ['v'] })
      const projection: AnyProjection = {
        name: 'value-kinds',
        version: 1,
        handles: [AWARDED],
        collections: [kinds],
        apply: async (_event, ctx) => {
          const c = ctx.collection(kinds)
          for (const [id, v] of values) await c.put(id, v === undefined ? {} : { v })
        },
      }
      await store.appendToStream('grants.application-1', [award(1)], { expectedRevision: 'noStream' })
      const runner = await running(store, [projection])
      try {
        await runner.waitUntilCaughtUp()
        const q = runner.query('value-kinds', kinds)
        const ids = async (v: string | number | boolean | null): Promise<string[]> =>
          (await q.entries({ v })).map((e) => e.id)
        assert.deepEqual(await ids(true), ['v-true'])
        assert.deepEqual(await ids(1), ['v-one'])
        assert.deepEqual(await ids('1'), ['v-one-text'])
        assert.deepEqual(await ids(false), ['v-false'])
        assert.deepEqual(await ids(0), ['v-zero'])
        assert.deepEqual(await ids('0'), ['v-zero-text'])
        assert.deepEqual(await ids('{"a":1}'), ['v-object-text'])
        assert.deepEqual(await ids('[1]'), ['v-array-text'])
        // null matches a field that is null or absent.
        assert.deepEqual(await ids(null), ['v-absent', 'v-null'])
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'documents: put, get, delete and find by indexed string, number, boolean and null fields, in id order',
    run: async ({ store }) => {
      await store.appendToStream('grants.application-1', [award(1, 'fund-a', { ward: 'E05013047' })], {
        expectedRevision: 'noStream',
      })
      await store.appendToStream('grants.application-2', [award(2, 'fund-b')], { expectedRevision: 'noStream' })
      await store.appendToStream('grants.application-3', [award(3, 'fund-a')], { expectedRevision: 'noStream' })
      await store.appendToStream('grants.application-2', [withdrawn('app-2')], { expectedRevision: 0 })
      const runner = await running(store, [grantsProjection()])
      try {
        await runner.waitUntilCaughtUp()
        const q = runner.query('grants-by-fund', awards)
        assert.deepEqual(
          (await q.find({ fundId: 'fund-a' })).map((a) => a.applicationId),
          ['app-1', 'app-3'],
        )
        assert.deepEqual(
          (await q.find({ amount: 300 })).map((a) => a.applicationId),
          ['app-3'],
        )
        assert.deepEqual((await q.find({ amount: 300.0, fundId: 'fund-b' })).length, 0)
        assert.deepEqual(
          (await q.find({ open: false })).map((a) => a.applicationId),
          ['app-2'],
        )
        assert.deepEqual(
          (await q.find({ ward: null })).map((a) => a.applicationId),
          ['app-2', 'app-3'],
        )
        assert.deepEqual(
          (await q.find({ ward: 'E05013047' })).map((a) => a.applicationId),
          ['app-1'],
        )
        // A string never matches a number, nor true the number 1.
        assert.deepEqual(await q.find({ amount: '300' as unknown as number }), [])
        const page1 = await q.entries(undefined, { limit: 2 })
        assert.deepEqual(
          page1.map((e) => e.id),
          ['app-1', 'app-2'],
        )
        const page2 = await q.entries(undefined, { limit: 2, after: page1[1]?.id ?? '' })
        assert.deepEqual(
          page2.map((e) => e.id),
          ['app-3'],
        )
        assert.deepEqual(await runner.query('grants-by-fund', totals).get('fund-a'), {
          fundId: 'fund-a',
          awarded: 400,
          applied: 2,
        })
        assert.deepEqual(await runner.query('grants-by-fund', totals).get('fund-b'), {
          fundId: 'fund-b',
          awarded: 0,
          applied: 2,
        })
        assert.equal(await q.get('app-9'), undefined)
        await assert.rejects(q.find({ applicationId: 'app-1' } as never), InvalidArgumentError)
        await assert.rejects(q.get(''), InvalidArgumentError)
        // A lone surrogate cannot be stored as it is: refused, not turned into another id.
        await assert.rejects(q.get('app-\ud800'), InvalidArgumentError)
        // A well-formed astral character is an ordinary id.
        assert.equal(await q.get('app-\ud83c\udf3b'), undefined)
        await assert.rejects(q.find({ amount: Number.NaN }), InvalidArgumentError)
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'async: a batch and its checkpoint commit together, and a restarted runner resumes without a double effect',
    run: async ({ store }) => {
      await appendAwards(store, 1, 30)
      const first = await running(store, [grantsProjection()], { batchSize: 7 })
      await first.waitUntilCaughtUp()
      await first.stop()
      await appendAwards(store, 31, 40)
      const second = await running(store, [grantsProjection()], { batchSize: 7 })
      try {
        const head = await second.waitUntilCaughtUp()
        assert.equal(head, 40)
        assert.equal(second.status('grants-by-fund').position, 40)
        assert.deepEqual(await second.query('grants-by-fund', totals).get('fund-a'), {
          fundId: 'fund-a',
          awarded: sum(1, 40),
          applied: 40,
        })
      } finally {
        await second.stop()
      }
    },
  },
  {
    title: 'async: live events are applied as they commit, and waitUntilCaughtUp covers every commit before it',
    run: async ({ store }) => {
      const runner = await running(store, [grantsProjection()])
      try {
        await Promise.all([appendAwards(store, 1, 20), appendAwards(store, 21, 40, 'fund-b')])
        await store.appendToStream('grants.note-1', [noted()], { expectedRevision: 'noStream' })
        const head = await runner.waitUntilCaughtUp()
        assert.equal(head, 41)
        const status = runner.status('grants-by-fund')
        assert.equal(status.position, 41)
        assert.equal(status.lag, 0)
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-b'))?.applied, 20)
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.awarded, sum(1, 20))
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'halt: stops before the failing event, says why, and resumes there on restart',
    run: async ({ store }) => {
      await appendAwards(store, 1, 10)
      let broken = true
      const runner = await running(store, [grantsProjection({ fail: (d) => broken && d.applicationId === 'app-6' })])
      try {
        const error = await runner.waitUntilCaughtUp().then(
          () => undefined,
          (e: unknown) => e,
        )
        assert.ok(error instanceof ProjectionError, 'waitUntilCaughtUp rejects with a ProjectionError')
        assert.equal(error.problem, 'halted')
        const status = runner.status('grants-by-fund')
        assert.equal(status.state, 'halted')
        assert.equal(status.position, 5, 'stopped before the failing event')
        assert.equal(status.lastError?.position, 6)
        assert.equal(status.lastError?.streamId, 'grants.application-6')
        assert.match(status.lastError?.message ?? '', /refused app-6/)
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 5)
        broken = false
        runner.restart('grants-by-fund')
        await runner.waitUntilCaughtUp()
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 10)
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.awarded, sum(1, 10))
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'retry: a few failures back off and recover, logging once, not per attempt',
    run: async ({ store }) => {
      await appendAwards(store, 1, 5)
      let failures = 0
      const logger = quietLogger()
      const runner = await running(
        store,
        [
          grantsProjection({
            onFailure: { kind: 'retry', maxAttempts: 6, initialDelayMs: 5 },
            fail: (d) => d.applicationId === 'app-3' && failures++ < 3,
          }),
        ],
        { logger },
      )
      try {
        await runner.waitUntilCaughtUp()
        assert.equal(failures, 4, 'three failures, then success')
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 5)
        assert.equal(logger.lines.length, 1, `one log line for the failure, got ${logger.lines.join(' | ')}`)
        assert.equal(runner.status('grants-by-fund').state, 'live')
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'retry: when the attempts run out it halts before the event, never skipping it',
    run: async ({ store }) => {
      await appendAwards(store, 1, 4)
      let attempts = 0
      const logger = quietLogger()
      const runner = await running(
        store,
        [
          grantsProjection({
            onFailure: { kind: 'retry', maxAttempts: 3, initialDelayMs: 1 },
            fail: (d) => d.applicationId === 'app-2' && ++attempts > 0,
          }),
        ],
        { logger },
      )
      try {
        await assert.rejects(runner.waitUntilCaughtUp(), ProjectionError)
        assert.equal(attempts, 3)
        assert.equal(runner.status('grants-by-fund').position, 1)
        assert.equal(runner.status('grants-by-fund').attempts, 3)
        assert.equal(logger.lines.length, 2, 'one line when it failed, one when it gave up')
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'dead-letter: parks the event and the later events of its stream, goes on, and retries or discards them',
    run: async ({ store }) => {
      await appendAwards(store, 1, 3)
      await store.appendToStream('grants.application-2', [withdrawn('app-2')], { expectedRevision: 0 })
      await appendAwards(store, 4, 5)
      let broken = true
      const runner = await running(store, [
        grantsProjection({ onFailure: { kind: 'dead-letter' }, fail: (d) => broken && d.applicationId === 'app-2' }),
      ])
      try {
        await runner.waitUntilCaughtUp()
        const parked = await runner.parked('grants-by-fund')
        assert.deepEqual(
          parked.map((p) => [p.position, p.streamId, p.type]),
          [
            [2, 'grants.application-2', AWARDED],
            [4, 'grants.application-2', WITHDRAWN],
          ],
        )
        assert.match(parked[0]?.reason ?? '', /refused app-2/)
        assert.match(parked[1]?.reason ?? '', /earlier event/)
        assert.equal(runner.status('grants-by-fund').parked, 2)
        assert.equal(runner.status('grants-by-fund').position, 6)
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 4)
        const stillBroken = await runner.retryParked('grants-by-fund')
        assert.equal(stillBroken.retried, 0)
        assert.equal(stillBroken.failed[0]?.streamId, 'grants.application-2')
        broken = false
        const retried = await runner.retryParked('grants-by-fund')
        assert.deepEqual(retried, { retried: 2, failed: [] })
        assert.deepEqual(await runner.parked('grants-by-fund'), [])
        assert.equal((await runner.query('grants-by-fund', awards).get('app-2'))?.open, false)
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 6)
        // Discarding: park one more, then throw it away without applying it.
        broken = true
        await store.appendToStream('grants.application-2', [withdrawn('app-2')], { expectedRevision: 1 })
        await runner.waitUntilCaughtUp()
        const [again] = await runner.parked('grants-by-fund')
        assert.equal(again?.position, 7)
        assert.equal(await runner.discardParked('grants-by-fund', 7), true)
        assert.equal(await runner.discardParked('grants-by-fund', 7), false)
        assert.deepEqual(await runner.parked('grants-by-fund'), [])
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 6)
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'dead-letter parks an event that follows events it does not handle, logs it once and goes on',
    run: async ({ store }) => {
      // Position 1 is of a type the projection does not handle, and the first one it handles fails.
      await store.appendToStream('grants.notes-1', [noted()], { expectedRevision: 'noStream' })
      await store.appendToStream('grants.application-1', [award(1, 'fund-a')], { expectedRevision: 'noStream' })
      await store.appendToStream('grants.notes-1', [noted()], { expectedRevision: 0 })
      await appendAwards(store, 2, 2)
      for (const onFailure of [
        { kind: 'dead-letter' },
        { kind: 'retry', maxAttempts: 2, initialDelayMs: 1, then: 'dead-letter' },
      ] as const) {
        let calls = 0
        const logger = quietLogger()
        const name = `parks-${onFailure.kind}`
        const runner = await running(
          store,
          [grantsProjection({ name, onFailure, fail: (d) => d.applicationId === 'app-1' && ++calls > 0 })],
          { logger },
        )
        try {
          await runner.waitUntilCaughtUp({ timeoutMs: 10_000 })
          assert.deepEqual(
            (await runner.parked(name)).map((p) => p.position),
            [2],
          )
          assert.equal(runner.status(name).position, 4)
          assert.equal(runner.status(name).parked, 1)
          assert.equal((await runner.query(name, totals).get('fund-a'))?.applied, 1, `${name} applied app-2`)
          assert.equal(calls, onFailure.kind === 'retry' ? 2 : 1, `${name} tried app-1 ${calls} times`)
          assert.equal(logger.lines.length, onFailure.kind === 'retry' ? 2 : 1, logger.lines.join('\n'))
        } finally {
          await runner.stop()
        }
      }
    },
  },
  {
    title: 'a projection that throws on one event type: halt stops there; dead-letter parks only that type',
    run: async ({ store }) => {
      await appendAwards(store, 1, 3)
      await store.appendToStream('grants.application-1', [withdrawn('app-1')], { expectedRevision: 0 })
      await store.appendToStream('grants.application-3', [withdrawn('app-3')], { expectedRevision: 0 })
      const failOnWithdrawal = (d: { readonly type: string }): boolean => d.type === WITHDRAWN
      const halting = await running(store, [grantsProjection({ name: 'halting', fail: failOnWithdrawal })])
      const parking = await running(store, [
        grantsProjection({ name: 'parking', fail: failOnWithdrawal, onFailure: { kind: 'dead-letter' } }),
      ])
      try {
        await assert.rejects(halting.waitUntilCaughtUp(), ProjectionError)
        assert.equal(halting.status('halting').position, 3)
        await parking.waitUntilCaughtUp()
        assert.deepEqual(
          (await parking.parked('parking')).map((p) => p.type),
          [WITHDRAWN, WITHDRAWN],
        )
        assert.equal((await parking.query('parking', totals).get('fund-a'))?.applied, 3)
      } finally {
        await halting.stop()
        await parking.stop()
      }
    },
  },
  {
    title: 'blue/green: a new version builds beside the old, which serves until the new one has caught up',
    run: async ({ store }) => {
      await appendAwards(store, 1, 20)
      const v1 = await running(store, [grantsProjection({ version: 1 })])
      await v1.waitUntilCaughtUp()
      await v1.stop()
      let release: () => void = () => undefined
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const v2 = await running(store, [grantsProjection({ version: 2, gate: () => gate })], { batchSize: 5 })
      try {
        await untilStatus(v2, 'grants-by-fund', (s) => s.state === 'catching-up')
        assert.equal(v2.status('grants-by-fund').stage, 'building')
        // Version 1 still answers queries while version 2 is held at its first batch.
        assert.equal((await v2.query('grants-by-fund', totals).get('fund-a'))?.awarded, sum(1, 20))
        release()
        await v2.waitUntilCaughtUp()
        await untilStatus(v2, 'grants-by-fund', (s) => s.stage === 'active')
        assert.equal((await v2.query('grants-by-fund', totals).get('fund-a'))?.awarded, 2 * sum(1, 20))
        const again = createProjectionRunner({ store, projections: [grantsProjection({ version: 1 })] })
        await assert.rejects(
          again.start(),
          (e: unknown) => e instanceof ProjectionError && e.problem === 'newer-version',
        )
      } finally {
        release()
        await v2.stop()
      }
    },
  },
  {
    title: 'replay: projections run into a scratch store up to a position or a time, leaving live read models alone',
    run: async ({ store }) => {
      await appendAwards(store, 1, 10)
      const live = await running(store, [grantsProjection()])
      try {
        await live.waitUntilCaughtUp()
        const replay = await replayProjections({ store, projections: [grantsProjection()], until: { position: 4 } })
        assert.equal(replay.position, 4)
        assert.equal((await replay.query('grants-by-fund', totals).get('fund-a'))?.awarded, sum(1, 4))
        assert.equal((await live.query('grants-by-fund', totals).get('fund-a'))?.awarded, sum(1, 10))
        const events: Array<{ position: number; recordedAt: string }> = []
        for await (const e of store.readAll()) events.push(e)
        const cut = events[6]?.recordedAt ?? ''
        const byTime = await replayProjections({ store, projections: [grantsProjection()], until: { recordedAt: cut } })
        const applied = (await byTime.query('grants-by-fund', totals).get('fund-a'))?.applied ?? 0
        const prefix = events.findIndex((e) => e.recordedAt > cut)
        const included = prefix < 0 ? events.length : prefix
        assert.equal(applied, included, 'the log up to its first event recorded after the time')
        assert.equal(byTime.position, events[included - 1]?.position ?? 0, 'the position of the last event included')
        assert.equal(live.status('grants-by-fund').position, 10)
        await assert.rejects(
          replayProjections({
            store,
            projections: [grantsProjection()],
            ...(store.readModels === undefined ? {} : { storage: store.readModels }),
          }),
          InvalidArgumentError,
        )
      } finally {
        await live.stop()
      }
    },
  },
  {
    title: 'status: state, position, lag and last error are published as they change',
    run: async ({ store }) => {
      await appendAwards(store, 1, 3)
      const runner = await running(store, [grantsProjection()])
      try {
        const seen: ProjectionStatus[] = []
        const subscription = runner.status$.subscribe((list) => list.forEach((s) => seen.push(s)))
        await runner.waitUntilCaughtUp()
        await appendAwards(store, 4, 4)
        await runner.waitUntilCaughtUp()
        // Caught up is about positions; the state turns live on the runner's next look at the head.
        await firstValueFrom(
          runner.status$.pipe(
            first((list) => list.every((s) => s.state === 'live')),
            timeout(5_000),
          ),
        )
        subscription.unsubscribe()
        const last = seen[seen.length - 1]
        assert.equal(last?.position, 4)
        assert.equal(last?.head, 4)
        assert.equal(last?.lag, 0)
        assert.equal(last?.lastError, undefined)
        assert.ok(seen.some((s) => s.state === 'live'))
        const positions = seen.map((s) => s.position)
        assert.deepEqual(
          positions,
          [...positions].sort((a, b) => a - b),
          'positions only move forward',
        )
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'inline: the read model is updated in the append transaction, and a failing projection refuses the append',
    inline: true,
    run: async ({ store }) => {
      await appendAwards(store, 1, 3)
      const runner = await running(store, [
        grantsProjection({ mode: 'inline', fail: (d) => d.applicationId === 'app-bad' }),
      ])
      try {
        await runner.waitUntilCaughtUp()
        await appendAwards(store, 4, 4)
        // No waiting: the append's own transaction updated the read model.
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 4)
        const head = await store.headPosition()
        await assert.rejects(
          store.appendToStream(
            'grants.application-bad',
            [awarded({ applicationId: 'app-bad', fundId: 'fund-a', amount: 1 })],
            { expectedRevision: 'noStream' },
          ),
          ProjectionFailedError,
        )
        assert.equal(await store.headPosition(), head, 'the refused append wrote nothing')
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 4)
        await store.appendMulti([
          { streamId: 'grants.application-5', events: [award(5)], expectedRevision: 'noStream' },
          { streamId: 'grants.note-5', events: [noted()], expectedRevision: 'noStream' },
        ])
        assert.equal((await runner.query('grants-by-fund', totals).get('fund-a'))?.applied, 5)
        await runner.waitUntilCaughtUp()
        assert.equal(runner.status('grants-by-fund').position, head + 2)
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'inline: concurrent appends each update the read model exactly once',
    inline: true,
    run: async ({ store }) => {
      const runner = await running(store, [grantsProjection({ mode: 'inline' })])
      try {
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            store.appendToStream(`grants.application-${i + 1}`, [award(i + 1)], { expectedRevision: 'noStream' }),
          ),
        )
        assert.deepEqual(await runner.query('grants-by-fund', totals).get('fund-a'), {
          fundId: 'fund-a',
          awarded: sum(1, 40),
          applied: 40,
        })
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'SQL: a projection keeps its own versioned tables, the host reads them, and a rebuild drops the old ones',
    sql: true,
    run: async ({ store }) => {
      await appendAwards(store, 1, 6)
      await appendAwards(store, 7, 9, 'fund-b')
      const awardsBySql = (version: number): AnyProjection => ({
        name: 'awards-sql',
        version,
        handles: [AWARDED],
        setup: async (ctx) => {
          const sql = ctx.sql
          if (sql === undefined) throw new Error('this store has no SQL')
          await sql.execute(
            `CREATE TABLE ${sql.table('fund-counts')} (fund_id TEXT PRIMARY KEY, awards INTEGER NOT NULL, largest INTEGER NOT NULL)`,
          )
        },
        apply: async (event, ctx) => {
          const sql = ctx.sql
          if (sql === undefined) throw new Error('this store has no SQL')
          const { fundId, amount } = event.data as AwardData
          const t = sql.table('fund-counts')
          const p = sql.dialect === 'postgres' ? ['$1', '$2'] : ['?', '?']
          await sql.execute(
            `INSERT INTO ${t} (fund_id, awards, largest) VALUES (${p[0] ?? ''}, 1, ${p[1] ?? ''})
             ON CONFLICT (fund_id) DO UPDATE SET awards = ${t}.awards + 1, largest = max_of`.replace(
              'max_of',
              sql.dialect === 'postgres'
                ? `GREATEST(${t}.largest, excluded.largest)`
                : `max(${t}.largest, excluded.largest)`,
            ),
            [fundId, amount * version],
          )
        },
      })
      const read = (runner: ProjectionRunner) =>
        runner.sql('awards-sql', (sql, table) =>
          sql.query<{ fund_id: string; awards: number | string; largest: number | string }>(
            `SELECT fund_id, awards, largest FROM ${table('fund-counts')} ORDER BY fund_id`,
          ),
        )
      const v1 = await running(store, [awardsBySql(1)])
      await v1.waitUntilCaughtUp()
      assert.deepEqual(
        (await read(v1)).map((r) => [r.fund_id, Number(r.awards), Number(r.largest)]),
        [
          ['fund-a', 6, 600],
          ['fund-b', 3, 900],
        ],
      )
      await v1.stop()
      const v2 = await running(store, [awardsBySql(2)])
      try {
        await v2.waitUntilCaughtUp()
        await untilStatus(v2, 'awards-sql', (s) => s.stage === 'active')
        assert.deepEqual(
          (await read(v2)).map((r) => [r.fund_id, Number(r.largest)]),
          [
            ['fund-a', 1200],
            ['fund-b', 1800],
          ],
        )
        const leftovers = await v2.sql('awards-sql', (sql) =>
          sql.query<{ name: string }>(
            sql.dialect === 'postgres'
              ? "SELECT tablename AS name FROM pg_tables WHERE left(tablename, 18) = 'rm_awards_sql_v1__'"
              : "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 18) = 'rm_awards_sql_v1__'",
          ),
        )
        assert.deepEqual(leftovers, [], 'version 1 tables are dropped once version 2 serves')
      } finally {
        await v2.stop()
      }
    },
  },
  {
    title: 'documents kept between batches: a parked event another runner retries is seen, not overwritten',
    run: async ({ store }) => {
      let refuse = true
      const tally = (): AnyProjection => ({
        name: 'tally',
        version: 1,
        handles: [AWARDED],
        collections: [totals],
        onFailure: { kind: 'dead-letter' },
        apply: async (event, ctx) => {
          const data = event.data as AwardData
          if (refuse && data.applicationId === 'app-2') throw new Error('not yet')
          const all = ctx.collection(totals)
          const total = (await all.get('all')) ?? { fundId: 'all', awarded: 0, applied: 0 }
          await all.put('all', { ...total, awarded: total.awarded + data.amount, applied: total.applied + 1 })
        },
      })
      await appendAwards(store, 1, 3)
      const runner = await running(store, [tally()], { batchSize: 1 })
      try {
        await runner.waitUntilCaughtUp()
        assert.deepEqual(await runner.query('tally', totals).get('all'), { fundId: 'all', awarded: 400, applied: 2 })
        // Another app instance (an operator's tool, say) retries the parked event.
        const other = createProjectionRunner({ store, projections: [tally()], logger: quietLogger() })
        refuse = false
        assert.deepEqual(await other.retryParked('tally'), { retried: 1, failed: [] })
        await appendAwards(store, 4, 4)
        await runner.waitUntilCaughtUp()
        assert.deepEqual(
          await runner.query('tally', totals).get('all'),
          { fundId: 'all', awarded: sum(1, 4), applied: 4 },
          'the retried award counts, and so does the next one',
        )
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title: 'plain SQL sees what a batch put before it, and documents kept between batches never hide what it changed',
    sql: true,
    run: async ({ store }) => {
      const counter = defineCollection<{ readonly n: number }>('counter')
      const counting: AnyProjection = {
        name: 'sql-counting',
        version: 1,
        handles: [AWARDED, WITHDRAWN],
        collections: [counter],
        apply: async (event, ctx) => {
          const sql = ctx.sql
          if (sql === undefined) throw new Error('this store has no SQL')
          if (event.type === WITHDRAWN) {
            // Resets the count behind the collection's back.
            const reset = sql.dialect === 'postgres' ? `jsonb_set(body, '{n}', '0'::jsonb)` : `json_set(body, '$.n', 0)`
            await sql.execute(`UPDATE ${sql.table('counter')} SET body = ${reset} WHERE id = 'all'`)
            return
          }
          const docs = ctx.collection(counter)
          await docs.put('all', { n: ((await docs.get('all'))?.n ?? 0) + 1 })
        },
      }
      const count = async (runner: ProjectionRunner) => (await runner.query('sql-counting', counter).get('all'))?.n
      // In one batch: two awards, a reset, an award.
      await appendAwards(store, 1, 2)
      await store.appendToStream('grants.application-1', [withdrawn('app-1')], { expectedRevision: 0 })
      await appendAwards(store, 3, 3)
      const runner = await running(store, [counting])
      try {
        await runner.waitUntilCaughtUp()
        assert.equal(await count(runner), 1, 'the reset saw the two awards the batch had put')
        // Batch by batch: an award, a reset, an award.
        await appendAwards(store, 4, 4)
        await runner.waitUntilCaughtUp()
        assert.equal(await count(runner), 2)
        await store.appendToStream('grants.application-4', [withdrawn('app-4')], { expectedRevision: 0 })
        await runner.waitUntilCaughtUp()
        assert.equal(await count(runner), 0)
        await appendAwards(store, 5, 5)
        await runner.waitUntilCaughtUp()
        assert.equal(await count(runner), 1, 'the award after the reset counts from the reset')
      } finally {
        await runner.stop()
      }
    },
  },
  {
    title:
      'indexes: a read model built from nothing gets them once it has caught up, at once if it calls find, and first thing on a restart part-way',
    sql: true,
    run: async ({ store }) => {
      const table = 'rm_indexed_v1__awards'
      const indexesNow = async (sql: SqlHandle): Promise<number> =>
        (
          await sql.query<{ name: string }>(
            sql.dialect === 'postgres'
              ? `SELECT indexname AS name FROM pg_indexes WHERE tablename = '${table}' AND indexname <> '${table}_pkey'`
              : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '${table}' AND sql IS NOT NULL`,
          )
        ).length
      const seen: Array<readonly [string, number]> = []
      let refuse: string | undefined
      const indexed: AnyProjection = {
        name: 'indexed',
        version: 1,
        handles: [AWARDED],
        collections: [awards],
        apply: async (event, ctx) => {
          const data = event.data as AwardData
          if (data.applicationId === refuse) throw new Error('not yet')
          const sql = ctx.sql
          if (sql === undefined) throw new Error('this store has no SQL')
          if (data.applicationId === 'app-3') await ctx.collection(awards).find({ fundId: 'fund-a' })
          seen.push([data.applicationId, await indexesNow(sql)])
          await ctx.collection(awards).put(data.applicationId, {
            applicationId: data.applicationId,
            fundId: data.fundId,
            amount: data.amount,
            open: true,
            ward: null,
          })
        },
      }
      await appendAwards(store, 1, 4)
      const first = await running(store, [indexed])
      await first.waitUntilCaughtUp()
      await first.stop()
      assert.deepEqual(seen, [
        ['app-1', 0],
        ['app-2', 0],
        ['app-3', 4],
        ['app-4', 4],
      ])
      const second = { ...indexed, name: 'indexed-again' }
      const againTable = 'rm_indexed_again_v1__awards'
      const listAgain = (sql: SqlHandle) =>
        sql.query<{ name: string }>(
          sql.dialect === 'postgres'
            ? `SELECT indexname AS name FROM pg_indexes WHERE tablename = '${againTable}' AND indexname <> '${againTable}_pkey'`
            : `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '${againTable}' AND sql IS NOT NULL`,
        )
      // Halts at app-2, part-way through a build: no indexes yet.
      refuse = 'app-2'
      const halting = await running(store, [{ ...second, onFailure: { kind: 'halt' } }])
      await untilStatus(halting, 'indexed-again', (s) => s.state === 'halted')
      assert.deepEqual(await halting.sql('indexed-again', listAgain), [])
      await halting.stop()
      refuse = undefined
      const resumed = await running(store, [{ ...second, apply: async () => undefined }])
      try {
        assert.equal((await resumed.sql('indexed-again', listAgain)).length, 4, 'made at start, before going on')
        await resumed.waitUntilCaughtUp()
        const done = await first.sql('indexed', async (sql) => indexesNow(sql))
        assert.equal(done, 4)
      } finally {
        await resumed.stop()
      }
    },
  },
  {
    title: 'durability: checkpoints and read models survive reopening the store',
    durable: true,
    run: async ({ store, reopen }) => {
      await appendAwards(store, 1, 12)
      const runner = await running(store, [grantsProjection()])
      await runner.waitUntilCaughtUp()
      await runner.stop()
      if (reopen === undefined) throw new Error('this case needs reopen')
      const again = await reopen()
      const resumed = await running(again, [grantsProjection()])
      try {
        assert.equal(resumed.status('grants-by-fund').position, 12)
        await appendAwards(again, 13, 14)
        await resumed.waitUntilCaughtUp()
        assert.deepEqual(await resumed.query('grants-by-fund', totals).get('fund-a'), {
          fundId: 'fund-a',
          awarded: sum(1, 14),
          applied: 14,
        })
      } finally {
        await resumed.stop()
        await again.close()
      }
    },
  },
]

/** Every case of the projection contract, as `projectionContract` registers them. */
export const projectionContractCases: ReadonlyArray<ProjectionContractCase> = cases

/** Runs one case against a fresh store, always closing and disposing it. */
export const runProjectionCase = async (
  factory: EventStoreFactory,
  contractCase: ProjectionContractCase,
): Promise<void> => {
  const made = await factory()
  const subject: ContractSubject = 'store' in made ? made : { store: made }
  try {
    await contractCase.run(subject)
  } finally {
    await subject.store.close().catch(() => undefined)
    await subject.dispose?.()
  }
}
