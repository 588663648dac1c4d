/**
 * Partnerships, as the two council reports describe them.
 *
 * From *Stronger Together* (2016): the councils, the CCG, police and fire; the Health and Wellbeing
 * Board; the Public Services Board of chief executives, reporting to it quarterly; the Health Deal
 * between all its agencies; the strategy's six workstreams with their actions, and three pilots in
 * 2016 wards. The Combined Authority joins the Public Services Board when it is established (3 March
 * 2017).
 *
 * From the *Think Communities* progress report (2020): the Think Communities Partnership Board (every
 * Public Services Board member plus the voluntary sector, Healthwatch and the NHS alliances); its
 * three priority themes; a data-sharing agreement; once the service delivery areas are proposed, a
 * co-ordinator for each area and a social-prescribing link worker for each PCN; and a delivery plan
 * for each area.
 *
 * Real: the councils and their org-id identifiers (the register in data/), the CCG's ODS code (06H),
 * the boards, workstreams, themes and kinds of post. Modelled: the day within each year, the pilots'
 * places, the actions' wording, the post holders (staff references, never names) and the plans'
 * priorities.
 */
import { districtAreaDefinitions } from '@civic-ledger/areas'
import { isLeft } from '@civic-ledger/core'
import {
  admissions,
  agreements,
  AUTHORISED_SIGNATORY,
  BOARD_SECRETARY,
  boards,
  councilRows,
  deliveryPlanAgreements,
  deliveryPlans,
  organisations,
  PARTNERSHIP_OFFICER,
  postDefinitions,
  posts,
  PROGRAMME_LEAD,
  programmes,
  registerCouncils,
} from '@civic-ledger/partnerships'

import { SCHEME_DAY, SCHEME_ID } from './areas'
import type { Actor, Timeline } from './timeline'

export const partnershipOfficer: Actor = {
  id: 'partnership-officer-1',
  organisation: 'GB-LAE-CAM',
  role: PARTNERSHIP_OFFICER,
}
export const boardSecretary: Actor = { id: 'board-secretary-1', organisation: 'GB-LAE-CAM', role: BOARD_SECRETARY }
export const programmeLead: Actor = { id: 'programme-lead-1', organisation: 'GB-LAE-CAM', role: PROGRAMME_LEAD }
const signatoryOf = (organisation: string): Actor => ({
  id: `signatory-${organisation.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`,
  organisation,
  role: AUTHORISED_SIGNATORY,
})

export const COMBINED_AUTHORITY = 'GB-LAE-CPCA'
/** The day the Combined Authority was established. */
export const COMBINED_AUTHORITY_DAY = '2017-03-03'

/** Organisations with no register identifier here, so local ones (`local: true` on their records). */
export const NHS = [
  ['GB-NHS-06H', 'NHS Cambridgeshire and Peterborough CCG', 'nhs-body'],
  ['local:north-alliance', 'North Alliance (NHS)', 'nhs-alliance'],
  ['local:south-alliance', 'South Alliance (NHS)', 'nhs-alliance'],
] as const
export const BLUE_LIGHT = [
  ['local:cambridgeshire-constabulary', 'Cambridgeshire Constabulary', 'police'],
  ['local:cambridgeshire-fire-and-rescue', 'Cambridgeshire Fire and Rescue Service', 'fire'],
] as const
export const VOLUNTARY = [
  ['local:hunts-forum', 'Hunts Forum of Voluntary Organisations', 'voluntary-sector'],
  ['local:peterborough-cvs', 'Peterborough Council for Voluntary Service', 'voluntary-sector'],
  ['local:healthwatch-cambs-pboro', 'Healthwatch Cambridgeshire and Peterborough', 'healthwatch'],
  ['local:cambridgeshire-community-foundation', 'Cambridgeshire Community Foundation', 'voluntary-sector'],
] as const

export const WORKSTREAMS_2016 = [
  ['communication', 'Communication'],
  ['people-helping-people', 'People helping people'],
  ['council-members', 'Council members'],
  ['workforce', 'Workforce'],
  ['community-hubs', 'Community hubs'],
  ['partnerships', 'Partnerships'],
] as const
export const THEMES_2020 = [
  ['communications-and-engagement', 'Communications and engagement'],
  ['data-and-intelligence', 'Data and intelligence'],
  ['workforce-reform', 'Workforce reform'],
] as const

