/**
 * Load on PostgreSQL (reliability notes, "Load"): N = 2, 8 and 32 writers racing on one stream with
 * the same expected revision, round after round, losers retrying; and many writers over 10,000
 * streams while three live subscribers and an async projection follow the log.
 */
import type { EventStore } from '@civic-ledger/core'
import { WrongExpectedRevisionError } from '@civic-ledger/core'

import type { LedgerChecker } from '../checker'
import type { Invariant, Phase, PhaseBudget, PhaseResult } from '../phase'
import {
  auditChain,
  classifyLedger,
  finishPhase,
  invariant,
  kindOf,
  percentile,
  phaseResult,
  phaseSchema,
  postgresUnavailable,
  sendUntilAcknowledged,
  startPhase,
  Tally,
  tortureEvents,
} from './common'
import { checkReadModel, countingProjection, threeSubscribers, WatchedProjection } from './watchers'

const WRITER_COUNTS = [2, 8, 32] as const

/** One race on `streamId`: every writer appends with the same expectation; then the losers retry. */
const race = async (
  store: EventStore,
  checker: LedgerChecker,
  tally: Tally,
  streamId: string,
  writers: number,
  expected: number,
  winners: Map<number, number>,
  latencies: number[],
): Promise<{ readonly firstWinners: number; readonly head: number }> => {
  let head = expected
  let firstWinners = 0
  const started = Date.now()
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let expectation: number = expected
      for (let attempt = 0; attempt < 10_000; attempt++) {
        const events = tortureEvents(1, 'torture.Happened', `w${w}`)
        const sent = await sendUntilAcknowledged(
          checker,
          [{ streamId, events }],
          async () => [
            await store.appendToStream(streamId, events, {
              expectedRevision: expectation === -1 ? 'noStream' : expectation,
            }),
          ],
          tally,
        )
        tally.add('attempts')
        const result = sent.results?.[0]
        if (result !== undefined) {
          latencies.push(Date.now() - started)
          winners.set(expectation, (winners.get(expectation) ?? 0) + 1)
          if (attempt === 0) firstWinners += 1
          head = Math.max(head, result.lastRevision)
          return
        }
        if (sent.refused instanceof WrongExpectedRevisionError) {
          tally.add('conflicts')
          expectation = sent.refused.actual
        } else {
          tally.add(`refused.${kindOf(sent.refused)}`)
          return
        }
      }
    }),
  )
  return { firstWinners, head }
}

const ONE_STREAM = 'N = 2, 8, 32 writers on one stream'

const oneStream = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const phase = startPhase(budget)
  const { started, checker, tally } = phase
  const schema = phaseSchema()
  const store = await schema.open(32)
  const invariants: Invariant[] = []
  try {
    for (const [index, writers] of WRITER_COUNTS.entries()) {
      const until = started + ((budget.seconds * 1_000 * 0.85) / WRITER_COUNTS.length) * (index + 1)
      const streamId = `torture.contended-${writers}`
      const winners = new Map<number, number>()
      const latencies: number[] = []
      const own = new Tally()
      let expected = -1
      let rounds = 0
      let roundsWithOneWinner = 0
      while (Date.now() < until || rounds === 0) {
        const { firstWinners, head } = await race(store, checker, own, streamId, writers, expected, winners, latencies)
        rounds += 1
        if (firstWinners === 1) roundsWithOneWinner += 1
        expected = head
      }
      const doubled = [...winners.values()].filter((n) => n > 1).length
      // Every refusal must be the typed conflict.
      const refusedOtherwise = Object.entries(own.counts)
        .filter(([name]) => name.startsWith('refused.'))
        .reduce((sum, [, n]) => sum + n, 0)
      const conflicts = own.get('conflicts')
      const attempts = own.get('attempts')
      tally.add(`n${writers}.rounds`, rounds)
      tally.add(`n${writers}.appends`, latencies.length)
      tally.add(`n${writers}.conflicts`, conflicts)
      tally.add(`n${writers}.conflictRatePercent`, attempts === 0 ? 0 : Math.round((100 * conflicts) / attempts))
      tally.add(`n${writers}.p50Ms`, percentile(latencies, 50))
      tally.add(`n${writers}.p99Ms`, percentile(latencies, 99))
      for (const [name, count] of Object.entries(own.counts))
        if (name.startsWith('errors.') || name.startsWith('refused.')) tally.add(`n${writers}.${name}`, count)
      invariants.push(
        invariant(
          `optimistic concurrency, N = ${writers}`,
          roundsWithOneWinner === rounds && doubled === 0 && refusedOtherwise === 0,
          `${roundsWithOneWinner} of ${rounds} rounds had exactly one first-try winner; ${doubled} expectations won twice; ${conflicts} typed conflicts of ${attempts} attempts, ${refusedOtherwise} other refusals`,
        ),
      )
    }
    return await finishPhase(phase, store, ONE_STREAM, invariants)
  } finally {
    await schema.close()
  }
}

