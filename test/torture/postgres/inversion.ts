/**
 * Commit inversion on PostgreSQL (reliability notes, "Load"): an append's transaction is held open
 * by a trigger waiting on an advisory lock while later appends are made, round after round; then a
 * session stops in the middle of an append, idle in transaction, for a minute (a few seconds in the
 * short run), while writers go on and a second session holds an open transaction of its own. Three
 * live subscribers must skip nothing and repeat nothing, and catch up once the session commits.
 * Appends that fail meanwhile (an outage, or a lock wait given up) are resent with the same ids and
 * counted by the error's kind.
 */
import { randomInt } from 'node:crypto'

import type { AppendResult, NewEvent } from '@civic-ledger/core'
import { canonicalJson, WrongExpectedRevisionError } from '@civic-ledger/core'
import pg from 'pg'

import type { Operation } from '../checker'
import type { Invariant, Phase, PhaseBudget, PhaseResult } from '../phase'
import {
  finishPhase,
  invariant,
  messageOf,
  PG_URL,
  phaseSchema,
  postgresUnavailable,
  sendUntilAcknowledged,
  sleep,
  startPhase,
  tortureEvents,
} from './common'
import { threeSubscribers } from './watchers'

/** The advisory lock a held append waits on: one of its own per run, so runs side by side do not meet. */
const HOLD_KEY = 7_400_000 + randomInt(1_000_000)
const HELD_TYPE = 'torture.HeldOpen'

/** A trigger that holds an insert of a `HELD_TYPE` event until HOLD_KEY is free. */
const holdOpenTrigger = (schema: string): string => `
  CREATE FUNCTION "${schema}".torture_hold_open() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.type = '${HELD_TYPE}' THEN
      PERFORM pg_advisory_lock(${HOLD_KEY});
      PERFORM pg_advisory_unlock(${HOLD_KEY});
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER torture_hold_open BEFORE INSERT ON "${schema}".events
    FOR EACH ROW EXECUTE FUNCTION "${schema}".torture_hold_open();
`

const connect = async (): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: PG_URL })
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** Waits until some session waits on HOLD_KEY. */
const waitForHeld = async (observer: pg.Client, ms: number): Promise<boolean> => {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const { rows } = await observer.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
      [HOLD_KEY],
    )
    if ((rows[0]?.n ?? 0) > 0) return true
    await sleep(10)
  }
  return false
}

/**
 * Begins an append in `session` through the schema's own append function and leaves the session
 * idle in its transaction; `commit` ends it and returns what the append was given.
 */
const idleAppend = async (
  session: pg.Client,
  schema: string,
  streamId: string,
  events: ReadonlyArray<NewEvent>,
): Promise<() => Promise<AppendResult>> => {
  await session.query('BEGIN')
  await session.query('SELECT txid_current()')
  const { rows } = await session.query<{
    first_revision: string
    last_revision: string
    first_position: string
    last_position: string
  }>(`SELECT * FROM "${schema}".append_events($1, $2, $3, $4, $5, $6, $7)`, [
    streamId,
    'noStream',
    events.map((e) => e.eventId),
    events.map((e) => e.type),
    events.map((e) => e.schemaVersion),
    `[${events.map((e) => canonicalJson(e.data)).join(',')}]`,
    `[${events.map((e) => canonicalJson(e.metadata)).join(',')}]`,
  ])
  const row = rows[0]
  if (row === undefined) throw new Error('the append function returned no row')
  return async () => {
    await session.query('COMMIT')
    return {
      streamId,
      firstRevision: Number(row.first_revision),
      lastRevision: Number(row.last_revision),
      firstPosition: Number(row.first_position),
      lastPosition: Number(row.last_position),
      alreadyStored: false,
    }
  }
}

const PHASE_NAME = 'commit inversion and a session idle in transaction'

