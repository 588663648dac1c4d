/**
 * Storage that refuses a write mid-batch (RELIABILITY "Faults": disk full during a batch): a
 * `fill-writer` child appends batches until the storage under its ledger refuses one, then the
 * file is checked directly and through a store.
 *
 * - A file-size limit: the child runs under `ulimit -f` with SIGXFSZ ignored, so a write past the
 *   limit fails (SQLite says `SQLITE_IOERR_WRITE` or `SQLITE_FULL`). Run everywhere on Linux.
 * - A full disk: the ledger on a small tmpfs, filled up; then room is made and the same open store
 *   must append again. Needs root (to mount), and is skipped, saying so, without it.
 * - A file system gone read-only under the open store: ext4 on a loop device, mounted with
 *   `errors=remount-ro`, and an error triggered through sysfs, as a failing disk does. (A file
 *   system cannot be remounted read-only by hand while the store holds the file open for writing,
 *   and `chmod` does not affect a descriptor already open.) Needs root, a loop device and mkfs.ext4.
 *
 * Each time the refused append must fail with a `StoreUnavailableError` saying it was not
 * written, naming the reason and the file; no partial batch may be visible; every acknowledged
 * append must be where the store said; `PRAGMA integrity_check` and `verifyLedger` must pass; and
 * once the limit is gone, appends must succeed.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { platform, tmpdir } from 'node:os'
import { join } from 'node:path'

import type { AppendResult } from '@civic-ledger/core'
import { StoreUnavailableError, verifyLedger } from '@civic-ledger/core'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import BetterSqlite3 from 'better-sqlite3'

import type { AckLine, AttemptLine, ChildLine, RefusedLine } from './child-protocol'
import { lineReader, newEvent } from './child-protocol'
import { openSqliteEventStore } from './sqlite-store'
import { LedgerFileCheck } from './test-helpers'

const WRITER = join(__dirname, 'fill-writer.js')

// --- what this host can do ---

const isRoot = process.getuid?.() === 0
const linux = platform() === 'linux'

/** True when `mount -t tmpfs` works here (root in a host or privileged container). */
const canMountTmpfs = ((): boolean => {
  if (!linux || !isRoot) return false
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-mount-probe-'))
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status !== 0) return false
    spawnSync('umount', [dir])
    return true
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})()

const canMountExt4 =
  canMountTmpfs &&
  spawnSync('mkfs.ext4', ['-V']).status === 0 &&
  existsSync('/dev/loop-control') &&
  existsSync('/sys/fs/ext4')

// --- the child ---

interface Run {
  readonly attempts: AttemptLine[]
  readonly acks: AckLine[]
  readonly refusals: RefusedLine[]
  readonly failures: string[]
  readonly stderr: () => string
  /** Resolves at each `done` line, in turn. */
  readonly done: () => Promise<void>
  /** Resolves when the child has paused (see `pauseAfter`). */
  readonly paused: Promise<void>
  readonly send: (line: string) => void
  readonly exited: Promise<number | null>
  readonly child: ChildProcessWithoutNullStreams
}

const startFill = (
  path: string,
  options: { readonly fileSizeKb?: number; readonly checkpointPages: number; readonly pauseAfter?: number },
): Run => {
  const args = [WRITER, path, '7', String(options.checkpointPages), String(options.pauseAfter ?? 0)]
  // bash's `ulimit -f` counts 1024-byte blocks; SIGXFSZ ignored, a write past the limit fails with EFBIG.
  const child =
    options.fileSizeKb === undefined
      ? spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(
          'bash',
          ['-c', `trap '' XFSZ; ulimit -f ${options.fileSizeKb}; exec "$0" "$@"`, process.execPath, ...args],
          { stdio: ['pipe', 'pipe', 'pipe'] },
        )
  const attempts: AttemptLine[] = []
  const acks: AckLine[] = []
  const refusals: RefusedLine[] = []
  const failures: string[] = []
  let stderr = ''
  const doneWaiters: Array<() => void> = []
  let doneCount = 0
  let doneSeen = 0
  let onPaused: () => void = () => undefined
  const paused = new Promise<void>((resolve) => (onPaused = resolve))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  child.stdout.on(
    'data',
    lineReader((line: ChildLine) => {
      if (line.k === 'attempt') attempts.push(line)
      else if (line.k === 'ack') acks.push(line)
      else if (line.k === 'paused') onPaused()
      else if (line.k === 'refused') refusals.push(line)
      else if (line.k === 'failed') failures.push(line.error)
      else if (line.k === 'done') {
        doneCount++
        doneWaiters.shift()?.()
      }
    }),
  )
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdin.on('error', () => undefined)
  const ended = exited.then(() => undefined)
  return {
    attempts,
    acks,
    refusals,
    failures,
    stderr: () => stderr,
    done: async () => {
      const seen = ++doneSeen
      if (doneCount >= seen) return
      await Promise.race([new Promise<void>((resolve) => doneWaiters.push(resolve)), ended])
    },
    paused: Promise.race([paused, ended]),
    send: (line) => child.stdin.write(`${line}\n`),
    exited,
    child,
  }
}

