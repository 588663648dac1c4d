/**
 * The areas context on a real SQLite ledger file: the reference data and a published scheme load
 * through ordinary commands, the read models answer, and refused commands (a release imported twice,
 * a malformed code, a scheme published by the wrong role) write nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import {
  AREA_DATA_STEWARD,
  areasPlugin,
  areasPolicy,
  createAreaQueries,
  GEOGRAPHY_OFFICER,
  geographyReleases,
  importReferenceData,
  lsoa2021Ward2025Release,
  publishModelledScheme,
  serviceDeliveryAreaSchemes,
} from '@civic-ledger/areas'
import { createLedger } from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import test from 'ava'
import { isLeft } from 'fp-ts/Either'

const officer = { id: 'geo-1', organisation: 'GB-LAE-CAM', role: GEOGRAPHY_OFFICER }
const steward = { id: 'steward-1', organisation: 'GB-LAE-CAM', role: AREA_DATA_STEWARD }

test('the reference data and a six-district scheme load into a SQLite ledger; refusals write nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-areas-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const open = () =>
    createLedger({
      store: `sqlite:${join(dir, 'ledger.db')}`,
      storeProviders: [sqliteStoreProvider],
      policy: areasPolicy,
      plugins: [areasPlugin],
      events: areasPlugin.events,
    })
  const ledger = await open()
  await importReferenceData(ledger, { ...officer })
  await publishModelledScheme(ledger, officer, steward)
  const head = await ledger.events.headPosition()

  const again = await ledger.execute(geographyReleases, lsoa2021Ward2025Release(), { actor: officer })()
  t.true(isLeft(again) && again.left._tag === 'Rejected' && again.left.code === 'release-exists')
  const bad = { ...lsoa2021Ward2025Release(), releaseId: 'bad-codes' }
  const badRelease = {
    ...bad,
    areaSets: bad.areaSets.map((s) =>
      s.type === 'ward' ? { ...s, areas: [...s.areas, { code: 'E01015589', name: 'an LSOA filed as a ward' }] } : s,
    ),
  }
  const refused = await ledger.execute(geographyReleases, badRelease, { actor: officer })()
  t.true(isLeft(refused) && refused.left._tag === 'Rejected' && /E01015589 has prefix E01/.test(refused.left.message))
  const forbidden = await ledger.execute(
    serviceDeliveryAreaSchemes,
    { type: 'SupersedeScheme', schemeId: 'cambs-pboro-sda', version: 1, reason: 'test' },
    { actor: officer },
  )()
  t.true(isLeft(forbidden) && forbidden.left._tag === 'Forbidden')
  t.is(await ledger.events.headPosition(), head, 'nothing was written by the refused commands')
  await ledger.close()

  // Reopened, the read models are still there and answer.
  const reopened = await open()
  await reopened.projections.waitUntilCaughtUp()
  const found = await createAreaQueries(reopened.projections).areasContaining('E01015589', { lsoaVintage: '2021' })
  t.true(found.some((c) => c.type === 'service-delivery-area'))
  t.true(found.some((c) => c.type === 'ward' && c.code === 'E05010805'))
  await reopened.close()
})