const manyStreams = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const phase = startPhase(budget)
  const { started, checker, tally, random } = phase
  const streams = budget.size === 'full' ? 10_000 : 1_000
  const writers = 8
  const schema = phaseSchema({ pollIntervalMs: 250 })
  const store = await schema.open(writers + 2)
  const second = await schema.open(2)
  const third = await schema.open(2)
  const projecting = await schema.open(4)
  const subscribers = threeSubscribers(store, second, third)
  const projection = countingProjection('torture-streams')
  const watched = new WatchedProjection(projecting, projection)
  try {
    await watched.runner.start()
    const revisions = new Map<string, number>()
    let next = 0
    const until = started + budget.seconds * 1_000 * 0.7
    const streamOf = (): string => {
      const n = next < streams ? next++ : Math.floor(random() * streams)
      return `torture.stream-${n}`
    }
    const expectation = (streamId: string) => {
      const revision = revisions.get(streamId) ?? -1
      return revision === -1 ? ('noStream' as const) : revision
    }
    await Promise.all(
      Array.from({ length: writers }, async () => {
        // Until the deadline, and at least until every stream has its first events.
        while (Date.now() < until || next < streams) {
          // The first pass writes four new streams at a time; then one stream, or two, at random.
          const fresh = next < streams
          const multi = fresh || random() < 0.1
          const appends = (
            fresh ? [streamOf(), streamOf(), streamOf(), streamOf()] : multi ? [streamOf(), streamOf()] : [streamOf()]
          )
            .filter((id, i, all) => all.indexOf(id) === i)
            .map((streamId) => ({
              streamId,
              events: tortureEvents(1 + Math.floor(random() * 3)),
              expectedRevision: expectation(streamId),
            }))
          const sent = await sendUntilAcknowledged(checker, appends, () => store.appendMulti(appends), tally)
          if (sent.results !== undefined) {
            tally.add(multi ? 'multiAppends' : 'appends')
            for (const r of sent.results)
              revisions.set(r.streamId, Math.max(revisions.get(r.streamId) ?? -1, r.lastRevision))
          } else if (sent.refused instanceof WrongExpectedRevisionError) {
            // Two writers drew the same stream at once: learn its revision and go on.
            tally.add('conflicts')
            revisions.set(
              sent.refused.streamId,
              Math.max(revisions.get(sent.refused.streamId) ?? -1, sent.refused.actual),
            )
          }
        }
      }),
    )
    const head = await store.headPosition()
    tally.add('streams', revisions.size)
    tally.add('events', head)
    const reached = await Promise.all(subscribers.map((s) => s.reach(head, 120_000)))
    tally.add('subscribersCaughtUp', reached.filter(Boolean).length)
    await watched.runner.waitUntilCaughtUp({ timeoutMs: 300_000 })
    const { classification, invariants: ledger } = await classifyLedger(checker, store)
    const invariants: Invariant[] = [
      ...ledger,
      ...subscribers.map((s) => s.invariant(head)),
      watched.invariant(),
      ...(await checkReadModel(store, projection, (p, c) => watched.runner.query(p, c))),
    ]
    invariants.push(await auditChain(store))
    return phaseResult(phase, {
      phase: `${streams.toLocaleString('en-GB')} streams, ${writers} writers, 3 subscribers, an async projection`,
      classification,
      invariants,
    })
  } finally {
    for (const s of subscribers) s.stop()
    await watched.stop()
    await schema.close()
  }
}

export const concurrencyPhases: ReadonlyArray<Phase> = [
  { store: 'postgres', name: ONE_STREAM, unavailable: postgresUnavailable, run: oneStream },
  {
    store: 'postgres',
    name: '10,000 streams with subscribers and a projection',
    unavailable: postgresUnavailable,
    run: manyStreams,
  },
]
