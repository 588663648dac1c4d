/**
 * `npm start` runs the quickstart example on a SQLite file: this runs the same compiled program in its own process
 * and checks what it prints — each command's outcome and the stream it left.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import test from 'ava'

const run = promisify(execFile)
const main = join(__dirname, '..', '..', '..', 'examples', 'quickstart', 'dist', 'main.js')

test('the quickstart example sends its commands and prints the stream', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-quickstart-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const ledger = join(dir, 'quickstart.db')
  const env = { ...process.env, CIVIC_LEDGER_QUICKSTART_DB: ledger }
  const { stdout, stderr } = await run(process.execPath, [main], { env })
  t.is(stderr, '')
  const lines = stdout.split('\n')
  const outcome = (step: string): string | undefined => lines.find((l) => l.startsWith(step.padEnd(24)))?.slice(27)
  t.is(outcome('draft'), 'ok, stream grants.application-ramsey-repair-cafe at revision 0')
  t.is(outcome('submit'), 'ok, stream grants.application-ramsey-repair-cafe at revision 1')
  t.regex(outcome('submit again') ?? '', /^rejected \(already-submitted\)/)
  t.regex(outcome('award by the applicant') ?? '', /^Forbidden: role applicant may not send/)
  t.regex(outcome('a malformed command') ?? '', /^invalid: command applicationId: expected NonEmptyString/)
  t.is(outcome('award by an officer'), 'ok, stream grants.application-ramsey-repair-cafe at revision 2')
  const stream = lines.filter((l) => l.startsWith('  #'))
  t.deepEqual(
    stream.map((l) => l.split(' ').slice(2, 5).join(' ')),
    ['#0 @1 grants.ApplicationDrafted', '#1 @2 grants.ApplicationSubmitted', '#2 @3 grants.ApplicationDecided'],
  )
})
