/**
 * Opening a ledger file: what is refused (with a `LedgerFileError` naming the problem, and nothing
 * on disk changed — same bytes, same mtime, no -wal, -shm or -journal beside it), what is accepted,
 * and the `sqlite:` connection string.
 */
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createLedger, InvalidArgumentError, verifyLedger } from '@civic-ledger/core'
import { collect, testEvent, testEvents } from '@civic-ledger/testing'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import type { LedgerFileProblem } from './index'
import { APPLICATION_ID, LedgerFileError, parseSqliteConnection, SCHEMA_VERSION, sqliteStoreProvider } from './index'
import { openSqliteEventStore } from './sqlite-store'

const isRoot = process.getuid?.() === 0

/** A fresh directory, removed after the test (made writable again first). */
const tempDir = (t: ExecutionContext): string => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-open-'))
  t.teardown(() => {
    chmodSync(dir, 0o700)
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

interface FileState {
  readonly bytes: Buffer
  readonly mtimeMs: number
  readonly mode: number
  readonly siblings: ReadonlyArray<string>
}

const fileState = (path: string, dir: string): FileState => {
  const stat = statSync(path)
  return { bytes: readFileSync(path), mtimeMs: stat.mtimeMs, mode: stat.mode, siblings: readdirSync(dir).sort() }
}

/** Opening `path` is refused for `problem`, and neither the file nor its directory changed. */
const refusedUnchanged = async (
  t: ExecutionContext,
  dir: string,
  path: string,
  problem: LedgerFileProblem,
): Promise<void> => {
  const before = fileState(path, dir)
  const error = await t.throwsAsync(openSqliteEventStore({ path }), { instanceOf: LedgerFileError })
  t.is(error?.problem, problem, error?.message)
  const after = fileState(path, dir)
  t.true(after.bytes.equals(before.bytes), 'the file has the same bytes')
  t.is(after.mtimeMs, before.mtimeMs, 'the file has the same mtime')
  t.is(after.mode, before.mode, 'the file has the same mode')
  t.deepEqual(after.siblings, before.siblings, 'no -wal, -shm or -journal file was created')
}

/** A ledger with a few events, closed (so no -wal or -shm is left). */
const makeLedger = async (path: string, events = 3): Promise<void> => {
  const store = await openSqliteEventStore({ path })
  await store.appendToStream('grants.application-1', testEvents(events), { expectedRevision: 'noStream' })
  await store.close()
}

// --- refused ---

test('a text file that is not SQLite is refused as not-a-ledger, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'notes.txt')
  writeFileSync(path, 'Minutes of the resilience forum, 3 March.\nActions: none.\n')
  await refusedUnchanged(t, dir, path, 'not-a-ledger')
})

test('a file shorter than a SQLite header is refused as not-a-ledger, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'short.db')
  writeFileSync(path, 'SQLite')
  await refusedUnchanged(t, dir, path, 'not-a-ledger')
})

test('a SQLite header followed by garbage is refused as not-a-ledger, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'garbage.db')
  const bytes = Buffer.alloc(4096, 0x5a)
  Buffer.from('SQLite format 3\u0000', 'latin1').copy(bytes)
  writeFileSync(path, bytes)
  await refusedUnchanged(t, dir, path, 'not-a-ledger')
})

test('a SQLite database of another application is refused as not-a-ledger, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'other.db')
  const db = new BetterSqlite3(path)
  db.exec("CREATE TABLE volunteers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO volunteers (name) VALUES ('Ada')")
  db.close()
  await refusedUnchanged(t, dir, path, 'not-a-ledger')
})

test('a WAL-mode SQLite database of another application is refused as not-a-ledger, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'other-wal.db')
  const db = new BetterSqlite3(path)
  db.pragma('journal_mode = WAL')
  db.pragma('application_id = 1234')
  db.exec('CREATE TABLE areas (code TEXT PRIMARY KEY)')
  db.close()
  t.deepEqual(readdirSync(dir), ['other-wal.db'])
  await refusedUnchanged(t, dir, path, 'not-a-ledger')
})

test('a ledger of a newer schema is refused as newer-schema, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  await makeLedger(path)
  const db = new BetterSqlite3(path)
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
  db.close()
  t.deepEqual(readdirSync(dir), ['ledger.db'])
  await refusedUnchanged(t, dir, path, 'newer-schema')
})

test('a path in a directory that does not exist is refused as cannot-open, and nothing is created', async (t) => {
  const dir = tempDir(t)
  const missing = join(dir, 'no-such-directory')
  const error = await t.throwsAsync(openSqliteEventStore({ path: join(missing, 'ledger.db') }), {
    instanceOf: LedgerFileError,
  })
  t.is(error?.problem, 'cannot-open')
  t.false(existsSync(missing), 'the directory was not created')
  t.deepEqual(readdirSync(dir), [])
})

