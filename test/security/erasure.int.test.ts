/**
 * Erasure is exact and completes (RELIABILITY "Erasure", "Security"), on memory, SQLite and
 * PostgreSQL: a subject id names one subject whatever characters it holds, so erasing `ann` leaves
 * `ann.lee`, and purging a volunteer's DBS details leaves a volunteer whose id looks like that
 * check's; once `privacy.SubjectErased` is recorded the erasure finishes — a halted projection is
 * reported, not thrown, the store still purges, and a key left behind by a process that stopped
 * after recording the event is deleted when the ledger next opens.
 */
import type { AnyProjection, Ledger } from '@civic-ledger/core'
import { dataSubjects, defineProjection, isErased, loadAggregate, subjectKey } from '@civic-ledger/core'
import { applicants, applyCommand, rosterProjection, VolunteerApplied } from '@civic-ledger/testing'
import { purgeDbsDetails, volunteers } from '@civic-ledger/volunteers'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { freshStore, openLedger } from './ledgers'

const actor = { actor: { id: 'dpo-1', organisation: 'GB-LAE-CAM', role: 'data-protection-officer' } }

const stores = [
  { name: 'memory', kind: 'memory', reopens: false },
  { name: 'sqlite', kind: 'sqlite', reopens: true },
  { name: 'postgres', kind: 'postgres', reopens: true },
] as const

const open = openLedger

/** The applicant's name as the aggregate reads it: plain text, or Erased. */
const nameOf = async (ledger: Ledger, volunteerId: string): Promise<unknown> => {
  const loaded = await loadAggregate(ledger.events, applicants, `volunteers.applicant-${volunteerId}`, {
    privacy: ledger.privacy,
  })
  if (E.isLeft(loaded)) throw new Error(loaded.left.message)
  return loaded.right.state.name
}

const applyAs = async (ledger: Ledger, volunteerId: string, n: number): Promise<void> => {
  const result = await ledger.execute(applicants, { ...applyCommand(n), volunteerId }, actor)()
  if (E.isLeft(result)) throw new Error(result.left.message)
}

