/**
 * Every door beside `execute` is behind the policy and on the record (RELIABILITY "Security"): a
 * seal, a disclosed export and an erasure by an actor the policy does not allow are `Forbidden`
 * and leave nothing behind; allowed, each leaves an event naming who (and, for a disclosure, why).
 * The application's handles cannot append or reach keys; the trusted store encrypts the personal
 * fields of the event types the ledger knows, so even trusted code cannot store them in plain text.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Ledger, RecordedEvent } from '@civic-ledger/core'
import { createLedger, InvalidArgumentError, rolePolicy } from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { applicants, applicantSecrets, applyCommand, VolunteerApplied } from '@civic-ledger/testing'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { recordSweep } from './counts'

const coordinator = { actor: { id: 'c-1', organisation: 'GB-LAE-CAM', role: 'volunteer-coordinator' } }
const auditor = { actor: { id: 'a-1', organisation: 'GB-LAE-CAM', role: 'auditor' } }
const dpo = { actor: { id: 'd-1', organisation: 'GB-LAE-CAM', role: 'data-protection-officer' } }
const intruder = { actor: { id: 'x-1', organisation: 'GB-LAE-CAM', role: 'volunteer' } }

const policy = rolePolicy({
  'volunteers.applicant': { Apply: ['volunteer-coordinator'] },
  'audit.ledger': { SealLedger: ['auditor'], DisclosePersonalData: ['data-protection-officer'] },
  'privacy.subject': { EraseSubject: ['data-protection-officer'] },
})

const open = async (t: ExecutionContext, store: 'memory' | 'sqlite', dir: string): Promise<Ledger> => {
  const ledger = await createLedger({
    store: store === 'memory' ? 'memory:' : `sqlite:${join(dir, 'ledger.db')}`,
    storeProviders: [sqliteStoreProvider],
    policy,
    events: [VolunteerApplied],
  })
  t.teardown(() => ledger.close())
  for (let n = 1; n <= 3; n++) {
    const r = await ledger.execute(applicants, applyCommand(n), coordinator)()
    if (E.isLeft(r)) t.fail(r.left.message)
  }
  return ledger
}

const all = async (ledger: Ledger): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = []
  for await (const e of ledger.events.readAll()) out.push(e)
  return out
}

for (const store of ['memory', 'sqlite'] as const)
  test(`${store}: seals, disclosed exports and erasures go through the policy and are recorded`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-doors-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const ledger = await open(t, store, dir)
    const head = await ledger.events.headPosition()

    // Refused: nothing is written, no file is made, no key is touched.
    const seal = await ledger.audit.seal(intruder)()
    t.true(E.isLeft(seal) && seal.left._tag === 'Forbidden', 'an intruder may not seal')
    const leak = await ledger.audit.exportDisclosed(join(dir, 'leak.ndjson'), 'curiosity', intruder)()
    t.true(E.isLeft(leak) && leak.left._tag === 'Forbidden', 'an intruder may not disclose')
    t.false(existsSync(join(dir, 'leak.ndjson')))
    const auditorLeak = await ledger.audit.exportDisclosed(join(dir, 'leak.ndjson'), 'curiosity', auditor)()
    t.true(E.isLeft(auditorLeak) && auditorLeak.left._tag === 'Forbidden', 'an auditor may seal, not disclose')
    const erase = await ledger.privacy.erase('v-1', 'because', intruder)()
    t.true(E.isLeft(erase) && erase.left._tag === 'Forbidden', 'an intruder may not erase')
    t.false(await ledger.privacy.isErased('v-1'))
    const noReason = await ledger.audit.exportDisclosed(join(dir, 'leak.ndjson'), ' ', dpo)()
    t.true(E.isLeft(noReason) && noReason.left._tag === 'InvalidCommand', 'a disclosure must say why')
    const badContext = await ledger.audit.seal({ actor: { id: '' } })()
    t.true(E.isLeft(badContext) && badContext.left._tag === 'InvalidCommand')
    t.throws(() => ledger.audit.export(join(dir, 'x.ndjson'), { disclose: true } as never), {
      instanceOf: InvalidArgumentError,
    })
    t.is(await ledger.events.headPosition(), head, 'nothing was recorded by a refused door')
    recordSweep('doors', store, { 'doors refused to the wrong actor': 4, 'malformed requests refused': 3 })

    // Allowed: each leaves an event naming who, and why.
    const sealed = await ledger.audit.seal(auditor)()
    t.true(E.isRight(sealed))
    const file = join(dir, 'subject-access.ndjson')
    const disclosed = await ledger.audit.exportDisclosed(file, 'subject access request from v-2', dpo)()
    t.true(E.isRight(disclosed))
    t.true(readFileSync(file, 'utf8').includes(applicantSecrets(2).email), 'the disclosed export holds plain text')
    const erased = await ledger.privacy.erase('v-1', 'the volunteer asked', dpo)()
    t.true(E.isRight(erased))
    const recorded = (await all(ledger)).filter((e) => e.position > head)
    t.deepEqual(
      recorded.map((e) => [e.type, e.metadata.actor.id]),
      [
        ['audit.LedgerSealed', 'a-1'],
        ['audit.PersonalDataDisclosed', 'd-1'],
        ['privacy.SubjectErased', 'd-1'],
      ],
    )
    const disclosure = recorded[1]?.data as { reason: string; file: string; fromPosition: number }
    t.deepEqual([disclosure.reason, disclosure.file], ['subject access request from v-2', 'subject-access.ndjson'])
  })

test('every door on the ledger is a TaskEither: nothing is asked or written until it is called', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-doors-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ledger = await open(t, 'memory', dir)
  const head = await ledger.events.headPosition()
  const seal = ledger.audit.seal(auditor)
  const erase = ledger.privacy.erase('v-1', 'the volunteer asked', dpo)
  const disclose = ledger.audit.exportDisclosed(join(dir, 'sar.ndjson'), 'subject access', dpo)
  const execute = ledger.execute(applicants, applyCommand(8), coordinator)
  t.is(await ledger.events.headPosition(), head, 'made, not run')
  t.false(existsSync(join(dir, 'sar.ndjson')))
  const outcomes: ReadonlyArray<E.Either<unknown, unknown>> = [
    await seal(),
    await erase(),
    await disclose(),
    await execute(),
  ]
  t.true(outcomes.every(E.isRight))
  t.is(await ledger.events.headPosition(), head + 4)
})

for (const store of ['memory', 'sqlite'] as const)
  test(`${store}: no door takes a tenant it would not honour: each refuses the context, and nothing is written`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-doors-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const ledger = await open(t, store, dir)
    const head = await ledger.events.headPosition()
    const as = (who: { actor: typeof dpo.actor }) => ({ ...who, tenant: 'GB-LAE-PEB' })
    const outcomes = [
      await ledger.execute(applicants, applyCommand(7), as(coordinator))(),
      await ledger.audit.seal(as(auditor))(),
      await ledger.audit.exportDisclosed(join(dir, 'sar.ndjson'), 'subject access', as(dpo))(),
      await ledger.privacy.erase('v-1', 'the volunteer asked', as(dpo))(),
    ]
    for (const outcome of outcomes) {
      t.true(E.isLeft(outcome) && outcome.left._tag === 'InvalidCommand')
      t.regex(
        E.isLeft(outcome) ? outcome.left.message : '',
        /context tenant: not supported; one ledger serves one data controller/,
      )
    }
    t.is(await ledger.events.headPosition(), head)
    t.false(existsSync(join(dir, 'sar.ndjson')))
    t.false(await ledger.privacy.isErased('v-1'))
  })

for (const store of ['memory', 'sqlite'] as const)
  test(`${store}: the application's handles cannot append or reach keys; the trusted store encrypts personal fields`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-doors-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const ledger = await open(t, store, dir)
    t.false('appendToStream' in ledger.events, 'ledger.events only reads')
    t.false('keys' in ledger.privacy, 'keys are not handed to application code')
    t.false('store' in ledger, 'the raw store is only under trusted')

    // Trusted code appends a personal event in plain text: it is stored encrypted all the same.
    const secrets = applicantSecrets(9)
    await ledger.trusted.store.appendToStream(
      'volunteers.applicant-v-9',
      [
        {
          eventId: randomUUID(),
          type: VolunteerApplied.type,
          schemaVersion: 1,
          data: { volunteerId: 'v-9', ...secrets, role: 'health-walk-leader' },
          metadata: {
            actor: coordinator.actor,
            correlationId: 'c',
            causationId: 'c',
            occurredAt: '2026-01-01T00:00:00.000Z',
          },
        },
      ],
      { expectedRevision: 'noStream' },
    )
    const [stored] = (await all(ledger)).filter((e) => e.streamId === 'volunteers.applicant-v-9')
    if (stored === undefined) return t.fail('the event was not stored')
    for (const secret of Object.values(secrets)) t.false(JSON.stringify(stored.data).includes(secret))
    const opened = await ledger.privacy.open(stored)
    t.is((opened.data as { email: string }).email, secrets.email, 'and it reads back through the privacy')
    await ledger.close()
    if (store === 'sqlite')
      for (const name of readdirSync(dir))
        t.false(readFileSync(join(dir, name)).includes(secrets.email), `${name} holds no plain text`)
  })
