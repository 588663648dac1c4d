/**
 * Every command of every context, fuzzed on a real SQLite file ledger with the standard plug-ins
 * and their read models. The doors are found, not listed (`doors.ts`): every aggregate
 * `@civic-ledger/areas` and `@civic-ledger/volunteers` export, sent with `ledger.execute`, and every
 * decision across streams, sent with `ledger.decide` — each command type of each, so a new command
 * is fuzzed as soon as it is exported. Commands are made from the command codecs themselves
 * (`codec-arbitrary.ts`): often valid, on the ids of a life each context lives first (`lives.ts`),
 * so they reach the deciders and some are recorded; often hostile, at any depth.
 *
 * The actor may do anything (`allowAll`), so a refusal is decoding's or a rule's. For each command:
 * - the answer is a `Right` or a `Left` holding one of the typed errors a command can meet here
 *   (`Rejected`, `InvalidCommand`, or `Conflict` when a `commandId` is reused) — never a throw;
 * - a refusal writes nothing (the head does not move), and an acceptance writes what it says;
 * - no message is longer than `MAX_MESSAGE`, nor quotes more than 200 characters of any string the
 *   command or its context held (a key or a value);
 * - decided again beside the ledger (`besideProblems`), every event the decider makes passes its own
 *   codec, and ids named like `Object.prototype`'s members decide as any other id would.
 * After the run every recorded event decodes with its own codec, the log verifies, and every read
 * model is caught up: none halted, none parked, each at the head.
 *
 * What the fuzz found in the contexts' code is listed in `findings.ts`: such a violation is counted
 * and logged, not failed on, and is reproduced as a `test.failing` in `findings.int.test.ts`.
 *
 * Budget: `FUZZ_RUNS` commands a context (default 1,500) from `FUZZ_SEED`; raise them for longer runs.
 * fast-check prints the seed and path of a failure: `FUZZ_SEED` with `FUZZ_PATH` replays that case
 * alone (on the life, without the commands that came before it; `--match` picks the context).
 * `FUZZ_COLLECT=1` runs the whole budget and lists every kind of failure at the end, instead of
 * stopping at and shrinking the first.
 */
import { areasPlugin } from '@civic-ledger/areas'
import type { CommandError, Ledger } from '@civic-ledger/core'
import { allowAll } from '@civic-ledger/core'
import { grantsPlugin } from '@civic-ledger/grants'
import { partnershipsPlugin } from '@civic-ledger/partnerships'
import { volunteersPlugin } from '@civic-ledger/volunteers'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'

import { freshLedger } from '../security/ledgers'
import type { Pools } from './codec-arbitrary'
import { applyMutation, hostileValue, mutation, stringsIn, summarise, validArbitrary } from './codec-arbitrary'
import type { Door } from './doors'
import {
  allDoors,
  allTypeNames,
  areasDoors,
  besideProblems,
  grantsDoors,
  partnershipsDoors,
  recordedCatalog,
  volunteersDoors,
} from './doors'
import type { Sent, Violation } from './findings'
import { findingOf } from './findings'
import type { Seed } from './lives'
import { actor, areasLife, grantsLife, partnershipsLife, play, poolsFor, volunteersLife } from './lives'

// --- budget ---

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name]
  const value = raw === undefined || raw === '' ? NaN : Number(raw)
  return Number.isSafeInteger(value) && value > 0 ? value : fallback
}

const RUNS = envNumber('FUZZ_RUNS', 1_500)
const SEED = envNumber('FUZZ_SEED', 20_260_501)
const PATH = process.env['FUZZ_PATH']
const COLLECT = process.env['FUZZ_COLLECT'] === '1'

/** The longest message a refusal may carry. */
const MAX_MESSAGE = 4_000
/** The most of any input string a message may quote. */
const MAX_QUOTED = 200

// --- cases ---

const COMMAND_IDS = [
  '7c1d8a4e-0b1f-4f7a-9a55-1f0e6b2c3d01',
  '7c1d8a4e-0b1f-4f7a-9a55-1f0e6b2c3d02',
  '7c1d8a4e-0b1f-4f7a-9a55-1f0e6b2c3d03',
]

/** One command to send: which door, what, with what context, and how it was made. Printed short. */
class Case {
  constructor(
    readonly door: Door,
    readonly command: unknown,
    readonly context: unknown,
    readonly how: string,
  ) {}
  get sent(): Sent {
    const type =
      typeof this.command === 'object' && this.command !== null ? (this.command as { type?: unknown }).type : undefined
    return { target: this.door.target, type, command: this.command }
  }
  [fc.toStringMethod](): string {
    return `${this.door.door} (${this.how}): ${summarise(this.command)} with context ${summarise(this.context)}`
  }
}

const contextArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant({ actor }), weight: 12 },
  { arbitrary: fc.constantFrom(...COMMAND_IDS).map((commandId) => ({ actor, commandId })), weight: 2 },
  { arbitrary: fc.constant({ actor, correlationId: 'fuzz', occurredAt: '2026-03-01T09:30:00Z' }), weight: 1 },
  {
    arbitrary: fc.tuple(fc.constant({ actor }), mutation).map(([context, m]) => applyMutation(context, m, [])),
    weight: 1,
  },
)

const casesFor = (doors: ReadonlyArray<Door>, pools: Pools): fc.Arbitrary<Case> => {
  const valid = new Map(doors.map((d) => [d, validArbitrary(d.codec, pools, d.door)]))
  const validOf = (door: Door): fc.Arbitrary<unknown> => valid.get(door) as fc.Arbitrary<unknown>
  const input = (door: Door): fc.Arbitrary<readonly [unknown, string]> => {
    // A command of another aggregate or decision of the context, sent to this one.
    const elsewhere = doors.filter((d) => d.target !== door.target)
    return fc.oneof(
      { arbitrary: validOf(door).map((c) => [c, 'valid'] as const), weight: 5 },
      {
        arbitrary: fc
          .tuple(validOf(door), fc.array(mutation, { minLength: 1, maxLength: 3 }))
          .map(
            ([c, ms]) =>
              [ms.reduce((v, m) => applyMutation(v, m, allTypeNames), c), ms.map((m) => m.kind).join('+')] as const,
          ),
        weight: 5,
      },
      ...(elsewhere.length === 0
        ? []
        : [
            {
              arbitrary: fc
                .constantFrom(...elsewhere)
                .chain((d) => validOf(d).map((c) => [c, `a command of ${d.door}`] as const)),
              weight: 1,
            },
          ]),
      { arbitrary: hostileValue.map((c) => [c, 'not a command'] as const), weight: 1 },
    )
  }
  return fc
    .constantFrom(...doors)
    .chain((door) =>
      fc.tuple(input(door), contextArbitrary).map(([[command, how], context]) => new Case(door, command, context, how)),
    )
}

// --- checks ---

const TAGS: ReadonlySet<string> = new Set(['Rejected', 'InvalidCommand', 'Conflict'])

interface Outcome {
  readonly kind: 'accepted' | 'refused' | 'invalid' | 'broken'
  readonly violations: ReadonlyArray<Violation>
}

const hasCommandId = (context: unknown): boolean =>
  typeof context === 'object' && context !== null && 'commandId' in context

/** Why a refusal's error is not one the ledger promises here, or `undefined` when it is. */
const errorProblem = (error: unknown, c: Case): string | undefined => {
  if (typeof error !== 'object' || error === null) return `Left is not an error object: ${summarise(error)}`
  const e = error as { readonly _tag?: unknown; readonly message?: unknown; readonly code?: unknown }
  if (typeof e._tag !== 'string' || !TAGS.has(e._tag))
    return `Left is ${String(e._tag)}${typeof e.message === 'string' ? `: ${e.message.slice(0, 300)}` : ''}`
  if (typeof e.message !== 'string') return `${e._tag} has no message`
  if (e._tag === 'Conflict' && !hasCommandId(c.context))
    return `Conflict without a repeated commandId: ${e.message.slice(0, 300)}`
  if (e._tag === 'Rejected' && (typeof e.code !== 'string' || !/^[a-z][a-z0-9-]*$/.test(e.code)))
    return `Rejected with code ${summarise(e.code)}`
  return undefined
}

/** What a refusal's message says too much of: a long input string it quotes, or its sheer length. */
const messageProblems = (error: CommandError, c: Case): ReadonlyArray<Violation> => {
  const { message } = error
  const about = {
    tag: error._tag,
    ...(error._tag === 'Rejected' ? { code: error.code } : {}),
    message,
    ...(error._tag === 'InvalidCommand'
      ? {
          problems: error.problems.length,
          longestProblem: error.problems.reduce((most, p) => Math.max(most, p.length), 0),
        }
      : {}),
  }
  const label = `${error._tag}${error._tag === 'Rejected' ? ` ${error.code}` : ''}`
  const violations: Violation[] = []
  let quotedLength = 0
  for (const s of new Set([...stringsIn(c.command), ...stringsIn(c.context)]))
    if (s.length > MAX_QUOTED && (message.includes(s) || message.includes(s.slice(0, MAX_QUOTED + 1)))) {
      quotedLength += message.includes(s) ? s.length : MAX_QUOTED + 1
      if (violations.length === 0)
        violations.push({
          ...about,
          quoted: s,
          text: `${label}: the message quotes more than ${MAX_QUOTED} characters of an input string of ${s.length}`,
        })
    }
  // A message long only because of what it quotes is that quote's fault, reported once.
  if (message.length - quotedLength > MAX_MESSAGE)
    violations.push({
      ...about,
      text: `${label}: a message of ${message.length} characters (at most ${MAX_MESSAGE})${
        about.problems === undefined ? '' : `, listing ${about.problems} problems`
      }`,
    })
  return violations
}

