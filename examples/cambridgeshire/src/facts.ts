/**
 * The facts a reader relies on, read back from the standard read models (and, for the pilots, from
 * the programme's stream): what the summary prints and the end-to-end test checks.
 */
import { areaRegistry, createAreaQueries, releaseDocs } from '@civic-ledger/areas'
import type { Ledger } from '@civic-ledger/core'
import type { RegisterEntry } from '@civic-ledger/grants'
import { createGrantQueries } from '@civic-ledger/grants'
import { createPartnershipQueries } from '@civic-ledger/partnerships'
import {
  activeDocs,
  activeVolunteers,
  balanceDocs,
  hoursBuckets,
  potDocs,
  timeCreditBalances,
  volunteerHours,
} from '@civic-ledger/volunteers'

import { SCHEME_ID } from './history/areas'
import { FUNDS, GRANT_DISTRICTS } from './history/grant-stories'
import { BOARDS } from './history/partnerships'
import { DISTRICTS, VOLUNTEERS } from './history/volunteers'

export interface DistrictFacts {
  readonly code: string
  readonly name: string
  /** Modelled grants awarded that mainly serve the district, and their money (pence). */
  readonly grants: number
  readonly awarded: number
  /** Modelled volunteers placed in the district, and their verified hours. */
  readonly volunteers: number
  readonly verifiedHours: number
}

export interface Facts {
  readonly asOf: string
  readonly releases: number
  readonly scheme: {
    readonly name: string
    readonly version: number
    readonly status: string
    readonly modelled: boolean
    readonly extract: string
    readonly pcnReference: string
    readonly areas: ReadonlyArray<{
      readonly areaId: string
      readonly name: string
      readonly pcns: number
      readonly lsoas: number
    }>
  }
  readonly boards: ReadonlyArray<{
    readonly boardId: string
    readonly name: string
    readonly members: number
    readonly missingMembers: number
  }>
  readonly agreements: ReadonlyArray<{
    readonly title: string
    readonly status: string
    readonly parties: number
    readonly signed: number
  }>
  readonly programmes: ReadonlyArray<{
    readonly programmeId: string
    readonly workstreams: ReadonlyArray<string>
    readonly themes: ReadonlyArray<string>
  }>
  readonly pilots: { readonly started: number; readonly ended: number }
  readonly posts: { readonly defined: number; readonly filled: number; readonly vacant: number }
  readonly deliveryPlans: number
  readonly reportsOverdue: ReadonlyArray<string>
  readonly funds: ReadonlyArray<{
    readonly fundId: string
    readonly name: string
    readonly budget: number
    readonly committed: number
    readonly awarded: number
    readonly paid: number
    readonly repaid: number
    readonly remaining: number
  }>
  readonly applications: {
    readonly total: number
    readonly byStatus: Readonly<Record<string, number>>
    /** Grants awarded (every application that reached an award), and their money (pence, as varied). */
    readonly grants: number
    readonly awarded: number
    /** Paid, net of repayments. */
    readonly paid: number
    readonly variations: number
    readonly closed: number
    readonly overdueReports: number
  }
  readonly volunteers: {
    readonly people: number
    readonly active: number
    readonly verifiedHours: number
    readonly roles: Readonly<Record<string, number>>
    readonly creditsEarned: number
    readonly creditBalance: number
    readonly potCredits: number
  }
  readonly districts: ReadonlyArray<DistrictFacts>
}

type Runner = Ledger['projections']

const areaFacts = async (runner: Runner): Promise<Pick<Facts, 'releases' | 'scheme'>> => {
  const areas = createAreaQueries(runner)
  const releases = (await runner.query(areaRegistry, releaseDocs).find()).length
  const [version] = (await areas.schemeVersions(SCHEME_ID)).filter((v) => v.status === 'published')
  if (version === undefined) throw new Error(`no published version of ${SCHEME_ID}`)
  const schemeAreas = await Promise.all(
    (await areas.schemeAreas(SCHEME_ID)).map(async (a) => ({
      areaId: a.areaId,
      name: a.name,
      pcns: a.pcns.length,
      lsoas: (await areas.lsoasOf(a.areaId, { scheme: { schemeId: SCHEME_ID, version: version.version } })).length,
    })),
  )
  return {
    releases,
    scheme: {
      name: version.name,
      version: version.version,
      status: version.status,
      modelled: version.modelled,
      extract: version.extract,
      pcnReference: version.pcnReference,
      areas: schemeAreas,
    },
  }
}

const partnershipFacts = async (
  ledger: Ledger,
  asOf: string,
): Promise<
  Pick<Facts, 'boards' | 'agreements' | 'programmes' | 'pilots' | 'posts' | 'deliveryPlans' | 'reportsOverdue'>