/** The three boards, by id. */
export const BOARDS = {
  hwb: 'Health and Wellbeing Board',
  psb: 'Public Services Board',
  tcpb: 'Think Communities Partnership Board',
} as const

/** The 2016 pilots: a name, and a 2016 ward (the place is modelled). */
export const PILOTS_2016 = [
  [
    'social-prescribing-waterlees',
    'Social prescribing pilot (Better Care Fund, commissioned)',
    'E05009513',
    'Waterlees Village',
  ],
  ['time-credits-huntingdon-north', 'Time Credits pilot', 'E05002772', 'Huntingdon North'],
  ['community-hub-kings-hedges', 'Community hub pilot', 'E05002708', "King's Hedges"],
] as const

const councils = councilRows()
const councilIds = councils.map((c) => c.orgId)
const councils2016 = councilIds.filter((id) => id !== COMBINED_AUTHORITY)
const psb2016 = [...councils2016, 'GB-NHS-06H', ...BLUE_LIGHT.map(([id]) => id)]
const psbMembers = [...psb2016, COMBINED_AUTHORITY]
const tcpbMembers = [
  ...psbMembers,
  'local:hunts-forum',
  'local:peterborough-cvs',
  'local:healthwatch-cambs-pboro',
  'local:north-alliance',
  'local:south-alliance',
]
const hwbMembers = ['GB-LAE-CAM', 'GB-LAE-PTE', 'GB-NHS-06H', 'local:healthwatch-cambs-pboro']
const DSA_PARTIES = ['GB-LAE-CAM', 'GB-LAE-PTE', 'GB-NHS-06H']

/** Quarter days from `from` until `until` (both `YYYY-MM-DD`), each on the 20th of its month. */
const quarters = (from: string, until: string): ReadonlyArray<string> => {
  const out: string[] = []
  let [y, m] = from.split('-').map(Number) as [number, number]
  for (;;) {
    const day = `${y}-${String(m).padStart(2, '0')}-20`
    if (day > until) return out
    if (day >= from) out.push(day)
    m += 3
    if (m > 12) {
      m -= 12
      y++
    }
  }
}

/** The last day the history records (the delivery plans' progress). */
export const HISTORY_ENDS = '2021-12-20'

const board = (boardId: keyof typeof BOARDS, on: string, purpose: string, extra: Record<string, unknown> = {}) => ({
  type: 'DefineBoard',
  boardId,
  name: BOARDS[boardId],
  purpose,
  geography: ['E10000003', 'E06000031'],
  termsOfReference: 'Meets quarterly; terms of reference agreed by its members',
  on,
  ...extra,
})

const officer = partnershipOfficer

const registerAndConvene = (timeline: Timeline): void => {
  timeline.at('2016-01-05', 'the councils, the NHS, police, fire and the voluntary sector', async (s) => {
    const registered = await registerCouncils(
      s.ledger,
      s.context(officer),
      s.day,
      councils.filter((c) => c.orgId !== COMBINED_AUTHORITY),
    )
    if (isLeft(registered)) throw new Error(`register the councils: ${registered.left.message}`)
    for (const [orgId, name, organisationType] of [...NHS, ...BLUE_LIGHT, ...VOLUNTARY])
      await s.execute(
        organisations,
        { type: 'RegisterOrganisation', orgId, name, organisationType, on: s.day },
        officer,
      )
  })

  timeline.at('2016-01-12', 'the Health and Wellbeing Board and the Public Services Board', async (s) => {
    await s.execute(boards, board('hwb', s.day, 'The statutory board the two reports are written to'), officer)
    await s.execute(
      boards,
      board('psb', s.day, 'Chief executives of the public services, working as one on community resilience', {
        reportsTo: { boardId: 'hwb', everyMonths: 3 },
      }),
      officer,
    )
    for (const orgId of hwbMembers)
      await s.decide(admissions, { type: 'AdmitMember', boardId: 'hwb', orgId, on: s.day }, officer)
    for (const orgId of psb2016)
      await s.decide(admissions, { type: 'AdmitMember', boardId: 'psb', orgId, on: s.day }, officer)
  })
}