// --- the checks ---

/** The refusals are typed, say not written, name `reason` and the file; nothing of them is stored. */
const checkRefusals = (
  t: ExecutionContext,
  run: Run,
  path: string,
  reasons: ReadonlyArray<string>,
  codes: RegExp,
): void => {
  const refused = run.refusals.filter((r) => r.op >= 0)
  t.true(refused.length > 0, `no append was refused: ${run.failures.join('\n')} ${run.stderr()}`)
  for (const { error } of refused) {
    t.is(error.name, 'StoreUnavailableError', error.message)
    t.is(error.kind, 'StoreUnavailable')
    t.is(error.written, 'no', error.message)
    t.true(reasons.includes(error.reason ?? ''), `reason ${error.reason ?? ''}: ${error.message}`)
    t.regex(error.code ?? '', codes, error.message)
    t.is(error.file, path)
    t.true(error.message.includes(path), error.message)
    t.regex(error.message, /was not written/)
    t.notRegex(error.message, /^disk I\/O error$/)
    // No event data: the filler, the stream names and the ids stay out of the message.
    t.notRegex(error.message, /fill\.stream|[0-9a-f]{8}-[0-9a-f]{4}-/)
  }
  t.log(`first refusal: ${refused[0]?.error.message ?? ''}`)
}

/** The file as the checker reads it, and through a store: everything acknowledged, nothing refused. */
const checkLedger = async (t: ExecutionContext, run: Run, path: string): Promise<number> => {
  const check = new LedgerFileCheck(path, 'integrity_check')
  const report = check.check({
    acked: run.acks.flatMap((a) => a.results),
    attempts: run.attempts.map((a) => a.appends.flatMap((p) => p.ids)),
  })
  t.is(report.integrity, 'ok')
  t.deepEqual(report.problems.slice(0, 10), [])
  const refusedOps = new Set(run.refusals.map((r) => r.op))
  for (const attempt of run.attempts.filter((a) => refusedOps.has(a.op)))
    for (const id of attempt.appends.flatMap((p) => p.ids)) t.is(check.locate(id), undefined, `refused event ${id}`)
  t.is(
    report.events,
    run.acks.reduce((n, a) => n + a.results.reduce((m, r) => m + r.ids.length, 0), 0),
    'the file holds exactly the acknowledged events',
  )
  const store = await openSqliteEventStore({ path })
  try {
    const verified = await verifyLedger(store)
    t.true(verified.ok, verified.failure?.message)
    t.is(await store.headPosition(), report.events)
    const appended: AppendResult = await store.appendToStream(
      'fill.after-1',
      [newEvent('00000000-0000-4000-8000-000000000001', 'fill.PageWritten', { after: 1 })],
      { expectedRevision: 'noStream' },
    )
    t.is(appended.firstPosition, report.events + 1, 'an append succeeds once the limit is gone')
  } finally {
    await store.close()
  }
  return report.events
}

const run = async (t: ExecutionContext, fill: Run): Promise<void> => {
  await fill.done()
  t.deepEqual(fill.failures, [], fill.stderr())
}

// --- the tests ---

const fileSizeLimit = linux ? test : test.skip

