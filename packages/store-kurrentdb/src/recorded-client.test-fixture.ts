/**
 * A stand-in for `KurrentDBClient` in the driver's unit tests: it answers with values of the
 * client's own types (`ResolvedEvent`, `AllStreamResolvedEvent`, `MultiAppendResult`, the client's
 * error classes, built by the client's `convertToCommandError` from gRPC errors as the server sends
 * them), kept in memory. It is NOT a KurrentDB server: what it does is what the driver's tests
 * assume the server does (see the package README for what has been exercised against a real one).
 *
 * Assumptions, from the client's sources and docs: a read of a missing stream rejects with
 * `StreamNotFoundError` while iterating; reading `$all` from a position includes the event at it;
 * the events of one multi-stream append share one commit position, in the order of the requests;
 * multi-stream append properties come back as the event's metadata object; a wrong expected
 * version names its stream.
 */
import { EventEmitter } from 'node:events'

import { Metadata, status } from '@grpc/grpc-js'
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendStreamRequest,
  AppendStreamState,
  EventData,
  Filter,
  MultiAppendResult,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  ResolvedEvent,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client'
import {
  convertToCommandError,
  StreamNotFoundError,
  UnsupportedError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client'

import type { KurrentClient } from './client'

/** A gRPC error as the server sends it, made into the client's error as the client makes it. */
export const serverError = (code: status, exception?: string, extra: Record<string, string> = {}): Error => {
  const metadata = new Metadata()
  if (exception !== undefined) metadata.set('exception', exception)
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value)
  const error = Object.assign(new Error(`${code} ${exception ?? status[code]}: recorded`), {
    code,
    details: exception ?? status[code],
    metadata,
  })
  return convertToCommandError(error)
}

export const recorded = {
  notLeader: () =>
    serverError(status.NOT_FOUND, 'not-leader', { 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }),
  unavailable: () => serverError(status.UNAVAILABLE),
  deadline: () => serverError(status.DEADLINE_EXCEEDED),
  accessDenied: () => serverError(status.PERMISSION_DENIED, 'access-denied'),
  unsupported: () => new UnsupportedError('multiStreamAppend', '25.1'),
}

interface Stored {
  readonly event: RecordedEvent & { readonly position: Position }
}

const matches = (filter: Filter | undefined, event: RecordedEvent): boolean => {
  if (filter === undefined) return true
  const subject = filter.filterOn === 'eventType' ? event.type : event.streamId
  return 'prefixes' in filter
    ? filter.prefixes.some((p) => subject.startsWith(p))
    : new RegExp(filter.regex).test(subject)
}

/** A value as it comes back from JSON on the wire. */
const copy = <A>(value: A): A => JSON.parse(JSON.stringify(value)) as A

const comparePosition = (a: Position, b: Position): number =>
  a.commit === b.commit ? Number(a.prepare - b.prepare) : Number(a.commit - b.commit)

/** Subscriptions the fake opened, for tests to drop or inspect. */
export interface FakeSubscription {
  readonly options: SubscribeToAllOptions | undefined
  readonly emitter: EventEmitter
  unsubscribed: boolean
}

export class RecordedClient implements KurrentClient {
  readonly log: Stored[] = []
  readonly streams = new Map<string, Stored[]>()
  readonly subscriptions: FakeSubscription[] = []
  readonly calls: string[] = []
  private commit = 0n
  private failures: Array<{ readonly op: string; readonly error: () => Error }> = []
  disposed = false
  /** Runs before each append reaches the log: a test's other writer. */
  beforeAppend: (() => Promise<void>) | undefined

  /** The next call of `op` fails with `error`. */
  failNext(op: 'multiStreamAppend' | 'readStream' | 'readAll', error: () => Error): void {
    this.failures.push({ op, error })
  }

  private maybeFail(op: string): void {
    const i = this.failures.findIndex((f) => f.op === op)
    const failure = this.failures[i]
    if (failure === undefined) return
    this.failures.splice(i, 1)
    throw failure.error()
  }

  private revisionOf(name: string): bigint | 'no_stream' {
    const events = this.streams.get(name)
    return events === undefined || events.length === 0 ? 'no_stream' : BigInt(events.length - 1)
  }

  private satisfies(state: AppendStreamState, current: bigint | 'no_stream'): boolean {
    if (state === 'any') return true
    if (state === 'no_stream') return current === 'no_stream'
    if (state === 'stream_exists') return current !== 'no_stream'
    return current === state
  }

