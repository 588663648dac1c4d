/**
 * Verification (DESIGN §6): recompute every stream's chain and every seal from the stored events,
 * check the seal files an auditor brings, and name the first thing that fails.
 *
 * It streams the log, keeping only each stream's head: memory grows with the number of streams,
 * not with the number of events. A store that can check its chains on threads of its own
 * (`checkChains`) does, each thread following a share of the streams; only if that check is not
 * intact is the log read once, in position order, to name the first failure. Otherwise the log is
 * read that way from the start.
 */
import type { KeyObject } from 'node:crypto'
import { availableParallelism } from 'node:os'

import * as E from 'fp-ts/Either'

import { InvalidArgumentError } from '../kernel/errors'
import type { StoredEvent } from '../port/chain'
import type { StreamHead } from '../port/chain'
import { GENESIS_HASH } from '../port/chain'
import type { ChainChecker } from '../port/chain-check'
import { inlineChecker, workerChecker } from '../port/chain-check'
import type { EventLog, EventStore } from '../port/event-store'
import { pagesOf } from '../store-kit/paging'
import { MAX_CHECK_THREADS } from '../store-kit/validation'
import type { Seal } from './seal'
import { LEDGER_SEALED, merkleRoot, Seal as SealCodec, SEALS_STREAM, signatureProblem } from './seal'

// --- model ---

/** Why verification failed. */
export type VerifyProblem =
  /** An event's stored hash is not what its content and its stream's previous hash give: edited. */
  | 'hash-mismatch'
  /** A stream's revisions do not follow on: an event was removed, inserted or moved. */
  | 'revision-gap'
  /** The log's positions do not follow on: an event was removed, inserted or reordered. */
  | 'position-gap'
  /** A seal's Merkle root, event count or stream count differs from the recomputed one. */
  | 'seal-mismatch'
  /** A seal file covers more events than the ledger holds: events after it were removed. */
  | 'truncated'
  /** A seal's signature is missing, forged, or made by a key that is not trusted. */
  | 'bad-signature'
  /** An event in the seal stream is not a well-formed seal. */
  | 'malformed-seal'

/** Where a failing seal came from: the ledger's seal stream, or the seal files given (by index). */
export type SealSource =
  | { readonly kind: 'ledger'; readonly position: number }
  /** `index` into `sealFiles`, from 0; messages count seal files from 1, as a person does. */
  | { readonly kind: 'file'; readonly index: number }

/**
 * The first thing verification found wrong: the problem, a message, and the event, seal or range of
 * positions it is in.
 */
export interface VerifyFailure {
  readonly problem: VerifyProblem
  readonly message: string
  /** The first failing event, when the failure is an event's. */
  readonly event?: { readonly streamId: string; readonly revision: number; readonly position: number }
  /** The failing seal, when the failure is a seal's. */
  readonly seal?: { readonly position: number; readonly source: SealSource }
  /**
   * For a seal that does not match: the positions it narrows the change to, after the last seal
   * that did match (or the start) and up to this seal.
   */
  readonly range?: { readonly after: number; readonly upTo: number }
}

/**
 * What `verifyLedger` checked, and whether all of it holds (`ok`); when it does not, `failure` names
 * the first failure.
 */
export interface VerifyReport {
  readonly ok: boolean
  /** Events whose chain was checked. */
  readonly events: number
  /** Streams seen. */
  readonly streams: number
  /** Seals recorded in the ledger that were recomputed. */
  readonly ledgerSeals: number
  /** Seal files given that were recomputed. */
  readonly sealFiles: number
  readonly failure?: VerifyFailure
}

/**
 * What `verifyLedger` checks beyond the ledger's own chains and seals: seal files kept elsewhere,
 * the keys seals must be signed by, and how many threads it checks on.
 */
