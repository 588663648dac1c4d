/**
 * A file system gone read-only mid-batch on SQLite (RELIABILITY "Faults"): the ledger lives on ext4
 * in a loop device mounted with `errors=remount-ro`. In each round a `disk-full-writer` child
 * appends ten-event batches without pause, and after a random number of acknowledgements an error
 * is raised through sysfs, as a failing disk raises one: ext4 turns read-only at once, whatever the
 * writer is doing. The first append refused must fail as `StoreUnavailableError` saying it was not
 * written (or, when its sync failed, that its outcome is unknown), and no part of a batch said not
 * to be written may be stored; every append acknowledged before the error was
 * raised must be there. Then the file system is checked (`e2fsck`), mounted again and the ledger
 * checked — integrity, verify, the checker's classification — and the same file takes appends
 * before the next round.
 *
 * ext4 can answer the sync of the append under way as done while it turns read-only, and then drop
 * the pages (strace shows `fsync() = 0`; the frames are gone after the remount). The store reads
 * ext4's error count after each commit and tells such an append as of unknown outcome; one that
 * was still acknowledged after the error was raised is checked for once the disk is repaired, and
 * counted apart if it is not there.
 *
 * Needs root, a loop device and mkfs.ext4; unavailable otherwise.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import type { AppendResult, EventStore } from '@civic-ledger/core'
import { verifyLedger } from '@civic-ledger/core'
import { openSqliteEventStore } from '@civic-ledger/store-sqlite'
import { between, seededRandom } from '@civic-ledger/testing'

import type { Operation } from '../checker'
import { LedgerChecker } from '../checker'
import type { Phase, PhaseBudget, PhaseResult } from '../phase'
import { appendProbe, followWriter, integrityOf } from '../protocol'
import { classificationInvariants, invariant, scratchDirectory, secondsSince } from '../support'

const WRITER = join(__dirname, '..', 'disk-full-writer.js')
const CHILD_TIMEOUT_MS = 60_000
const PHASE_NAME = 'file system read-only mid-batch (ext4 errors=remount-ro)'

const unavailable = async (): Promise<string | undefined> => {
  if (process.getuid?.() !== 0) return 'needs root to mount a file system'
  if (spawnSync('mkfs.ext4', ['-V']).status !== 0) return 'needs mkfs.ext4 (e2fsprogs)'
  if (!existsSync('/dev/loop-control') || !existsSync('/sys/fs/ext4')) return 'needs a loop device and ext4'
  return undefined
}

/** A small ext4 image on a loop device, mounted at `mnt`; unmounted and detached by `remove`. */
const loopDisk = (dir: string) => {
  const image = join(dir, 'disk.img')
  const mnt = join(dir, 'disk')
  mkdirSync(mnt)
  execFileSync('truncate', ['-s', '64M', image])
  execFileSync('mkfs.ext4', ['-q', '-F', image])
  const device = execFileSync('losetup', ['--find', '--show', image]).toString().trim()
  let mounted = false
  const mount = (): void => {
    execFileSync('mount', ['-o', 'errors=remount-ro', device, mnt])
    mounted = true
  }
  const unmount = (): void => {
    if (mounted) execFileSync('umount', [mnt])
    mounted = false
  }
  mount()
  return {
    mnt,
    /** What a failing disk does: ext4 records an error and turns read-only at once. */
    fail: (): void => writeFileSync(`/sys/fs/ext4/${device.replace('/dev/', '')}/trigger_fs_error`, 'torture run\n'),
    /** Unmounts, repairs what the error left (the journal's error flag), and mounts again, writable. */
    repair: (): boolean => {
      unmount()
      const status = spawnSync('e2fsck', ['-fy', device]).status ?? 8
      mount()
      // 0: clean; 1: errors corrected. Anything else leaves the file system in doubt.
      return status <= 1
    },
    remove: (): void => {
      if (mounted) spawnSync('umount', [mnt])
      spawnSync('losetup', ['-d', device])
    },
  }
}

interface Round {
  acknowledged: number
  failures: number
  notWritten: number
  typed: number
  readOnly: number
  firstError: string
  /** Appends acknowledged once the error was raised: settled when the file has been read again. */
  readonly afterError: Array<{ readonly operation: Operation; readonly results: ReadonlyArray<AppendResult> }>
}

/** Runs the writer until it fails, raising the file system's error after `acks` acknowledgements. */
const writeUntilReadOnly = async (
  path: string,
  firstOp: number,
  acks: number,
  fail: () => void,
  checker: LedgerChecker,
): Promise<Round> => {
  const round: Round = {
    acknowledged: 0,
    failures: 0,
    notWritten: 0,
    typed: 0,
    readOnly: 0,
    firstError: '',
    afterError: [],
  }
  const child = spawn(process.execPath, [WRITER, path, String(firstOp)], { stdio: ['pipe', 'pipe', 'pipe'] })
  let failed = false
  await followWriter(
    child,
    checker,
    {
      ack: (line, operation) => {
        if (failed) round.afterError.push({ operation, results: line.results })
        else checker.acknowledge(operation, line.results)
        round.acknowledged += 1
        // The writer goes straight on to its next batch: the error lands in the middle of it.
        if (round.acknowledged === acks && !failed) {
          failed = true
          fail()
        }
      },
      failed: (line) => {
        round.failures += 1
        if (line.written === 'no') round.notWritten += 1
        if (/^StoreUnavailableError/.test(line.error)) round.typed += 1
        if (/read-only/i.test(line.error)) round.readOnly += 1
        if (round.firstError === '') round.firstError = line.error
      },
      crashed: (error) => {
        if (round.firstError === '') round.firstError = error
      },
    },
    CHILD_TIMEOUT_MS,
  )
  return round
}

