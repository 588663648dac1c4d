/**
 * The checker itself, against a log with faults planted in it: each fault must be classified as
 * what it is, and a log without one must come out clean — else the torture figures mean nothing.
 */
import type { AppendResult, EventStore, RecordedEvent } from '@civic-ledger/core'
import test from 'ava'

import type { Operation } from './checker'
import { clean, LedgerChecker } from './checker'
import { TORTURE_METADATA, tortureEvent } from './support'

/** A log holding exactly `events`, read as a store would read it. */
const logOf = (events: ReadonlyArray<RecordedEvent>): Pick<EventStore, 'readAll'> => ({
  readAll: (options) =>
    (async function* () {
      for (const event of events) if (event.position >= (options?.fromPosition ?? 1)) yield event
    })(),
})

const stored = (eventId: string, streamId: string, revision: number, position: number): RecordedEvent => ({
  eventId,
  streamId,
  revision,
  position,
  type: 'torture.Planted',
  schemaVersion: 1,
  data: {},
  metadata: { ...TORTURE_METADATA, actor: { ...TORTURE_METADATA.actor } } as RecordedEvent['metadata'],
  recordedAt: '2026-04-01T09:00:00.000Z',
})

const sent = (checker: LedgerChecker, streamId: string, ids: ReadonlyArray<string>): Operation =>
  checker.begin([{ streamId, events: ids.map((id) => tortureEvent('torture.Planted', {}, id)) }])

const result = (streamId: string, firstRevision: number, firstPosition: number, n: number): AppendResult => ({
  streamId,
  firstRevision,
  lastRevision: firstRevision + n - 1,
  firstPosition,
  lastPosition: firstPosition + n - 1,
  alreadyStored: false,
})

test('a log that matches what was sent is clean, every event acknowledged and present', async (t) => {
  const checker = new LedgerChecker()
  checker.acknowledge(sent(checker, 's-a', ['a1', 'a2']), [result('s-a', 0, 1, 2)])
  checker.acknowledge(sent(checker, 's-b', ['b1']), [result('s-b', 0, 3, 1)])
  t.is(
    await checker.observe(logOf([stored('a1', 's-a', 0, 1), stored('a2', 's-a', 1, 2), stored('b1', 's-b', 0, 3)])),
    3,
  )
  const c = checker.classify()
  t.is(c.counts['acknowledged-present'], 3)
  t.true(clean(c))
})

test('an acknowledged event missing from the log is lost', async (t) => {
  const checker = new LedgerChecker()
  checker.acknowledge(sent(checker, 's-a', ['a1']), [result('s-a', 0, 1, 1)])
  checker.acknowledge(sent(checker, 's-b', ['b1']), [result('s-b', 0, 2, 1)])
  await checker.observe(logOf([stored('a1', 's-a', 0, 1)]))
  const c = checker.classify()
  t.is(c.counts.lost, 1)
  t.is(c.counts['acknowledged-present'], 1)
  t.false(clean(c))
})

test('an acknowledged event stored somewhere other than its position is lost', async (t) => {
  const checker = new LedgerChecker()
  checker.acknowledge(sent(checker, 's-a', ['a1']), [result('s-a', 0, 2, 1)])
  await checker.observe(logOf([stored('a1', 's-a', 0, 1)]))
  t.is(checker.classify().counts.lost, 1)
})

test('an event id stored twice is a duplicate', async (t) => {
  const checker = new LedgerChecker()
  checker.acknowledge(sent(checker, 's-a', ['a1']), [result('s-a', 0, 1, 1)])
  await checker.observe(logOf([stored('a1', 's-a', 0, 1), stored('a1', 's-a', 1, 2)]))
  const c = checker.classify()
  t.is(c.counts.duplicated, 1)
  t.false(clean(c))
})

test('an event no operation sent is unexpected', async (t) => {
  const checker = new LedgerChecker()
  checker.acknowledge(sent(checker, 's-a', ['a1']), [result('s-a', 0, 1, 1)])
  await checker.observe(logOf([stored('a1', 's-a', 0, 1), stored('x1', 's-x', 0, 2)]))
  const c = checker.classify()
  t.is(c.counts.unexpected, 1)
  t.false(clean(c))
})

