/**
 * A council's app, as ESM under a strict `nodenext` TypeScript: it opens a ledger on a SQLite file,
 * defines a volunteer role, takes a volunteer's application, and reads both back. It uses only what
 * the packages publish — no deep imports, and fp-ts's `Either` helpers as core re-exports them.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createLedger, isLeft, isRight, loadAggregate, match } from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import {
  VOLUNTEER_COORDINATOR,
  volunteerRoles,
  volunteers,
  volunteersPlugin,
  volunteersPolicy,
} from '@civic-ledger/volunteers'

const dir = mkdtempSync(join(tmpdir(), 'council-app-'))
try {
  const ledger = await createLedger({
    store: `sqlite:${join(dir, 'ledger.db')}`,
    storeProviders: [sqliteStoreProvider],
    plugins: [volunteersPlugin],
    policy: volunteersPolicy,
  })
  const actor = { id: 'coordinator-1', organisation: 'GB-LAE-CAM', role: VOLUNTEER_COORDINATOR }

  const defined = await ledger.execute(
    volunteerRoles,
    {
      type: 'DefineRole',
      roleId: 'health-walk-leader',
      title: 'Health walk leader',
      organisation: 'GB-LAE-CAM',
      regulatedActivity: 'none',
      dbsLevel: 'basic',
      minimumAge: 16,
      training: [{ course: 'walk-leader', validForMonths: 36 }],
      supervision: 'monthly with the coordinator',
    },
    { actor },
  )()
  assert.ok(isRight(defined), JSON.stringify(defined))

  const applied = await ledger.execute(
    volunteers,
    {
      type: 'Apply',
      volunteerId: 'v-1',
      name: 'Ada Example',
      email: 'ada@example.org',
      phone: '01234 567890',
      dateOfBirth: '1990-05-17',
      homeLsoa: 'E01017997',
      on: '2026-03-02',
    },
    { actor },
  )()
  const said = match(
    (error: { readonly _tag: string }) => `refused: ${error._tag}`,
    (result: { readonly streamId: string }) => `recorded on ${result.streamId}`,
  )(applied)
  assert.equal(said, 'recorded on volunteers.volunteer-v-1')

  // A malformed command is refused before it reaches the log.
  const malformed = await ledger.execute(volunteers, { type: 'Apply', volunteerId: '' }, { actor })()
  assert.ok(isLeft(malformed) && malformed.left._tag === 'InvalidCommand')

  const role = await loadAggregate(ledger.events, volunteerRoles, 'volunteers.role-health-walk-leader')
  assert.ok(isRight(role) && role.right.state.status === 'open' && role.right.state.role.title === 'Health walk leader')
  const person = await loadAggregate(ledger.events, volunteers, 'volunteers.volunteer-v-1', { privacy: ledger.privacy })
  assert.ok(isRight(person) && person.right.state.dateOfBirth === '1990-05-17', JSON.stringify(person))
  assert.equal((await ledger.audit.verify()).ok, true)
  await ledger.close()
  console.log('council app (ESM): ok')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
