/**
 * The reports end to end, on the Cambridgeshire example: its ledger built on a SQLite file from the
 * real reference data and its dated history, and its page of board reports (as `npm start` writes
 * it) opened in headless Chromium (Debian's, driven by playwright-core) with no network: the maps
 * drawn with one shape per area of the data, the charts with one bar per figure, every figure's
 * link leading to the list of its events, no console error and no request leaving the page; a
 * screenshot saved to `var/e2e-report.png`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { runExample } from '@civic-ledger/example-cambridgeshire'
import { explainIn } from '@civic-ledger/reporting'
import test from 'ava'
import { chromium } from 'playwright-core'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

test('every report renders to one self-contained page that draws in Chromium, with no request and no error', async (t) => {
  t.timeout(5 * 60_000)
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-report-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const example = await runExample({ dir })
  const data = example.reports
  t.deepEqual(
    data.map((r) => r.name),
    ['sda-review', 'grants', 'volunteering', 'partnerships', 'area-profile'],
  )
  const page = example.paths.report
  mkdirSync('var', { recursive: true })
  copyFileSync(page, join('var', 'e2e-report.html'))

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
  t.true((await tab.locator('#report-area-profile svg.map path.area').count()) >= 6, 'the area profile is mapped')
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
  const grants = data.find((r) => r.name === 'grants')
  const explained = grants === undefined ? undefined : explainIn(grants, 'funds/innovate-cultivate/amountAwarded')
  t.true((explained?.events.length ?? 0) > 0)
  t.true(explained?.events.every((e) => ['grants.GrantAwarded', 'grants.VariationApproved'].includes(e.type)))

  await tab.screenshot({ path: join('var', 'e2e-report.png'), fullPage: false })
  await tab.locator('#report-volunteering').screenshot({ path: join('var', 'e2e-report-volunteering.png') })
  t.deepEqual(errors, [])
  t.deepEqual(requests, [])
})
