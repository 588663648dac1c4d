/**
 * Nothing personal leaks through an error path (RELIABILITY "Security"): with plug-ins that fail on
 * personal data in every way — a stricter codec that refuses a decrypted value, `apply` code that
 * throws with the values in its message, an inline projection that does the same — and commands
 * with malformed personal fields, no logger line, console line, status, `status$` emission, parked
 * reason or returned error holds a personal value; and after the subjects are erased, no byte of
 * any file of the SQLite ledger does.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { AnyProjection, Ledger, ProjectionLogger } from '@civic-ledger/core'
import {
  allowAll,
  createLedger,
  defineEvent,
  defineProjection,
  IsoDate,
  NonEmptyString,
  personal,
} from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { applicants } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { recordSweep } from './counts'

const actor = { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }

/** Values no other text in a run could hold by chance. */
const secretsOf = (n: number) => ({
  name: `Zelda Quillfeather${n}`,
  email: `zelda.quill${n}@leak-probe.example`,
  phone: `07700 98${String(n).padStart(4, '0')}`,
  dateOfBirth: `19${60 + n}-03-2${n % 9}`,
})
const ids = [1, 2, 3, 4, 5]
const secrets = ids.flatMap((n) => Object.values(secretsOf(n)))

/** The plug-in's own reading of the event: a name of at most four letters, which no real one is. */
const ShortName = t.refinement(t.string, (s) => s.length <= 4, 'ShortName')
const StrictApplied = defineEvent({
  type: 'volunteers.VolunteerApplied',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({
      volunteerId: NonEmptyString,
      name: personal(ShortName),
      email: personal(ShortName),
      phone: personal(ShortName),
      dateOfBirth: personal(ShortName),
      role: t.string,
    }),
  ),
})

const strict = (name: string, onFailure: AnyProjection['onFailure']): AnyProjection =>
  defineProjection({
    name,
    version: 1,
    events: [StrictApplied],
    ...(onFailure === undefined ? {} : { onFailure }),
    apply: () => undefined,
    erase: async () => undefined,
  })

const looseApplied = defineEvent({
  type: 'volunteers.VolunteerApplied',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({
      volunteerId: NonEmptyString,
      name: personal(t.string),
      email: personal(t.string),
      phone: personal(t.string),
      dateOfBirth: personal(IsoDate),
      role: t.string,
    }),
  ),
})

/** A plug-in whose own code puts the values in what it throws. */
const careless = (name: string, mode: 'async' | 'inline'): AnyProjection =>
  defineProjection({
    name,
    version: 1,
    mode,
    events: [looseApplied],
    onFailure: { kind: 'dead-letter' },
    apply: (event) => {
      const d = event.data as Record<string, unknown>
      throw new Error(
        `cannot file ${String(d['name'])} <${String(d['email'])}> born ${String(d['dateOfBirth'])}: ${JSON.stringify(d)}`,
      )
    },
    erase: async () => undefined,
  })

/** Everything a run printed, logged, reported or returned, as text. */
const captured: string[] = []
const capture = (value: unknown): void => {
  captured.push(typeof value === 'string' ? value : JSON.stringify(value, replacer))
}
const replacer = (_key: string, value: unknown): unknown =>
  value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value

const leaksIn = (texts: ReadonlyArray<string>): ReadonlyArray<string> =>
  secrets.filter((secret) => texts.some((text) => text.includes(secret)))

