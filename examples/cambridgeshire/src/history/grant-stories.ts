/**
 * The modelled grants of the example: fictional applicant groups ("(modelled)" in every name), and
 * each application's life — drafted, submitted, assessed, decided, signed, paid, reported on, varied,
 * repaid, closed — on the days given. Nothing here is a real grant record; the funds they apply to,
 * their streams and published limits are real (see grants.ts).
 */

/** £ to pence. */
export const pounds = (p: number): number => Math.round(p * 100)

/** The funds, by id, with their names. */
export const FUNDS = {
  'innovate-cultivate': 'Innovate & Cultivate Fund',
  'cultivating-communities': 'Cultivating Communities (modelled budget and limits)',
  'healthy-fenland': 'Healthy Fenland Fund (modelled budget and limits)',
} as const
export type FundKey = keyof typeof FUNDS

/** A modelled applicant group: an id, a name that says it is modelled, its district. */
const group = (slug: string, name: string) => ({ orgId: `local:${slug}`, name: `${name} (modelled)` })

export interface GrantStory {
  readonly applicationId: string
  readonly fundId: FundKey
  readonly streamId: string
  readonly roundId?: string
  readonly applicant: { readonly orgId: string; readonly name: string }
  readonly title: string
  readonly requested: number
  readonly areas: ReadonlyArray<string>
  readonly outcomes: ReadonlyArray<string>
  readonly saving?: number
  /** The county councillor a Cultivating Communities application is made with. */
  readonly councillorId?: string
  readonly drafted: string
  readonly submitted: string
  /** Round applications are assessed (by assessors 1 and 2; 3 declares a conflict on one). */
  readonly assessed?: string
  readonly decided: string
  /** Awarded (pence), or declined with a reason. */
  readonly outcome: { readonly awarded: number } | { readonly declined: string }
  readonly signed?: string
  readonly payments?: ReadonlyArray<{
    readonly id: string
    readonly kind: 'initial' | 'interim' | 'final'
    readonly amount: number
    readonly day: string
  }>
  readonly report?: { readonly due: string; readonly submitted?: string; readonly accepted?: string }
  readonly variation?: {
    readonly asked: string
    readonly amount: number
    readonly reason: string
    readonly approved: string
  }
  readonly repayment?: { readonly amount: number; readonly reason: string; readonly day: string }
  readonly closed?: { readonly day: string; readonly reason: string }
}

const groups = {
  chatterisTimebank: group('chatteris-timebank', 'Chatteris Timebank'),
  ramseyNeighbours: group('ramsey-good-neighbours', 'Ramsey Good Neighbours'),
  elyDementia: group('ely-dementia-friendly', 'Ely Dementia Friendly Community'),
  stNeotsShed: group('st-neots-mens-shed', "St Neots Men's Shed"),
  soham: group('soham-mobile-wardens', 'Soham Mobile Wardens'),
  kingsHedgesYouth: group('kings-hedges-youth', "King's Hedges Community Youth Work"),
  sawstonDigital: group('sawston-digital-help', 'Sawston Digital Help'),
  cambourneConnect: group('cambourne-connect', 'Cambourne Connect'),
  wisbechLunch: group('wisbech-lunch-club', 'Wisbech Lunch Club'),
  marchWalks: group('march-walking-group', 'March Walking Group'),
  whittleseyGrowers: group('whittlesey-growers', 'Whittlesey Community Growers'),
  huntingdonBefriending: group('huntingdon-befriending', 'Huntingdon Befriending'),
  cottenhamCafe: group('cottenham-repair-cafe', 'Cottenham Repair Café'),
  littleportHub: group('littleport-hub', 'Littleport Community Hub'),
}

const IC = 'innovate-cultivate'
const pay = (id: string, kind: 'initial' | 'interim' | 'final', amount: number, day: string) => ({
  id,
  kind,
  amount,
  day,
})