for (const store of stores) {
  test(`${store.name}: erasing one subject never erases another whose id shares its prefix`, async (t) => {
    const ledger = await open(await freshStore(t, store.kind), { projections: [rosterProjection] })
    t.teardown(() => ledger.close())
    const ids = ['ann', 'ann.lee', 'ann.', 'ann:1', 'v-1', 'v-1.dbs-c1', 'v-1.dbs-c1.x']
    for (const [i, id] of ids.entries()) await applyAs(ledger, id, i + 1)
    const erasedAnn = await ledger.privacy.erase('ann', 'asked', actor)()
    t.deepEqual(erasedAnn, E.right({ recorded: true, complete: true, waitingFor: [] }))
    const erasedV1 = await ledger.privacy.erase('v-1', 'asked', actor)()
    t.true(E.isRight(erasedV1))
    for (const id of ['ann', 'v-1']) t.true(isErased(await nameOf(ledger, id)), `${id} is erased`)
    for (const [i, id] of ids.entries()) {
      if (id === 'ann' || id === 'v-1') continue
      t.is(await nameOf(ledger, id), applyCommand(i + 1).name, `${id} keeps its name`)
      t.false(await ledger.trusted.keys.isErased(subjectKey(id)), `${id}'s key is not erased`)
    }
  })

  test(`${store.name}: purging a DBS check's details leaves a volunteer whose id looks like the check's`, async (t) => {
    const ledger = await open(await freshStore(t, store.kind))
    t.teardown(() => ledger.close())
    const run = async (command: object): Promise<void> => {
      const result = await ledger.execute(volunteers, command, actor)()
      if (E.isLeft(result)) throw new Error(`${String((command as { type: string }).type)}: ${result.left.message}`)
    }
    const application = (volunteerId: string, name: string) => ({
      type: 'Apply',
      volunteerId,
      on: '2026-01-10',
      name,
      email: `${volunteerId}@example.org`,
      phone: '07700 900000',
      dateOfBirth: '1990-05-17',
      homeLsoa: 'E01015589',
    })
    await run(application('v-1', 'First Volunteer'))
    await run(application('v-1.dbs-c1', 'Second Volunteer'))
    await run(application('v-1.checkId', 'Third Volunteer'))
    await run({
      type: 'RecordDbsCheck',
      volunteerId: 'v-1',
      checkId: 'c1',
      certificateNumber: '001234567890',
      level: 'enhanced-barred',
      barredLists: 'adults',
      issuedOn: '2026-01-12',
      clear: true,
      updateService: false,
      decision: 'accepted',
      on: '2026-01-15',
    })
    const purged = await purgeDbsDetails(ledger, { volunteerId: 'v-1', checkId: 'c1', on: '2026-08-01' }, actor)
    t.true(E.isRight(purged), E.isLeft(purged) ? purged.left.message : '')
    t.true(await ledger.trusted.keys.isErased(subjectKey('v-1', 'checkId=c1')))
    for (const id of ['v-1', 'v-1.dbs-c1', 'v-1.checkId']) {
      t.false(await ledger.trusted.keys.isErased(subjectKey(id)), `${id} is untouched by the purge`)
      const loaded = await loadAggregate(ledger.events, volunteers, `volunteers.volunteer-${id}`, {
        privacy: ledger.privacy,
      })
      t.true(E.isRight(loaded) && loaded.right.state.dateOfBirth === '1990-05-17', `${id} still has a date of birth`)
    }
  })

  test(`${store.name}: a halted projection is reported by erase, not thrown, and the key and purge still happen`, async (t) => {
    let broken = true
    const stuck: AnyProjection = defineProjection({
      name: 'stuck-roster',
      version: 1,
      events: [VolunteerApplied],
      apply: () => {
        if (broken) throw new Error('the projection is broken')
      },
      erase: async () => undefined,
    })
    const ledger = await open(await freshStore(t, store.kind), {
      projections: [rosterProjection, stuck],
      logger: { warn: () => undefined },
    })
    t.teardown(() => ledger.close())
    await applyAs(ledger, 'v-7', 7)
    const started = Date.now()
    const outcome = await ledger.privacy.erase('v-7', 'asked', { ...actor }, { timeoutMs: 20_000 })()
    t.true(Date.now() - started < 10_000, 'a halted projection is not waited for')
    t.deepEqual(outcome, E.right({ recorded: true, complete: false, waitingFor: ['stuck-roster'] }))
    t.true(await ledger.trusted.keys.isErased('v-7'), 'the key is gone')
    t.is(await ledger.projections.query(rosterProjection, { name: 'roster', indexes: [] }).get('v-7'), undefined)
    broken = false
    ledger.projections.restart('stuck-roster')
    await ledger.projections.waitUntilCaughtUp()
    t.deepEqual(
      await ledger.privacy.erase('v-7', 'asked again', actor)(),
      E.right({ recorded: false, complete: true, waitingFor: [] }),
    )
  })

  if (store.reopens)
    test(`${store.name}: a key left behind when the process stopped after recording the erasure goes on the next open`, async (t) => {
      const connection = await freshStore(t, store.kind)
      const first = await open(connection)
      await applyAs(first, 'v-9', 9)
      await first.projections.waitUntilCaughtUp()
      await first.projections.stop()
      // What a process that stopped between recording the event and deleting the key leaves.
      const recorded = await first.execute(
        dataSubjects,
        { type: 'EraseSubject', subject: 'v-9', reason: 'asked' },
        actor,
      )()
      t.true(E.isRight(recorded))
      t.false(await first.trusted.keys.isErased('v-9'))
      await first.close()

      const second = await open(connection)
      t.teardown(() => second.close())
      await second.projections.waitUntilCaughtUp()
      t.true(await second.trusted.keys.isErased('v-9'), 'the privacy-erasures projection deleted the key')
      t.true(isErased(await nameOf(second, 'v-9')))
    })
}