fileSizeLimit(
  'a file-size limit (ulimit -f) mid-batch: refused as not written, nothing partial, the ledger intact',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-fsize-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'ledger.db')
    // Small checkpoints: both the log and the database file grow to the limit.
    const fill = startFill(path, { fileSizeKb: 1536, checkpointPages: 64 })
    t.teardown(() => fill.child.kill('SIGKILL'))
    await run(t, fill)
    fill.send('stop')
    t.is(await fill.exited, 0, fill.stderr())
    t.true(fill.acks.length > 0)
    checkRefusals(t, fill, path, ['no-space'], /^SQLITE_(FULL|IOERR_WRITE)$/)
    const events = await checkLedger(t, fill, path)
    t.log(`${fill.acks.length} appends acknowledged (${events} events), then ${fill.refusals.length} refused`)
  },
)

const tmpfsTest = canMountTmpfs ? test : test.skip
tmpfsTest(
  `a full disk (tmpfs) mid-batch: refused as not written, and the same open store appends once there is room${canMountTmpfs ? '' : ' — SKIPPED: needs root to mount a tmpfs'}`,
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-full-'))
    const mnt = join(dir, 'disk')
    mkdirSync(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt])
    t.teardown(() => {
      spawnSync('umount', [mnt])
      rmSync(dir, { recursive: true, force: true })
    })
    const path = join(mnt, 'ledger.db')
    // Room to make later: a file taking a third of the disk.
    const ballast = join(mnt, 'ballast')
    writeFileSync(ballast, Buffer.alloc(1 << 20))
    const fill = startFill(path, { checkpointPages: 10_000 })
    t.teardown(async () => {
      fill.child.kill('SIGKILL')
      await fill.exited
    })
    await run(t, fill)
    checkRefusals(t, fill, path, ['no-space'], /^SQLITE_(FULL|IOERR_WRITE)$/)
    const acksBefore = fill.acks.length
    rmSync(ballast)
    fill.send('again')
    await fill.done()
    t.is(
      fill.acks.length,
      acksBefore + 1,
      `the same open store appends once there is room: ${fill.refusals.at(-1)?.error.message ?? ''}`,
    )
    t.is(await fill.exited, 0, fill.stderr())
    await checkLedger(t, fill, path)
  },
)

tmpfsTest(
  `a full disk refuses a read-model batch and a snapshot as not written; both succeed once there is room${canMountTmpfs ? '' : ' — SKIPPED: needs root to mount a tmpfs'}`,
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-full-rm-'))
    const mnt = join(dir, 'disk')
    mkdirSync(mnt)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt])
    t.teardown(() => {
      spawnSync('umount', [mnt])
      rmSync(dir, { recursive: true, force: true })
    })
    const path = join(mnt, 'ledger.db')
    const store = await openSqliteEventStore({ path })
    t.teardown(async () => store.close())
    const readModels = store.readModels
    const snapshots = store.snapshots
    if (readModels === undefined || snapshots === undefined)
      throw new Error('the SQLite store has read models and snapshots')
    await store.appendToStream(
      'fill.snapshot-1',
      [newEvent('00000000-0000-4000-8000-000000000003', 'fill.PageWritten', { s: 1 })],
      {
        expectedRevision: 'noStream',
      },
    )
    // Fill the disk: what is left is less than one more batch needs.
    const ballast = join(mnt, 'ballast')
    execFileSync('bash', ['-c', `dd if=/dev/zero of=${ballast} bs=4k 2>/dev/null || true`])
    const table = 'rm_fill_v1__pages'
    const documents = Array.from(
      { length: 200 },
      (_, i) => [`page-${i}`, JSON.stringify({ i, text: 'x'.repeat(4_000) })] as const,
    )
    const batch = readModels.transaction(async (tx) => {
      await tx.ensureCollection(table, [])
      await tx.writeDocuments(table, documents, [])
    })
    const refused = await t.throwsAsync(batch, { instanceOf: StoreUnavailableError })
    t.is(refused?.written, 'no', refused?.message)
    t.is(refused?.reason, 'no-space', refused?.message)
    t.regex(refused?.message ?? '', /the read-model batch was not written/)
    const snapshot = { streamId: 'fill.snapshot-1', revision: 0, version: 1, state: { text: 'y'.repeat(400_000) } }
    const refusedSnapshot = await t.throwsAsync(snapshots.writeSnapshot(snapshot), {
      instanceOf: StoreUnavailableError,
    })
    t.is(refusedSnapshot?.written, 'no', refusedSnapshot?.message)
    t.is(refusedSnapshot?.reason, 'no-space', refusedSnapshot?.message)
    t.notRegex(refusedSnapshot?.message ?? '', /yyyy/)
    t.is(await readModels.read(async (r) => r.getDocument(table, 'page-0').catch(() => undefined)), undefined)
    t.is(await snapshots.readSnapshot('fill.snapshot-1'), undefined)

    rmSync(ballast)
    await readModels.transaction(async (tx) => {
      await tx.ensureCollection(table, [])
      await tx.writeDocuments(table, documents, [])
    })
    t.deepEqual(await readModels.read(async (r) => r.getDocument(table, 'page-0')), { i: 0, text: 'x'.repeat(4_000) })
    await snapshots.writeSnapshot(snapshot)
    t.is((await snapshots.readSnapshot('fill.snapshot-1'))?.revision, 0)
  },
)