const run = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const phase = startPhase(budget)
  const { started, checker, tally, random } = phase
  const holdSeconds = budget.size === 'full' ? 60 : 3
  const schema = phaseSchema({ pollIntervalMs: 200 })
  const store = await schema.open(8)
  const second = await schema.open(2)
  const third = await schema.open(2)
  const holder = await connect()
  const observer = await connect()
  const idle = await connect()
  const xminHolder = await connect()
  const subscribers = threeSubscribers(store, second, third)
  const invariants: Invariant[] = []
  let writing = true
  let idling = false
  let longestAppendMs = 0
  try {
    await observer.query(holdOpenTrigger(schema.name))
    // Writers on their own streams the whole phase, resending with the same ids until acknowledged.
    const writers = Promise.all(
      [0, 1, 2, 3].map(async (w) => {
        let revision = -1
        while (writing) {
          const streamId = `torture.writer-${w}`
          const events = tortureEvents(1 + Math.floor(random() * 3))
          const expectedRevision = revision === -1 ? ('noStream' as const) : revision
          const sending = Date.now()
          const sent = await sendUntilAcknowledged(
            checker,
            [{ streamId, events }],
            async () => [await store.appendToStream(streamId, events, { expectedRevision })],
            tally,
            { giveUpMs: (holdSeconds + 120) * 1_000 },
          )
          const result = sent.results?.[0]
          longestAppendMs = Math.max(longestAppendMs, Date.now() - sending)
          if (result !== undefined && idling) tally.add('whileIdle.appendsAcknowledged')
          if (result !== undefined) revision = result.lastRevision
          else if (sent.refused instanceof WrongExpectedRevisionError) revision = sent.refused.actual
          await sleep(random() * 5)
        }
      }),
    )

    // 1. Forced commit inversions, round after round.
    const inversionUntil = started + budget.seconds * 1_000 * 0.3
    let rounds = 0
    let held = 0
    while (Date.now() < inversionUntil || rounds === 0) {
      rounds += 1
      await holder.query('SELECT pg_advisory_lock($1)', [HOLD_KEY])
      const streamId = `torture.held-${rounds}`
      const events = tortureEvents(1, HELD_TYPE)
      const heldAppend = sendUntilAcknowledged(
        checker,
        [{ streamId, events }],
        async () => [await store.appendToStream(streamId, events, { expectedRevision: 'noStream' })],
        tally,
      )
      if (await waitForHeld(observer, 5_000)) held += 1
      // Later appends are made (and wait) while the held one is open.
      const later = Array.from({ length: 3 }, (_, i) => {
        const laterStream = `torture.later-${rounds}-${i}`
        const laterEvents = tortureEvents(2)
        return sendUntilAcknowledged(
          checker,
          [{ streamId: laterStream, events: laterEvents }],
          async () => [await store.appendToStream(laterStream, laterEvents, { expectedRevision: 'noStream' })],
          tally,
        )
      })
      await sleep(20 + random() * 80)
      await holder.query('SELECT pg_advisory_unlock($1)', [HOLD_KEY])
      await heldAppend
      await Promise.all(later)
    }
    tally.add('inversionRounds', rounds)
    tally.add('inversionsHeld', held)
    const invertedHead = await store.headPosition()
    await Promise.all(subscribers.map((s) => s.reach(invertedHead, 60_000)))
    const skippedUnderInversion = subscribers.reduce((sum, s) => sum + s.skipped + s.repeated, 0)

    // 2. A session idle in the middle of an append, and another with a transaction open.
    await xminHolder.query('BEGIN')
    await xminHolder.query('SELECT txid_current()')
    const idleEvents = tortureEvents(2, 'torture.IdleHeld')
    const idleOperation: Operation = checker.begin([{ streamId: 'torture.idle', events: idleEvents }])
    const commit = await idleAppend(idle, schema.name, 'torture.idle', idleEvents)
    const errorsBefore = { ...tally.counts }
    idling = true
    let maxLag = 0
    const holdUntil = Date.now() + holdSeconds * 1_000
    while (Date.now() < holdUntil) {
      const head = await store.headPosition()
      for (const s of subscribers) maxLag = Math.max(maxLag, head - s.position)
      await sleep(200)
    }
    idling = false
    try {
      checker.acknowledge(idleOperation, [await commit()])
    } catch (error) {
      checker.fail(idleOperation, error, 'unknown')
      tally.add('idleCommitFailed')
    }
    await xminHolder.query('COMMIT')
    for (const [name, count] of Object.entries(tally.counts))
      if (name.startsWith('errors.') && count > (errorsBefore[name] ?? 0))
        tally.add(`whileIdle.${name}`, count - (errorsBefore[name] ?? 0))
    tally.add('whileIdle.resends', tally.get('resends') - (errorsBefore['resends'] ?? 0))
    tally.add('idleHoldSeconds', holdSeconds)
    tally.add('maxSubscriberLagWhileIdle', maxLag)
    tally.add('whileIdle.appendsAcknowledged', 0)

    // Writers go on a little after the commit, then stop.
    await sleep(Math.min(5_000, budget.seconds * 100))
    writing = false
    await writers
    const head = await store.headPosition()
    const reached = await Promise.all(subscribers.map((s) => s.reach(head, 120_000)))
    tally.add('skippedUnderInversion', skippedUnderInversion)
    tally.add(
      'skipped',
      subscribers.reduce((sum, s) => sum + s.skipped, 0),
    )
    tally.add('events', head)
    tally.add('longestAppendMs', longestAppendMs)
    invariants.push(
      invariant('commit inversion was forced', held === rounds, `${held} of ${rounds} rounds held an append open`),
      invariant(
        'subscriber lag recovers after the idle session',
        reached.every(Boolean),
        `${reached.filter(Boolean).length} of 3 subscribers reached the head ${head}; at most ${maxLag} behind while idle`,
      ),
      ...subscribers.map((s) => s.invariant(head)),
    )
    return await finishPhase(phase, store, PHASE_NAME, invariants)
  } catch (error) {
    writing = false
    throw new Error(`the commit-inversion phase could not run: ${messageOf(error)}`, { cause: error })
  } finally {
    writing = false
    for (const s of subscribers) s.stop()
    for (const c of [holder, observer, idle, xminHolder]) await c.end().catch(() => undefined)
    await schema.close({ ignoringErrors: true })
  }
}

export const inversionPhase: Phase = {
  store: 'postgres',
  name: PHASE_NAME,
  unavailable: postgresUnavailable,
  run,
}
