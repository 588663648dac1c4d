/**
 * Turning the picks a figure keeps (streams by id, event types, data fields) into the events behind
 * it, as of the report's position. Each stream is read once per report, and figures with the same
 * events share one evidence key, so a page of 500 LSOAs decided by one run lists that run once.
 */
import { createHash } from 'node:crypto'

import type { EventStore, RecordedEvent } from '@civic-ledger/core'

import type { EventPick, EventRef } from './model'

/** The part of the log evidence is read from. */
export type EvidenceLog = Pick<EventStore, 'readStream'>

const matches = (event: RecordedEvent, pick: EventPick): boolean => {
  if (pick.types !== undefined && !pick.types.includes(event.type)) return false
  if (pick.where === undefined) return true
  const data = event.data
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false
  return Object.entries(pick.where).every(([field, value]) => (data as Record<string, unknown>)[field] === value)
}

const refOf = (event: RecordedEvent): EventRef => {
  const { id, role, organisation } = event.metadata.actor
  return {
    stream: event.streamId,
    revision: event.revision,
    position: event.position,
    type: event.type,
    recordedAt: event.recordedAt,
    who: `${id} (${role}, ${organisation})`,
  }
}

/** Reads streams as of a position, each at most once. */
export const streamReader = (log: EvidenceLog, position: number) => {
  const streams = new Map<string, Promise<ReadonlyArray<RecordedEvent>>>()
  const read = async (stream: string): Promise<ReadonlyArray<RecordedEvent>> => {
    const events: RecordedEvent[] = []
    if (position > 0) for await (const e of log.readStream(stream, { until: position })) events.push(e)
    return events
  }
  return (stream: string): Promise<ReadonlyArray<RecordedEvent>> => {
    let events = streams.get(stream)
    if (events === undefined) {
      events = read(stream)
      streams.set(stream, events)
    }
    return events
  }
}

/** The events a figure's picks name, in ledger order, each once. */
export const eventsOf = async (
  picks: ReadonlyArray<EventPick>,
  readStream: (stream: string) => Promise<ReadonlyArray<RecordedEvent>>,
): Promise<ReadonlyArray<EventRef>> => {
  const found = new Map<number, EventRef>()
  for (const pick of picks)
    for (const event of await readStream(pick.stream)) if (matches(event, pick)) found.set(event.position, refOf(event))
  return [...found.values()].sort((a, b) => a.position - b.position)
}

/** The key figures with exactly these events share. */
export const evidenceKey = (events: ReadonlyArray<EventRef>): string =>
  `e${createHash('sha256')
    .update(events.map((e) => e.position).join(','))
    .digest('hex')
    .slice(0, 12)}`
