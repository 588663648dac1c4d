/**
 * Partnership tracker: each board's members and seats and when its next report is due; each
 * agreement's signatures and review; each workstream's milestones; and the place-based posts of each
 * service delivery area, filled and vacant, mapped.
 */
import { serviceDeliveryAreas } from '@civic-ledger/areas'
import type { IsoDate } from '@civic-ledger/core'
import { addMonths, streamId } from '@civic-ledger/core'
import {
  agreementDocs,
  agreementStatus,
  boardDocs,
  milestoneDocs,
  organisationDocs,
  partnershipRegister,
  placeCoverage,
  postDocs,
  programmeTracker,
  workstreamDocs,
} from '@civic-ledger/partnerships'

import type { ReportDefinition } from '../definition'
import type { DraftTable } from '../draft'
import { cellId, figure, finishReport, label } from '../draft'
import { count } from '../format'
import type { MapSpec } from '../model'
import type { SchemeChoice } from '../schemes'
import type { SchemeInUse } from '../schemes'
import { schemeInUse } from '../schemes'
import type { ReportSource } from '../source'
import { basisOf } from '../source'

const NAME = 'partnerships'

const board = (id: string) => streamId('partnerships', 'board', id)

export const partnershipsReport: ReportDefinition<SchemeChoice> = {
  name: NAME,
  title: 'Partnership tracker',
  projections: [serviceDeliveryAreas, partnershipRegister, agreementStatus, programmeTracker, placeCoverage],
  produce: async (source, options = {}) => {
    const day = source.day
    const scheme = await schemeInUse(source, options)
    const organisations = new Map(
      (await source.query(partnershipRegister, organisationDocs).find()).map((o) => [o.orgId, o.name]),
    )
    const boards = [...(await source.query(partnershipRegister, boardDocs).find())]
    const boardName = new Map(boards.map((b) => [b.boardId, b.name]))

    const boardRows = boards.map((b) => {
      const stream = board(b.boardId)
      const seats = Object.values(b.seats)
      const filled = seats.filter((s) => s.holder !== null).length
      const members = Object.keys(b.members).length
      const dueOn =
        b.reportsTo === null ? null : addMonths((b.lastReportOn ?? b.definedOn) as IsoDate, b.reportsTo.everyMonths)
      const reporting = [{ stream, types: ['partnerships.BoardDefined', 'partnerships.ReportSubmitted'] }]
      return {
        key: b.boardId,
        cells: {
          board: label(b.name),
          members: figure(members, count(members), [
            { stream, types: ['partnerships.MemberAdmitted', 'partnerships.MemberWithdrawn'] },
          ]),
          seats: figure(seats.length, count(seats.length), [{ stream, types: ['partnerships.SeatDefined'] }]),
          filled: figure(filled, count(filled), [
            {
              stream,
              types: [
                'partnerships.SeatDefined',
                'partnerships.RepresentativeAppointed',
                'partnerships.RepresentativeStoodDown',
              ],
            },
          ]),
          reportsTo: label(b.reportsTo === null ? '–' : (boardName.get(b.reportsTo.boardId) ?? b.reportsTo.boardId)),
          lastReport: figure(b.lastReportOn, b.lastReportOn ?? 'none yet', reporting),
          nextDue: figure(dueOn, dueOn === null ? '–' : `${dueOn}${dueOn < day ? ' (overdue)' : ''}`, reporting),
        },
      }
    })

    const agreements = await source.query(agreementStatus, agreementDocs).find()
    const agreementRows = agreements.map((a) => {
      const stream = streamId('partnerships', 'agreement', a.agreementId)
      const reviewOverdue = a.reviewOn !== null && a.reviewOn < day && a.status === 'in-force'
      return {
        key: a.agreementId,
        cells: {
          agreement: label(a.title),
          kind: label(a.kind),
          status: figure(a.status, a.status, [{ stream }]),
          parties: label(a.parties.map((p) => organisations.get(p) ?? p).join('; ')),
          signed: figure(a.signed.length, `${count(a.signed.length)} of ${count(a.parties.length)}`, [
            {
              stream,
              types: ['partnerships.AgreementDrafted', 'partnerships.AgreementSigned', 'partnerships.AgreementVaried'],
            },
          ]),
          review: figure(a.reviewOn, a.reviewOn === null ? '–' : `${a.reviewOn}${reviewOverdue ? ' (overdue)' : ''}`, [
            {
              stream,
              types: [
                'partnerships.AgreementDrafted',
                'partnerships.DataSharingTermsSet',
                'partnerships.AgreementReviewed',
                'partnerships.AgreementVaried',
              ],
            },
          ]),
        },
      }
    })

    const milestoneRows = await milestoneRowsOf(source)

    const posts = await source.query(placeCoverage, postDocs).find()
    const areaName = new Map(scheme?.areas.map((a) => [a.areaId, a.name]) ?? [])
    const coverage = [...new Set(posts.map((p) => p.areaId))].sort().map((areaId) => {
      const here = posts.filter((p) => p.areaId === areaId)
      const filled = here.filter((p) => p.filledSince !== null)
      const picks = here.map((p) => ({ stream: streamId('partnerships', 'post', p.postId) }))
      return {
        key: areaId,
        cells: {
          area: label(areaName.get(areaId) ?? areaId),
          posts: figure(here.length, count(here.length), picks),
          filled: figure(filled.length, count(filled.length), picks),
          vacant: figure(here.length - filled.length, count(here.length - filled.length), picks),
        },
      }
    })
    const map = postsMap(scheme, coverage)
    return finishReport(source.log, {
      name: NAME,
      title: 'Partnership tracker',
      basis: await basisOf(source, scheme === undefined ? [] : [scheme.label]),
      notes: [`Dues and reviews are judged on ${day}. Representatives are counted, never named.`],
      tables: tablesOf(boardRows, agreementRows, milestoneRows, coverage),
      maps: scheme === undefined || coverage.length === 0 ? [] : [map],
      charts: [],
    })
  },
}