const strongerTogether = (timeline: Timeline): void => {
  timeline.at('2016-03-08', 'Stronger Together: the strategy, its workstreams and actions', async (s) => {
    await s.execute(
      programmes,
      {
        type: 'DefineProgramme',
        programmeId: 'stronger-together',
        name: 'Stronger Together (2016)',
        boardId: 'psb',
        on: s.day,
      },
      programmeLead,
    )
    for (const [workstreamId, name] of WORKSTREAMS_2016) {
      await s.execute(
        programmes,
        {
          type: 'AddWorkstream',
          programmeId: 'stronger-together',
          workstreamId,
          name,
          themeIds: [],
          lead: 'GB-LAE-CAM',
          on: s.day,
        },
        programmeLead,
      )
      await s.execute(
        programmes,
        {
          type: 'PlanAction',
          programmeId: 'stronger-together',
          actionId: `${workstreamId}-plan`,
          workstreamId,
          description: `An action plan for ${name.toLowerCase()} (wording modelled)`,
          owner: 'GB-LAE-CAM',
          due: '2016-09-30',
          on: s.day,
        },
        programmeLead,
      )
    }
  })

  timeline.at('2016-04-18', 'the Health Deal, drafted and finalised', async (s) => {
    await s.execute(
      agreements,
      {
        type: 'DraftAgreement',
        agreementId: 'health-deal',
        kind: 'health-deal',
        title: 'Health Deal',
        parties: psb2016,
        purposes: ['Working together on prevention and early help'],
        on: s.day,
      },
      officer,
    )
    await s.execute(agreements, { type: 'FinaliseAgreement', agreementId: 'health-deal', on: s.day }, officer)
  })
  timeline.at('2016-05-16', 'the Health Deal, signed by each agency', async (s) => {
    for (const orgId of psb2016)
      await s.execute(
        agreements,
        { type: 'SignAgreement', agreementId: 'health-deal', orgId, signatory: 'Chief Executive', on: s.day },
        signatoryOf(orgId),
      )
  })
}

const pilots = (timeline: Timeline): void => {
  timeline.at('2016-06-01', 'the 2016 pilots, in 2016 wards (places modelled)', async (s) => {
    for (const [pilotId, name, ward] of PILOTS_2016)
      await s.execute(
        programmes,
        {
          type: 'StartPilot',
          programmeId: 'stronger-together',
          pilotId,
          name,
          place: { code: ward, type: 'ward', vintage: '2016' },
          startsOn: s.day,
          endsOn: '2017-05-31',
          on: s.day,
        },
        programmeLead,
      )
  })
  timeline.at('2016-10-03', 'the Stronger Together action plans, done', async (s) => {
    for (const [workstreamId] of WORKSTREAMS_2016)
      await s.execute(
        programmes,
        {
          type: 'UpdateAction',
          programmeId: 'stronger-together',
          actionId: `${workstreamId}-plan`,
          status: 'done',
          on: s.day,
        },
        programmeLead,
      )
  })
  timeline.at('2017-05-31', 'the 2016 pilots end, with what they taught', async (s) => {
    for (const [pilotId, , , ward] of PILOTS_2016) {
      await s.execute(
        programmes,
        {
          type: 'RecordLearning',
          programmeId: 'stronger-together',
          pilotId,
          learning: `Learning from ${ward} (modelled)`,
          on: s.day,
        },
        programmeLead,
      )
      await s.execute(
        programmes,
        { type: 'EndPilot', programmeId: 'stronger-together', pilotId, endedOn: s.day, on: s.day },
        programmeLead,
      )
    }
  })
}

