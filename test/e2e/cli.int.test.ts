/**
 * The `civic-ledger` command end to end: the built binary (`packages/cli/dist/bin.js`) run in its
 * own process, as a user runs it, on SQLite files made by the contexts' own commands (and once on
 * PostgreSQL) — init, status, verify, tampering, seals, export and import, 360Giving, erasure,
 * reports as of a past point, rebuilds, and every bad argument, missing file, file that is not a
 * ledger, and locked or read-only ledger with its exit code and message.
 */
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

import type { ExecutionContext } from 'ava'
import test from 'ava'
import Database from 'better-sqlite3'

import { threeSixtyGivingErrors } from '../grants/threesixtygiving-validation'
import { dropSchema, freshSchema, PG_URL, requirePostgres } from '../postgres'
import { ADA, buildLedger } from './cli-ledger'

const BIN = join(__dirname, '..', '..', '..', 'packages', 'cli', 'dist', 'bin.js')

interface Outcome {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the binary in `cwd` with `args`, as a user would: no store or actor from this process's environment. */
const cli = (
  cwd: string,
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly uid?: number } = {},
): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env }
    if (options.env?.['CIVIC_LEDGER_STORE'] === undefined) delete env['CIVIC_LEDGER_STORE']
    if (options.env?.['CIVIC_LEDGER_ACTOR'] === undefined) delete env['CIVIC_LEDGER_ACTOR']
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** Lets other users enter every directory from `/` down to `path`, restoring each mode when the test ends. */
const reachableByOthers = (t: ExecutionContext, path: string): void => {
  for (let at = path; ; at = dirname(at)) {
    const mode = statSync(at).mode & 0o7777
    if ((mode & 0o005) !== 0o005) {
      chmodSync(at, mode | 0o005)
      t.teardown(() => chmodSync(at, mode))
    }
    if (dirname(at) === at) break
  }
}

/** A directory of the test's own, removed when it ends. */
const workDir = (t: ExecutionContext): string => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A directory with `ledger.db`, a ledger made with the contexts' commands. */
const withLedger = async (t: ExecutionContext): Promise<{ dir: string; afterFirstAward: number; head: number }> => {
  const dir = workDir(t)
  const positions = await buildLedger(`sqlite:${join(dir, 'ledger.db')}`)
  return { dir, ...positions }
}

const DPO = 'dpo-1:GB-LAE-CAM:data-protection-officer'
const AUDITOR = 'audit-1:GB-LAE-CAM:auditor'
const STORE = '--store=sqlite:ledger.db'

const json = <A>(outcome: Outcome): A => JSON.parse(outcome.stdout) as A

// --- a ledger's life ---

test('init makes a ledger; status and verify report on it once the contexts have recorded their work', async (t) => {
  const dir = workDir(t)
  const init = await cli(dir, ['init'])
  t.is(init.code, 0, init.stderr)
  t.regex(init.stdout, /ledger ready at sqlite:.*civic-ledger\.db/)
  t.true(existsSync(join(dir, 'civic-ledger.db')))
  const { head } = await buildLedger(`sqlite:${join(dir, 'civic-ledger.db')}`)
  const again = await cli(dir, ['init'])
  t.is(again.code, 0)
  t.is(
    again.stdout,
    `${join(dir, 'civic-ledger.db')} is already a ledger (${head} events); left as it is\n`.replace(/^/, 'sqlite:'),
  )
  const status = await cli(dir, ['status', '--json'])
  t.is(status.code, 0, status.stderr)
  const report = json<{
    head: number
    projections: ReadonlyArray<{ name: string; state: string; lag: number; parked: number }>
  }>(status)
  t.is(report.head, head)
  t.true(report.projections.some((p) => p.name === 'fund-positions'))
  t.true(report.projections.every((p) => p.state === 'live' && p.lag === 0 && p.parked === 0))
  const text = await cli(dir, ['status'])
  t.regex(text.stdout, /head +\d+/)
  t.regex(text.stdout, /fund-positions +2 +live/)

  const verify = await cli(dir, ['verify'])
  t.is(verify.code, 0, verify.stderr)
  t.regex(verify.stdout, new RegExp(`^sound: ${head} events`))
  t.is(verify.stderr, '', 'no progress bar when stderr is not a terminal')
})