test.serial('no personal value reaches a log, status, parked reason or error, nor a file after erasure', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-leaks-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) }
  const hook = (to: (chunk: string | Uint8Array) => boolean) =>
    function write(chunk: string | Uint8Array): boolean {
      capture(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return to(chunk)
    }
  Object.assign(process.stdout, { write: hook(write.out) })
  Object.assign(process.stderr, { write: hook(write.err) })
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    args.forEach(capture)
    warn(...args)
  }
  t.teardown(() => {
    Object.assign(process.stdout, { write: write.out })
    Object.assign(process.stderr, { write: write.err })
    console.warn = warn
  })
  const logger: ProjectionLogger = { warn: (message, detail) => capture([message, detail]) }

  const ledger: Ledger = await createLedger({
    store: `sqlite:${join(dir, 'ledger.db')}`,
    storeProviders: [sqliteStoreProvider],
    policy: allowAll,
    logger,
    projections: [
      strict('strict-dead-letter', { kind: 'dead-letter' }),
      strict('strict-retry', { kind: 'retry', maxAttempts: 2, initialDelayMs: 1, then: 'dead-letter' }),
      strict('strict-halt', { kind: 'halt' }),
      careless('careless-async', 'async'),
    ],
  })
  t.teardown(() => ledger.close())
  const subscription = ledger.projections.status$.subscribe(capture)
  t.teardown(() => subscription.unsubscribe())

  for (const n of ids) {
    const result = await ledger.execute(applicants, { type: 'Apply', volunteerId: `v-${n}`, ...secretsOf(n) }, actor)()
    if (E.isLeft(result)) t.fail(result.left.message)
  }
  // Commands with malformed personal fields: the refusal must not quote them back.
  for (const n of ids) {
    const s = secretsOf(n)
    const refused = await ledger.execute(
      applicants,
      { type: 'Apply', volunteerId: `v-bad-${n}`, ...s, dateOfBirth: `${s.dateOfBirth}x`, phone: 12345 + n },
      actor,
    )()
    t.true(E.isLeft(refused) && refused.left._tag === 'InvalidCommand')
    capture(refused)
  }
  await t.throwsAsync(ledger.projections.waitUntilCaughtUp({ timeoutMs: 20_000 }), undefined, 'strict-halt halts')
  const head = await ledger.events.headPosition()
  const others = ledger.projections.names.filter((name) => name !== 'strict-halt')
  for (let i = 0; i < 500 && others.some((name) => ledger.projections.status(name).position < head); i++)
    await new Promise((resolve) => setTimeout(resolve, 20))
  for (const name of ledger.projections.names) {
    capture(ledger.projections.status(name))
    capture(await ledger.projections.parked(name))
    capture(await ledger.projections.retryParked(name))
  }
  t.true((await ledger.projections.parked('strict-dead-letter')).length === ids.length, 'the strict plug-in parked')
  t.true((await ledger.projections.parked('careless-async')).length === ids.length, 'the careless plug-in parked')
  t.is(ledger.projections.status('strict-halt').state, 'halted')
  t.regex(ledger.projections.status('careless-async').lastError?.message ?? '', /cannot file ‹personal›/)
  t.deepEqual(leaksIn(captured), [], 'nothing captured holds a personal value')

  // An inline plug-in that throws refuses the append; the error the caller gets is clean too.
  const inline = await createLedger({
    store: `sqlite:${join(dir, 'inline.db')}`,
    storeProviders: [sqliteStoreProvider],
    policy: allowAll,
    logger,
    projections: [careless('careless-inline', 'inline')],
  })
  const failed = await inline.execute(applicants, { type: 'Apply', volunteerId: 'v-1', ...secretsOf(1) }, actor)()
  t.true(E.isLeft(failed))
  capture(failed)
  await inline.close()
  t.deepEqual(leaksIn(captured), [], 'the inline failure holds no personal value')

  for (const n of ids) {
    const erased = await ledger.privacy.erase(`v-${n}`, 'the volunteer asked', actor, { timeoutMs: 5_000 })()
    capture(erased)
    t.true(E.isRight(erased))
  }
  await ledger.close()
  const files = readdirSync(dir).map((name) => readFileSync(join(dir, name)).toString('latin1'))
  t.deepEqual(leaksIn(files), [], 'no file of the ledger holds an erased volunteer’s personal value')
  t.deepEqual(leaksIn(captured), [], 'nothing captured after erasure holds one either')
  recordSweep('leaks', 'sqlite', {
    'personal values searched for': secrets.length,
    'texts captured': captured.length,
    'values found': leaksIn(captured).length + leaksIn(files).length,
  })
})