const reporting = (timeline: Timeline): void => {
  timeline.at(
    COMBINED_AUTHORITY_DAY,
    'the Combined Authority is established and joins the Public Services Board',
    async (s) => {
      const [row] = councils.filter((c) => c.orgId === COMBINED_AUTHORITY)
      if (row === undefined) throw new Error('the Combined Authority is not in the register')
      const registered = await registerCouncils(s.ledger, s.context(officer), s.day, [row])
      if (isLeft(registered)) throw new Error(`register the Combined Authority: ${registered.left.message}`)
      await s.decide(admissions, { type: 'AdmitMember', boardId: 'psb', orgId: COMBINED_AUTHORITY, on: s.day }, officer)
    },
  )

  // The Public Services Board's quarterly reports to the Health and Wellbeing Board.
  for (const day of quarters('2016-04-20', HISTORY_ENDS))
    timeline.at(day, 'the Public Services Board reports', async (s) => {
      await s.execute(
        boards,
        { type: 'HoldMeeting', boardId: 'psb', meetingId: `psb-${day}`, heldOn: day, on: day },
        boardSecretary,
      )
      await s.execute(
        boards,
        {
          type: 'SubmitReport',
          boardId: 'psb',
          title: `Quarterly report to the Health and Wellbeing Board, ${day.slice(0, 7)}`,
          on: day,
        },
        boardSecretary,
      )
    })

  timeline.at('2020-01-13', 'the Think Communities Partnership Board', async (s) => {
    await s.execute(
      boards,
      board('tcpb', s.day, 'Think Communities: public services and communities working as one in each place', {
        reportsTo: { boardId: 'psb', everyMonths: 3 },
        includesAllMembersOf: 'psb',
      }),
      officer,
    )
    for (const orgId of tcpbMembers)
      await s.decide(admissions, { type: 'AdmitMember', boardId: 'tcpb', orgId, on: s.day }, officer)
  })
  for (const day of quarters('2020-04-20', HISTORY_ENDS))
    timeline.at(day, 'the Think Communities Partnership Board reports', async (s) => {
      await s.execute(
        boards,
        { type: 'SubmitReport', boardId: 'tcpb', title: `Think Communities progress, ${day.slice(0, 7)}`, on: day },
        boardSecretary,
      )
    })
}

const thinkCommunities = (timeline: Timeline): void => {
  timeline.at('2020-02-10', 'Think Communities: the three priority themes', async (s) => {
    await s.execute(
      programmes,
      {
        type: 'DefineProgramme',
        programmeId: 'think-communities',
        name: 'Think Communities (2020)',
        boardId: 'tcpb',
        on: s.day,
      },
      programmeLead,
    )
    for (const [themeId, name] of THEMES_2020)
      await s.execute(
        programmes,
        { type: 'AddTheme', programmeId: 'think-communities', themeId, name, on: s.day },
        programmeLead,
      )
    await s.execute(
      programmes,
      {
        type: 'AddWorkstream',
        programmeId: 'think-communities',
        workstreamId: 'place-based-profiles',
        name: 'Place-based profiles',
        themeIds: ['data-and-intelligence'],
        lead: 'GB-LAE-CAM',
        on: s.day,
      },
      programmeLead,
    )
    await s.execute(
      programmes,
      {
        type: 'PlanAction',
        programmeId: 'think-communities',
        actionId: 'profiles',
        workstreamId: 'place-based-profiles',
        description: 'Publish a profile for each service delivery area',
        owner: 'GB-LAE-CAM',
        due: '2021-03-31',
        on: s.day,
      },
      programmeLead,
    )
  })

  timeline.at('2020-03-02', 'the Think Communities data-sharing agreement', async (s) => {
    await s.execute(
      agreements,
      {
        type: 'DraftAgreement',
        agreementId: 'think-communities-dsa',
        kind: 'data-sharing',
        title: 'Think Communities data-sharing agreement',
        parties: DSA_PARTIES,
        purposes: ['Place-based profiles and early help'],
        on: s.day,
      },
      officer,
    )
    await s.execute(
      agreements,
      {
        type: 'SetDataSharingTerms',
        agreementId: 'think-communities-dsa',
        lawfulBases: DSA_PARTIES.map((orgId) => ({ orgId, basis: 'public-task' })),
        dataCategories: ['household composition', 'service contacts'],
        retention: 'two years after the last contact',
        reviewOn: '2022-03-31',
        on: s.day,
      },
      officer,
    )
    await s.execute(agreements, { type: 'FinaliseAgreement', agreementId: 'think-communities-dsa', on: s.day }, officer)
  })
  timeline.at('2020-03-23', 'the data-sharing agreement, signed by each party', async (s) => {
    for (const orgId of DSA_PARTIES)
      await s.execute(
        agreements,
        {
          type: 'SignAgreement',
          agreementId: 'think-communities-dsa',
          orgId,
          signatory: 'Senior Information Risk Owner',
          on: s.day,
        },
        signatoryOf(orgId),
      )
  })
}