/** Sends a case and checks the answer and the head. */
const sendCase = async (ledger: Ledger, c: Case): Promise<Outcome> => {
  const before = await ledger.events.headPosition()
  let result: E.Either<CommandError, unknown>
  try {
    result = await c.door.send(ledger, c.command, c.context)
  } catch (error) {
    const what = error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : summarise(error)
    const wrote = (await ledger.events.headPosition()) - before
    return { kind: 'broken', violations: [{ text: `threw ${what}${wrote > 0 ? `, and wrote ${wrote} events` : ''}` }] }
  }
  const wrote = (await ledger.events.headPosition()) - before
  if (typeof result !== 'object' || result === null || !(E.isLeft(result) || E.isRight(result)))
    return { kind: 'broken', violations: [{ text: `answered ${summarise(result)}, not an Either` }] }
  if (E.isRight(result)) {
    const said = c.door.written(result.right)
    return {
      kind: 'accepted',
      violations:
        said === wrote ? [] : [{ text: `accepted, said it wrote ${said} events, and the head moved by ${wrote}` }],
    }
  }
  const violations: Violation[] = []
  const problem = errorProblem(result.left, c)
  if (problem !== undefined) violations.push({ text: problem })
  if (wrote !== 0) violations.push({ text: `refused (${String(result.left._tag)}), and the head moved by ${wrote}` })
  if (problem === undefined) violations.push(...messageProblems(result.left, c))
  return { kind: result.left._tag === 'InvalidCommand' ? 'invalid' : 'refused', violations }
}

const runCase = async (ledger: Ledger, c: Case): Promise<Outcome> => {
  const beside = await besideProblems(ledger, c.door, c.command)
  const outcome = await sendCase(ledger, c)
  return { kind: outcome.kind, violations: [...beside.map((text) => ({ text })), ...outcome.violations] }
}

/** What is wrong with the ledger as a whole after the run: events that do not decode, read models behind. */
const ledgerProblems = async (ledger: Ledger): Promise<ReadonlyArray<string>> => {
  const problems: string[] = []
  const head = await ledger.events.headPosition()
  for await (const stored of ledger.events.readAll()) {
    const decoded = recordedCatalog.decode(await ledger.privacy.open(stored))
    if (E.isLeft(decoded))
      problems.push(
        `event ${stored.position} (${stored.streamId}, ${stored.type}) does not decode: ${decoded.left.message.slice(0, 300)}`,
      )
  }
  const verified = await ledger.audit.verify()
  if (!verified.ok) problems.push(`the log does not verify: ${JSON.stringify(verified.failure).slice(0, 300)}`)
  try {
    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 60_000 })
  } catch (error) {
    problems.push(
      `read models did not catch up: ${error instanceof Error ? error.message.slice(0, 500) : String(error)}`,
    )
  }
  for (const name of ledger.projections.names) {
    const s = ledger.projections.status(name)
    if (s.state === 'halted' || s.position !== head || s.lag !== 0 || s.parked !== 0 || s.lastError !== undefined)
      problems.push(
        `read model ${name}: ${s.state} at ${s.position} of ${head}, lag ${s.lag}, ${s.parked} parked` +
          (s.lastError === undefined
            ? ''
            : `; last error at ${s.lastError.position} (${s.lastError.type}): ${s.lastError.message.slice(0, 300)}`),
      )
  }
  return problems
}

// --- the run ---

interface Tally {
  accepted: number
  refused: number
  invalid: number
  broken: number
}