export interface VerifyOptions {
  /** Seal files kept elsewhere, read with `parseSealFile`: each must match the ledger. */
  readonly sealFiles?: ReadonlyArray<Seal>
  /** Ed25519 public keys trusted to sign seals: a signed seal must be signed by one of them. */
  readonly trustedKeys?: ReadonlyArray<KeyObject>
  /**
   * Refuse any seal — a seal file, or a seal recorded in the ledger — that is not signed by a trusted
   * key. Default: seal files only, and only when keys are given.
   */
  readonly requireSignatures?: boolean
  /**
   * Threads to check on; the report is the same whatever the number.
   * - 0: everything on the calling thread.
   * - 1 or more (default: the machine's cores, at most 4): a store that can check its chains on
   *   threads of its own (`checkChains`; SQLite can) does so on this many, and the log is read
   *   again in order only if something fails, to name it; with other stores, events are hashed on
   *   one worker thread while the calling thread reads the log.
   */
  readonly threads?: number
}

interface Checkpoint {
  readonly seal: Seal
  readonly source: SealSource
}

/** `A` with its members writable: the pass moves each stream's head in place. */
type Mutable<A> = { -readonly [K in keyof A]: A[K] }

class Failed extends Error {
  constructor(readonly failure: VerifyFailure) {
    super(failure.message)
  }
}

const fail = (failure: VerifyFailure): never => {
  throw new Failed(failure)
}

// --- verifying ---

/** The seals recorded in the ledger, read before the main pass so each is checked at its position. */
const ledgerSeals = async (store: EventLog): Promise<ReadonlyArray<Checkpoint>> => {
  const out: Checkpoint[] = []
  for await (const event of store.readStream(SEALS_STREAM)) {
    const decoded = SealCodec.decode(event.data)
    if (event.type !== LEDGER_SEALED || E.isLeft(decoded) || decoded.right.position >= event.position)
      fail({
        problem: 'malformed-seal',
        message: `${SEALS_STREAM}@${event.revision} (position ${event.position}) is not a well-formed seal of the events before it`,
        event: { streamId: event.streamId, revision: event.revision, position: event.position },
      })
    else out.push({ seal: decoded.right, source: { kind: 'ledger', position: event.position } })
  }
  return out
}

/**
 * Seal files must be signed by a trusted key when signatures are required (asked for, or trusted
 * keys given); one that carries a signature is checked whatever the options. Seals recorded in the
 * ledger: with `requireSignatures`, every one must be signed by a trusted key — so a ledger whose
 * seals were rewritten unsigned fails even when no seal file is given; with trusted keys only, a
 * signed one must be signed by one of them.
 */
/** A seal's source as a person names it: seal files are counted from 1. */
const describeSource = (source: SealSource): string =>
  source.kind === 'ledger' ? `the seal recorded at position ${source.position}` : `seal file ${source.index + 1}`

const checkSignatures = (
  files: ReadonlyArray<Seal>,
  inLedger: ReadonlyArray<Checkpoint>,
  options: VerifyOptions,
): void => {
  const keys = options.trustedKeys ?? []
  const required = options.requireSignatures ?? keys.length > 0
  files.forEach((seal, index) => {
    if (seal.signature === undefined && !required) return
    const problem = signatureProblem(seal, keys)
    if (problem !== undefined)
      fail({
        problem: 'bad-signature',
        message: `seal file ${index + 1} (position ${seal.position}): ${problem}`,
        seal: { position: seal.position, source: { kind: 'file', index } },
      })
  })
  for (const { seal, source } of inLedger) {
    if (options.requireSignatures !== true && (keys.length === 0 || seal.signature === undefined)) continue
    const problem = signatureProblem(seal, keys)
    if (problem !== undefined)
      fail({
        problem: 'bad-signature',
        message: `${describeSource(source)} (of the first ${seal.position} events): ${problem}`,
        seal: { position: seal.position, source },
      })
  }
}

/** A seal covers more than the ledger holds. */
const truncated = (position: number, source: SealSource, end: number): never =>
  fail({
    problem: 'truncated',
    message: `${describeSource(source)} covers ${position} events, but the ledger ends at position ${end}: events after position ${end} were removed`,
    seal: { position, source },
  })

