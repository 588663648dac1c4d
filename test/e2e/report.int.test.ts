/**
 * The reports end to end: a ledger on a SQLite file with the real reference data, the modelled
 * service delivery area scheme, a fund's applications, volunteers and a partnership, sent as
 * commands; every report rendered to one page, opened in headless Chromium (Debian's, driven by
 * playwright-core) with no network; the maps drawn with one shape per area of the data, the charts
 * with one bar per figure, no console error and no request leaving the page; a screenshot saved to
 * `var/e2e-report.png`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { importReferenceData, publishModelledScheme } from '@civic-ledger/areas'
import { areasPlugin } from '@civic-ledger/areas'
import { allowAll, createLedger } from '@civic-ledger/core'
import { grantsPlugin } from '@civic-ledger/grants'
import { partnershipsPlugin } from '@civic-ledger/partnerships'
import { explain, produceReports, renderHtml } from '@civic-ledger/reporting'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'
import { volunteersPlugin } from '@civic-ledger/volunteers'
import test from 'ava'
import { chromium } from 'playwright-core'

import { recordGrants, recordPartnerships, recordVolunteers } from './report-ledger'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const actor = { id: 'officer-1', organisation: 'GB-LAE-CAM', role: 'officer' }

test('every report renders to one self-contained page that draws in Chromium, with no request and no error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-report-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ledger = await createLedger({
    store: `sqlite:${join(dir, 'ledger.db')}`,
    storeProviders: [sqliteStoreProvider],
    policy: allowAll,
    plugins: [areasPlugin, grantsPlugin, volunteersPlugin, partnershipsPlugin],
  })
  t.teardown(() => ledger.close())
  await importReferenceData(ledger, actor)
  await publishModelledScheme(ledger, actor, actor)
  await recordGrants(ledger)
  await recordVolunteers(ledger, 8)
  await recordPartnerships(ledger, 'cambs-pboro-sda', 'cambridge')

  const data = await produceReports(ledger)
  t.deepEqual(
    data.map((r) => r.name),
    ['sda-review', 'grants', 'volunteering', 'partnerships', 'area-profile'],
  )
  const html = renderHtml(data, { title: 'Think Communities: board reports', producedBy: 'Civic Ledger' })
  mkdirSync('var', { recursive: true })
  const page = join(dir, 'report.html')
  writeFileSync(page, html)
  writeFileSync(join('var', 'e2e-report.html'), html)

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  t.teardown(() => browser.close())
  const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  const errors: string[] = []
  const requests: string[] = []
  tab.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  tab.on('pageerror', (e) => errors.push(e.message))
  tab.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url())
  })
  tab.on('requestfailed', (r) => requests.push(`failed: ${r.url()}`))
  await tab.goto(`file://${page}`)

  // Each map draws one shape per area its data names.
  for (const report of data)
    for (const map of report.maps) {
      const drawn = await tab.locator(`#report-${report.name} #map-${map.id} svg.map path.area`).count()
      t.is(drawn, map.areas.length, `${report.name} ${map.id}`)
      t.true(drawn > 0)
      const box = await tab.locator(`#report-${report.name} #map-${map.id} svg.map g.shapes`).boundingBox()
      t.true((box?.width ?? 0) > 300 && (box?.height ?? 0) > 200, `${map.id} is drawn at size: ${JSON.stringify(box)}`)
    }
  t.is(await tab.locator('#report-sda-review #map-areas-map path.area').count(), 516)
  t.is(await tab.locator('#report-grants #map-awarded-map path.area').count(), 6, 'one shape per district')
  t.is(await tab.locator('#report-volunteering #map-hours-map path.area').count(), 6)
  for (const report of data)
    for (const chart of report.charts)
      t.is(
        await tab.locator(`#report-${report.name} #chart-${chart.id} rect.bar`).count(),
        chart.groups.reduce((s, g) => s + g.bars.length, 0),
      )

  // A figure links to the list of its events, and that list is on the page.
  const link = tab.locator('#report-grants td a').first()
  const target = (await link.getAttribute('href')) ?? ''
  t.true(target.startsWith('#ev-grants-'))
  t.is(await tab.locator(target).count(), 1)
  const explained = await explain(ledger, 'grants', 'funds/innovate/amountAwarded')
  t.is(explained?.events.length, 2)

  await tab.screenshot({ path: join('var', 'e2e-report.png'), fullPage: false })
  await tab.locator('#report-volunteering').screenshot({ path: join('var', 'e2e-report-volunteering.png') })
  t.deepEqual(errors, [])
  t.deepEqual(requests, [])
})