/** The modelled grants, in the order of their drafting. */
export const GRANT_STORIES: ReadonlyArray<GrantStory> = [
  // Cultivating Communities (2016): small direct awards, each applied for with the county councillor.
  ...(
    [
      ['cc-2016-01', groups.chatterisTimebank, 'A timebank for Chatteris', 1500, ['E07000010'], 'cllr-chatteris'],
      ['cc-2016-02', groups.ramseyNeighbours, 'A good neighbour scheme for Ramsey', 1200, ['E05008531'], 'cllr-ramsey'],
      ['cc-2016-03', groups.elyDementia, 'Ely dementia-friendly community', 1800, ['E07000009'], 'cllr-ely-north'],
      [
        'cc-2016-04',
        groups.sawstonDigital,
        'Digital help sessions in Sawston library',
        900,
        ['E07000012'],
        'cllr-sawston',
      ],
    ] as const
  ).map(([applicationId, applicant, title, amount, areas, councillorId], i): GrantStory => ({
    applicationId,
    fundId: 'cultivating-communities',
    streamId: 'small',
    councillorId,
    applicant,
    title: `${title} (modelled)`,
    requested: pounds(amount),
    areas,
    outcomes: ['people helping people'],
    drafted: `2016-07-${String(4 + i).padStart(2, '0')}`,
    submitted: `2016-07-${String(11 + i).padStart(2, '0')}`,
    decided: '2016-08-01',
    outcome: { awarded: pounds(amount) },
    signed: '2016-08-08',
    payments: [pay('p1', 'final', pounds(amount), '2016-08-15')],
    report: { due: '2017-08-31', submitted: '2017-08-14', accepted: '2017-08-21' },
    closed: { day: '2017-09-04', reason: 'completed' },
  })),
  // Healthy Fenland Fund (winter 2016 round): small grants in Fenland.
  ...(
    [
      ['hff-2016-01', groups.wisbechLunch, 'A weekly lunch club in Wisbech', 4200, 4200],
      ['hff-2016-02', groups.marchWalks, 'Health walks from March town centre', 2500, 2500],
      ['hff-2016-03', groups.whittleseyGrowers, 'A community garden in Whittlesey', 5000, 4500],
    ] as const
  ).map(([applicationId, applicant, title, asked, awarded], i): GrantStory => ({
    applicationId,
    fundId: 'healthy-fenland',
    streamId: 'small',
    roundId: 'winter-2016',
    applicant,
    title: `${title} (modelled)`,
    requested: pounds(asked),
    areas: ['E07000010'],
    outcomes: ['healthier lives in Fenland'],
    drafted: `2016-09-${String(12 + i).padStart(2, '0')}`,
    submitted: `2016-10-${String(17 + i).padStart(2, '0')}`,
    assessed: '2016-12-05',
    decided: '2017-03-01',
    outcome: { awarded: pounds(awarded) },
    signed: '2017-03-13',
    payments: [
      pay('p1', 'initial', pounds(awarded / 2), '2017-03-20'),
      pay('p2', 'final', pounds(awarded / 2), '2017-09-18'),
    ],
    report: { due: '2018-03-31', submitted: '2018-03-12', accepted: '2018-03-19' },
    closed: { day: '2018-04-03', reason: 'completed' },
  })),
  // Innovate & Cultivate, the 1 August 2019 round (Cultivate £2,000–£19,000, Innovate £19,001–£50,000).
  {
    applicationId: 'ic-2019-01',
    fundId: IC,
    streamId: 'innovate',
    roundId: 'round-2019-08',
    applicant: groups.huntingdonBefriending,
    title: 'Befriending for people leaving hospital (modelled)',
    requested: pounds(45_000),
    areas: ['E07000011'],
    outcomes: ['fewer people isolated', 'fewer readmissions', 'reduce pressure on council services'],
    saving: pounds(60_000),
    drafted: '2019-06-03',
    submitted: '2019-07-29',
    assessed: '2019-09-16',
    decided: '2019-12-02',
    outcome: { awarded: pounds(42_000) },
    signed: '2019-12-16',
    payments: [pay('p1', 'initial', pounds(21_000), '2020-01-06'), pay('p2', 'interim', pounds(12_000), '2020-07-06')],
    report: { due: '2020-06-30', submitted: '2020-06-22', accepted: '2020-06-29' },
    variation: {
      asked: '2020-09-07',
      amount: pounds(46_000),
      reason: 'demand grew in the pandemic',
      approved: '2020-09-21',
    },
  },
  {
    applicationId: 'ic-2019-02',
    fundId: IC,
    streamId: 'cultivate',
    roundId: 'round-2019-08',
    applicant: groups.stNeotsShed,
    title: "A men's shed for St Neots (modelled)",
    requested: pounds(12_500),
    areas: ['E05008581', 'E07000011'],
    outcomes: ['fewer people isolated', 'reduce pressure on council services'],
    saving: pounds(8_000),
    drafted: '2019-06-10',
    submitted: '2019-07-30',
    assessed: '2019-09-16',
    decided: '2019-12-02',
    outcome: { awarded: pounds(12_500) },
    signed: '2019-12-16',
    payments: [pay('p1', 'final', pounds(12_500), '2020-01-06')],
    report: { due: '2020-12-31', submitted: '2020-12-07', accepted: '2020-12-14' },
    repayment: { amount: pounds(740.5), reason: 'unspent: the shed opened later', day: '2021-01-11' },
    closed: { day: '2021-01-18', reason: 'completed' },
  },
  {
    applicationId: 'ic-2019-03',
    fundId: IC,
    streamId: 'cultivate',
    roundId: 'round-2019-08',
    applicant: groups.soham,
    title: 'A mobile warden scheme for Soham (modelled)',
    requested: pounds(18_000),
    areas: ['E07000009'],
    outcomes: ['older people living at home for longer', 'reduce pressure on council services'],
    saving: pounds(20_000),
    drafted: '2019-06-17',
    submitted: '2019-07-31',
    assessed: '2019-09-16',
    decided: '2019-12-02',
    outcome: { declined: 'the panel funded schemes nearer to their targets' },
  },
  {
    applicationId: 'ic-2019-04',
    fundId: IC,
    streamId: 'innovate',
    roundId: 'round-2019-08',
    applicant: groups.cambourneConnect,
    title: 'Cambourne Connect: neighbours online and on foot (modelled)',
    requested: pounds(30_000),
    areas: ['E07000012'],
    outcomes: ['fewer people isolated', 'reduce pressure on council services'],
    saving: pounds(25_000),
    drafted: '2019-06-24',
    submitted: '2019-07-31',
    assessed: '2019-09-16',
    decided: '2019-12-02',
    outcome: { awarded: pounds(28_750) },
    signed: '2019-12-16',
    payments: [pay('p1', 'initial', pounds(14_375), '2020-01-06'), pay('p2', 'final', pounds(14_375), '2020-12-07')],
    report: { due: '2021-01-31', submitted: '2021-01-25', accepted: '2021-02-01' },
    closed: { day: '2021-02-08', reason: 'completed' },
  },
  // Innovate & Cultivate, the 1 November 2020 round (the fund page's limits).
  {
    applicationId: 'ic-2020-01',
    fundId: IC,
    streamId: 'cultivate',
    roundId: 'round-2020-11',
    applicant: groups.kingsHedgesYouth,
    title: "A community youth worker for King's Hedges (modelled)",
    requested: pounds(10_000),
    areas: ['E05002708'],
    outcomes: ['young people safer and more confident', 'reduce pressure on council services'],
    saving: pounds(12_000),
    drafted: '2020-09-21',
    submitted: '2020-10-26',
    assessed: '2020-12-07',
    decided: '2021-03-01',
    outcome: { awarded: pounds(9_650) },
    signed: '2021-03-15',
    payments: [pay('p1', 'initial', pounds(4_825), '2021-03-22')],
    report: { due: '2021-09-30', submitted: '2021-09-27' },
  },
  {
    applicationId: 'ic-2020-02',
    fundId: IC,
    streamId: 'cultivate',
    roundId: 'round-2020-11',
    applicant: groups.cottenhamCafe,
    title: 'A monthly repair café in Cottenham (modelled)',
    requested: pounds(4_800),
    areas: ['E07000012'],
    outcomes: ['people helping people', 'reduce pressure on council services'],
    saving: pounds(2_000),
    drafted: '2020-09-28',
    submitted: '2020-10-30',
    assessed: '2020-12-07',
    decided: '2021-03-01',
    outcome: { awarded: pounds(4_800) },
    signed: '2021-03-15',
    payments: [pay('p1', 'final', pounds(4_800), '2021-03-22')],
    report: { due: '2022-03-31' },
  },
  // Innovate & Cultivate, the 1 February 2021 round (Cultivate only, £2,000–£15,000).
  {
    applicationId: 'ic-2021-01',
    fundId: IC,
    streamId: 'cultivate',
    roundId: 'round-2021-02',
    applicant: groups.littleportHub,
    title: 'Digital inclusion at the Littleport hub (modelled)',
    requested: pounds(14_200),
    areas: ['E05002728', 'E05002729'],
    outcomes: ['more people online', 'reduce pressure on council services'],
    saving: pounds(9_000),
    drafted: '2020-12-07',
    submitted: '2021-01-25',
    assessed: '2021-03-08',
    decided: '2021-06-01',
    outcome: { awarded: pounds(14_200) },
    signed: '2021-06-14',
    payments: [pay('p1', 'initial', pounds(7_100), '2021-06-21')],
    report: { due: '2021-12-31' },
  },
  {
    applicationId: 'ic-2021-02',
    fundId: IC,
    streamId: 'cultivate',
    roundId: 'round-2021-02',
    applicant: groups.chatterisTimebank,
    title: 'Chatteris Timebank, second year (modelled)',
    requested: pounds(6_000),
    areas: ['E07000010'],
    outcomes: ['people helping people', 'reduce pressure on council services'],
    saving: pounds(3_500),
    drafted: '2020-12-14',
    submitted: '2021-01-29',
    assessed: '2021-03-08',
    decided: '2021-06-01',
    outcome: { awarded: pounds(6_000) },
    signed: '2021-06-14',
    payments: [pay('p1', 'final', pounds(6_000), '2021-06-21')],
    report: { due: '2022-06-30' },
  },
]