test('a batch partly stored is torn', async (t) => {
  const checker = new LedgerChecker()
  sent(checker, 's-a', ['a1', 'a2', 'a3'])
  checker.abandonPending('killed')
  await checker.observe(logOf([stored('a1', 's-a', 0, 1)]))
  const c = checker.classify()
  t.is(c.tornBatches, 1)
  t.false(clean(c))
})

test('a gap in positions or revisions is counted', async (t) => {
  const checker = new LedgerChecker()
  checker.acknowledge(sent(checker, 's-a', ['a1', 'a2']), [result('s-a', 0, 1, 2)])
  checker.acknowledge(sent(checker, 's-b', ['b1']), [result('s-b', 0, 4, 1)])
  checker.acknowledge(sent(checker, 's-c', ['c1']), [result('s-c', 1, 5, 1)])
  await checker.observe(
    logOf([stored('a1', 's-a', 0, 1), stored('a2', 's-a', 1, 2), stored('b1', 's-b', 0, 4), stored('c1', 's-c', 1, 5)]),
  )
  const c = checker.classify()
  t.is(c.positionGaps, 1, 'position 4 follows 2')
  t.is(c.revisionGaps, 1, 'revision 1 opens a stream')
  t.is(c.counts.lost, 0)
  t.false(clean(c))
})

test('a failure that said "not written" and was written breaks its promise', async (t) => {
  const checker = new LedgerChecker()
  checker.fail(sent(checker, 's-a', ['a1']), new Error('disk full'), 'no')
  await checker.observe(logOf([stored('a1', 's-a', 0, 1)]))
  const c = checker.classify()
  t.is(c.writtenDespiteNotWritten, 1)
  t.false(clean(c))
})

test('a failure that said "not written" and was not is absent, and clean', async (t) => {
  const checker = new LedgerChecker()
  checker.fail(sent(checker, 's-a', ['a1', 'a2']), new Error('disk full'), 'no')
  await checker.observe(logOf([]))
  const c = checker.classify()
  t.is(c.counts.absent, 2)
  t.true(clean(c))
})

test('an operation of unknown outcome that was stored whole is recovered, and clean', async (t) => {
  const checker = new LedgerChecker()
  sent(checker, 's-a', ['a1', 'a2'])
  checker.abandonPending('killed')
  await checker.observe(logOf([stored('a1', 's-a', 0, 1), stored('a2', 's-a', 1, 2)]))
  const c = checker.classify()
  t.is(c.counts.recovered, 2)
  t.is(c.counts['acknowledged-present'], 0)
  t.true(clean(c))
})

test('a resend with the same ids, acknowledged, recovers an unknown operation once', async (t) => {
  const checker = new LedgerChecker()
  sent(checker, 's-a', ['a1'])
  checker.abandonPending('killed')
  checker.acknowledge(sent(checker, 's-a', ['a1']), [{ ...result('s-a', 0, 1, 1), alreadyStored: true }])
  await checker.observe(logOf([stored('a1', 's-a', 0, 1)]))
  const c = checker.classify()
  t.is(c.counts.recovered, 1)
  t.is(c.counts.duplicated, 0)
  t.true(clean(c))
})

test('reading is incremental: a second observe reads only what came after', async (t) => {
  const checker = new LedgerChecker()
  const log = [stored('a1', 's-a', 0, 1)]
  checker.acknowledge(sent(checker, 's-a', ['a1']), [result('s-a', 0, 1, 1)])
  t.is(await checker.observe(logOf(log)), 1)
  checker.acknowledge(sent(checker, 's-a', ['a2']), [result('s-a', 1, 2, 1)])
  log.push(stored('a2', 's-a', 1, 2))
  t.is(await checker.observe(logOf(log)), 1)
  t.is(checker.classify().counts['acknowledged-present'], 2)
})