/**
 * Settles the appends acknowledged after the error was raised, now the file can be read again: each
 * whose events are stored at the revisions it was told is acknowledged; one whose events are not
 * there is counted apart. The append under way as ext4 turns read-only can be told its sync
 * succeeded when nothing reached the disk (see docs/reliability.md); the checker is told its
 * outcome is unknown, so it is neither lost nor present in its classification. Returns how many
 * were not stored.
 */
const settleAfterError = async (store: EventStore, round: Round, checker: LedgerChecker): Promise<number> => {
  let absent = 0
  for (const { operation, results } of round.afterError) {
    let stored = true
    for (const [i, result] of results.entries()) {
      const ids = operation.appends[i]?.eventIds ?? []
      const found: string[] = []
      for await (const event of store.readStream(result.streamId, {
        fromRevision: result.firstRevision,
        maxCount: ids.length,
      }))
        found.push(event.eventId)
      if (found.join() !== ids.join()) stored = false
    }
    if (stored) checker.acknowledge(operation, results)
    else {
      absent += 1
      checker.fail(operation, new Error('acknowledged as ext4 turned read-only, and not on the disk'), 'unknown')
    }
  }
  return absent
}

const run = async (budget: PhaseBudget): Promise<PhaseResult> => {
  const started = performance.now()
  const rounds = budget.size === 'short' ? 2 : 20
  const scratch = scratchDirectory('read-only')
  const disk = loopDisk(scratch.dir)
  const path = join(disk.mnt, 'ledger.db')
  const checker = new LedgerChecker()
  const random = seededRandom(budget.seed)
  const totals = {
    rounds: 0,
    acknowledged: 0,
    failures: 0,
    typed: 0,
    notWritten: 0,
    readOnly: 0,
    repairFailures: 0,
    integrity: 0,
    verify: 0,
    afterRepair: 0,
    refusedAfterRepair: 0,
    acknowledgedAfterError: 0,
    absentAfterError: 0,
  }
  let firstError = ''
  let problem = ''
  try {
    await (await openSqliteEventStore({ path })).close()
    for (let round = 0; round < rounds && performance.now() < started + budget.seconds * 1000; round++) {
      totals.rounds += 1
      const r = await writeUntilReadOnly(path, (round + 1) * 10_000_000, between(random, 1, 40), disk.fail, checker)
      totals.acknowledged += r.acknowledged
      totals.failures += r.failures
      totals.typed += r.typed
      totals.notWritten += r.notWritten
      totals.readOnly += r.readOnly
      if (firstError === '') firstError = r.firstError
      if (!disk.repair()) totals.repairFailures += 1
      if (integrityOf(path) !== 'ok') totals.integrity += 1
      const store = await openSqliteEventStore({ path })
      try {
        totals.acknowledgedAfterError += r.afterError.length
        totals.absentAfterError += await settleAfterError(store, r, checker)
        await checker.observe(store)
        if (!(await verifyLedger(store, { threads: 0 })).ok) totals.verify += 1
        const refused = await appendProbe(store, checker, 'torture.read-only-after')
        if (refused === undefined) totals.afterRepair += 1
        else {
          totals.refusedAfterRepair += 1
          if (problem === '') problem = refused
        }
        await checker.observe(store)
      } finally {
        await store.close()
      }
    }
    const classification = checker.classify()
    return {
      store: 'sqlite',
      phase: PHASE_NAME,
      seconds: secondsSince(started),
      counts: {
        rounds: totals.rounds,
        'batches acknowledged before the error': totals.acknowledged,
        'appends failed by the error': totals.failures,
        'failures typed StoreUnavailableError': totals.typed,
        'failures saying "not written"': totals.notWritten,
        'failures saying "unknown" (the sync in doubt)': totals.failures - totals.notWritten,
        'failures naming a read-only file system': totals.readOnly,
        'batches acknowledged after the error was raised': totals.acknowledgedAfterError,
        'of those, not on the disk after repair': totals.absentAfterError,
        'batches acknowledged after repair': totals.afterRepair,
        'integrity_check failures': totals.integrity,
        'verify failures': totals.verify,
      },
      classification,
      invariants: [
        invariant(
          'every writer failed once the file system turned read-only',
          Math.abs(totals.rounds - totals.failures),
          `${totals.failures} failing appends in ${totals.rounds} rounds; first: ${firstError.slice(0, 160)}`,
        ),
        invariant('the failing append is typed', totals.failures - totals.typed, 'StoreUnavailableError', firstError),
        invariant(
          'the failing append names the read-only file system',
          totals.failures - totals.readOnly,
          'reason read-only',
          firstError.slice(0, 160),
        ),
        invariant('e2fsck repaired the file system', totals.repairFailures, `${totals.rounds} rounds`),
        invariant(
          'integrity and verify after every round',
          totals.integrity + totals.verify,
          `${totals.rounds} rounds`,
        ),
        invariant(
          'the ledger takes appends once repaired',
          totals.refusedAfterRepair,
          `${totals.afterRepair} batches acknowledged`,
          problem,
        ),
        ...classificationInvariants(classification),
      ],
    }
  } finally {
    disk.remove()
    scratch.remove()
  }
}

/** The SQLite read-only phase. */
export const readOnlyPhase: Phase = { store: 'sqlite', name: PHASE_NAME, unavailable, run }
