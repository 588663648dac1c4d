/**
 * Grants: the three funds the reports name, and a modelled life of grants in each.
 *
 * Published (data/README.md, "Published facts about the funds"): the Innovate & Cultivate Fund
 * (previously the Cambridgeshire Communities Innovation Fund) of Cambridgeshire County Council,
 * administered by Cambridgeshire Community Foundation, "up to £1 million"; its two streams, Cultivate
 * (small grants for local networks where people help each other) and Innovate (up to £50,000); the
 * stream limits by round — Cultivate £2,000–£10,000 on the fund page, £2,000–£19,000 with Innovate
 * £19,001–£50,000 in the 1 August 2019 round, Cultivate only at £2,000–£15,000 in the 1 February 2021
 * round; deadlines of 1 February, 1 August and 1 November; projects that reduce pressure on council
 * services or save money; residents of the Peterborough City Council area (E06000031) excluded. The
 * Community Foundation's quarterly rounds (applications 2 August–1 November for winter, 2 November–
 * 1 February for spring; outcomes about four months after the deadline).
 *
 * From the 2016 report, with no amounts: Cultivating Communities small grants, applied for with a
 * county councillor; the Healthy Fenland Fund of small grants with a community foundation.
 *
 * Modelled, and named so wherever shown: every applicant group ("(modelled)" in its name), every
 * application, award, payment and report; Innovate's minimum; the budgets and limits of Cultivating
 * Communities and the Healthy Fenland Fund; the days within each year.
 */
import {
  APPLICANT,
  applications,
  ASSESSOR,
  awards,
  closures,
  councillors,
  drafts,
  FINANCE_OFFICER,
  funds,
  GRANTS_OFFICER,
  PANEL_MEMBER,
  submissions,
  variations,
} from '@civic-ledger/grants'
import { organisations, PARTNERSHIP_OFFICER } from '@civic-ledger/partnerships'

import type { GrantStory } from './grant-stories'
import { COUNCILLORS, FUNDS, GRANT_STORIES, pounds } from './grant-stories'
import type { Actor, StepTools, Timeline } from './timeline'

const CCF = 'local:cambridgeshire-community-foundation'
const county: Actor = { id: 'grants-officer-cam-1', organisation: 'GB-LAE-CAM', role: GRANTS_OFFICER }
const foundation: Actor = { id: 'grants-officer-ccf-1', organisation: CCF, role: GRANTS_OFFICER }
const finance: Actor = { id: 'finance-officer-ccf-1', organisation: CCF, role: FINANCE_OFFICER }
const countyFinance: Actor = { id: 'finance-officer-cam-1', organisation: 'GB-LAE-CAM', role: FINANCE_OFFICER }
const panel: Actor = { id: 'panel-member-1', organisation: CCF, role: PANEL_MEMBER }
const assessor = (n: number): Actor => ({ id: `assessor-${n}`, organisation: CCF, role: ASSESSOR })
const registrar: Actor = { id: 'partnership-officer-1', organisation: 'GB-LAE-CAM', role: PARTNERSHIP_OFFICER }
const applicantOf = (orgId: string): Actor => ({
  id: `${orgId.slice('local:'.length)}-treasurer`,
  organisation: orgId,
  role: APPLICANT,
})

const IC = 'innovate-cultivate'

const limits = (minimum: number, maximum: number) => ({ minimum: pounds(minimum), maximum: pounds(maximum) })

