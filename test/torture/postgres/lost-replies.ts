/**
 * Replies lost after the commit (reliability notes, "Faults"): writers reach PostgreSQL through a
 * small TCP relay that, at random, cuts the connection just as the server's answer to a committed
 * append arrives — everything before the final ReadyForQuery is relayed, that is not, and both
 * sides are closed. The append has committed; the client sees an error. Each writer resends with
 * the same ids and expectation until acknowledged, and the resend must come back `alreadyStored`
 * at the positions first written, having written nothing.
 */
import type { Server, Socket } from 'node:net'
import { createServer, Socket as NetSocket } from 'node:net'

import type { EventStore } from '@civic-ledger/core'
import { openPostgresEventStore } from '@civic-ledger/store-postgres'

import type { Invariant, Phase, PhaseBudget, PhaseResult } from '../phase'
import {
  finishPhase,
  invariant,
  PG_URL,
  phaseSchema,
  postgresUnavailable,
  seeded,
  sendUntilAcknowledged,
  sleep,
  startPhase,
  tortureEvents,
} from './common'

const READY_FOR_QUERY = 0x5a // 'Z'
const IDLE = 0x49 // 'I': no transaction open, so what came before has committed
/** The store's append functions: `append_group` for grouped appends, `append_events` before it. */
const APPENDS = [Buffer.from('append_group'), Buffer.from('append_events')]
const COMMIT = Buffer.from('COMMIT\0')

export interface ReplyCutter {
  readonly port: number
  /** Replies to committed writes swallowed, with the connection cut. */
  readonly cuts: () => number
  /** Starts cutting (it does not at first: opening the store migrates and commits). */
  readonly start: () => void
  readonly close: () => Promise<void>
}

/**
 * A relay to PostgreSQL that, with probability `chance`, cuts a connection in place of relaying
 * the ReadyForQuery that ends a write's exchange (an append, or a COMMIT) once nothing is left
 * open: the server has committed, the client never hears so.
 */
export const replyCutter = async (chance: number, random: () => number): Promise<ReplyCutter> => {
  const target = new URL(PG_URL)
  const sockets = new Set<Socket>()
  let cuts = 0
  let cutting = false
  const server: Server = createServer((client) => {
    const upstream = new NetSocket()
    upstream.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    let armed = false
    let unparsed = Buffer.alloc(0)
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('data', (chunk: Buffer) => {
      if (APPENDS.some((name) => chunk.includes(name)) || chunk.includes(COMMIT)) armed = true
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      unparsed = Buffer.concat([unparsed, chunk])
      let offset = 0
      const relay: Buffer[] = []
      // Server messages: a type byte, then a length that counts itself and the body.
      while (unparsed.length - offset >= 5) {
        const type = unparsed[offset]
        const length = unparsed.readUInt32BE(offset + 1)
        if (unparsed.length - offset < 1 + length) break
        const message = unparsed.subarray(offset, offset + 1 + length)
        offset += 1 + length
        if (type === READY_FOR_QUERY && armed) {
          armed = false
          if (cutting && message[5] === IDLE && random() < chance) {
            cuts += 1
            client.write(Buffer.concat(relay), () => end())
            return
          }
        }
        relay.push(message)
      }
      unparsed = unparsed.subarray(offset)
      if (relay.length > 0) client.write(Buffer.concat(relay))
    })
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    cuts: () => cuts,
    start: () => {
      cutting = true
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

const PHASE_NAME = 'replies lost after the commit'

const run = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const phase = startPhase(budget)
  const { started, checker, tally, random } = phase
  const schema = phaseSchema()
  const cutter = await replyCutter(0.3, seeded(budget.seed + 1))
  const viaCutter = new URL(PG_URL)
  viaCutter.host = `127.0.0.1:${cutter.port}`
  // The schema is made directly: the relay is for the writers' appends.
  const direct = await schema.open()
  let store: EventStore | undefined
  let failedOperations = 0
  try {
    const writing = await openPostgresEventStore({
      connectionString: viaCutter.toString(),
      schema: schema.name,
      poolSize: 4,
    })
    store = writing
    cutter.start()
    const until = started + budget.seconds * 1_000 * 0.8
    await Promise.all(
      [0, 1, 2, 3].map(async (w) => {
        const revisions = [-1, -1]
        while (Date.now() < until) {
          const multi = w % 2 === 1 && random() < 0.5
          const appends = (multi ? [0, 1] : [0]).map((k) => ({
            streamId: `torture.writer-${w}-${k}`,
            events: tortureEvents(1 + Math.floor(random() * 3)),
            expectedRevision: (revisions[k] ?? -1) === -1 ? ('noStream' as const) : (revisions[k] ?? 0),
          }))
          const [only] = appends
          let failed = false
          const sent = await sendUntilAcknowledged(
            checker,
            appends,
            appends.length === 1 && only !== undefined
              ? async () => [await writing.appendToStream(only.streamId, only.events, only)]
              : () => writing.appendMulti(appends),
            tally,
            { onFailure: () => (failed = true) },
          )
          if (failed) failedOperations += 1
          tally.add(multi ? 'multiAppends' : 'appends')
          sent.results?.forEach((r, i) => (revisions[i] = r.lastRevision))
          if (sent.results === undefined) tally.add('notAcknowledged')
          await sleep(random() * 3)
        }
      }),
    )
    const lostReplies = cutter.cuts()
    const recovered = tally.get('resendsFoundStored')
    tally.add('lostReplies', lostReplies)
    tally.add('operationsThatFailed', failedOperations)
    tally.add('lostRepliesRecovered', recovered)
    const invariants: Invariant[] = [
      invariant('replies were lost', lostReplies > 0, `${lostReplies} replies to committed appends cut`),
      invariant(
        'a resend after a lost reply returns the original positions',
        recovered === failedOperations && tally.get('notAcknowledged') === 0,
        `${recovered} of ${failedOperations} operations that saw an error came back already stored; ${tally.get('notAcknowledged')} never acknowledged`,
      ),
    ]
    return await finishPhase(phase, direct, PHASE_NAME, invariants)
  } finally {
    await store?.close().catch(() => undefined)
    await schema.close()
    await cutter.close()
  }
}

export const lostRepliesPhase: Phase = {
  store: 'postgres',
  name: PHASE_NAME,
  unavailable: postgresUnavailable,
  run,
}