test('a directory given as the ledger path is refused as cannot-open, and nothing is created', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  mkdirSync(path)
  const error = await t.throwsAsync(openSqliteEventStore({ path }), { instanceOf: LedgerFileError })
  t.is(error?.problem, 'cannot-open')
  t.deepEqual(readdirSync(dir), ['ledger.db'])
  t.deepEqual(readdirSync(path), [])
})

// File permissions: root ignores them (a 0o444 file is writable by root), so these run only as
// another user; as root, the immutable attribute (which even root cannot write through) stands in
// where `chattr` is available.
const asNonRoot = isRoot ? test.skip : test

asNonRoot('a read-only ledger file (0o444) is refused as read-only, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  await makeLedger(path)
  chmodSync(path, 0o444)
  await refusedUnchanged(t, dir, path, 'read-only')
})

asNonRoot('a ledger in a read-only directory (0o555) is refused as read-only, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  await makeLedger(path)
  chmodSync(dir, 0o555)
  await refusedUnchanged(t, dir, path, 'read-only')
})

asNonRoot(
  'a new ledger in a read-only directory (0o555) is refused as read-only, and nothing is created',
  async (t) => {
    const dir = tempDir(t)
    chmodSync(dir, 0o555)
    const error = await t.throwsAsync(openSqliteEventStore({ path: join(dir, 'ledger.db') }), {
      instanceOf: LedgerFileError,
    })
    t.is(error?.problem, 'read-only')
    t.deepEqual(readdirSync(dir), [])
  },
)

/** Sets or clears the immutable attribute; false when this system does not allow it. */
const immutable = (path: string, on: boolean): boolean => {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', path], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const asRoot = isRoot ? test : test.skip

asRoot(
  'as root: the chmod cases are skipped; an immutable ledger file is refused as read-only, unchanged',
  async (t) => {
    t.log(
      'running as root, where file permissions do not stop writes: the 0o444 file and 0o555 directory cases are skipped',
    )
    const dir = tempDir(t)
    const path = join(dir, 'ledger.db')
    await makeLedger(path)
    if (!immutable(path, true)) {
      t.log('chattr +i is not available here: the immutable-file case is skipped too')
      t.pass()
      return
    }
    t.teardown(() => immutable(path, false))
    await refusedUnchanged(t, dir, path, 'read-only')
  },
)

asRoot('as root: a ledger in an immutable directory is refused as read-only, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  await makeLedger(path)
  if (!immutable(dir, true)) {
    t.log('chattr +i is not available here: the immutable-directory case is skipped')
    t.pass()
    return
  }
  t.teardown(() => immutable(dir, false))
  await refusedUnchanged(t, dir, path, 'read-only')
})

// --- accepted ---

test('an empty file is accepted and becomes a ledger', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  writeFileSync(path, '')
  const store = await openSqliteEventStore({ path })
  const result = await store.appendToStream('grants.application-1', [testEvent()], { expectedRevision: 'noStream' })
  t.is(result.firstPosition, 1)
  await store.close()
  const db = new BetterSqlite3(path, { readonly: true })
  t.is(db.pragma('application_id', { simple: true }), APPLICATION_ID)
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION)
  t.is(db.pragma('journal_mode', { simple: true }), 'wal')
  db.close()
})

test('a new file is created as a ledger', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  const store = await openSqliteEventStore({ path })
  t.is(await store.headPosition(), 0)
  await store.close()
  const db = new BetterSqlite3(path, { readonly: true })
  t.is(db.pragma('application_id', { simple: true }), APPLICATION_ID)
  t.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION)
  db.close()
})

test('reopening a ledger keeps its events, and appending continues after them', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  await makeLedger(path, 3)
  const store = await openSqliteEventStore({ path })
  const before = await collect(() => store.readAll())
  t.deepEqual(
    before.map((e) => [e.position, e.streamId, e.revision]),
    [
      [1, 'grants.application-1', 0],
      [2, 'grants.application-1', 1],
      [3, 'grants.application-1', 2],
    ],
  )
  const next = await store.appendToStream('grants.application-1', [testEvent()], { expectedRevision: 2 })
  t.like(next, { firstRevision: 3, firstPosition: 4, alreadyStored: false })
  await store.close()
  const again = await openSqliteEventStore({ path })
  t.is(await again.headPosition(), 4)
  await again.close()
})

// --- connection strings ---