const ext4Test = canMountExt4 ? test : test.skip
ext4Test(
  `a file system gone read-only under the open store: refused as not written, naming the file${canMountExt4 ? '' : ' — SKIPPED: needs root, a loop device and mkfs.ext4'}`,
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-ro-'))
    const image = join(dir, 'disk.img')
    const mnt = join(dir, 'disk')
    mkdirSync(mnt)
    execFileSync('truncate', ['-s', '64M', image])
    execFileSync('mkfs.ext4', ['-q', '-F', image])
    const device = execFileSync('losetup', ['--find', '--show', image]).toString().trim()
    let mounted = false
    t.teardown(() => {
      if (mounted) spawnSync('umount', [mnt])
      spawnSync('losetup', ['-d', device])
      rmSync(dir, { recursive: true, force: true })
    })
    execFileSync('mount', ['-o', 'errors=remount-ro', device, mnt])
    mounted = true
    const path = join(mnt, 'ledger.db')
    // The child pauses after 20 appends, so that none is in flight when the file system turns.
    const fill = startFill(path, { checkpointPages: 10_000, pauseAfter: 20 })
    t.teardown(async () => {
      fill.child.kill('SIGKILL')
      await fill.exited
    })
    await fill.paused
    t.deepEqual(fill.failures, [], fill.stderr())
    // What a failing disk does: ext4 records an error and turns the file system read-only at once.
    writeFileSync(`/sys/fs/ext4/${device.replace('/dev/', '')}/trigger_fs_error`, 'storage fault test\n')
    fill.send('go on')
    await run(t, fill)
    fill.send('stop')
    t.is(await fill.exited, 0, fill.stderr())
    checkRefusals(t, fill, path, ['read-only'], /^SQLITE_(IOERR|READONLY)/)
    // The file system stays read-only until it is mounted again: then the ledger is checked.
    execFileSync('umount', [mnt])
    mounted = false
    spawnSync('e2fsck', ['-fy', device])
    execFileSync('mount', [device, mnt])
    mounted = true
    await checkLedger(t, fill, path)
  },
)

test('a lock held by another process past the busy timeout: refused as not written, and the same store appends once it is released', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-busy-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'ledger.db')
  const store = await openSqliteEventStore({ path, busyTimeoutMs: 50 })
  t.teardown(async () => store.close())
  const other = new BetterSqlite3(path)
  t.teardown(() => other.close())
  other.exec('BEGIN IMMEDIATE')
  const event = newEvent('00000000-0000-4000-8000-000000000002', 'fill.PageWritten', { busy: 1 })
  const error = await t.throwsAsync(store.appendToStream('fill.busy-1', [event], { expectedRevision: 'noStream' }), {
    instanceOf: StoreUnavailableError,
  })
  t.is(error?.written, 'no', error?.message)
  t.is(error?.reason, 'busy')
  t.is(error?.code, 'SQLITE_BUSY')
  t.is(error?.retry, 'retry')
  t.is(error?.file, path)
  t.regex(error?.message ?? '', /was not written/)
  other.exec('ROLLBACK')
  t.is(await store.headPosition(), 0)
  const result = await store.appendToStream('fill.busy-1', [event], { expectedRevision: 'noStream' })
  t.is(result.firstPosition, 1)
})

test('the typed error keeps the constructor other stores use', (t) => {
  const plain = new StoreUnavailableError('connection refused')
  t.is(plain.written, 'unknown')
  t.is(plain.reason, 'unavailable')
  t.is(plain.retry, 'retry')
  t.is(plain.code, undefined)
})