const places = (timeline: Timeline): void => {
  const areas = districtAreaDefinitions()
  timeline.at(SCHEME_DAY, 'a Think Communities co-ordinator for each area, a link worker for each PCN', async (s) => {
    for (const area of areas) {
      const employer = area.areaId === 'peterborough' ? 'GB-LAE-PTE' : 'GB-LAE-CAM'
      await s.decide(
        postDefinitions,
        {
          type: 'DefinePost',
          postId: `coordinator-${area.areaId}`,
          title: `Think Communities co-ordinator, ${area.name}`,
          employer,
          schemeId: SCHEME_ID,
          areaId: area.areaId,
          on: s.day,
        },
        officer,
      )
      for (const pcn of area.pcns)
        await s.decide(
          postDefinitions,
          {
            type: 'DefinePost',
            postId: `link-worker-${pcn.toLowerCase()}`,
            title: `Social prescribing link worker, ${pcn}`,
            employer: 'GB-NHS-06H',
            schemeId: SCHEME_ID,
            areaId: area.areaId,
            pcn,
            on: s.day,
          },
          officer,
        )
    }
  })
  timeline.at(
    '2020-11-02',
    'the co-ordinators and most link workers in post (staff references, modelled)',
    async (s) => {
      let n = 0
      for (const area of areas) {
        await s.execute(
          posts,
          {
            type: 'FillPost',
            postId: `coordinator-${area.areaId}`,
            holderRef: `staff-${String(++n).padStart(3, '0')}`,
            from: s.day,
            on: s.day,
          },
          officer,
        )
        // The last PCN of each area is still recruiting: a vacancy the coverage report shows.
        for (const pcn of area.pcns.slice(0, -1))
          await s.execute(
            posts,
            {
              type: 'FillPost',
              postId: `link-worker-${pcn.toLowerCase()}`,
              holderRef: `staff-${String(++n).padStart(3, '0')}`,
              from: s.day,
              on: s.day,
            },
            officer,
          )
      }
    },
  )

  timeline.at('2021-02-01', 'a delivery plan for each service delivery area', async (s) => {
    for (const area of areas)
      await s.decide(
        deliveryPlanAgreements,
        {
          type: 'AgreeDeliveryPlan',
          planId: `${area.areaId}-2021`,
          schemeId: SCHEME_ID,
          schemeVersion: 1,
          areaId: area.areaId,
          title: `${area.name} delivery plan 2021`,
          priorities: [
            { priorityId: 'hubs', description: 'A community hub the area agrees on (modelled)', lead: 'GB-LAE-CAM' },
            {
              priorityId: 'volunteering',
              description: 'More people helping people (modelled)',
              lead: 'local:hunts-forum',
            },
          ],
          on: s.day,
        },
        officer,
      )
  })
  timeline.at('2021-07-19', 'progress on each delivery plan', async (s) => {
    for (const area of areas)
      await s.execute(
        deliveryPlans,
        {
          type: 'RecordProgress',
          planId: `${area.areaId}-2021`,
          priorityId: 'hubs',
          note: 'Hub partners agreed (modelled)',
          on: s.day,
        },
        programmeLead,
      )
  })
  timeline.at('2021-03-29', 'the profiles action, done', async (s) => {
    await s.execute(
      programmes,
      { type: 'UpdateAction', programmeId: 'think-communities', actionId: 'profiles', status: 'done', on: s.day },
      programmeLead,
    )
  })
}

export const partnershipsHistory = (timeline: Timeline): void => {
  registerAndConvene(timeline)
  strongerTogether(timeline)
  pilots(timeline)
  reporting(timeline)
  thinkCommunities(timeline)
  places(timeline)
}

/** The boards' members, as the history admits them. */
export const BOARD_MEMBERS = { hwb: hwbMembers, psb: psbMembers, tcpb: tcpbMembers } as const
