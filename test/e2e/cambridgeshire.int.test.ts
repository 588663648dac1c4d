/**
 * The Cambridgeshire example ledger, built twice into temporary directories — once by the compiled
 * program in its own process (what `npm start` runs after building), once in this process with
 * `runExample` — and checked for the facts a reader relies on: the three boards and their members,
 * the funds with their budgets and what is committed, the grants awarded and paid as the summary
 * prints them (and as the scripted history adds up), volunteer hours, the scheme's six areas,
 * verify ok, a 360Giving file with zero validation errors, the same digest from both builds, and
 * every modelled thing labelled as modelled.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import type { ExampleResult } from '@civic-ledger/example-cambridgeshire'
import {
  CORRECTED,
  GIVING_FILE,
  GRANT_STORIES,
  historyDigest,
  HOURS_MONTHS,
  hoursOf,
  LEDGER_FILE,
  openExampleLedger,
  pounds,
  REJECTED,
  runExample,
  VOLUNTEERS,
} from '@civic-ledger/example-cambridgeshire'
import type { ExecutionContext } from 'ava'
import test from 'ava'

import { threeSixtyGivingErrors } from '../grants/threesixtygiving-validation'

const run = promisify(execFile)
const main = join(__dirname, '..', '..', '..', 'examples', 'cambridgeshire', 'dist', 'main.js')

const tempDir = (t: ExecutionContext): string => {
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-cambridgeshire-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** What the scripted history adds up to, from the stories themselves rather than the read models. */
const scripted = () => {
  const awarded = GRANT_STORIES.flatMap((g) =>
    'awarded' in g.outcome ? [g.variation?.amount ?? g.outcome.awarded] : [],
  )
  const paid = GRANT_STORIES.flatMap((g) => (g.payments ?? []).map((p) => p.amount))
  const repaid = GRANT_STORIES.flatMap((g) => (g.repayment === undefined ? [] : [g.repayment.amount]))
  let hours = 0
  for (const v of VOLUNTEERS)
    HOURS_MONTHS.forEach((month, i) => {
      if (v.volunteerId === REJECTED.volunteerId && month === REJECTED.month) return
      hours += v.volunteerId === CORRECTED.volunteerId && month === CORRECTED.month ? CORRECTED.hours : hoursOf(v, i)
    })
  const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)
  return { grants: awarded.length, awarded: sum(awarded), paid: sum(paid) - sum(repaid), hours }
}

const checkFacts = (t: ExecutionContext, result: ExampleResult): void => {
  const { facts } = result
  t.deepEqual(
    facts.boards.map((b) => [b.name, b.members, b.missingMembers]),
    [
      ['Health and Wellbeing Board', 4, 0],
      ['Public Services Board', 11, 0],
      ['Think Communities Partnership Board', 16, 0],
    ],
    'PSB: seven councils, the Combined Authority (from 2017), the CCG, police, fire; TCPB: those and five more',
  )
  t.deepEqual(facts.agreements.map((a) => [a.title, a.status, a.signed, a.parties]).sort(), [
    ['Health Deal', 'in-force', 10, 10],
    ['Think Communities data-sharing agreement', 'in-force', 3, 3],
  ])
  t.is(facts.programmes.find((p) => p.programmeId === 'stronger-together')?.workstreams.length, 6)
  t.is(facts.programmes.find((p) => p.programmeId === 'think-communities')?.themes.length, 3)
  t.deepEqual(facts.pilots, { started: 3, ended: 3 })
  t.deepEqual(facts.posts, { defined: 28, filled: 22, vacant: 6 }, 'six co-ordinators and 22 link workers')
  t.is(facts.deliveryPlans, 6)

  t.deepEqual(
    facts.funds.map((f) => [f.fundId, f.budget, f.committed]),
    [
      ['innovate-cultivate', 100_000_000, 12_115_950],
      ['cultivating-communities', 2_000_000, 540_000],
      ['healthy-fenland', 6_000_000, 1_120_000],
    ],
    'Innovate & Cultivate: the published "up to £1 million"; the other two budgets are modelled',
  )
  const expected = scripted()
  t.is(facts.applications.grants, expected.grants)
  t.is(facts.applications.awarded, expected.awarded, 'awarded, as varied')
  t.is(facts.applications.paid, expected.paid, 'paid, net of repayments')
  t.is(
    facts.funds.reduce((s, f) => s + f.paid, 0),
    expected.paid,
    'the funds’ budget positions agree with the register',
  )
  t.deepEqual(facts.applications.byStatus, { awarded: 3, closed: 9, declined: 1, 'fully-paid': 2 })
  t.is(facts.applications.variations, 1)

  t.is(facts.volunteers.people, 30)
  t.is(facts.volunteers.active, 30)
  t.is(facts.volunteers.verifiedHours, expected.hours)
  t.is(
    facts.districts.reduce((s, d) => s + d.verifiedHours, 0),
    expected.hours,
    'every verified hour is in one of the six districts',
  )
  t.true(facts.districts.every((d) => d.volunteers === 5))
  t.is(facts.volunteers.creditsEarned, expected.hours, 'one Time Credit an hour')

  t.is(facts.scheme.areas.length, 6, 'the scheme’s six areas')
  t.deepEqual(facts.scheme.areas.map((a) => a.name).sort(), [
    'Cambridge',
    'East Cambridgeshire',
    'Fenland',
    'Huntingdonshire',
    'Peterborough',
    'South Cambridgeshire',
  ])
  t.is(
    facts.scheme.areas.reduce((s, a) => s + a.lsoas, 0),
    516,
    'every LSOA of 2021 in exactly one area',
  )
  t.is(
    facts.scheme.areas.reduce((s, a) => s + a.pcns, 0),
    22,
  )
  t.true(facts.scheme.modelled, 'the scheme says it is modelled')
  t.regex(facts.scheme.name, /modelled/)
  t.is(facts.scheme.pcnReference, '06H-2024-03', 'the PCNs are the 2024 list')
}