test('a row edited in the SQLite file makes verify exit 1, naming the event', async (t) => {
  const { dir } = await withLedger(t)
  const db = new Database(join(dir, 'ledger.db'))
  const row = db
    .prepare("SELECT position, data FROM events WHERE type = 'grants.GrantAwarded' ORDER BY position LIMIT 1")
    .get() as { position: number; data: string }
  db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace('400000', '4000000'), row.position)
  db.close()
  const verify = await cli(dir, [STORE, 'verify'])
  t.is(verify.code, 1)
  t.regex(verify.stdout, /^unsound \(hash-mismatch\)/)
  t.true(
    verify.stdout.includes(`first failing event: grants.application-a-1@2 (position ${row.position})`),
    verify.stdout,
  )
  const asJson = await cli(dir, [STORE, 'verify', '--json'])
  t.is(asJson.code, 1)
  t.deepEqual(json<{ failure: { event: unknown } }>(asJson).failure.event, {
    streamId: 'grants.application-a-1',
    revision: 2,
    position: row.position,
  })
})

test('a seal is written through the policy, signed, and verified with its file and the public key', async (t) => {
  const { dir, head } = await withLedger(t)
  const council = generateKeyPairSync('ed25519')
  writeFileSync(join(dir, 'council.pem'), council.privateKey.export({ type: 'pkcs8', format: 'pem' }))
  writeFileSync(join(dir, 'council.pub'), council.publicKey.export({ type: 'spki', format: 'pem' }))

  const noActor = await cli(dir, [STORE, 'seal', '--out', 'seal.json'])
  t.is(noActor.code, 2)
  t.regex(noActor.stderr, /^civic-ledger: seal needs an actor/)
  const wrongRole = await cli(dir, [
    STORE,
    '--actor',
    'v-1:GB-LAE-CAM:volunteer-coordinator',
    'seal',
    '--out',
    'seal.json',
  ])
  t.is(wrongRole.code, 6)
  t.regex(wrongRole.stderr, /forbidden: role volunteer-coordinator may not send audit\.ledger\/SealLedger/)
  t.false(existsSync(join(dir, 'seal.json')))

  const sealed = await cli(dir, [STORE, '--actor', AUDITOR, 'seal', '--out', 'seal.json', '--sign', 'council.pem'])
  t.is(sealed.code, 0, sealed.stderr)
  t.regex(sealed.stdout, new RegExp(`sealed ${head} events .* at position ${head}, signed`))
  const seal = JSON.parse(readFileSync(join(dir, 'seal.json'), 'utf8')) as { position: number; root: string }
  t.is(seal.position, head)
  const exists = await cli(dir, [STORE, '--actor', AUDITOR, 'seal', '--out', 'seal.json'])
  t.is(exists.code, 2)
  t.regex(exists.stderr, /exists already \(use --force/)

  const verify = await cli(dir, [
    STORE,
    'verify',
    '--seal',
    'seal.json',
    '--public-key',
    'council.pub',
    '--require-signatures',
  ])
  t.is(verify.code, 0, verify.stdout + verify.stderr)
  t.regex(verify.stdout, /1 seal\(s\) in the ledger, 1 seal file\(s\)/)
  const status = json<{ lastSeal: { position: number; by: string } }>(await cli(dir, [STORE, 'status', '--json']))
  t.deepEqual(status.lastSeal.position, head)
  t.is(status.lastSeal.by, 'audit-1 (auditor)')

  // A seal file that does not match the ledger (its root rewritten) is refused.
  writeFileSync(join(dir, 'forged.json'), JSON.stringify({ ...seal, root: 'ab'.repeat(32) }))
  const forged = await cli(dir, [STORE, 'verify', '--seal', 'forged.json', '--public-key', 'council.pub'])
  t.is(forged.code, 1)
  t.regex(forged.stdout, /^unsound \((seal-mismatch|bad-signature)\): seal file 1/)
})

test('an NDJSON export imports into a new file that verifies against the seal; a tampered export is refused', async (t) => {
  const { dir, head } = await withLedger(t)
  t.is((await cli(dir, [STORE, '--actor', AUDITOR, 'seal', '--out', 'seal.json'])).code, 0)
  const exported = await cli(dir, [STORE, 'export', '--format', 'ndjson', '--out', 'ledger.ndjson'])
  t.is(exported.code, 0, exported.stderr)
  t.regex(exported.stdout, new RegExp(`exported ${head + 1} events`))

  const imported = await cli(dir, ['--store', 'sqlite:copy.db', 'import', 'ledger.ndjson'])
  t.is(imported.code, 0, imported.stderr)
  t.regex(imported.stdout, new RegExp(`imported ${head + 1} events`))
  const verify = await cli(dir, ['--store', 'sqlite:copy.db', 'verify', '--seal', 'seal.json'])
  t.is(verify.code, 0, verify.stdout)
  const copy = json<{ head: number; projections: ReadonlyArray<{ lag: number }> }>(
    await cli(dir, ['--store', 'sqlite:copy.db', 'status', '--json']),
  )
  t.is(copy.head, head + 1)
  t.true(copy.projections.every((p) => p.lag === 0))

  const twice = await cli(dir, ['--store', 'sqlite:copy.db', 'import', 'ledger.ndjson'])
  t.is(twice.code, 7)
  t.regex(twice.stderr, /refused, nothing imported: .*the target's log ends at/)

  const lines = readFileSync(join(dir, 'ledger.ndjson'), 'utf8').split('\n')
  const awarded = lines.findIndex((line) => line.includes('"amount":400000'))
  t.true(awarded > 0)
  const edited = lines
    .map((line, i) => (i === awarded ? line.replace('"amount":400000', '"amount":400001') : line))
    .join('\n')
  writeFileSync(join(dir, 'tampered.ndjson'), edited)
  const tampered = await cli(dir, ['--store', 'sqlite:other.db', 'import', 'tampered.ndjson'])
  t.is(tampered.code, 1)
  t.regex(tampered.stderr, /^civic-ledger: .*tampered\.ndjson: refused, nothing imported: export line \d+/)
  const empty = json<{ head: number }>(await cli(dir, ['--store', 'sqlite:other.db', 'status', '--json']))
  t.is(empty.head, 0)

  writeFileSync(join(dir, 'notes.txt'), 'not an export\n')
  const notExport = await cli(dir, ['--store', 'sqlite:third.db', 'import', 'notes.txt'])
  t.is(notExport.code, 3)
  t.regex(notExport.stderr, /is not a Civic Ledger export/)
})

test('a 360Giving export validates against the standard', async (t) => {
  const { dir } = await withLedger(t)
  const missing = await cli(dir, [STORE, 'export', '--format', '360giving', '--out', 'grants.json'])
  t.is(missing.code, 2)
  t.regex(missing.stderr, /360giving needs --prefix/)
  const out = await cli(dir, [
    STORE,
    'export',
    '--format=360giving',
    '--out=grants.json',
    '--prefix=cambscc',
    '--publisher-name=Cambridgeshire County Council',
    '--publisher-id=GB-LAE-CAM',
  ])
  t.is(out.code, 0, out.stderr)
  t.regex(out.stdout, /published 2 grant\(s\)/)
  const data = JSON.parse(readFileSync(join(dir, 'grants.json'), 'utf8')) as { grants: ReadonlyArray<{ id: string }> }
  t.deepEqual(threeSixtyGivingErrors(data), [])
  t.deepEqual(
    data.grants.map((g) => g.id),
    ['360G-cambscc-a-1', '360G-cambscc-a-2'],
  )
})

test('an erased volunteer leaves none of their personal data in any file', async (t) => {
  const { dir } = await withLedger(t)
  t.is((await cli(dir, [STORE, 'export', '--format', 'ndjson', '--out', 'before.ndjson'])).code, 0)
  const hidden = await cli(dir, [STORE, 'history', 'volunteers.volunteer-v-ada'])
  t.is(hidden.code, 0, hidden.stderr)
  t.false(hidden.stdout.includes(ADA.name))
  t.true(hidden.stdout.includes('"name":"‹personal›"'))
  const refused = await cli(dir, [
    STORE,
    '--actor',
    AUDITOR,
    'history',
    'volunteers.volunteer-v-ada',
    '--disclose',
    '--reason',
    'audit',
  ])
  t.is(refused.code, 6)
  const shown = await cli(dir, [
    STORE,
    '--actor',
    DPO,
    'history',
    'volunteers.volunteer-v-ada',
    '--disclose',
    '--reason',
    'subject access request',
  ])
  t.is(shown.code, 0, shown.stderr)
  t.true(shown.stdout.includes(ADA.name))

  const noReason = await cli(dir, [STORE, '--actor', DPO, 'erase', 'v-ada'])
  t.is(noReason.code, 2)
  t.regex(noReason.stderr, /required option '--reason <text>'/)
  const wrongRole = await cli(dir, [STORE, '--actor', AUDITOR, 'erase', 'v-ada', '--reason', 'asked'])
  t.is(wrongRole.code, 6)
  const erased = await cli(dir, [STORE, '--actor', DPO, 'erase', 'v-ada', '--reason', 'the volunteer asked'])
  t.is(erased.code, 0, erased.stdout + erased.stderr)
  t.regex(erased.stdout, /^erased v-ada\nevery projection has removed their rows/)
  const again = await cli(dir, [STORE, '--actor', DPO, 'erase', 'v-ada', '--reason', 'asked twice'])
  t.is(again.code, 0)
  t.regex(again.stdout, /erased already/)

  t.is((await cli(dir, [STORE, 'export', '--format', 'ndjson', '--out', 'after.ndjson'])).code, 0)
  const after = await cli(dir, [
    STORE,
    '--actor',
    DPO,
    'history',
    'volunteers.volunteer-v-ada',
    '--disclose',
    '--reason',
    'check',
  ])
  t.true(after.stdout.includes('"name":"‹erased›"'), after.stdout)
  t.is((await cli(dir, [STORE, 'verify'])).code, 0)

  const files = readdirSync(dir)
  t.true(files.includes('ledger.db') && files.includes('before.ndjson') && files.includes('after.ndjson'))
  for (const file of files)
    for (const value of [ADA.name, ADA.email, ADA.phone])
      t.false(readFileSync(join(dir, file)).includes(value), `${value} found in ${file}`)
  // The other volunteer is untouched.
  const bea = await cli(dir, [
    STORE,
    '--actor',
    DPO,
    'history',
    'volunteers.volunteer-v-bea',
    '--disclose',
    '--reason',
    'check',
  ])
  t.true(bea.stdout.includes('Beatrix Oldroyd'))
})

test('a report is printed now, and as it stood on a past day or at a past position', async (t) => {
  const { dir, afterFirstAward } = await withLedger(t)
  const now = await cli(dir, [STORE, 'report', 'fund-budgets', '--format', 'json'])
  t.is(now.code, 0, now.stderr)
  const committed = (o: Outcome) => json<{ rows: ReadonlyArray<{ committed: number }> }>(o).rows[0]?.committed
  t.is(committed(now), 700_000)
  const byDay = await cli(dir, [STORE, 'report', 'fund-budgets', '--format', 'json', '--as-of', '2026-03-15'])
  t.is(byDay.code, 0, byDay.stderr)
  t.is(committed(byDay), 400_000)
  t.is(json<{ position: number }>(byDay).position, afterFirstAward)
  const byPosition = await cli(dir, [STORE, 'report', 'fund-budgets', '--json', '--as-of', String(afterFirstAward)])
  t.is(committed(byPosition), 400_000)
  const before = await cli(dir, [STORE, 'report', 'fund-budgets', '--format', 'csv', '--as-of', '2026-01-01'])
  t.is(before.stdout, 'fundId,name,budget,committed,released,remaining,awarded,paid,repaid\r\n')

  const csv = await cli(dir, [STORE, 'report', 'grants-by-fund', '--format', 'csv'])
  t.is(csv.stdout.split('\r\n')[1], 'warm-spaces,3,1500000,2,700000,0,0,0,400000,1')
  const table = await cli(dir, [STORE, 'report', 'grants-by-fund'])
  t.regex(table.stdout, /^Grants by fund, at position \d+\n\nfund +applied/)
  const list = await cli(dir, [STORE, 'report'])
  t.regex(list.stdout, /grants-by-fund/)
  t.regex(list.stdout, /fund-budgets/)

  const html = await cli(dir, [STORE, 'report', 'fund-budgets', '--format', 'html'])
  t.is(html.code, 2)
  t.regex(html.stderr, /HTML reports come with @civic-ledger\/reporting/)
  const badAsOf = await cli(dir, [STORE, 'report', 'fund-budgets', '--as-of', 'last tuesday'])
  t.is(badAsOf.code, 2)
  t.regex(badAsOf.stderr, /--as-of: "last tuesday" is not a position, a day/)
})

test('a board report prints as tables, renders as one page with its maps, and explains a figure by its events', async (t) => {
  const { dir, afterFirstAward } = await withLedger(t)
  const table = await cli(dir, [STORE, 'report', 'grants'])
  t.is(table.code, 0, table.stderr)
  t.regex(table.stdout, /^Grants by fund, round and area\n/)
  t.regex(table.stdout, /By fund\n\nFund +Budget +Applications/)
  t.regex(table.stdout, /£7,000/, 'the two awards, £4,000 and £3,000, in pounds')

  const why = await cli(dir, [STORE, 'report', 'grants', '--explain', `funds/${'warm-spaces'}/amountAwarded`, '--json'])
  t.is(why.code, 0, why.stderr)
  const events = json<{ events: ReadonlyArray<{ stream: string; type: string; position: number }> }>(why).events
  t.deepEqual(
    events.map((e) => [e.stream, e.type]),
    [
      ['grants.application-a-1', 'grants.GrantAwarded'],
      ['grants.application-a-2', 'grants.GrantAwarded'],
    ],
  )
  t.true(
    (events[0]?.position ?? Infinity) <= afterFirstAward && (events[1]?.position ?? 0) > afterFirstAward,
    'one award before that point, one after',
  )
  const human = await cli(dir, [STORE, 'report', 'grants', '--explain', 'funds/warm-spaces/amountAwarded'])
  t.regex(human.stdout, /^grants funds\/warm-spaces\/amountAwarded = £7,000, at position \d+: 2 events/)
  const then = await cli(dir, [
    STORE,
    'report',
    'grants',
    '--explain',
    'funds/warm-spaces/amountAwarded',
    '--as-of',
    String(afterFirstAward),
    '--json',
  ])
  t.is(json<{ events: ReadonlyArray<unknown> }>(then).events.length, 1, 'as of the first award, only it')

  const page = await cli(dir, [STORE, 'report', 'grants', '--format', 'html'])
  t.is(page.code, 0, page.stderr)
  t.regex(page.stdout, /^<!doctype html>/)
  t.is((page.stdout.match(/<path class="area"/g) ?? []).length, 6, 'the district map: six districts')
  t.false(page.stdout.includes('<script'))

  const unknown = await cli(dir, [STORE, 'report', 'grants', '--explain', 'funds/nowhere/paid'])
  t.is(unknown.code, 2)
  t.regex(unknown.stderr, /report grants has no figure "funds\/nowhere\/paid"/)
  const tableOnly = await cli(dir, [STORE, 'report', 'fund-budgets', '--explain', 'x/y/z'])
  t.is(tableOnly.code, 2)
})

test('a projection is rebuilt from the log and reads the same; dead letters are listed', async (t) => {
  const { dir } = await withLedger(t)
  const before = await cli(dir, [STORE, 'report', 'fund-budgets', '--format', 'csv'])
  const rebuilt = await cli(dir, [STORE, 'projections', 'rebuild', 'fund-positions'])
  t.is(rebuilt.code, 0, rebuilt.stderr)
  t.regex(rebuilt.stdout, /projection fund-positions rebuilt: version 2, at position \d+, 0 parked/)
  t.is((await cli(dir, [STORE, 'report', 'fund-budgets', '--format', 'csv'])).stdout, before.stdout)
  const list = await cli(dir, [STORE, 'projections', 'list', '--json'])
  t.true(
    json<ReadonlyArray<{ name: string; state: string }>>(list).some(
      (p) => p.name === 'fund-positions' && p.state === 'live',
    ),
  )
  const unknown = await cli(dir, [STORE, 'projections', 'rebuild', 'no-such-thing'])
  t.is(unknown.code, 2)
  t.regex(unknown.stderr, /no projection is named no-such-thing/)

  const parked = await cli(dir, [STORE, 'dead-letters', 'list'])
  t.is(parked.code, 0)
  t.is(parked.stdout, 'no parked events\n')
  const discard = await cli(dir, [STORE, 'dead-letters', 'discard', 'fund-positions', '3'])
  t.is(discard.code, 7)
  t.regex(discard.stdout, /has no event parked at 3/)
  const badPosition = await cli(dir, [STORE, 'dead-letters', 'discard', 'fund-positions', 'three'])
  t.is(badPosition.code, 2)
})

// --- what goes wrong ---

test('bad usage exits 2 with one line naming the problem', async (t) => {
  const { dir } = await withLedger(t)
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
    [['frobnicate'], /^civic-ledger: unknown command 'frobnicate'/],
    [[STORE, 'verify', '--bogus'], /^civic-ledger: unknown option '--bogus'/],
    [[STORE, 'history'], /^civic-ledger: missing required argument 'streamId'/],
    [[STORE, 'history', 'not a stream'], /"not a stream" is not a stream id/],
    [[STORE, 'history', 'grants.application-zz'], /the ledger has no stream grants\.application-zz/],
    [[STORE, 'export', '--format', 'xml', '--out', 'x'], /--format: "xml" is not ndjson or 360giving/],
    [[STORE, '--actor', 'just-a-name', 'erase', 'v-1', '--reason', 'x'], /--actor: "just-a-name" is not an actor/],
    [[STORE, '--wait', 'soon', 'status'], /--wait: "soon" is not a number of seconds/],
    [['--store', 'nosuch:thing', 'status'], /no store is registered for the scheme nosuch:/],
  ]
  for (const [args, message] of cases) {
    const outcome = await cli(dir, args)
    t.is(outcome.code, 2, `${args.join(' ')}: ${outcome.stderr}`)
    t.regex(outcome.stderr, message, args.join(' '))
    t.is(outcome.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${outcome.stderr}`)
  }
  const help = await cli(dir, ['verify', '--help'])
  t.is(help.code, 0)
  t.regex(help.stdout, /--require-signatures/)
  const sealHelp = await cli(dir, ['seal', '--help'])
  t.regex(sealHelp.stdout, /roles\.seal lists \(default: auditor\)/)
  t.regex((await cli(dir, ['--help'])).stdout, /Exit codes:/)
})

test('a missing ledger or file, and a file that is not a ledger, exit 3', async (t) => {
  const dir = workDir(t)
  const missing = await cli(dir, ['status'])
  t.is(missing.code, 3)
  t.regex(
    missing.stderr,
    /^civic-ledger: .*civic-ledger\.db: there is no ledger here \(make one with civic-ledger init\)\n$/,
  )
  t.false(existsSync(join(dir, 'civic-ledger.db')), 'nothing is made by a command that reads')
  t.is((await cli(dir, ['--store', 'sqlite:gone.db', 'verify'])).code, 3)

  writeFileSync(join(dir, 'notes.db'), 'a shopping list, not a ledger\n')
  const text = await cli(dir, ['--store', 'sqlite:notes.db', 'status'])
  t.is(text.code, 3)
  t.regex(text.stderr, /notes\.db: is not a SQLite database, so not a Civic Ledger file\n$/)
  const other = new Database(join(dir, 'other.db'))
  other.exec('CREATE TABLE recipes (name TEXT)')
  other.close()
  const otherApp = await cli(dir, ['--store', 'sqlite:other.db', 'verify'])
  t.is(otherApp.code, 3)
  t.regex(otherApp.stderr, /is a SQLite database of another application/)
  t.is((await cli(dir, ['--store', 'sqlite:other.db', 'init'])).code, 3)

  t.is((await cli(dir, ['init'])).code, 0)
  const noSeal = await cli(dir, ['verify', '--seal', 'nowhere.json'])
  t.is(noSeal.code, 3)
  t.regex(noSeal.stderr, /nowhere\.json: no such file \(a seal file\)/)
  const noExport = await cli(dir, ['import', 'nowhere.ndjson'])
  t.is(noExport.code, 3)
  writeFileSync(join(dir, 'bad-seal.json'), '{"not":"a seal"}')
  const badSeal = await cli(dir, ['verify', '--seal', 'bad-seal.json'])
  t.is(badSeal.code, 3)
  t.regex(badSeal.stderr, /is not a seal/)
  const noDir = await cli(dir, ['--store', 'sqlite:no/such/dir/l.db', 'init'])
  t.is(noDir.code, 3)
  t.regex(noDir.stderr, /does not exist/)
})

test('a ledger locked by another process exits 4; a read-only one exits 5', async (t) => {
  const { dir } = await withLedger(t)
  const holder = new Database(join(dir, 'ledger.db'))
  holder.exec('BEGIN IMMEDIATE')
  try {
    const locked = await cli(dir, [STORE, '--wait', '0.2', 'status'])
    t.is(locked.code, 4)
    t.regex(locked.stderr, /the ledger is locked by another process/)
  } finally {
    holder.exec('ROLLBACK')
    holder.close()
  }
  t.is((await cli(dir, [STORE, 'verify'])).code, 0)

  // Root writes anything, so the read-only case runs as nobody where the test runs as root; nobody
  // must be able to reach the program, so directories above the checkout that others cannot enter
  // (a clone under a private temporary directory) are opened to them for this test, then restored.
  chmodSync(dir, 0o777)
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o444)
  const asNobody = process.getuid?.() === 0 ? { uid: 65534 } : {}
  if (process.getuid?.() === 0) reachableByOthers(t, dirname(BIN))
  const readOnly = await cli(dir, [STORE, 'status'], asNobody)
  t.is(readOnly.code, 5, readOnly.stderr)
  t.regex(readOnly.stderr, /ledger\.db: is not writable \(the ledger is read-only\)/)
})

test('the store and actor come from the environment or civic-ledger.config.json', async (t) => {
  const { dir } = await withLedger(t)
  const fromEnv = await cli(dir, ['status', '--json'], { env: { CIVIC_LEDGER_STORE: 'sqlite:ledger.db' } })
  t.is(fromEnv.code, 0, fromEnv.stderr)
  writeFileSync(
    join(dir, 'civic-ledger.config.json'),
    JSON.stringify({ store: 'sqlite:./ledger.db', actor: AUDITOR, plugins: ['@civic-ledger/grants'] }),
  )
  const status = json<{ projections: ReadonlyArray<{ name: string }> }>(await cli(dir, ['status', '--json']))
  t.true(status.projections.some((p) => p.name === 'fund-positions'))
  t.false(
    status.projections.some((p) => p.name === 'active-volunteers'),
    'only the plug-ins the config lists',
  )
  t.is((await cli(dir, ['seal', '--out', 'seal.json'])).code, 0, 'the actor from the config seals')
  writeFileSync(join(dir, 'civic-ledger.config.json'), '{"store": "sqlite:./ledger.db", "colour": "blue"}')
  const unknownKey = await cli(dir, ['status'])
  t.is(unknownKey.code, 2)
  t.regex(unknownKey.stderr, /civic-ledger\.config\.json: unknown key "colour"/)
})

test('status and verify on PostgreSQL', async (t) => {
  await requirePostgres('CLI end-to-end test')
  const schema = freshSchema()
  t.teardown(() => dropSchema(schema))
  const store = `${PG_URL}?schema=${schema}`
  const { head } = await buildLedger(store)
  const dir = workDir(t)
  const status = await cli(dir, ['--store', store, 'status', '--json'])
  t.is(status.code, 0, status.stderr)
  t.is(json<{ head: number }>(status).head, head)
  const verify = await cli(dir, ['--store', store, 'verify'])
  t.is(verify.code, 0, verify.stderr)
  t.regex(verify.stdout, new RegExp(`^sound: ${head} events`))
  const sealed = await cli(dir, ['--store', store, '--actor', AUDITOR, 'seal', '--out', 'seal.json'])
  t.is(sealed.code, 0, sealed.stderr)
  t.is((await cli(dir, ['--store', store, 'verify', '--seal', 'seal.json'])).code, 0)
  const report = await cli(dir, ['--store', store, 'report', 'fund-budgets', '--format', 'csv'])
  t.regex(report.stdout, /warm-spaces,Warm Spaces Fund,10000000,700000/)
})

test('parked events are listed, retried once the cause is fixed, and discarded; a halted projection shows in status', async (t) => {
  const { dir } = await withLedger(t)
  writeFileSync(
    join(dir, 'civic-ledger.config.json'),
    JSON.stringify({
      store: 'sqlite:ledger.db',
      plugins: ['@civic-ledger/grants', join(__dirname, 'cli-fussy-plugin.js')],
    }),
  )
  const status = await cli(dir, ['status', '--json', '--timeout', '20'])
  t.is(status.code, 0, status.stderr)
  const byName = new Map(
    json<{
      projections: ReadonlyArray<{
        name: string
        state: string
        parked: number
        lastError?: { position: number; message: string }
      }>
    }>(status).projections.map((p) => [p.name, p]),
  )
  t.is(byName.get('fussy-awards')?.parked, 1)
  t.is(byName.get('fussy-awards')?.state, 'live')
  t.is(byName.get('strict-awards')?.state, 'halted')
  t.regex(byName.get('strict-awards')?.lastError?.message ?? '', /awards of 300000 pence are not understood yet/)
  const text = await cli(dir, ['status'])
  t.regex(text.stdout, /strict-awards +1 +halted .* at \d+ \(grants\.application-a-2\): .*not understood yet/)

  const list = await cli(dir, ['dead-letters', 'list', '--json'])
  const parked = json<ReadonlyArray<{ projection: string; position: number; streamId: string; reason: string }>>(list)
  t.is(parked.length, 1)
  t.like(parked[0], { projection: 'fussy-awards', streamId: 'grants.application-a-2' })
  t.regex(parked[0]?.reason ?? '', /not understood yet/)
  t.regex((await cli(dir, ['dead-letters', 'list'])).stdout, /fussy-awards +\d+ +grants\.application-a-2/)

  const stillBroken = await cli(dir, ['dead-letters', 'retry', 'fussy-awards'])
  t.is(stillBroken.code, 7)
  t.regex(stillBroken.stdout, /still parked: grants\.application-a-2: .*not understood yet/)
  const discarded = await cli(dir, ['dead-letters', 'discard', 'fussy-awards', String(parked[0]?.position)])
  t.is(discarded.code, 0, discarded.stderr)
  t.is((await cli(dir, ['dead-letters', 'list'])).stdout, 'no parked events\n')

  // A rebuild applies the log again: the event is parked again, and the fixed code takes it.
  const rebuilt = await cli(dir, ['projections', 'rebuild', 'fussy-awards'])
  t.is(rebuilt.code, 0, rebuilt.stderr)
  t.regex(rebuilt.stdout, /1 parked/)
  const fixed = await cli(dir, ['dead-letters', 'retry', 'fussy-awards'], { env: { CIVIC_LEDGER_FUSSY_FIXED: '1' } })
  t.is(fixed.code, 0, fixed.stdout + fixed.stderr)
  t.regex(fixed.stdout, /^1 parked event\(s\) of fussy-awards applied/)

  const halted = await cli(dir, ['projections', 'rebuild', 'strict-awards'])
  t.is(halted.code, 7)
  t.regex(halted.stdout, /projection strict-awards halted while rebuilding/)
  const healed = await cli(dir, ['projections', 'rebuild', 'strict-awards'], { env: { CIVIC_LEDGER_FUSSY_FIXED: '1' } })
  t.is(healed.code, 0, healed.stdout)

  writeFileSync(
    join(dir, 'civic-ledger.config.json'),
    JSON.stringify({ store: 'sqlite:ledger.db', plugins: ['./nowhere.js'] }),
  )
  const missingPlugin = await cli(dir, ['status'])
  t.is(missingPlugin.code, 2)
  t.regex(missingPlugin.stderr, /plugin .*nowhere\.js: cannot be found/)
})