test('parseSqliteConnection reads the path and the synchronous option', (t) => {
  t.deepEqual(parseSqliteConnection('sqlite:./ledger.db'), { path: './ledger.db' })
  t.deepEqual(parseSqliteConnection('sqlite:/var/lib/civic/ledger.db'), { path: '/var/lib/civic/ledger.db' })
  t.deepEqual(parseSqliteConnection('sqlite:///var/lib/civic/ledger.db'), { path: '/var/lib/civic/ledger.db' })
  t.deepEqual(parseSqliteConnection('sqlite:ledger.db?synchronous=normal'), {
    path: 'ledger.db',
    synchronous: 'NORMAL',
  })
  t.deepEqual(parseSqliteConnection('SQLITE:ledger.db?synchronous=FULL'), { path: 'ledger.db', synchronous: 'FULL' })
})

test('a bad sqlite: connection string gives InvalidArgumentError', (t) => {
  for (const bad of [
    'sqlite:',
    'sqlite:?synchronous=full',
    'sqlite:ledger.db?synchronous=off',
    'sqlite:ledger.db?cache=shared',
    'sqlite:ledger.db?synchronous=full&mode=ro',
    'postgres://localhost/ledger',
  ])
    t.throws(() => parseSqliteConnection(bad), { instanceOf: InvalidArgumentError }, bad)
})

test('createLedger opens sqlite:<path> once the package is imported', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  const ledger = await createLedger({ store: `sqlite:${path}` })
  await ledger.trusted.store.appendToStream('grants.application-1', testEvents(2), { expectedRevision: 'noStream' })
  await ledger.close()
  const store = await openSqliteEventStore({ path })
  t.is(await store.headPosition(), 2)
  await store.close()
})

test('createLedger opens sqlite:<path>?synchronous=normal with storeProviders', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  const ledger = await createLedger({
    store: `sqlite:${path}?synchronous=normal`,
    storeProviders: [sqliteStoreProvider],
  })
  const result = await ledger.trusted.store.appendToStream('grants.application-1', [testEvent()], {
    expectedRevision: 'noStream',
  })
  t.is(result.firstPosition, 1)
  const events = await collect(() => ledger.events.readStream('grants.application-1'))
  t.is(events.length, 1)
  await ledger.close()
  t.true(existsSync(path))
})

test('createLedger with a bad sqlite: option gives InvalidArgumentError and creates nothing', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  await t.throwsAsync(createLedger({ store: `sqlite:${path}?synchronous=off` }), { instanceOf: InvalidArgumentError })
  await t.throwsAsync(createLedger({ store: `sqlite:${path}?journal=delete`, storeProviders: [sqliteStoreProvider] }), {
    instanceOf: InvalidArgumentError,
  })
  t.deepEqual(readdirSync(dir), [])
})

test('a write-ahead log bound that is not a whole number of pages is refused, and nothing is created', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  for (const walCheckpointPages of [0, -5, 2.5, Number.NaN])
    await t.throwsAsync(openSqliteEventStore({ path, walCheckpointPages }), {
      instanceOf: InvalidArgumentError,
      message: /walCheckpointPages: must be a whole number ≥ 1/,
    })
  t.deepEqual(readdirSync(dir), [])
  const store = await openSqliteEventStore({ path, walCheckpointPages: 250 })
  t.teardown(() => store.close())
  t.is((await store.appendToStream('test.stream-1', testEvents(3), { expectedRevision: 'noStream' })).lastPosition, 3)
})

test('a page cache or read-ahead setting that is not valid is refused, and nothing is created', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  for (const cacheMb of [0, -64, 1.5, Number.NaN])
    await t.throwsAsync(openSqliteEventStore({ path, cacheMb }), {
      instanceOf: InvalidArgumentError,
      message: /cacheMb: must be a whole number of MiB ≥ 1/,
    })
  for (const readAhead of [{ from: 0 }, { from: 2.5 }, true, null])
    await t.throwsAsync(openSqliteEventStore({ path, readAhead: readAhead as never }), {
      instanceOf: InvalidArgumentError,
      message: /readAhead: must be false or \{ from/,
    })
  t.deepEqual(readdirSync(dir), [])
  const store = await openSqliteEventStore({ path, cacheMb: 8, readAhead: { from: 10 } })
  t.teardown(() => store.close())
  t.is((await store.appendToStream('test.stream-1', testEvents(3), { expectedRevision: 'noStream' })).lastPosition, 3)
})

test('createLedger refuses a file that is not a ledger with LedgerFileError, unchanged', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'notes.txt')
  writeFileSync(path, 'not a ledger')
  const before = fileState(path, dir)
  const error = await t.throwsAsync(createLedger({ store: `sqlite:${path}` }), { instanceOf: LedgerFileError })
  t.is(error?.problem, 'not-a-ledger')
  t.deepEqual(fileState(path, dir), before)
})