/**
 * The county councillors Cultivating Communities applications are made with: modelled people (the
 * names say so) for real county divisions (their 2017 codes, the earliest the data has), each with
 * the term of the 2013 county election (2 May 2013 until the election of 4 May 2017).
 */
export const COUNCILLORS = [
  ['cllr-chatteris', 'Councillor for Chatteris (modelled)', 'E58000058'],
  ['cllr-ramsey', 'Councillor for Ramsey & Bury (modelled)', 'E58000084'],
  ['cllr-ely-north', 'Councillor for Ely North (modelled)', 'E58000063'],
  ['cllr-sawston', 'Councillor for Sawston & Shelford (modelled)', 'E58000087'],
] as const

/** The district (GSS code) each modelled grant mainly serves, for counts per district. */
export const GRANT_DISTRICTS: Readonly<Record<string, string>> = {
  'cc-2016-01': 'E07000010',
  'cc-2016-02': 'E07000011',
  'cc-2016-03': 'E07000009',
  'cc-2016-04': 'E07000012',
  'hff-2016-01': 'E07000010',
  'hff-2016-02': 'E07000010',
  'hff-2016-03': 'E07000010',
  'ic-2019-01': 'E07000011',
  'ic-2019-02': 'E07000011',
  'ic-2019-03': 'E07000009',
  'ic-2019-04': 'E07000012',
  'ic-2020-01': 'E07000008',
  'ic-2020-02': 'E07000012',
  'ic-2021-01': 'E07000009',
  'ic-2021-02': 'E07000010',
}
