/**
 * Backends terminated under every operation that holds a connection (reliability notes, "Faults"):
 * a workload process (`terminations-child.ts`) runs single appends, multi-stream appends, appends
 * with an inline projection, imports and an async projection's read-model batches at once, while
 * an admin connection here terminates one of its backends every few milliseconds, chosen among
 * those at work first, and counts each termination by the operation its `application_name` names.
 * The workload resends every failed operation with the same ids until acknowledged. A crash of the
 * workload is counted and it is started again. At the end: nothing acknowledged lost, nothing
 * twice, no torn batch, every chain verified, and both projections' effects exactly once.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import type { EventStore, NewEvent } from '@civic-ledger/core'
import { createProjectionRunner } from '@civic-ledger/core'
import { testMetadata } from '@civic-ledger/testing'
import pg from 'pg'

import type { Operation } from '../checker'
import { LedgerChecker } from '../checker'
import type { Invariant, Phase, PhaseBudget, PhaseResult } from '../phase'
import type { Tally } from './common'
import {
  auditChain,
  classifyLedger,
  invariant,
  PG_URL,
  phaseResult,
  phaseSchema,
  postgresUnavailable,
  sleep,
  startPhase,
  withClient,
} from './common'
import type { ChildMessage, ChildOptions, Ledger } from './terminations-protocol'
import { BATCHES_PROJECTION, INLINE_PROJECTION } from './terminations-protocol'
import { checkReadModel } from './watchers'

const CHILD = join(__dirname, 'terminations-child.js')

/** Terminates one backend of the workload at a time until stopped, counting by operation. */
const terminator = (application: string, tally: Tally, pauseMs: () => number) => {
  const admin = new pg.Client({ connectionString: PG_URL })
  admin.on('error', () => undefined)
  let running = true
  let paused = true
  const done = (async () => {
    await admin.connect()
    while (running) {
      if (paused) {
        await sleep(10)
        continue
      }
      const { rows } = await admin.query<{ application: string; state: string; killed: boolean }>(
        `SELECT application_name AS application, coalesce(state, '') AS state, pg_terminate_backend(pid) AS killed
         FROM (SELECT pid, application_name, state FROM pg_stat_activity
               WHERE application_name LIKE $1 AND pid <> pg_backend_pid()
               ORDER BY state IN ('active', 'idle in transaction') DESC, random() LIMIT 1) AS victim`,
        [`${application}-%`],
      )
      const victim = rows[0]
      if (victim?.killed === true) {
        const operation = victim.application.slice(application.length + 1)
        const busy = victim.state === 'active' || victim.state === 'idle in transaction'
        tally.add('terminations')
        tally.add(busy ? `terminated.${operation}` : 'terminated.idleConnections')
      }
      await sleep(pauseMs())
    }
    await admin.end()
  })()
  return {
    /** Terminations are paused while a workload opens its stores: opening is not under test. */
    pause: (pausing: boolean): void => {
      paused = pausing
    },
    stop: async (): Promise<void> => {
      running = false
      await done
    },
  }
}

/** A stand-in for an event the workload sent: the checker needs only its id. */
const reported = (eventId: string): NewEvent => ({
  eventId,
  type: 'torture.Reported',
  schemaVersion: 1,
  data: null,
  metadata: testMetadata(),
})

interface Workload {
  readonly process: ChildProcessWithoutNullStreams
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>
  readonly ready: Promise<void>
  /** What the workload last said it was doing. */
  readonly stage: () => string
}

/** Starts a workload process, feeding what it reports into the checkers and the tally. */
const startWorkload = (
  options: ChildOptions,
  checkers: Readonly<Record<Ledger, LedgerChecker>>,
  tally: Tally,
  problems: string[],
): Workload => {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] })
  const stage = { last: 'starting' }
  const operations = new Map<number, { readonly ledger: Ledger; readonly operation: Operation }>()
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message: ChildMessage
    try {
      message = JSON.parse(line) as ChildMessage
    } catch {
      problems.push(`the workload wrote a line that is not JSON (${line.length} characters)`)
      return
    }
    switch (message.t) {
      case 'ready':
        markReady()
        return
      case 'begin': {
        const appends = message.appends.map((a) => ({ streamId: a.streamId, events: a.eventIds.map(reported) }))
        operations.set(message.op, { ledger: message.ledger, operation: checkers[message.ledger].begin(appends) })
        tally.add(`sent.${message.ledger}`)
        return
      }
      case 'ack': {
        const sent = operations.get(message.op)
        if (sent !== undefined) checkers[sent.ledger].acknowledge(sent.operation, message.results)
        operations.delete(message.op)
        tally.add('acknowledged')
        return
      }
      case 'fail': {
        const sent = operations.get(message.op)
        if (sent !== undefined) checkers[sent.ledger].fail(sent.operation, new Error(message.error), message.written)
        operations.delete(message.op)
        tally.add(`errors.${message.kind}`)
        return
      }
      case 'found':
        tally.add('importsFoundStoredOnResend')
        return
      case 'uncaught':
        tally.add('uncaughtErrors')
        if (problems.length < 10) problems.push(`${message.what}: ${message.error}`)
        return
      case 'stage':
        stage.last = message.stage
        return
      case 'done':
        tally.add('workloadsFinished')
        return
    }
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4_000) stderr += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && stderr.length > 0 && problems.length < 10) problems.push(stderr.slice(0, 500))
      resolve({ code, signal })
    }),
  )
  return { process: child, exited, ready: Promise.race([ready, exited.then(() => undefined)]), stage: () => stage.last }
}