test('a ledger written before the hash chain is migrated: data made canonical, every chain computed', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  const first = await openSqliteEventStore({ path })
  await first.appendToStream('grants.fund-1', [testEvent({ name: 'Fenland fund', amount: 5000 })], {
    expectedRevision: 'noStream',
  })
  await first.appendToStream('grants.fund-2', testEvents(2), { expectedRevision: 'noStream' })
  await first.appendToStream('grants.fund-1', testEvents(2), { expectedRevision: 0 })
  await first.close()
  // As a schema-3 file held it: no hash columns, data in the writer's own member order.
  const db = new BetterSqlite3(path)
  db.prepare('UPDATE events SET data = ? WHERE position = 1').run('{"name":"Fenland fund","amount":5000}')
  db.exec(
    `ALTER TABLE events DROP COLUMN hash; ALTER TABLE streams ADD COLUMN revision INTEGER NOT NULL DEFAULT -1;
     UPDATE streams SET revision = (SELECT max(revision) FROM events WHERE stream = streams.id); PRAGMA user_version = 3`,
  )
  // Its snapshots carried the tenant that schema 5 withdraws.
  db.exec('ALTER TABLE snapshots ADD COLUMN tenant TEXT')
  db.prepare(
    `INSERT INTO snapshots (stream, revision, snapshot_version, state, tenant, taken_at)
     SELECT id, 1, 1, '{"total":2}', 'cambridgeshire', '2026-01-01T00:00:00.000Z' FROM streams WHERE name = 'grants.fund-1'`,
  ).run()
  db.close()

  const reopened = await openSqliteEventStore({ path })
  t.teardown(() => reopened.close())
  const stored = await collect(() => reopened.readStored())
  t.is(stored[0]?.data, '{"amount":5000,"name":"Fenland fund"}')
  const report = await verifyLedger(reopened)
  t.deepEqual(report, { ok: true, events: 5, streams: 2, ledgerSeals: 0, sealFiles: 0 })
  t.deepEqual(await reopened.snapshots?.readSnapshot('grants.fund-1'), {
    streamId: 'grants.fund-1',
    revision: 1,
    version: 1,
    state: { total: 2 },
  })
  const columns = new BetterSqlite3(path, { readonly: true })
  t.false(
    columns
      .prepare<[], { name: string }>('PRAGMA table_info(snapshots)')
      .all()
      .some((c) => c.name === 'tenant'),
    'the tenant column is gone',
  )
  columns.close()
  // Appends after the migration continue the migrated chains.
  await reopened.appendToStream('grants.fund-2', testEvents(1), { expectedRevision: 1 })
  t.true((await verifyLedger(reopened)).ok)
})

test('a schema-5 ledger, whose stream rows held their heads, is migrated: heads come from the events', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'ledger.db')
  const first = await openSqliteEventStore({ path })
  await first.appendToStream('grants.fund-1', testEvents(3), { expectedRevision: 'noStream' })
  await first.appendToStream('grants.fund-2', testEvents(2), { expectedRevision: 'noStream' })
  await first.appendToStream('grants.fund-1', testEvents(1), { expectedRevision: 2 })
  await first.close()
  // As schema 5 held it: each stream row with its last revision and last hash, kept by every append.
  const db = new BetterSqlite3(path)
  db.exec(
    `ALTER TABLE streams ADD COLUMN revision INTEGER NOT NULL DEFAULT -1;
     ALTER TABLE streams ADD COLUMN head_hash BLOB;
     UPDATE streams SET revision = (SELECT max(revision) FROM events WHERE stream = streams.id),
       head_hash = (SELECT hash FROM events WHERE stream = streams.id ORDER BY revision DESC LIMIT 1);
     PRAGMA user_version = 5`,
  )
  db.close()

  const reopened = await openSqliteEventStore({ path })
  t.teardown(() => reopened.close())
  const columns = new BetterSqlite3(path, { readonly: true })
  t.is(columns.pragma('user_version', { simple: true }), SCHEMA_VERSION)
  t.deepEqual(
    columns
      .prepare<[], { name: string }>('PRAGMA table_info(streams)')
      .all()
      .map((c) => c.name),
    ['id', 'name'],
  )
  columns.close()
  t.deepEqual((await collect(() => reopened.streamHeads(6))).map((h) => [h.streamId, h.revision]).sort(), [
    ['grants.fund-1', 3],
    ['grants.fund-2', 1],
  ])
  // The expected-revision check reads the head from the events.
  await t.throwsAsync(reopened.appendToStream('grants.fund-1', testEvents(1), { expectedRevision: 2 }), {
    name: 'WrongExpectedRevisionError',
  })
  const appended = await reopened.appendToStream('grants.fund-1', testEvents(1), { expectedRevision: 3 })
  t.is(appended.firstRevision, 4)
  t.deepEqual(await verifyLedger(reopened), { ok: true, events: 7, streams: 2, ledgerSeals: 0, sealFiles: 0 })
})