const fundSetUp = (timeline: Timeline): void => {
  timeline.at('2016-06-06', 'Cultivating Communities (modelled budget and limits)', async (s) => {
    const fund = (input: Record<string, unknown>) =>
      s.execute(funds, { fundId: 'cultivating-communities', on: s.day, ...input }, county)
    await fund({
      type: 'DefineFund',
      name: FUNDS['cultivating-communities'],
      funder: 'GB-LAE-CAM',
      administrators: ['GB-LAE-CAM'],
      eligibility: { areasIncluded: [], areasExcluded: ['E06000031'], applicantTypes: [], priorityOutcomes: [] },
      budget: pounds(20_000),
      directAwards: true,
      asksForSavings: false,
      asksForCouncillor: true,
    })
    for (const [councillorId, name, division] of COUNCILLORS) {
      const councillor = (input: Record<string, unknown>) =>
        s.execute(councillors, { councillorId, on: s.day, ...input }, county)
      await councillor({ type: 'RegisterCouncillor', name, council: 'GB-LAE-CAM' })
      await councillor({ type: 'RecordTerm', division, from: '2013-05-02', until: '2017-05-04' })
    }
    await fund({
      type: 'AddStream',
      streamId: 'small',
      name: 'Small grants, with a county councillor',
      limits: limits(250, 2_000),
    })
  })
  timeline.at('2016-08-01', 'the Healthy Fenland Fund (modelled budget and limits)', async (s) => {
    const fund = (input: Record<string, unknown>) =>
      s.execute(funds, { fundId: 'healthy-fenland', on: s.day, ...input }, foundation)
    await s.execute(
      funds,
      {
        type: 'DefineFund',
        fundId: 'healthy-fenland',
        name: FUNDS['healthy-fenland'],
        funder: 'GB-LAE-CAM',
        administrators: [CCF],
        eligibility: { areasIncluded: ['E07000010'], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
        budget: pounds(60_000),
        directAwards: false,
        asksForSavings: false,
        on: s.day,
      },
      county,
    )
    await fund({ type: 'AddStream', streamId: 'small', name: 'Small grants', limits: limits(500, 5_000) })
    // The Community Foundation's winter round: applications 2 August to 1 November.
    await fund({ type: 'OpenRound', roundId: 'winter-2016', opensOn: '2016-08-02', closesOn: '2016-11-02', limits: [] })
  })
  timeline.at('2016-10-03', 'the Innovate & Cultivate Fund', async (s) => {
    const fund = (input: Record<string, unknown>) => s.execute(funds, { fundId: IC, on: s.day, ...input }, county)
    await fund({
      type: 'DefineFund',
      name: FUNDS[IC],
      funder: 'GB-LAE-CAM',
      administrators: [CCF],
      eligibility: {
        areasIncluded: [],
        areasExcluded: ['E06000031'],
        applicantTypes: [],
        priorityOutcomes: ['reduce pressure on council services'],
      },
      budget: pounds(1_000_000),
      directAwards: false,
      asksForSavings: true,
    })
    await fund({ type: 'AddStream', streamId: 'cultivate', name: 'Cultivate', limits: limits(2_000, 10_000) })
    await fund({ type: 'AddStream', streamId: 'innovate', name: 'Innovate', limits: limits(10_001, 50_000) })
  })
  timeline.at('2019-05-02', 'the 1 August 2019 round', async (s) => {
    await s.execute(
      funds,
      {
        type: 'OpenRound',
        fundId: IC,
        roundId: 'round-2019-08',
        opensOn: s.day,
        closesOn: '2019-08-02',
        limits: [
          { streamId: 'cultivate', limits: limits(2_000, 19_000) },
          { streamId: 'innovate', limits: limits(19_001, 50_000) },
        ],
        on: s.day,
      },
      foundation,
    )
  })
  timeline.at('2020-08-03', 'the 1 November 2020 round', async (s) => {
    await s.execute(
      funds,
      {
        type: 'OpenRound',
        fundId: IC,
        roundId: 'round-2020-11',
        opensOn: '2020-08-02',
        closesOn: '2020-11-02',
        limits: [],
        on: s.day,
      },
      foundation,
    )
  })
  timeline.at('2020-11-02', 'the 1 February 2021 round (Cultivate only)', async (s) => {
    await s.execute(
      funds,
      {
        type: 'OpenRound',
        fundId: IC,
        roundId: 'round-2021-02',
        opensOn: s.day,
        closesOn: '2021-02-02',
        limits: [{ streamId: 'cultivate', limits: limits(2_000, 15_000) }],
        on: s.day,
      },
      foundation,
    )
  })
}

const story = (timeline: Timeline, g: GrantStory, registered: Set<string>): void => {
  const administeredByFoundation = g.fundId !== 'cultivating-communities'
  const officer = administeredByFoundation ? foundation : county
  const applicant = applicantOf(g.applicant.orgId)
  const app = (s: StepTools, command: Record<string, unknown>, actor: Actor) =>
    s.execute(applications, { applicationId: g.applicationId, on: s.day, ...command }, actor)
  const label = (what: string) => `${g.applicationId} ${what}`

  timeline.at(g.drafted, label('drafted (modelled)'), async (s) => {
    if (!registered.has(g.applicant.orgId)) {
      registered.add(g.applicant.orgId)
      await s.execute(
        organisations,
        {
          type: 'RegisterOrganisation',
          orgId: g.applicant.orgId,
          name: g.applicant.name,
          organisationType: 'voluntary-sector',
          on: s.day,
        },
        registrar,
      )
    }
    await s.decide(
      drafts,
      {
        type: 'DraftApplication',
        applicationId: g.applicationId,
        fundId: g.fundId,
        streamId: g.streamId,
        applicant: g.applicant.orgId,
        title: g.title,
        amountRequested: g.requested,
        areas: g.areas,
        outcomes: g.outcomes,
        on: s.day,
        ...(g.roundId === undefined ? {} : { roundId: g.roundId }),
        ...(g.saving === undefined ? {} : { projectedSaving: g.saving }),
        ...(g.councillorId === undefined ? {} : { councillorId: g.councillorId }),
      },
      applicant,
    )
  })
  timeline.at(g.submitted, label('submitted'), async (s) => {
    await s.decide(
      submissions,
      { type: 'SubmitApplication', applicationId: g.applicationId, fundId: g.fundId, on: s.day },
      applicant,
    )
  })
  if (g.assessed !== undefined)
    timeline.at(g.assessed, label('assessed'), async (s) => {
      for (const n of [1, 2]) await app(s, { type: 'AssignAssessor', assessor: `assessor-${n}` }, officer)
      if (g.applicationId === 'ic-2019-02') {
        // An assessor who is a trustee of the applicant declares it, and does not score.
        await app(s, { type: 'AssignAssessor', assessor: 'assessor-3' }, officer)
        await app(
          s,
          { type: 'DeclareConflict', assessor: 'assessor-3', interest: 'a trustee of the applicant' },
          assessor(3),
        )
      }
      for (const n of [1, 2])
        await app(
          s,
          {
            type: 'ScoreApplication',
            assessor: `assessor-${n}`,
            scores: [
              { criterion: 'need', score: 'declined' in g.outcome ? 2 : 4, outOf: 5 },
              {
                criterion: 'reduces pressure on council services',
                score: 'declined' in g.outcome ? 2 : 3 + n - 1,
                outOf: 5,
              },
            ],
          },
          assessor(n),
        )
    })
  const outcome = g.outcome
  if ('declined' in outcome) {
    timeline.at(g.decided, label('declined'), async (s) => {
      await app(s, { type: 'DeclineApplication', reason: outcome.declined }, panel)
    })
    return
  }
  timeline.at(g.decided, label('awarded and offered'), async (s) => {
    await s.decide(
      awards,
      {
        type: 'AwardGrant',
        applicationId: g.applicationId,
        fundId: g.fundId,
        amount: outcome.awarded,
        conditions: [],
        on: s.day,
      },
      panel,
    )
    await app(s, { type: 'OfferGrant' }, officer)
  })
  grantLife(timeline, g)
}

/** An awarded grant's life: signed, paid, reported on, varied, repaid, closed. */
const grantLife = (timeline: Timeline, g: GrantStory): void => {
  const administeredByFoundation = g.fundId !== 'cultivating-communities'
  const officer = administeredByFoundation ? foundation : county
  const payer = administeredByFoundation ? finance : countyFinance
  const applicant = applicantOf(g.applicant.orgId)
  const app = (s: StepTools, command: Record<string, unknown>, actor: Actor) =>
    s.execute(applications, { applicationId: g.applicationId, on: s.day, ...command }, actor)
  const label = (what: string) => `${g.applicationId} ${what}`
  const signed = g.signed
  if (signed === undefined) return
  timeline.at(signed, label('agreement signed'), async (s) => {
    await app(s, { type: 'SignGrantAgreement', signedBy: `the chair of ${g.applicant.name}` }, applicant)
    if (g.report !== undefined)
      await app(
        s,
        {
          type: 'RequireMonitoring',
          requirementId: 'final-report',
          kind: 'final',
          description: 'What the project did, and for whom',
          dueOn: g.report.due,
        },
        officer,
      )
  })
  for (const p of g.payments ?? [])
    timeline.at(p.day, label(`payment ${p.id}`), async (s) => {
      await app(s, { type: 'SchedulePayment', paymentId: p.id, kind: p.kind, amount: p.amount, dueOn: p.day }, payer)
      await app(s, { type: 'ApprovePayment', paymentId: p.id }, payer)
      await app(s, { type: 'MakePayment', paymentId: p.id, reference: `BACS ${g.applicationId}-${p.id}` }, payer)
    })
  const variation = g.variation
  if (variation !== undefined) {
    timeline.at(variation.asked, label('variation requested'), async (s) => {
      await app(
        s,
        { type: 'RequestVariation', variationId: 'v1', amount: variation.amount, reason: variation.reason },
        applicant,
      )
    })
    timeline.at(variation.approved, label('variation approved'), async (s) => {
      await s.decide(
        variations,
        { type: 'ApproveVariation', applicationId: g.applicationId, fundId: g.fundId, variationId: 'v1', on: s.day },
        panel,
      )
    })
  }
  const report = g.report
  if (report?.submitted !== undefined)
    timeline.at(report.submitted, label('final report'), async (s) => {
      await app(
        s,
        {
          type: 'SubmitMonitoring',
          requirementId: 'final-report',
          summary: 'What the project did (modelled)',
          outcomesAchieved: g.outcomes,
        },
        applicant,
      )
    })
  if (report?.accepted !== undefined)
    timeline.at(report.accepted, label('final report accepted'), async (s) => {
      await app(s, { type: 'AcceptMonitoring', requirementId: 'final-report' }, officer)
    })
  const repayment = g.repayment
  if (repayment !== undefined)
    timeline.at(repayment.day, label('repayment'), async (s) => {
      await app(
        s,
        { type: 'RecordRepayment', repaymentId: 'r1', amount: repayment.amount, reason: repayment.reason },
        payer,
      )
    })
  const closed = g.closed
  if (closed !== undefined)
    timeline.at(closed.day, label('closed'), async (s) => {
      await s.decide(
        closures,
        { type: 'CloseGrant', applicationId: g.applicationId, fundId: g.fundId, reason: closed.reason, on: s.day },
        officer,
      )
    })
}

export const grantsHistory = (timeline: Timeline): void => {
  fundSetUp(timeline)
  const registered = new Set<string>()
  for (const g of GRANT_STORIES) story(timeline, g, registered)
}
