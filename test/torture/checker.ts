/**
 * The torture run's checker: records every operation a phase sends to a store, then reads the
 * store back and classifies every event it knows of, and checks the invariants of the reliability
 * notes (docs/reliability.md) that hold for any store:
 *
 * - **acknowledged-present**: the append returned success and the event is at the position returned;
 * - **lost**: the append returned success and the event is missing, or is somewhere else;
 * - **duplicated**: an event id the checker sent is stored more than once (counted once per id);
 * - **unexpected**: an event in the store that no recorded operation sent;
 * - **recovered**: the operation failed or its reply never came (a kill, a cut connection), and the
 *   event is stored, whole: the store committed before the fault, or a resend with the same ids
 *   wrote it (a resend that is acknowledged must be acknowledged at the position it is stored at);
 * - **absent**: the operation failed or never replied, and none of its events is stored.
 *
 * An operation that failed with an error saying it was *not* written, yet is stored, is a broken
 * promise (`writtenDespiteNotWritten`), whatever else it is. Batches must be atomic: an operation's
 * events are all stored or none. Positions are 1..N with no gap, revisions 0..n in each stream.
 *
 * Reading is incremental: `observe` reads only what was committed since the last call, so a kill
 * loop can check after every kill at the cost of the new events.
 */
import type { AppendResult, EventStore, NewEvent, RecordedEvent } from '@civic-ledger/core'

/** How a recorded operation ended, as its caller saw it. */
export type Outcome =
  | { readonly kind: 'pending' }
  | { readonly kind: 'acknowledged'; readonly results: ReadonlyArray<AppendResult> }
  /** Failed, and the error said nothing was written. */
  | { readonly kind: 'not-written'; readonly error: string }
  /** Failed or never replied (a kill, a cut connection): whether it was written is unknown. */
  | { readonly kind: 'unknown'; readonly error: string }

export interface Operation {
  readonly id: number
  readonly appends: ReadonlyArray<{ readonly streamId: string; readonly eventIds: ReadonlyArray<string> }>
  outcome: Outcome
}

export type EventClass = 'acknowledged-present' | 'lost' | 'duplicated' | 'unexpected' | 'recovered' | 'absent'

export interface Classification {
  readonly counts: Readonly<Record<EventClass, number>>
  /** Operations whose events were partly stored (a torn batch). */
  readonly tornBatches: number
  /** Operations that failed saying "not written" whose events are stored. */
  readonly writtenDespiteNotWritten: number
  /** Events stored at a position or revision that breaks contiguity. */
  readonly positionGaps: number
  readonly revisionGaps: number
  /** The first few problems, described without event data. */
  readonly problems: ReadonlyArray<string>
}

const MAX_PROBLEMS = 20

/** Records operations, reads the store back incrementally, and classifies. */
export class LedgerChecker {
  private readonly operations: Operation[] = []
  private readonly operationOf = new Map<string, Operation>()
  /** Every stored event id seen so far, with every position it was seen at. */
  private readonly stored = new Map<string, number[]>()
  private readonly streamRevision = new Map<string, number>()
  private lastPosition = 0
  private positionGaps = 0
  private revisionGaps = 0
  private unexpected = 0
  private readonly problems: string[] = []

  /** Events already in the store before the phase began are not the phase's: skip them. */
  constructor(private readonly ownedStreams: (streamId: string) => boolean = () => true) {}

  /** Records an operation about to be sent; settle it with `acknowledge` or `fail`. */
  begin(
    appends: ReadonlyArray<{ readonly streamId: string; readonly events: ReadonlyArray<Pick<NewEvent, 'eventId'>> }>,
  ): Operation {
    const operation: Operation = {
      id: this.operations.length + 1,
      appends: appends.map((append) => ({
        streamId: append.streamId,
        eventIds: append.events.map((event) => event.eventId),
      })),
      outcome: { kind: 'pending' },
    }
    this.operations.push(operation)
    for (const append of operation.appends)
      for (const eventId of append.eventIds) {
        // A resend with the same ids is the same operation, retried.
        if (!this.operationOf.has(eventId)) this.operationOf.set(eventId, operation)
      }
    return operation
  }

  acknowledge(operation: Operation, results: ReadonlyArray<AppendResult>): void {
    operation.outcome = { kind: 'acknowledged', results }
  }

  /** A failure; `written: 'no'` only when the error says, by its type, that nothing was written. */
  fail(operation: Operation, error: unknown, written: 'no' | 'unknown'): void {
    if (operation.outcome.kind === 'acknowledged') return
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    operation.outcome = written === 'no' ? { kind: 'not-written', error: text } : { kind: 'unknown', error: text }
  }

  /** Marks every operation still pending as unknown: its process was killed or its reply lost. */
  abandonPending(reason: string): void {
    for (const operation of this.operations)
      if (operation.outcome.kind === 'pending') operation.outcome = { kind: 'unknown', error: reason }
  }

  get size(): { readonly operations: number; readonly storedEvents: number; readonly lastPosition: number } {
    return { operations: this.operations.length, storedEvents: this.stored.size, lastPosition: this.lastPosition }
  }

