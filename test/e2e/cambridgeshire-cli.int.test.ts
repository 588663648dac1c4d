/**
 * The Cambridgeshire example through the `civic-ledger` command, as an auditor sent the ledger would
 * use it: verify it against the seal file it came with; read the grants report and explain a figure
 * by the events behind it; replay the report as of a past day; draw the service delivery area map;
 * export 360Giving and validate it; read a grant's history; then edit one row of the SQLite file and
 * see verify fail, naming the event.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { LEDGER_FILE, runExample, SEAL_FILE } from '@civic-ledger/example-cambridgeshire'
import { threeSixtyGivingErrors } from '@civic-ledger/grants'
import test from 'ava'
import Database from 'better-sqlite3'

const BIN = join(__dirname, '..', '..', '..', 'packages', 'cli', 'dist', 'bin.js')

interface Outcome {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const cli = (cwd: string, args: ReadonlyArray<string>): Promise<Outcome> =>
  new Promise((resolve) => {
    const env = { ...process.env }
    delete env['CIVIC_LEDGER_STORE']
    delete env['CIVIC_LEDGER_ACTOR']
    execFile(process.execPath, [BIN, ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    )
  })

test('an auditor verifies the example with its seal, explains a figure, replays a report, exports 360Giving, and catches an edited row', async (t) => {
  t.timeout(5 * 60_000)
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-example-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const result = await runExample({ dir })
  const store = `--store=sqlite:${join(dir, LEDGER_FILE)}`

  const verified = await cli(dir, [store, 'verify', '--seal', SEAL_FILE])
  t.is(verified.code, 0, verified.stderr)
  t.regex(verified.stdout, /^sound: \d+ events/)

  // The amount awarded in Fenland, and the awards and variations behind it.
  const fenland = 'districts/E07000010/amountAwarded'
  const why = await cli(dir, [store, 'report', 'grants', '--explain', fenland, '--json'])
  t.is(why.code, 0, why.stderr)
  const explained = JSON.parse(why.stdout) as {
    cell: { value: number; text: string }
    events: ReadonlyArray<{ stream: string; type: string; position: number; who: string }>
  }
  t.true(explained.cell.value > 0, `Fenland was awarded ${explained.cell.text}`)
  t.true(explained.events.length > 0)
  t.true(explained.events.every((e) => ['grants.GrantAwarded', 'grants.VariationApproved'].includes(e.type)))
  t.true(
    explained.events.every((e) => e.stream.startsWith('grants.application-') && e.position <= result.seal.position),
  )

  // As it stood at the end of 2017: only the grants awarded by then.
  const now = await cli(dir, [store, 'report', 'grants', '--json'])
  const then = await cli(dir, [store, 'report', 'grants', '--json', '--as-of', '2017-12-31'])
  t.is(then.code, 0, then.stderr)
  const awarded = (o: Outcome): number =>
    (
      JSON.parse(o.stdout) as {
        tables: ReadonlyArray<{
          id: string
          rows: ReadonlyArray<{ cells: ReadonlyArray<{ id: string; value: unknown }> }>
        }>
      }
    ).tables
      .find((table) => table.id === 'funds')
      ?.rows.flatMap((r) => r.cells)
      .filter((c) => c.id.endsWith('/amountAwarded'))
      .reduce((n, c) => n + Number(c.value), 0) ?? NaN
  t.is(awarded(now), result.facts.applications.awarded, 'the report and the example agree on what was awarded')
  t.true(awarded(then) > 0 && awarded(then) < awarded(now), 'less was awarded by the end of 2017')

  const page = await cli(dir, [store, 'report', 'sda-review', '--format', 'html'])
  t.is(page.code, 0, page.stderr)
  t.is((page.stdout.match(/<path class="area"/g) ?? []).length >= 516, true, 'every LSOA of the scheme is drawn')

  const exported = await cli(dir, [
    store,
    'export',
    '--format=360giving',
    '--out=grants.json',
    '--prefix=civic-ledger-example',
    '--publisher-name=Civic Ledger example (modelled data)',
    '--publisher-id=GB-LAE-CAM',
  ])
  t.is(exported.code, 0, exported.stderr)
  const giving = JSON.parse(readFileSync(join(dir, 'grants.json'), 'utf8')) as { grants: ReadonlyArray<unknown> }
  t.deepEqual(threeSixtyGivingErrors(giving), [])
  t.is(giving.grants.length, result.facts.applications.grants)

  const history = await cli(dir, [store, 'history', 'grants.application-ic-2019-01'])
  t.is(history.code, 0, history.stderr)
  t.regex(history.stdout, /grants\.GrantAwarded/)

  // One payment made larger in the file: verify names it.
  const db = new Database(join(dir, LEDGER_FILE))
  const row = db
    .prepare(
      "SELECT e.position, s.name AS streamId, e.revision, e.data FROM events e JOIN streams s ON s.id = e.stream WHERE e.type = 'grants.PaymentMade' ORDER BY e.position LIMIT 1",
    )
    .get() as { position: number; streamId: string; revision: number; data: string }
  const amount = /"amount":(\d+)/.exec(row.data)?.[1] ?? ''
  db.prepare('UPDATE events SET data = ? WHERE position = ?').run(
    row.data.replace(`"amount":${amount}`, `"amount":${amount}0`),
    row.position,
  )
  db.close()
  const tampered = await cli(dir, [store, 'verify', '--seal', SEAL_FILE])
  t.is(tampered.code, 1)
  t.true(tampered.stdout.includes(`${row.streamId}@${row.revision} (position ${row.position})`), tampered.stdout)
})
