/**
 * The workload of the terminated-backends phase (`terminations.ts`), run in a process of its own so
 * that a crash is counted, not fatal. Every operation that holds a connection runs at once, each
 * on a store whose connections carry their own `application_name`: single appends, multi-stream
 * appends, appends with an inline projection, imports into a second schema, and an async
 * projection's read-model batches. Each failed send is resent with the same ids until it is
 * acknowledged (an import, until it is found stored). Every send and its outcome is reported as a
 * line of JSON on stdout; `stop` on stdin ends the loops once their current operation is settled.
 *
 * `node terminations-child.js <json of ChildOptions>`
 */
import type { AppendResult, EventStore, StoredEvent, StreamAppend } from '@civic-ledger/core'
import { createMemoryEventStore, createProjectionRunner, WrongExpectedRevisionError } from '@civic-ledger/core'
import { openPostgresEventStore } from '@civic-ledger/store-postgres'
import { collect } from '@civic-ledger/testing'

import { kindOf, retryable, seeded, sleep, tortureEvents, withApplication, writtenOf } from './common'
import type { ChildMessage, ChildOptions, Ledger } from './terminations-protocol'
import { BATCHES_PROJECTION, INLINE_PROJECTION, INLINE_TYPE } from './terminations-protocol'

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions
const random = seeded(options.seed)
let stopping = false
let nextOperation = 0

const report = (message: ChildMessage): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}

