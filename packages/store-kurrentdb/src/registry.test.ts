/**
 * Importing the package registers `kurrentdb://`, `esdb://` and the client's other schemes. Opening
 * does not connect (the client connects on its first call), so this needs no server.
 */
import type { EventStore } from '@civic-ledger/core'
import { createMemoryEventStore, openEventStore, registerStoreProvider, systemClock } from '@civic-ledger/core'
import test from 'ava'

import { KURRENTDB_SCHEMES, kurrentDBStoreProvider } from './index'

test('kurrentdb:// and esdb:// open a KurrentDB store, named without credentials', async (t) => {
  t.deepEqual([...kurrentDBStoreProvider.schemes], [...KURRENTDB_SCHEMES])
  for (const connection of [
    'kurrentdb://admin:changeit@localhost:1?tls=false&ledger=registry-test',
    'esdb://localhost:1?tls=false',
    'kurrentdb+discover://localhost:1,localhost:2,localhost:3?tls=false&nodePreference=follower',
  ]) {
    const store = await openEventStore(connection, { clock: systemClock })
    await store.close()
    t.pass()
  }
})

test('a bad ledger name is refused before anything connects', async (t) => {
  await t.throwsAsync(openEventStore('kurrentdb://localhost:1?ledger=', { clock: systemClock }), {
    name: 'InvalidArgumentError',
  })
})

test('readModels= opens the named store and the ledger keeps its read models there, closing it on close', async (t) => {
  let opened: EventStore | undefined
  let closed = false
  registerStoreProvider({
    schemes: ['rm-test'],
    open: async () => {
      const store = createMemoryEventStore()
      opened = {
        ...store,
        close: async () => {
          closed = true
          await store.close()
        },
      }
      return opened
    },
  })
  const store = await openEventStore('kurrentdb://localhost:1?tls=false&readModels=rm-test%3A', { clock: systemClock })
  t.is(store.readModels?.dialect, opened?.readModels?.dialect)
  t.truthy(opened?.readModels?.setInlineHandler)
  t.is(store.readModels?.setInlineHandler, undefined, 'no inline projections: the read models are in another database')
  await store.close()
  t.true(closed)
})
