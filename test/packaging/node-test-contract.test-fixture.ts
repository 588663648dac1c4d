/**
 * The EventStore and projection contracts of the in-memory store, and a decider spec, under
 * `node:test` instead of ava: run as `node node-test-contract.test-fixture.js` by
 * node-test-runner.test.ts. Its last test proves ava was never loaded.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { accept, createMemoryEventStore, reject } from '@civic-ledger/core'
import {
  deciderSpec,
  eventStoreContract,
  nodeAssertions,
  nodeTestRunner,
  projectionContract,
} from '@civic-ledger/testing'

eventStoreContract('memory under node:test', async () => ({ store: createMemoryEventStore() }), {
  runner: nodeTestRunner,
  modelRuns: 10,
})
projectionContract('memory under node:test', async () => ({ store: createMemoryEventStore() }), {
  runner: nodeTestRunner,
})

interface Counted {
  readonly type: 'Counted'
}
const counter = {
  initialState: 0,
  evolve: (count: number, _event: Counted) => count + 1,
  decide: (command: { readonly type: 'Count'; readonly upTo: number }, count: number) =>
    count < command.upTo ? accept<Counted>({ type: 'Counted' }) : reject('limit', `already ${count}`),
}

void test('a decider spec asserts with node:assert', () => {
  deciderSpec(counter)(nodeAssertions)
    .given([])
    .when({ type: 'Count', upTo: 1 })
    .then([{ type: 'Counted' }])
  deciderSpec(counter)(nodeAssertions)
    .given([{ type: 'Counted' }])
    .when({ type: 'Count', upTo: 1 })
    .thenRejects('limit')
  assert.throws(() =>
    deciderSpec(counter)(nodeAssertions).given([]).when({ type: 'Count', upTo: 1 }).thenRejects('limit'),
  )
})

void test('ava was never loaded', () => {
  const loaded = Object.keys(require.cache).filter((path) => /[/\\]node_modules[/\\]ava[/\\]/.test(path))
  assert.deepEqual(loaded, [])
})
