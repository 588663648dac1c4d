/**
 * Personal data through a privacy-enabled ledger, with failures and an erasure (RELIABILITY
 * "Security"): volunteers apply with a name, an email, a phone number and a date of birth made for
 * this run; a careless plug-in throws with those values in its message and parks every event;
 * malformed commands are refused; statuses and parked reasons are printed; half the subjects are
 * erased. The values, and every subject key read back from the key store, are appended to the file
 * named by `CIVIC_LEDGER_TORTURE_SECRETS`: the runner searches the whole run's output for them.
 * On SQLite, no file of the ledger may hold an erased subject's plaintext.
 */
import { randomBytes } from 'node:crypto'
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { AnyProjection, ProjectionLogger } from '@civic-ledger/core'
import { allowAll, createLedger, defineProjection, isLeft, subjectKey } from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { applicants, rosterProjection, VolunteerApplied } from '@civic-ledger/testing'

import type { Phase, PhaseBudget, PhaseResult } from '../phase'
import type { SharedStore } from '../support'
import { invariant, scratchDirectory, secondsSince } from '../support'

const SUBJECTS = 6
const actor = { actor: { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }

/** A plug-in whose own code puts the personal values in what it throws. */
const careless: AnyProjection = defineProjection({
  name: 'torture-careless',
  version: 1,
  events: [VolunteerApplied],
  onFailure: { kind: 'dead-letter' },
  apply: (event) => {
    throw new Error(
      `cannot file ${JSON.stringify(event.data.name)} <${JSON.stringify(event.data.email)}>: ${JSON.stringify(event.data)}`,
    )
  },
  erase: () => undefined,
})

const personOf = (token: string, n: number) => ({
  name: `Torture Person${token}${n}`,
  email: `torture.${token}.${n}@leak-probe.example`,
  phone: `07700 ${token.slice(0, 3)}${n}`,
  dateOfBirth: `19${40 + n}-0${1 + n}-2${n}`,
})

const run = async (kind: SharedStore, _budget: PhaseBudget): Promise<PhaseResult> => {
  const started = performance.now()
  const scratch = scratchDirectory('privacy')
  const token = randomBytes(4).toString('hex')
  const secretsFile = process.env['CIVIC_LEDGER_TORTURE_SECRETS']
  const secrets: string[] = []
  const keep = (value: string): void => {
    secrets.push(value)
    if (secretsFile !== undefined && secretsFile !== '') appendFileSync(secretsFile, `${value}\n`)
  }
  // Under the runner the library's own console logger prints, so the run's output is searched;
  // in the test run the lines are kept here and searched below.
  const captured: string[] = []
  const print = (line: string): void => {
    captured.push(line)
    if (secretsFile !== undefined && secretsFile !== '') console.log(line)
  }
  const quiet: ProjectionLogger = { warn: (message, details) => captured.push(`${message} ${JSON.stringify(details)}`) }
  const ledger = await createLedger({
    ...(secretsFile !== undefined && secretsFile !== '' ? {} : { logger: quiet }),
    store: kind === 'memory' ? 'memory:' : `sqlite:${join(scratch.dir, 'ledger.db')}`,
    storeProviders: [sqliteStoreProvider],
    policy: allowAll,
    projections: [rosterProjection, careless],
  })
  let closed = false
  try {
    const ids = Array.from({ length: SUBJECTS }, (_, n) => `v-${token}-${n}`)
    let written = 0
    let refused = 0
    for (const [n, volunteerId] of ids.entries()) {
      const person = personOf(token, n)
      Object.values(person).forEach(keep)
      const result = await ledger.execute(applicants, { type: 'Apply', volunteerId, ...person }, actor)()
      if (!isLeft(result)) written += 1
      // A malformed personal field: the refusal must not quote it back, and it is printed.
      const bad = await ledger.execute(
        applicants,
        { type: 'Apply', volunteerId: `${volunteerId}-bad`, ...person, dateOfBirth: `${person.dateOfBirth}x` },
        actor,
      )()
      if (isLeft(bad)) {
        refused += 1
        print(`refused as it should be: ${bad.left._tag}: ${bad.left.message}`)
      }
    }
    const head = await ledger.events.headPosition()
    for (let i = 0; i < 500 && ledger.projections.status('torture-careless').position < head; i++)
      await new Promise((resolve) => setTimeout(resolve, 20))
    const parked = await ledger.projections.parked('torture-careless')
    print(`careless plug-in status: ${JSON.stringify(ledger.projections.status('torture-careless'))}`)
    print(`parked reasons: ${JSON.stringify(parked.map((event) => event.reason))}`)

    let keys = 0
    for (const volunteerId of ids) {
      const key = await ledger.trusted.keys.find(subjectKey(volunteerId))
      if (key === undefined) continue
      keys += 1
      keep(key.toString('hex'))
      keep(key.toString('base64'))
      keep(key.toString('base64url'))
    }
    const erasedIds = ids.slice(0, SUBJECTS / 2)
    let erased = 0
    for (const volunteerId of erasedIds) {
      const outcome = await ledger.privacy.erase(volunteerId, 'the volunteer asked', actor, { timeoutMs: 20_000 })()
      print(`erasure: ${JSON.stringify(outcome)}`)
      if (!isLeft(outcome)) erased += 1
    }
    await ledger.close()
    closed = true
    // The erased subjects' plaintext in any file the SQLite ledger wrote.
    const erasedValues = erasedIds.flatMap((_, n) => Object.values(personOf(token, n)))
    const files =
      kind === 'sqlite'
        ? readdirSync(scratch.dir).map((name) => readFileSync(join(scratch.dir, name)).toString('latin1'))
        : []
    const personal = secrets.filter((secret) => captured.some((line) => line.includes(secret))).length
    const inFiles = erasedValues.filter((value) => files.some((text) => text.includes(value))).length
    return {
      store: kind,
      phase: PHASE_NAME,
      seconds: secondsSince(started),
      counts: {
        subjects: written,
        'malformed commands refused': refused,
        'events parked by a careless plug-in': parked.length,
        'subject keys read back': keys,
        'subjects erased': erased,
        'secrets for the output search': secrets.length,
        'lines printed or logged': captured.length,
        'personal values or keys in them': personal,
        ...(kind === 'sqlite'
          ? { 'files searched after erasure': files.length, 'erased values found in files': inFiles }
          : {}),
      },
      invariants: [
        invariant(
          'every subject written, every malformed command refused',
          SUBJECTS * 2 - written - refused,
          `${written} written, ${refused} refused`,
        ),
        invariant('the careless plug-in parked every event', SUBJECTS - parked.length, `${parked.length} parked`),
        invariant(
          'no personal value or key in a log line, status, parked reason or refusal',
          personal,
          `${captured.length} lines searched`,
        ),
        invariant('a key for every subject, read back', SUBJECTS - keys, `${keys} keys`),
        invariant(
          'erasure: no plaintext of an erased subject in any file',
          inFiles + (erasedIds.length - erased),
          kind === 'sqlite' ? `${files.length} files searched` : 'erased (no files in memory)',
        ),
      ],
    }
  } finally {
    if (!closed) await ledger.close()
    scratch.remove()
  }
}

const PHASE_NAME = 'personal data through a ledger with failures and an erasure'

/** The phase on a fresh ledger of `kind`. */
export const privacyPhase = (kind: SharedStore): Phase => ({
  store: kind,
  name: PHASE_NAME,
  run: (budget) => run(kind, budget),
})