/** What both ways of checking share: the seals to check, at which positions, and the head. */
interface Plan {
  readonly checkpoints: ReadonlyMap<number, ReadonlyArray<Checkpoint>>
  /** The head when verification began: the store's threads check up to it. */
  readonly head: number
}

/** Checks what needs no pass over the log, and gathers the seals: signatures, ledger seals, truncation. */
const planOf = async (store: EventLog, options: VerifyOptions): Promise<Plan> => {
  const files = options.sealFiles ?? []
  const inLedger = await ledgerSeals(store)
  checkSignatures(files, inLedger, options)
  const checkpoints = new Map<number, Checkpoint[]>()
  for (const checkpoint of [
    ...inLedger,
    ...files.map((seal, index): Checkpoint => ({ seal, source: { kind: 'file', index } })),
  ])
    checkpoints.set(checkpoint.seal.position, [...(checkpoints.get(checkpoint.seal.position) ?? []), checkpoint])
  const head = await store.headPosition()
  files.forEach((seal, index) => {
    if (seal.position > head) truncated(seal.position, { kind: 'file', index }, head)
  })
  return { checkpoints, head }
}

/** True when `seal` is what the ledger's heads at `position` give. */
const sealMatches = (seal: Seal, position: number, heads: ReadonlyArray<StreamHead>, root: string): boolean =>
  seal.root === root && seal.events === position && seal.streams === heads.length

/**
 * The store checks its chains on threads of its own. Only a ledger that passes is reported from
 * here: otherwise undefined, and the log is read again in order to name the first failure.
 */
const checkedByStore = async (
  checkChains: NonNullable<EventStore['checkChains']>,
  plan: Plan,
  threads: number,
): Promise<VerifyReport | undefined> => {
  let ledgerSealsChecked = 0
  let filesChecked = 0
  const positions = [...plan.checkpoints.keys()].sort((a, b) => a - b)
  if (positions.some((position) => position > plan.head)) return undefined
  const result = await checkChains({
    toPosition: plan.head,
    threads,
    headsAt: positions,
    checkHeads: (position, heads) => {
      const root = merkleRoot(heads)
      for (const { seal, source } of plan.checkpoints.get(position) ?? []) {
        if (!sealMatches(seal, position, heads, root)) return false
        if (source.kind === 'ledger') ledgerSealsChecked++
        else filesChecked++
      }
      return true
    },
  })
  if (!result.intact || result.events !== plan.head) return undefined
  return {
    ok: true,
    events: result.events,
    streams: result.streams,
    ledgerSeals: ledgerSealsChecked,
    sealFiles: filesChecked,
  }
}

