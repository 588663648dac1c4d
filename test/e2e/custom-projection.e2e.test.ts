/**
 * The custom-projection example, run as its own process on a SQLite file: the plug-in loads by path,
 * the read model answers by district, a withdrawal is taken away, and version 2 builds beside
 * version 1 and takes over with the new field.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import test from 'ava'

const run = promisify(execFile)
const main = join(__dirname, '..', '..', '..', 'examples', 'custom-projection', 'dist', 'main.js')

test('the custom projection example builds, queries and rebuilds its read model', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-custom-projection-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const env = { ...process.env, CIVIC_LEDGER_CUSTOM_PROJECTION_DB: join(dir, 'ledger.db') }
  const { stdout, stderr } = await run(process.execPath, [main], { env })
  t.is(stderr, '')
  const lines = stdout.split('\n')
  t.is(lines[0], 'version 1 caught up at position 19')
  t.true(lines.includes('  E07000011: Ramsey 1 grant £4,000'), 'the withdrawn grant is taken away')
  t.true(lines.includes('  E07000008: Abbey 2 grants £5,500; Arbury 2 grants £7,500'))
  t.true(lines.includes('version 2: building → active'))
  t.true(lines.includes('  E07000011: Ramsey 1 grant £4,000, 1 organisation'))
  t.is(lines.filter((l) => l.startsWith('  E0')).length, 12)
})