  async multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult> {
    this.calls.push('multiStreamAppend')
    this.maybeFail('multiStreamAppend')
    await this.beforeAppend?.()
    for (const request of requests) {
      for (const event of request.events)
        if (
          event.metadata !== undefined &&
          (typeof event.metadata !== 'object' ||
            event.metadata instanceof Uint8Array ||
            Array.isArray(event.metadata) ||
            Object.values(event.metadata).some((v) => typeof v !== 'string'))
        )
          throw new Error(
            'multiStreamAppend requires metadata to be a plain object with string keys and string values.',
          )
      const current = this.revisionOf(request.streamName)
      if (!this.satisfies(request.expectedState, current))
        throw new WrongExpectedVersionError(undefined, {
          streamName: request.streamName,
          expected: request.expectedState,
          current,
        })
    }
    this.commit += 1000n
    const commit = this.commit
    let prepare = commit - 999n
    const responses = requests.map((request) => {
      const events = this.streams.get(request.streamName) ?? []
      this.streams.set(request.streamName, events)
      for (const data of request.events) {
        const stored: Stored = {
          event: this.record(request.streamName, BigInt(events.length), data, { commit, prepare }),
        }
        prepare += 1n
        events.push(stored)
        this.log.push(stored)
        for (const s of this.subscriptions) if (!s.unsubscribed) this.deliver(s, stored)
      }
      return { streamName: request.streamName, revision: BigInt(events.length - 1) }
    })
    return { position: commit, responses }
  }

  private record(streamId: string, revision: bigint, data: EventData, position: Position): Stored['event'] {
    const metadata = data.metadata === undefined ? undefined : copy(data.metadata)
    return data.contentType === 'application/json'
      ? {
          streamId,
          id: data.id,
          isJson: true,
          revision,
          type: data.type,
          created: new Date(0),
          data: copy(data.data),
          metadata,
          position,
        }
      : {
          streamId,
          id: data.id,
          isJson: false,
          revision,
          type: data.type,
          created: new Date(0),
          data: new Uint8Array(data.data),
          metadata,
          position,
        }
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterableIterator<ResolvedEvent> {
    this.calls.push(`readStream ${streamName}`)
    return this.streamEvents(streamName, options)
  }

  private async *streamEvents(streamName: string, options: ReadStreamOptions): AsyncIterableIterator<ResolvedEvent> {
    {
      this.maybeFail('readStream')
      const events = this.streams.get(streamName)
      if (events === undefined) throw new StreamNotFoundError(undefined, streamName)
      const forwards = options.direction !== 'backwards'
      const from =
        options.fromRevision === undefined || options.fromRevision === 'start'
          ? forwards
            ? 0
            : events.length - 1
          : options.fromRevision === 'end'
            ? forwards
              ? events.length
              : events.length - 1
            : Number(options.fromRevision)
      const max = options.maxCount === undefined ? Infinity : Number(options.maxCount)
      let count = 0
      for (
        let i = Math.min(from, forwards ? from : events.length - 1);
        forwards ? i < events.length : i >= 0;
        forwards ? i++ : i--
      ) {
        const stored = events[i]
        if (stored === undefined) continue
        if (count++ >= max) return
        yield { event: stored.event, commitPosition: stored.event.position.commit }
      }
    }
  }

  readAll(options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> {
    this.calls.push('readAll')
    return this.allEvents(options)
  }

  private async *allEvents(options: ReadAllOptions): AsyncIterableIterator<AllStreamResolvedEvent> {
    {
      this.maybeFail('readAll')
      const forwards = options.direction !== 'backwards'
      const from = options.fromPosition ?? (forwards ? 'start' : 'end')
      const ordered = forwards ? [...this.log] : [...this.log].reverse()
      const max = options.maxCount === undefined ? Infinity : Number(options.maxCount)
      let count = 0
      for (const stored of ordered) {
        const at = stored.event.position
        if (typeof from === 'object' && (forwards ? comparePosition(at, from) < 0 : comparePosition(at, from) > 0))
          continue
        if (from === 'end' && forwards) return
        if (!matches(options.filter, stored.event)) continue
        if (count++ >= max) return
        yield { event: stored.event, commitPosition: at.commit }
      }
    }
  }

  subscribeToAll(options?: SubscribeToAllOptions): AllStreamSubscription {
    const emitter = new EventEmitter()
    const s: FakeSubscription = { options, emitter, unsubscribed: false }
    this.subscriptions.push(s)
    const from = options?.fromPosition
    if (typeof from === 'object')
      for (const stored of this.log) if (comparePosition(stored.event.position, from) > 0) this.deliver(s, stored)
    return Object.assign(emitter, {
      unsubscribe: async () => {
        s.unsubscribed = true
      },
    }) as unknown as AllStreamSubscription
  }

  private deliver(s: FakeSubscription, stored: Stored): void {
    if (!matches(s.options?.filter, stored.event)) return
    queueMicrotask(() => {
      if (!s.unsubscribed) s.emitter.emit('data', { event: stored.event, commitPosition: stored.event.position.commit })
    })
  }

  /** Drops every live subscription, as a lost connection does. */
  dropSubscriptions(error: Error = recorded.unavailable()): void {
    for (const s of this.subscriptions) if (!s.unsubscribed) s.emitter.emit('error', error)
  }

  async dispose(): Promise<void> {
    this.disposed = true
  }
}