/** Reads the log once, in position order, checking every event as it comes: names the first failure. */
const readInOrder = async (store: EventLog, plan: Plan, checker: ChainChecker): Promise<VerifyReport> => {
  const { checkpoints } = plan
  const heads = new Map<string, Mutable<StreamHead>>()
  let events = 0
  let checkedLedgerSeals = 0
  let checkedFiles = 0
  try {
    /** Reports the earliest event whose hash failed, if any: it comes before anything found later. */
    const hashesChecked = async (): Promise<void> => {
      const failure = await checker.firstFailure()
      if (failure === undefined) return
      const { event, computed } = failure
      fail({
        problem: 'hash-mismatch',
        message: `${event.streamId}@${event.revision} (position ${event.position}): the stored hash ${event.hash || '(none)'} is not ${computed}, the hash of the event as stored after its stream's previous one: its content, metadata or hash was altered`,
        event: { streamId: event.streamId, revision: event.revision, position: event.position },
      })
    }
    // Names are built only for a failure: this runs for every event of the ledger.
    const failAt = async (event: StoredEvent, problem: VerifyProblem, why: string): Promise<never> => {
      await hashesChecked()
      return fail({
        problem,
        message: `${event.streamId}@${event.revision} (position ${event.position})${why}`,
        event: { streamId: event.streamId, revision: event.revision, position: event.position },
      })
    }
    let lastGoodSeal = 0
    const checkSealsAt = async (position: number): Promise<void> => {
      const due = checkpoints.get(position)
      if (due === undefined) return
      const current = [...heads.values()]
      const root = merkleRoot(current)
      for (const { seal, source } of due) {
        if (!sealMatches(seal, position, current, root)) {
          await hashesChecked()
          fail({
            problem: 'seal-mismatch',
            message: `${describeSource(source)} does not match the ledger at position ${position} (${
              seal.root !== root
                ? `root ${seal.root} sealed, ${root} now`
                : `${seal.events} events and ${seal.streams} streams sealed, ${position} and ${heads.size} now`
            }): an event at or before it was altered, added or removed and its chain rewritten`,
            seal: { position, source },
            range: { after: lastGoodSeal, upTo: position },
          })
        }
        if (source.kind === 'ledger') checkedLedgerSeals++
        else checkedFiles++
      }
      lastGoodSeal = position
    }
    await checkSealsAt(0)
    // A page at a time, and each stream's head updated in place: this loop runs for every event.
    for await (const page of pagesOf(store.readStored())) {
      for (const event of page) {
        if (event.position !== events + 1)
          await failAt(
            event,
            'position-gap',
            ` comes after position ${events}: events are missing, added or out of order`,
          )
        const last = heads.get(event.streamId)
        const expected = last === undefined ? 0 : last.revision + 1
        if (event.revision !== expected)
          await failAt(
            event,
            'revision-gap',
            `: the stream's previous event is revision ${expected - 1}, so this should be revision ${expected}: events are missing, added or moved`,
          )
        const full = checker.check(event, last?.hash ?? GENESIS_HASH)
        if (full !== undefined) await full
        if (last === undefined)
          heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash })
        else {
          last.revision = event.revision
          last.hash = event.hash
        }
        events++
        if (checkpoints.has(events)) await checkSealsAt(events)
      }
    }
    await hashesChecked()
    const beyond = [...checkpoints.keys()].filter((p) => p > events).sort((a, b) => a - b)[0]
    if (beyond !== undefined) {
      truncated(beyond, checkpoints.get(beyond)?.[0]?.source ?? { kind: 'file', index: 0 }, events)
    }
  } catch (error) {
    if (!(error instanceof Failed)) throw error
    return {
      ok: false,
      events,
      streams: heads.size,
      ledgerSeals: checkedLedgerSeals,
      sealFiles: checkedFiles,
      failure: error.failure,
    }
  } finally {
    await checker.close()
  }
  return { ok: true, events, streams: heads.size, ledgerSeals: checkedLedgerSeals, sealFiles: checkedFiles }
}

/** The machine's cores, up to 4: each of the store's threads reads the whole log's pages. */
const defaultThreads = (): number => Math.max(1, Math.min(4, availableParallelism()))

/**
 * Verifies the whole ledger: every chain, every seal in the ledger and every seal file given.
 * Resolves with a report; `ok` is false and `failure` names the first problem when it fails.
 */
export const verifyLedger = async (store: EventLog, options: VerifyOptions = {}): Promise<VerifyReport> => {
  const threads = options.threads ?? defaultThreads()
  if (!Number.isSafeInteger(threads) || threads < 0 || threads > MAX_CHECK_THREADS)
    throw new InvalidArgumentError(
      'threads',
      `must be a whole number from 0 to ${MAX_CHECK_THREADS}, got ${String(threads)}`,
    )
  let plan: Plan
  try {
    plan = await planOf(store, options)
  } catch (error) {
    if (!(error instanceof Failed)) throw error
    return { ok: false, events: 0, streams: 0, ledgerSeals: 0, sealFiles: 0, failure: error.failure }
  }
  if (threads > 0 && store.checkChains !== undefined) {
    const report = await checkedByStore(store.checkChains.bind(store), plan, threads)
    if (report !== undefined) return report
  }
  return readInOrder(store, plan, threads === 0 ? inlineChecker() : workerChecker())
}
