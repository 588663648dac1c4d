/**
 * The driver's mappings, unit by unit, on values of the client's own types: expected revisions to
 * stream states, events to and from KurrentDB records, client errors to port errors, connection
 * strings, filters, and positions.
 */
import { StoreUnavailableError } from '@civic-ledger/core'
import type { RecordedEvent as ClientRecordedEvent } from '@kurrent/kurrentdb-client'
import test from 'ava'

import { parseKurrentDBConnection } from './connection'
import { KurrentDBAccessDeniedError, MultiStreamAppendNotSupportedError, portError } from './errors'
import { serverFilter } from './filters'
import { comparePositions, ForwardCheckpoint, PositionIndex } from './positions'
import { recorded } from './recorded-client.test-fixture'
import { derivedId, expectedStateOf, fromRecorded, ledgerNames, streamStateOf, toEventData } from './records'

const names = ledgerNames('ledger-1')

/** A value as it comes back from JSON on the wire. */
const copy = <A>(value: A): A => JSON.parse(JSON.stringify(value)) as A

const stored = {
  eventId: '6f1c2a3e-0b7d-4c55-9a41-3c0f8f6e2b10',
  streamId: 'grants.fund-7',
  revision: 3,
  position: 42,
  type: 'grants.FundOpened',
  schemaVersion: 2,
  data: '{"amount":1.5,"name":"Fenland"}',
  metadata: '{"actor":{"id":"a"}}',
  recordedAt: '2026-03-01T09:30:00.000Z',
  hash: 'a'.repeat(64),
}

/** What the client gives back for `toEventData(stored)` written to `<ledger>/grants.fund-7` at revision 3. */
const asRead = (data: ReturnType<typeof toEventData>): ClientRecordedEvent =>
  data.contentType === 'application/json'
    ? {
        streamId: 'ledger-1/grants.fund-7',
        id: data.id,
        isJson: true,
        revision: 3n,
        type: data.type,
        created: new Date(),
        data: copy(data.data),
        metadata: copy(data.metadata),
        position: { commit: 9000n, prepare: 8990n },
      }
    : {
        streamId: 'ledger-1/grants.fund-7',
        id: data.id,
        isJson: false,
        revision: 3n,
        type: data.type,
        created: new Date(),
        data: data.data,
        metadata: copy(data.metadata),
      }

test('expected revisions map to the client stream states, always explicit', (t) => {
  t.is(expectedStateOf('noStream'), 'no_stream')
  t.is(expectedStateOf('streamExists'), 'stream_exists')
  t.is(expectedStateOf('any'), 'any')
  t.is(expectedStateOf(7), 7n)
  t.is(streamStateOf(-1), 'no_stream')
  t.is(streamStateOf(0), 0n)
})

test('an event goes to KurrentDB with its own id and type, and comes back exactly as stored', (t) => {
  const data = toEventData(stored)
  t.is(data.id, stored.eventId)
  t.is(data.type, stored.type)
  t.is(data.contentType, 'application/json')
  t.true(
    Object.values(data.metadata ?? {}).every((v) => typeof v === 'string'),
    'multi-stream appends need string properties',
  )
  t.deepEqual(fromRecorded(names, asRead(data)), stored)
})

test('data that is not an object or array is kept as its bytes', (t) => {
  const scalar = { ...stored, data: '"just text"' }
  const data = toEventData(scalar)
  t.is(data.contentType, 'application/octet-stream')
  t.deepEqual(fromRecorded(names, asRead(data)), scalar)
})

test('metadata read back as bytes is understood too', (t) => {
  const data = toEventData(stored)
  const read = { ...asRead(data), metadata: new Uint8Array(Buffer.from(JSON.stringify(data.metadata))) }
  t.deepEqual(fromRecorded(names, read as ClientRecordedEvent), stored)
})

test('an event without the ledger property is refused', (t) => {
  const read = { ...asRead(toEventData(stored)), metadata: { other: 'x' } }
  t.throws(() => fromRecorded(names, read as ClientRecordedEvent), { name: 'NotALedgerEvent' })
})