const checkGiving = (t: ExecutionContext, file: string, grants: number): void => {
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    readonly description: string
    readonly grants: ReadonlyArray<{
      readonly title: string
      readonly recipientOrganization: ReadonlyArray<{ readonly name: string }>
    }>
  }
  const errors = threeSixtyGivingErrors(data)
  t.deepEqual(errors, [], `${errors.length} 360Giving validation errors`)
  t.is(data.grants.length, grants)
  t.regex(data.description, /modelled/)
  t.true(data.grants.every((g) => g.title.includes('(modelled)')))
  t.true(data.grants.every((g) => g.recipientOrganization.every((o) => o.name.includes('(modelled)'))))
}

test('the example builds twice to the same history, with the facts a reader relies on, all modelled things labelled', async (t) => {
  t.timeout(5 * 60_000)
  // The program, as `npm start` runs it, in its own process.
  const first = tempDir(t)
  const { stdout, stderr } = await run(process.execPath, [main], {
    env: { ...process.env, CIVIC_LEDGER_EXAMPLE_DIR: first },
    maxBuffer: 10 * 1024 * 1024,
  })
  t.is(stderr, '')
  // The same, in this process.
  const second = tempDir(t)
  const result = await runExample({ dir: second })
  checkFacts(t, result)

  // verify, and the summary printed: what it says is what the read models hold.
  t.true(result.verify.ok)
  const lines = stdout.split('\n')
  const has = (text: string) =>
    t.true(
      lines.some((l) => l.includes(text)),
      `the summary says: ${text}`,
    )
  has('verify: ok')
  has(`${result.facts.applications.grants} grants awarded ${pounds(result.facts.applications.awarded)}`)
  has(`paid ${pounds(result.facts.applications.paid)} net of repayments`)
  has('Public Services Board                  11 member organisations')
  has('budget £1,000,000.00, committed £121,159.50')
  has(`${result.facts.volunteers.verifiedHours.toLocaleString('en-GB')} h verified`)
  has('Fenland                     5   £18,700.00          5')
  // Modelled things are labelled where they are shown.
  has('every applicant, application, award and payment is MODELLED')
  has('every volunteer, check, placement and hour is MODELLED')
  has('MODELLED: registrations modelled from practice and LSOA locations')
  has('NHS data of about March 2024')
  has('checked against the 360Giving 1.4.3 schemas and codelists: valid, 0 errors')
  t.deepEqual(result.givingErrors, [])
  t.regex(stdout, /total \d+\.\d s/)

  // 360Giving: valid, every grant and recipient labelled modelled.
  checkGiving(t, join(first, GIVING_FILE), result.facts.applications.grants)
  checkGiving(t, result.paths.giving, result.facts.applications.grants)

  // Determinism: the ledger the program built has the same events as this one.
  const { ledger } = await openExampleLedger(`sqlite:${join(first, LEDGER_FILE)}`)
  try {
    const digest = await historyDigest(ledger)
    t.deepEqual(digest, result.digest, 'two builds, the same events')
    t.true(lines.some((l) => l.includes(`history digest ${digest.sha256.slice(0, 16)}`)))
    // A volunteer's name, opened: a modelled person, said to be.
    let applications = 0
    for await (const e of ledger.events.readStream('volunteers.volunteer-vol-01')) {
      if (e.type !== 'volunteers.VolunteerApplied') continue
      applications++
      const opened = await ledger.privacy.open(e)
      t.is((opened.data as { readonly name?: unknown }).name, 'Volunteer 01 (modelled)')
      t.not((e.data as { readonly name?: unknown }).name, 'Volunteer 01 (modelled)', 'stored encrypted')
    }
    t.is(applications, 1)
  } finally {
    await ledger.close()
  }
})
