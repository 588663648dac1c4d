/**
 * The example's summary as plain lines: sections, each with one line saying what it means; money in
 * pounds; names, not ids; every modelled thing said to be modelled.
 */
import type { ExampleResult } from './example'

/** Pence as pounds: 123456 → £1,234.56. */
export const pounds = (pence: number): string => {
  const sign = pence < 0 ? '-' : ''
  const abs = Math.abs(Math.round(pence))
  const whole = Math.floor(abs / 100).toLocaleString('en-GB')
  return `${sign}£${whole}.${String(abs % 100).padStart(2, '0')}`
}

/** `n thing` or `n things`. */
const count = (n: number, thing: string, things = `${thing}s`): string =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? thing : things}`
const number = (n: number): string => n.toLocaleString('en-GB', { maximumFractionDigits: 1 })

const hours = (h: number): string => `${h.toLocaleString('en-GB', { maximumFractionDigits: 1 })} h`
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

export const summaryLines = (result: ExampleResult): ReadonlyArray<string> => {
  const { facts, built, verify, seal, timings, digest, giving, givingErrors, paths } = result
  const out: string[] = []
  const section = (title: string, meaning: string) => out.push('', title, `  ${meaning}`)
  const line = (text: string) => out.push(`  ${text}`)

  out.push('Civic Ledger — the Cambridgeshire example ledger')
  out.push(`  ${paths.ledger}`)
  line(
    `${built.steps} dated steps, ${built.commands} commands, ${digest.events} events from ${built.from} to ${built.until}; every command under the contexts' own policies`,
  )

  section('Areas', 'The real ONS geography, and the service delivery areas the 2020 Think Communities report proposes.')
  line(`${facts.releases} ONS boundary releases (LSOAs 2011 and 2021, wards 2016–2025, parishes, divisions, districts)`)
  line(
    `PCN reference ${facts.scheme.pcnReference}: NHS data of about March 2024 (PCNs formed in 2019), labelled as such`,
  )
  line(
    `${facts.scheme.name}, version ${facts.scheme.version}, ${facts.scheme.status}${facts.scheme.modelled ? ' — MODELLED: registrations modelled from practice and LSOA locations, not NHS data' : ''}`,
  )
  for (const a of facts.scheme.areas)
    line(`  ${a.name.padEnd(22)} ${String(a.pcns).padStart(2)} PCNs  ${String(a.lsoas).padStart(3)} LSOAs`)

  section('Partnerships', 'The boards, agreements and programmes of the 2016 strategy and the 2020 progress report.')
  for (const b of facts.boards)
    line(
      `${b.name.padEnd(38)} ${String(b.members).padStart(2)} member organisations${b.missingMembers > 0 ? `, ${b.missingMembers} missing` : ''}`,
    )
  for (const a of facts.agreements) line(`${a.title}: ${a.status}, signed by ${a.signed} of ${a.parties} parties`)
  for (const p of facts.programmes)
    line(
      `${p.programmeId === 'stronger-together' ? 'Stronger Together (2016)' : 'Think Communities (2020)'}: ${count(p.workstreams.length, 'workstream')}${p.themes.length > 0 ? `, themes ${p.themes.join(', ')}` : ''}`,
    )
  line(
    `${facts.pilots.started} pilots in 2016 wards (places modelled), ${facts.pilots.ended} ended with their learning`,
  )
  line(
    `${facts.posts.defined} posts (a co-ordinator per area, a link worker per PCN): ${facts.posts.filled} filled, ${facts.posts.vacant} vacant; holders are staff references (modelled)`,
  )
  line(`${facts.deliveryPlans} delivery plans, one per service delivery area (priorities modelled)`)
  line(
    `board reports overdue on ${facts.asOf}: ${facts.reportsOverdue.length === 0 ? 'none' : facts.reportsOverdue.join(', ')}`,
  )

  section(
    'Grants',
    'The three funds the reports name (Innovate & Cultivate at its published limits); every applicant, application, award and payment is MODELLED.',
  )
  for (const f of facts.funds) {
    line(`${f.name}`)
    line(
      `  budget ${pounds(f.budget)}, committed ${pounds(f.committed)}, paid ${pounds(f.paid)}, remaining ${pounds(f.remaining)}`,
    )
  }
  const a = facts.applications
  line(
    `${a.total} applications (modelled): ${Object.entries(a.byStatus)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([status, n]) => `${n} ${status}`)
      .join(', ')}`,
  )
  line(
    `${a.grants} grants awarded ${pounds(a.awarded)} (after ${count(a.variations, 'variation')}), paid ${pounds(a.paid)} net of repayments; ${a.closed} closed`,
  )
  line(`monitoring reports overdue on ${facts.asOf}: ${a.overdueReports}`)
  line(
    'published (not in this ledger): Innovate & Cultivate since 2016, 43 projects, nearly £1m — cambscf.org.uk/icf.html',
  )

  section('Volunteers', 'Roles the 2016 report names; every volunteer, check, placement and hour is MODELLED.')
  line(
    `${facts.volunteers.people} volunteers (modelled people, personal data encrypted): ${Object.entries(
      facts.volunteers.roles,
    )
      .map(([role, n]) => `${n} ${role.toLowerCase()}s`)
      .join(', ')}`,
  )
  line(`${facts.volunteers.active} active, ${hours(facts.volunteers.verifiedHours)} verified (May–November 2016)`)
  line(
    `Time Credits: ${number(facts.volunteers.creditsEarned)} earned, ${number(facts.volunteers.creditBalance)} still held, ${number(facts.volunteers.potCredits)} given to a community pot`,
  )

  section('By district', 'Modelled grants awarded, and modelled volunteers placed, in each of the six districts.')
  line(
    `${'district'.padEnd(22)} ${'grants'.padStart(6)} ${'awarded'.padStart(12)} ${'volunteers'.padStart(10)} ${'hours'.padStart(9)}`,
  )
  for (const d of facts.districts)
    line(
      `${d.name.padEnd(22)} ${String(d.grants).padStart(6)} ${pounds(d.awarded).padStart(12)} ${String(d.volunteers).padStart(10)} ${hours(d.verifiedHours).padStart(9)}`,
    )

  section('Audit', 'The ledger sealed at its head, then every hash chain and seal recomputed.')
  line(
    `sealed at position ${seal.position}: ${seal.events} events in ${seal.streams} streams, root ${seal.root.slice(0, 16)}…`,
  )
  line(
    `verify: ${verify.ok ? 'ok' : `FAILED — ${verify.failure?.message ?? 'see the report'}`} (${verify.events} events, ${verify.streams} streams, ${verify.ledgerSeals} seal in the ledger, ${verify.sealFiles} seal file)`,
  )
  line(`history digest ${digest.sha256.slice(0, 16)}… (the same on every run)`)

  section('360Giving', 'The example’s grants as a 360Giving data package, every one labelled modelled.')
  line(`${giving.grants.length} grants in ${paths.giving}`)
  line(
    `checked against the 360Giving 1.4.3 schemas and codelists: ${givingErrors.length === 0 ? 'valid, 0 errors' : `${givingErrors.length} errors — ${givingErrors.slice(0, 3).join('; ')}`}`,
  )

  section('Reports', 'The board reports, with maps; every figure links to the events it was computed from.')
  line(`${result.reports.map((r) => r.title).join('; ')}`)
  line(`written to ${paths.report} (one self-contained page: open it in any browser, no network needed)`)

  section('Timings', 'How long each part took on this machine.')
  line(
    `open ${seconds(timings.open)}, history ${seconds(timings.history)}, read models ${seconds(timings.catchUp)}, seal ${seconds(timings.seal)}, verify ${seconds(timings.verify)}, 360Giving ${seconds(timings.giving)}, summary ${seconds(timings.facts)}, reports ${seconds(timings.report)}; total ${seconds(timings.total)}`,
  )
  return out
}