  /** Reads what was committed since the last call and checks positions and revisions. */
  async observe(log: Pick<EventStore, 'readAll'>): Promise<number> {
    let read = 0
    for await (const event of log.readAll({ fromPosition: this.lastPosition + 1 })) {
      read += 1
      this.see(event)
    }
    return read
  }

  private see(event: RecordedEvent): void {
    if (event.position !== this.lastPosition + 1) {
      this.positionGaps += 1
      this.problem(`position ${event.position} follows ${this.lastPosition}`)
    }
    this.lastPosition = event.position
    const previous = this.streamRevision.get(event.streamId) ?? -1
    if (event.revision !== previous + 1) {
      this.revisionGaps += 1
      this.problem(`stream ${event.streamId}: revision ${event.revision} follows ${previous}`)
    }
    this.streamRevision.set(event.streamId, event.revision)
    if (!this.ownedStreams(event.streamId)) return
    const positions = this.stored.get(event.eventId)
    if (positions === undefined) this.stored.set(event.eventId, [event.position])
    else positions.push(event.position)
    if (!this.operationOf.has(event.eventId)) {
      this.unexpected += 1
      this.problem(`event at position ${event.position} was sent by no recorded operation`)
    }
  }

  /**
   * Classifies every event against what has been observed so far. Call it after `observe`, with no
   * operation in flight: an acknowledged event the last read did not reach counts as lost.
   */
  classify(): Classification {
    const counts: Record<EventClass, number> = {
      'acknowledged-present': 0,
      lost: 0,
      duplicated: 0,
      unexpected: this.unexpected,
      recovered: 0,
      absent: 0,
    }
    let tornBatches = 0
    let writtenDespiteNotWritten = 0
    const problems = [...this.problems]
    const problem = (text: string) => {
      if (problems.length < MAX_PROBLEMS) problems.push(text)
    }
    for (const positions of this.stored.values())
      if (positions.length > 1) {
        counts.duplicated += 1
        problem(`an event id is stored ${positions.length} times, at ${positions.join(', ')}`)
      }
    // A resend is recorded as its own operation with the same ids: the events are classified once,
    // by the first of those operations that was acknowledged, else by the first that sent them.
    const sends = new Map<string, Operation[]>()
    for (const operation of this.operations) {
      const key = operation.appends.map((append) => append.eventIds.join(',')).join(';')
      const group = sends.get(key)
      if (group === undefined) sends.set(key, [operation])
      else group.push(operation)
    }
    for (const group of sends.values()) {
      const [operation] = group as [Operation, ...Operation[]]
      const ids = operation.appends.flatMap((append) => append.eventIds)
      const acknowledged = group.find((each) => each.outcome.kind === 'acknowledged')
      const present = ids.filter((eventId) => this.stored.has(eventId)).length
      if (present > 0 && present < ids.length) {
        tornBatches += 1
        problem(`operation ${operation.id}: ${present} of ${ids.length} events stored`)
      }
      if (acknowledged !== undefined && acknowledged.outcome.kind === 'acknowledged') {
        // Acknowledged only by a resend after a fault (a send whose outcome was unknown): the
        // events are there, and recovered. A resend after a typed refusal is a plain acknowledgement.
        const faulted = group.some((each) => each !== acknowledged && each.outcome.kind === 'unknown')
        const present = faulted ? 'recovered' : 'acknowledged-present'
        const expected = expectedPositions(acknowledged)
        for (const [eventId, position] of expected) {
          const at = this.stored.get(eventId)
          if (at?.includes(position) === true) counts[present] += 1
          else {
            counts.lost += 1
            problem(
              `operation ${acknowledged.id}: acknowledged at position ${position}, ${at === undefined ? 'missing' : `stored at ${at.join(', ')}`}`,
            )
          }
        }
        continue
      }
      const notWritten = group.every((each) => each.outcome.kind === 'not-written')
      if (present > 0 && notWritten) {
        writtenDespiteNotWritten += 1
        problem(`operation ${operation.id} failed saying nothing was written, yet ${present} events are stored`)
      }
      if (present === ids.length) counts.recovered += ids.length
      else counts.absent += ids.length - present
    }
    return {
      counts,
      tornBatches,
      writtenDespiteNotWritten,
      positionGaps: this.positionGaps,
      revisionGaps: this.revisionGaps,
      problems,
    }
  }

  private problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text)
  }
}

/** Each acknowledged event id with the position the store returned for it. */
const expectedPositions = (operation: Operation): Array<[string, number]> => {
  if (operation.outcome.kind !== 'acknowledged') return []
  const { results } = operation.outcome
  return operation.appends.flatMap((append, index) => {
    const result = results[index]
    if (result === undefined) return []
    return append.eventIds.map((eventId, offset): [string, number] => [eventId, result.firstPosition + offset])
  })
}

/** True when a classification shows no broken invariant. */
export const clean = (classification: Classification): boolean =>
  classification.counts.lost === 0 &&
  classification.counts.duplicated === 0 &&
  classification.counts.unexpected === 0 &&
  classification.tornBatches === 0 &&
  classification.writtenDespiteNotWritten === 0 &&
  classification.positionGaps === 0 &&
  classification.revisionGaps === 0