/** Finishes a projection in this process and checks its read model. */
const finishProjection = async (store: EventStore, projection: typeof BATCHES_PROJECTION): Promise<Invariant[]> => {
  const runner = createProjectionRunner({ store, projections: [projection], logger: { warn: () => undefined } })
  await runner.start()
  try {
    await runner.waitUntilCaughtUp({ timeoutMs: 300_000 })
    return (await checkReadModel(store, projection, (p, c) => runner.query(p, c))).map((i) => ({
      ...i,
      name: `${i.name} (${projection.name})`,
    }))
  } finally {
    await runner.stop()
  }
}

const PHASE_NAME = 'backends terminated under every held connection'

const run = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const phase = startPhase(budget)
  const { started, tally } = phase
  const mainSchema = phaseSchema()
  const importSchema = phaseSchema()
  const application = `cl-torture-${randomBytes(4).toString('hex')}`
  const checkers: Record<Ledger, LedgerChecker> = { main: phase.checker, import: new LedgerChecker() }
  const problems: string[] = []
  // The schemas exist, with their projections' tables, before the first backend is terminated.
  const main = await mainSchema.open()
  const imported = await importSchema.open()
  try {
    const until = started + budget.seconds * 1_000 * 0.8
    const kill = terminator(application, tally, () =>
      budget.size === 'full' ? 5 + Math.random() * 15 : 10 + Math.random() * 30,
    )
    let crashes = 0
    let hung = 0
    try {
      for (let generation = 0; Date.now() < until; generation++) {
        const workload = startWorkload(
          {
            url: PG_URL,
            schema: mainSchema.name,
            importSchema: importSchema.name,
            application,
            seed: budget.seed + generation,
            generation,
          },
          checkers,
          tally,
          problems,
        )
        kill.pause(true)
        await workload.ready
        kill.pause(false)
        const ended = await Promise.race([
          workload.exited,
          (async () => {
            while (Date.now() < until) await sleep(50)
            return undefined
          })(),
        ])
        if (ended === undefined) {
          await kill.stop()
          workload.process.stdin.write('stop\n')
          const finished = await Promise.race([
            workload.exited,
            sleep(budget.size === 'full' ? 120_000 : 40_000).then(() => undefined),
          ])
          if (finished === undefined) {
            hung += 1
            const { rows } = await withClient((admin) =>
              admin.query<{ application: string; state: string; wait: string; query: string }>(
                `SELECT application_name AS application, coalesce(state, '') AS state,
                        coalesce(wait_event_type || ':' || wait_event, '') AS wait, left(query, 60) AS query
                 FROM pg_stat_activity WHERE application_name LIKE $1 ORDER BY 1, 2`,
                [`${application}-%`],
              ),
            )
            const backends = rows.map(
              (r) =>
                `${r.application.slice(application.length + 1)} ${r.state} ${r.wait} [${r.query.replace(/\s+/g, ' ')}]`,
            )
            problems.push(`the workload did not stop (${workload.stage()}); its backends: ${backends.join(', ')}`)
            workload.process.kill('SIGKILL')
            await workload.exited
          } else if (finished.code !== 0) crashes += 1
          break
        }
        crashes += 1
        tally.add(`exits.${ended.signal ?? String(ended.code)}`)
      }
    } finally {
      await kill.stop()
    }
    for (const checker of Object.values(checkers)) checker.abandonPending('the workload process ended')
    const { classification, invariants: mainLedger } = await classifyLedger(checkers.main, main)
    const { classification: importClassification, invariants: importLedger } = await classifyLedger(
      checkers.import,
      imported,
    )
    tally.add('crashes', crashes)
    tally.add('hung', hung)
    tally.add('events', (await main.headPosition()) + (await imported.headPosition()))
    const mainAudit = await auditChain(main)
    const importAudit = await auditChain(imported, 'audit chain (imports)')
    const invariants: Invariant[] = [
      ...mainLedger,
      ...importLedger.map((i) => ({ ...i, name: `${i.name} (imports)` })),
      invariant(
        'no process crash',
        crashes === 0 && hung === 0 && tally.get('uncaughtErrors') === 0,
        `${crashes} crashes, ${hung} hung, ${tally.get('uncaughtErrors')} uncaught errors ${problems.join('; ')}`.trim(),
      ),
      mainAudit,
      importAudit,
      ...(await finishProjection(main, BATCHES_PROJECTION)),
      ...(await finishProjection(main, INLINE_PROJECTION)),
    ]
    if (budget.size === 'full')
      invariants.push(
        invariant(
          '1,000 terminations',
          tally.get('terminations') >= 1_000,
          `${tally.get('terminations')} terminations`,
        ),
      )
    return phaseResult(phase, {
      phase: PHASE_NAME,
      counts: {
        ...tally.counts,
        importsAcknowledgedPresent: importClassification.counts['acknowledged-present'],
        importsRecovered: importClassification.counts.recovered,
        importsLost: importClassification.counts.lost,
        importsTorn: importClassification.tornBatches,
      },
      classification,
      invariants,
    })
  } finally {
    await mainSchema.close()
    await importSchema.close()
  }
}

export const terminationsPhase: Phase = {
  store: 'postgres',
  name: PHASE_NAME,
  unavailable: postgresUnavailable,
  run,
}