test('derived ids are deterministic UUIDs', (t) => {
  t.is(derivedId('a'), derivedId('a'))
  t.not(derivedId('a'), derivedId('b'))
  t.regex(derivedId('a'), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})

test('ledger names: streams under <ledger>/, positions and id streams beside them', (t) => {
  t.is(names.stream('grants.fund-7'), 'ledger-1/grants.fund-7')
  t.is(names.streamId('ledger-1/grants.fund-7'), 'grants.fund-7')
  t.is(names.streamId('ledger-1.positions'), undefined)
  t.is(names.streamId(names.idStream('x')), undefined)
})

test('client errors map to port errors', (t) => {
  for (const error of [recorded.notLeader(), recorded.unavailable(), recorded.deadline()]) {
    const mapped = portError('the ledger', 'appending', error)
    t.true(mapped instanceof StoreUnavailableError)
    t.regex(mapped.message, /unavailable/)
  }
  t.true(portError('the ledger', 'appending', recorded.accessDenied()) instanceof KurrentDBAccessDeniedError)
  t.true(portError('the ledger', 'appending', recorded.unsupported()) instanceof MultiStreamAppendNotSupportedError)
  t.true(portError('the ledger', 'reading', new Error('boom')) instanceof StoreUnavailableError)
})

test('connection strings: every client option passes through; ledger and readModels are taken out', (t) => {
  const c = parseKurrentDBConnection(
    'kurrentdb+discover://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true&nodePreference=leader&ledger=cambs&tlsCAFile=/ca.crt&readModels=sqlite%3A.%2Frm.db&defaultDeadline=5000',
  )
  t.is(
    c.clientConnection,
    'kurrentdb+discover://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true&nodePreference=leader&tlsCAFile=/ca.crt&defaultDeadline=5000',
  )
  t.is(c.ledger, 'cambs')
  t.is(c.readModels, 'sqlite:./rm.db')
  t.deepEqual(parseKurrentDBConnection('esdb://localhost:2113'), { clientConnection: 'esdb://localhost:2113' })
  t.is(parseKurrentDBConnection('kurrentdb://h?Ledger=x').clientConnection, 'kurrentdb://h')
  t.throws(() => parseKurrentDBConnection('postgres://h'), { name: 'InvalidArgumentError' })
  t.throws(() => parseKurrentDBConnection('kurrentdb://h?ledger=a/b'), { name: 'InvalidArgumentError' })
})

test('filters: stream prefixes, else event types, else the ledger, on the server', (t) => {
  t.deepEqual(serverFilter(names, { streamPrefixes: ['grants.'], types: ['grants.FundOpened'] }), {
    filterOn: 'streamName',
    prefixes: ['ledger-1/grants.'],
    checkpointInterval: 1,
    checkpointReached: undefined,
  })
  t.like(serverFilter(names, { types: ['grants.FundOpened'] }), {
    filterOn: 'eventType',
    prefixes: ['grants.FundOpened'],
  })
  t.like(serverFilter(names, undefined), { filterOn: 'streamName', prefixes: ['ledger-1/'] })
})

test('the position index finds the nearest known ordinal before one', (t) => {
  const index = new PositionIndex(2)
  t.is(index.before(5), undefined)
  for (let i = 1; i <= 9; i++) index.record(i, { commit: BigInt(i * 100), prepare: BigInt(i * 100) })
  t.deepEqual(index.before(5), { ordinal: 4, position: { commit: 400n, prepare: 400n } })
  t.deepEqual(index.before(20), { ordinal: 9, position: { commit: 900n, prepare: 900n } })
  t.is(index.before(1), undefined)
  t.is(index.before(2), undefined)
  t.is(index.before(3)?.ordinal, 2)
})

test('checkpoints only move forward', (t) => {
  const c = new ForwardCheckpoint()
  t.true(c.advance({ commit: 10n, prepare: 10n }))
  t.false(c.advance({ commit: 10n, prepare: 10n }))
  t.false(c.advance({ commit: 9n, prepare: 12n }))
  t.true(c.advance({ commit: 10n, prepare: 11n }))
  t.deepEqual(c.position, { commit: 10n, prepare: 11n })
  t.is(comparePositions({ commit: 1n, prepare: 5n }, { commit: 2n, prepare: 0n }), -1)
})