> => {
  const partnerships = createPartnershipQueries(ledger.projections)
  const boards = await Promise.all(
    (Object.keys(BOARDS) as Array<keyof typeof BOARDS>).map(async (boardId) => {
      const register = await partnerships.boardRegister(boardId)
      return {
        boardId,
        name: register?.board.name ?? BOARDS[boardId],
        members: register?.members.length ?? 0,
        missingMembers: register?.missingMembers.length ?? 0,
      }
    }),
  )
  const agreements = (await partnerships.agreements()).map((a) => ({
    title: a.title,
    status: a.status,
    parties: a.parties.length,
    signed: a.signed.length,
  }))
  const programmes = await Promise.all(
    ['stronger-together', 'think-communities'].map(async (programmeId) => {
      const p = await partnerships.programme(programmeId)
      return { programmeId, workstreams: p.workstreams.map((w) => w.name), themes: p.themes.map((th) => th.name) }
    }),
  )
  let started = 0
  let ended = 0
  for await (const e of ledger.events.readStream('partnerships.programme-stronger-together')) {
    if (e.type === 'partnerships.PilotStarted') started++
    if (e.type === 'partnerships.PilotEnded') ended++
  }
  const coverage = await partnerships.postCoverage(SCHEME_ID)
  return {
    boards,
    agreements,
    programmes,
    pilots: { started, ended },
    posts: {
      defined: coverage.reduce((sum, c) => sum + c.posts.length, 0),
      filled: coverage.reduce((sum, c) => sum + c.filled, 0),
      vacant: coverage.reduce((sum, c) => sum + c.vacant, 0),
    },
    deliveryPlans: Object.values(await partnerships.deliveryPlans(SCHEME_ID)).flat().length,
    reportsOverdue: (await partnerships.reportsDue(asOf)).filter((r) => r.overdue).map((r) => r.boardId),
  }
}

const grantFacts = async (
  ledger: Ledger,
  asOf: string,
): Promise<Pick<Facts, 'funds' | 'applications'> & { readonly awardedEntries: ReadonlyArray<RegisterEntry> }> => {
  const grants = createGrantQueries(ledger.projections)
  const budgets = await grants.budgets()
  const funds = (Object.keys(FUNDS) as Array<keyof typeof FUNDS>).map((fundId) => {
    const b = budgets.find((x) => x.fundId === fundId)
    if (b === undefined) throw new Error(`fund ${fundId} is not in the budget read model`)
    const { name, budget, committed, awarded, paid, repaid, remaining } = b
    return { fundId, name, budget, committed, awarded, paid, repaid, remaining }
  })
  const register = await grants.applications()
  const byStatus: Record<string, number> = {}
  for (const a of register) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1
  const awardedEntries = register.filter((a) => a.awarded > 0)
  let variations = 0
  for await (const e of ledger.events.readAll()) if (e.type === 'grants.VariationApproved') variations++
  return {
    funds,
    awardedEntries,
    applications: {
      total: register.length,
      byStatus,
      grants: awardedEntries.length,
      awarded: awardedEntries.reduce((sum, a) => sum + a.awarded, 0),
      paid: awardedEntries.reduce((sum, a) => sum + a.paid - a.repaid, 0),
      variations,
      closed: byStatus['closed'] ?? 0,
      overdueReports: (await grants.overdue(asOf)).length,
    },
  }
}

const volunteerFacts = async (
  runner: Runner,
): Promise<
  Pick<Facts, 'volunteers'> & {
    readonly hoursByArea: ReadonlyMap<string, number>
    readonly placedIn: ReadonlyArray<ReadonlyArray<string>>
  }
> => {
  const buckets = await runner.query(volunteerHours, hoursBuckets).find()
  const hoursByArea = new Map<string, number>()
  for (const b of buckets) hoursByArea.set(b.area, (hoursByArea.get(b.area) ?? 0) + b.verifiedHours)
  const active = await runner.query(activeVolunteers, activeDocs).find({ active: true })
  const balances = await runner.query(timeCreditBalances, balanceDocs).find()
  const pots = await runner.query(timeCreditBalances, potDocs).find()
  const roles: Record<string, number> = {}
  for (const v of VOLUNTEERS) roles[v.role.title] = (roles[v.role.title] ?? 0) + 1
  return {
    hoursByArea,
    placedIn: active.map((v) => Object.values(v.placements).map((p) => p.area)),
    volunteers: {
      people: VOLUNTEERS.length,
      active: active.length,
      verifiedHours: [...hoursByArea.values()].reduce((a, b) => a + b, 0),
      roles,
      creditsEarned: balances.reduce((sum, b) => sum + b.earned, 0),
      creditBalance: balances.reduce((sum, b) => sum + b.balance, 0),
      potCredits: pots.reduce((sum, p) => sum + p.received, 0),
    },
  }
}

/** The facts, read from the read models (caught up) of a ledger the history was recorded on. */
export const readFacts = async (ledger: Ledger, asOf: string): Promise<Facts> => {
  const { awardedEntries, ...grants } = await grantFacts(ledger, asOf)
  const { hoursByArea, placedIn, ...volunteers } = await volunteerFacts(ledger.projections)
  const districts = DISTRICTS.map(([code, name]) => {
    const mine = awardedEntries.filter((a) => GRANT_DISTRICTS[a.applicationId] === code)
    return {
      code,
      name,
      grants: mine.length,
      awarded: mine.reduce((sum, a) => sum + a.awarded, 0),
      volunteers: placedIn.filter((areas) => areas.some((area) => area.startsWith(code))).length,
      verifiedHours: [...hoursByArea].filter(([area]) => area.startsWith(code)).reduce((sum, [, h]) => sum + h, 0),
    }
  })
  return {
    asOf,
    ...(await areaFacts(ledger.projections)),
    ...(await partnershipFacts(ledger, asOf)),
    ...grants,
    ...volunteers,
    districts,
  }
}
