/**
 * The standard plug-ins together: each declares every event its context records, so a ledger can
 * load them side by side (a plug-in that declared none beside one that did used to make the ledger
 * refuse the other's projections), on a real SQLite file.
 */
import { areasPlugin, geographyReleases, lsoa2021Ward2025Release } from '@civic-ledger/areas'
import { allowAll } from '@civic-ledger/core'
import { partnershipsPlugin } from '@civic-ledger/partnerships'
import { volunteerRoles, volunteersPlugin } from '@civic-ledger/volunteers'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { freshLedger } from '../security/ledgers'

const actor = { actor: { id: 'o-1', organisation: 'GB-LAE-CAM', role: 'officer' } }

test('the areas, volunteers and partnerships plug-ins load together, and both contexts record and project', async (t) => {
  const ledger = await freshLedger(t, 'sqlite', {
    policy: allowAll,
    plugins: [volunteersPlugin, areasPlugin, partnershipsPlugin],
  })
  for (const name of [
    'area-registry',
    'area-profiles',
    'volunteer-hours',
    'time-credit-balances',
    'partnership-register',
  ])
    t.true(ledger.projections.names.includes(name), name)
  const declared = [...areasPlugin.events, ...volunteersPlugin.events, ...partnershipsPlugin.events].map((d) => d.type)
  t.true(declared.includes('volunteers.VolunteerPlaced'))
  t.true(declared.includes('areas.ReleaseImported'))
  t.is(new Set(declared).size, declared.length, 'no event type is declared twice')
  const release = await ledger.execute(geographyReleases, lsoa2021Ward2025Release(), actor)()
  t.true(E.isRight(release), E.isLeft(release) ? release.left.message : '')
  const role = await ledger.execute(
    volunteerRoles,
    {
      type: 'DefineRole',
      roleId: 'health-walk-leader',
      title: 'Health walk leader',
      organisation: 'GB-LAE-CAM',
      regulatedActivity: 'none',
      dbsLevel: 'basic',
      minimumAge: 16,
      training: [],
      supervision: 'monthly',
    },
    actor,
  )()
  t.true(E.isRight(role), E.isLeft(role) ? role.left.message : '')
  await ledger.projections.waitUntilCaughtUp({ timeoutMs: 30_000 })
  t.true(ledger.projections.names.every((name) => ledger.projections.status(name).state !== 'halted'))
})