// A crash is what the phase counts: say what it was, then end with a code of its own.
const crash = (what: string) => (error: unknown) => {
  report({ t: 'uncaught', what, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
  process.exit(70)
}
process.on('uncaughtException', crash('uncaught exception'))
process.on('unhandledRejection', crash('unhandled rejection'))

process.stdin.on('data', (chunk: Buffer) => {
  if (chunk.toString().includes('stop')) {
    stopping = true
    report({ t: 'stage', stage: 'stopping the loops' })
  }
})

const open = (application: string, schema: string, poolSize = 3) =>
  openPostgresEventStore({
    connectionString: withApplication(options.url, `${options.application}-${application}`),
    schema,
    poolSize,
    pollIntervalMs: 200,
  })

/** Sends until acknowledged, reporting each attempt; a typed refusal ends it. */
const send = async (
  ledger: Ledger,
  appends: ReadonlyArray<Pick<StreamAppend, 'streamId' | 'events'>>,
  attempt: () => Promise<ReadonlyArray<AppendResult>>,
): Promise<{ readonly results?: ReadonlyArray<AppendResult>; readonly refused?: unknown }> => {
  const shape = appends.map((a) => ({ streamId: a.streamId, eventIds: a.events.map((e) => e.eventId) }))
  for (;;) {
    const op = ++nextOperation
    report({ t: 'begin', op, ledger, appends: shape })
    try {
      const results = await attempt()
      report({ t: 'ack', op, results })
      return { results }
    } catch (error) {
      report({ t: 'fail', op, kind: kindOf(error), written: writtenOf(error), error: String(error) })
      // An inline projection that lost its connection fails the append: that too is sent again.
      if (!retryable(error) && kindOf(error) !== 'ProjectionFailed') return { refused: error }
      await sleep(2)
    }
  }
}

/** Appends to its own streams, one stream or several at a time, until stopped. */
const appending = async (store: EventStore, name: string, streams: number, type?: string): Promise<void> => {
  const revisions = Array.from({ length: streams }, () => -1)
  for (let round = 0; !stopping; round++) {
    const appends = revisions.map((revision, k) => ({
      streamId: `torture.${name}-${options.generation}-${k}-${Math.floor(round / 20)}`,
      events: tortureEvents(1 + Math.floor(random() * 3), type),
      expectedRevision: round % 20 === 0 ? ('noStream' as const) : revision,
    }))
    const [only] = appends
    const sent = await send(
      'main',
      appends,
      appends.length === 1 && only !== undefined
        ? async () => [await store.appendToStream(only.streamId, only.events, only)]
        : () => store.appendMulti(appends),
    )
    if (sent.results !== undefined) sent.results.forEach((r, k) => (revisions[k] = r.lastRevision))
    else if (sent.refused instanceof WrongExpectedRevisionError) throw sent.refused
  }
}

/** Imports chunks recorded in memory first, continuing the target's log, until stopped. */
const importing = async (target: EventStore): Promise<void> => {
  const source = createMemoryEventStore()
  // The source continues whatever an earlier process imported.
  for (;;)
    try {
      const before = await collect(() => target.readStored())
      if (before.length > 0) await source.importStored(before)
      break
    } catch (error) {
      if (!retryable(error)) throw error
      await sleep(10)
    }
  for (let chunk = 0; !stopping; chunk++) {
    const from = (await source.headPosition()) + 1
    for (let k = 0; k < 3; k++)
      await source.appendToStream(`torture.imported-${options.generation}-${chunk}-${k}`, tortureEvents(10), {
        expectedRevision: 'noStream',
      })
    const events: ReadonlyArray<StoredEvent> = await collect(() => source.readStored({ fromPosition: from }))
    // One part per event: an import keeps each event's own position, which need not run on.
    const shape = events.map((e) => ({ streamId: e.streamId, eventIds: [e.eventId] }))
    const results = events.map((e): AppendResult => ({
      streamId: e.streamId,
      firstRevision: e.revision,
      lastRevision: e.revision,
      firstPosition: e.position,
      lastPosition: e.position,
      alreadyStored: false,
    }))
    for (let resent = false; ; resent = true) {
      const op = ++nextOperation
      report({ t: 'begin', op, ledger: 'import', appends: shape })
      try {
        await target.importStored(events)
        report({ t: 'ack', op, results })
        break
      } catch (error) {
        report({
          t: 'fail',
          op,
          kind: kindOf(error),
          written: resent ? 'unknown' : writtenOf(error),
          error: String(error),
        })
        // A resend of an import that did commit is refused: it is then found stored, whole.
        if (resent && !retryable(error)) {
          const stored = await collect(() =>
            target.readAll({ fromPosition: from, toPosition: from + events.length - 1 }),
          )
          if (stored.length === events.length && stored.every((s, i) => s.eventId === events[i]?.eventId)) {
            report({ t: 'found', ledger: 'import' })
            break
          }
          throw error
        }
        if (!retryable(error)) throw error
        await sleep(2)
      }
    }
  }
}

const main = async (): Promise<void> => {
  const single = await open('single', options.schema, 4)
  const multi = await open('multi', options.schema, 3)
  // Room for both inline loops, the inline worker's catch-up and the log page it reads meanwhile:
  // with fewer, they deadlock (see inline-catch-up.int.test.ts).
  const inline = await open('inline', options.schema, 6)
  // Three connections: a batch never waits for another connection while its transaction is open.
  const batches = await open('batches', options.schema)
  const imports = await open('import', options.importSchema, 2)
  const inlineRunner = createProjectionRunner({
    store: inline,
    projections: [INLINE_PROJECTION],
    logger: { warn: () => undefined },
  })
  const asyncRunner = createProjectionRunner({
    store: batches,
    projections: [BATCHES_PROJECTION],
    batchSize: 50,
    logger: { warn: () => undefined },
  })
  for (;;)
    try {
      await inlineRunner.start()
      break
    } catch (error) {
      if (!retryable(error)) throw error
      await sleep(10)
    }
  for (;;)
    try {
      await asyncRunner.start()
      break
    } catch (error) {
      if (!retryable(error)) throw error
      await sleep(10)
    }
  report({ t: 'ready' })
  const loops: Record<string, Promise<void>> = {
    'single append a': appending(single, 'single-a', 1),
    'single append b': appending(single, 'single-b', 1),
    'single append c': appending(single, 'single-c', 1),
    'multi-stream append a': appending(multi, 'multi-a', 3),
    'multi-stream append b': appending(multi, 'multi-b', 2),
    'inline append a': appending(inline, 'inline-a', 1, INLINE_TYPE),
    'inline append b': appending(inline, 'inline-b', 2, INLINE_TYPE),
    import: importing(imports),
  }
  const unsettled = new Set(Object.keys(loops))
  await Promise.all(
    Object.entries(loops).map(([name, loop]) =>
      loop.then(() => {
        unsettled.delete(name)
        if (stopping) report({ t: 'stage', stage: `loops still settling: ${[...unsettled].join(', ')}` })
      }),
    ),
  )
  report({ t: 'stage', stage: 'stopping the projection runners' })
  await inlineRunner.stop()
  await asyncRunner.stop()
  for (const [name, store] of Object.entries({ single, multi, inline, batches, imports })) {
    report({ t: 'stage', stage: `closing the ${name} store` })
    await store.close()
  }
  report({ t: 'done' })
  process.exit(0)
}

main().catch(crash('the workload failed'))