type Rows = DraftTable['rows']
const tablesOf = (boardRows: Rows, agreementRows: Rows, milestoneRows: Rows, coverage: Rows): DraftTable[] => [
  {
    id: 'boards',
    title: 'Boards: members, seats and reports due',
    columns: [
      { id: 'board', label: 'Board', kind: 'label' },
      { id: 'members', label: 'Members', kind: 'count' },
      { id: 'seats', label: 'Seats', kind: 'count' },
      { id: 'filled', label: 'Seats filled', kind: 'count' },
      { id: 'reportsTo', label: 'Reports to', kind: 'label' },
      { id: 'lastReport', label: 'Last report', kind: 'date' },
      { id: 'nextDue', label: 'Next report due', kind: 'date' },
    ],
    rows: boardRows,
  },
  {
    id: 'agreements',
    title: 'Agreements: signatures and reviews',
    columns: [
      { id: 'agreement', label: 'Agreement', kind: 'label' },
      { id: 'kind', label: 'Kind', kind: 'label' },
      { id: 'status', label: 'Status', kind: 'text' },
      { id: 'parties', label: 'Parties', kind: 'label' },
      { id: 'signed', label: 'Signed', kind: 'count' },
      { id: 'review', label: 'Review', kind: 'date' },
    ],
    rows: agreementRows,
  },
  {
    id: 'milestones',
    title: 'Workstream milestones',
    columns: [
      { id: 'workstream', label: 'Workstream', kind: 'label' },
      { id: 'milestone', label: 'Milestone', kind: 'label' },
      { id: 'due', label: 'Due', kind: 'date' },
      { id: 'status', label: 'Status', kind: 'text' },
    ],
    rows: milestoneRows,
  },
  {
    id: 'posts',
    title: 'Post coverage by service delivery area',
    columns: [
      { id: 'area', label: 'Area', kind: 'label' },
      { id: 'posts', label: 'Posts', kind: 'count' },
      { id: 'filled', label: 'Filled', kind: 'count' },
      { id: 'vacant', label: 'Vacant', kind: 'count' },
    ],
    rows: coverage,
  },
]

const postsMap = (scheme: SchemeInUse | undefined, coverage: Rows): MapSpec => {
  const filledByArea = new Map(
    coverage.flatMap((c) => (c.cells['filled'] === undefined ? [] : [[c.key, c.cells['filled']] as const])),
  )
  const map: MapSpec = {
    id: 'posts-map',
    title: 'Place-based posts filled, by service delivery area',
    layer: 'service-delivery-area',
    groups: Object.fromEntries(scheme?.lsoasOfArea ?? []),
    areas: (scheme?.areas ?? []).map((a) => {
      const cell = filledByArea.get(a.areaId)
      return {
        code: a.areaId,
        name: a.name,
        value: cell === undefined ? 0 : Number(cell.value),
        text: cell === undefined ? 'no posts' : `${cell.text} filled`,
        ...(cell === undefined ? {} : { cell: cellId('posts', a.areaId, 'filled') }),
      }
    }),
    legend: 'Co-ordinator and link-worker posts filled',
  }

  return map
}

/** Each milestone of each programme's workstreams, earliest due first: reached, due or overdue. */
const milestoneRowsOf = async (source: ReportSource): Promise<Rows> => {
  const day = source.day
  const workstreams = new Map(
    (await source.query(programmeTracker, workstreamDocs).find()).map((w) => [
      `${w.programmeId}/${w.workstreamId}`,
      w.name,
    ]),
  )
  const milestones = [...(await source.query(programmeTracker, milestoneDocs).find())].sort((a, b) =>
    a.due === b.due ? a.milestoneId.localeCompare(b.milestoneId) : a.due.localeCompare(b.due),
  )
  const milestoneRows = milestones.map((m) => {
    const stream = streamId('partnerships', 'programme', m.programmeId)
    const status = m.reachedOn !== null ? `reached ${m.reachedOn}` : m.due < day ? 'overdue' : 'due'
    return {
      key: `${m.programmeId}.${m.milestoneId}`,
      cells: {
        workstream: label(workstreams.get(`${m.programmeId}/${m.workstreamId}`) ?? m.workstreamId),
        milestone: label(m.description),
        due: label(m.due),
        status: figure(status, status, [
          {
            stream,
            types: ['partnerships.MilestoneSet', 'partnerships.MilestoneReached'],
            where: { milestoneId: m.milestoneId },
          },
        ]),
      },
    }
  })

  return milestoneRows
}