const fuzz = async (
  t: ExecutionContext,
  label: string,
  doors: ReadonlyArray<Door>,
  life: ReadonlyArray<Seed>,
): Promise<void> => {
  const started = Date.now()
  const ledger = await freshLedger(t, 'sqlite', {
    policy: allowAll,
    plugins: [areasPlugin, volunteersPlugin, partnershipsPlugin, grantsPlugin],
  })
  // A life may use another context's doors (grants drafts on a place index the areas context builds).
  await play(ledger, allDoors, life)
  const tally = new Map<string, Tally>(doors.map((d) => [d.door, { accepted: 0, refused: 0, invalid: 0, broken: 0 }]))
  const known = new Map<string, number>()
  const found = new Map<string, { count: number; example: string }>()
  const property = fc.asyncProperty(casesFor(doors, poolsFor(life)), async (c) => {
    const outcome = await runCase(ledger, c)
    const counts = tally.get(c.door.door)
    if (counts !== undefined) counts[outcome.kind]++
    const unknown: Violation[] = []
    for (const v of outcome.violations) {
      // A fixed finding that comes back is named, and fails like any other violation.
      const finding = findingOf(c.sent, v)
      if (finding !== undefined) known.set(finding.id, (known.get(finding.id) ?? 0) + 1)
      unknown.push(v)
    }
    if (unknown.length === 0) return
    if (!COLLECT) throw new Error(unknown.map((v) => v.text).join('; '))
    for (const v of unknown) {
      const kind = `${c.door.door}: ${v.text.replace(/\d+/g, 'N').slice(0, 200)}`
      const seen = found.get(kind)
      if (seen === undefined)
        found.set(kind, { count: 1, example: `${v.text}\n      ${String(c[fc.toStringMethod]())}` })
      else seen.count++
    }
  })
  const details = await fc.check(property, {
    seed: SEED,
    ...(PATH === undefined || PATH === '' ? { numRuns: RUNS } : { path: PATH, numRuns: 1 }),
  })
  const all = [...tally.values()]
  const sum = (pick: (n: Tally) => number): number => all.reduce((total, n) => total + pick(n), 0)
  t.log(
    `${label}: ${sum((n) => n.accepted + n.refused + n.invalid + n.broken)} commands over ${doors.length} doors ` +
      `(FUZZ_SEED=${SEED}, FUZZ_RUNS=${RUNS}) in ${Date.now() - started} ms: ${sum((n) => n.accepted)} recorded, ` +
      `${sum((n) => n.refused)} refused by a rule, ${sum((n) => n.invalid)} invalid; head at ${await ledger.events.headPosition()}`,
  )
  for (const [door, n] of tally)
    t.log(`  ${door}: ${n.accepted} recorded, ${n.refused} refused by a rule, ${n.invalid} invalid, ${n.broken} broken`)
  for (const [id, count] of [...known].sort()) t.log(`fixed finding ${id} came back ${count} times (findings.ts)`)
  for (const [kind, { count, example }] of found) t.log(`FOUND ×${count} ${kind}\n    e.g. ${example}`)
  const problems = await ledgerProblems(ledger)
  for (const problem of problems) t.log(`FOUND after the run: ${problem}`)

  if (details.failed) {
    const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
    t.fail(`${fc.defaultReportMessage(details) ?? 'the property failed'}\nWhat broke: ${why}`)
  }
  t.deepEqual([...found.keys()], [], 'no command broke a promise the ledger makes')
  t.deepEqual(problems, [], 'every event decodes, the log verifies, every read model is at the head')
  if (!details.failed && RUNS >= 500 && (PATH === undefined || PATH === ''))
    t.deepEqual(
      [...tally].filter(([, n]) => n.accepted + n.refused === 0).map(([door]) => door),
      [],
      'every door had commands that decoded and reached its decider',
    )
}

test('the doors found are every command type of every aggregate and decision of every context', (t) => {
  t.true(areasDoors.length >= 12, `${areasDoors.length} areas doors`)
  t.true(volunteersDoors.length >= 23, `${volunteersDoors.length} volunteers doors`)
  t.true(areasDoors.every((d) => d.door.startsWith('areas.')))
  t.true(volunteersDoors.every((d) => d.door.startsWith('volunteers.')))
  t.true(partnershipsDoors.length >= 35, `${partnershipsDoors.length} partnerships doors`)
  t.true(partnershipsDoors.every((d) => d.door.startsWith('partnerships.')))
  t.true(grantsDoors.length >= 9, `${grantsDoors.length} grants doors`)
  t.true(grantsDoors.some((d) => d.door === 'grants.awards/AwardGrant'))
  t.is(new Set(allDoors.map((d) => d.door)).size, allDoors.length, 'no door is found twice')
  t.true(
    volunteersDoors.some((d) => d.door === 'volunteers.placement/Place'),
    'decisions across streams are found',
  )
})

test('fuzzed areas commands: typed answers, nothing written by a refusal, no leaks, read models caught up', async (t) => {
  t.timeout(10 * 60_000)
  await fuzz(t, 'areas', areasDoors, areasLife())
})

test('fuzzed partnerships commands: typed answers, nothing written by a refusal, no leaks, read models caught up', async (t) => {
  t.timeout(10 * 60_000)
  await fuzz(t, 'partnerships', partnershipsDoors, partnershipsLife())
})

test('fuzzed grants commands: typed answers, nothing written by a refusal, no leaks, read models caught up', async (t) => {
  t.timeout(10 * 60_000)
  await fuzz(t, 'grants', grantsDoors, grantsLife())
})

test('fuzzed volunteers commands: typed answers, nothing written by a refusal, no leaks, read models caught up', async (t) => {
  t.timeout(10 * 60_000)
  await fuzz(t, 'volunteers', volunteersDoors, volunteersLife())
})
