/**
 * The `grants-publishing` read model: per grant, what a 360Giving export needs — the application as
 * drafted (applicant, title, areas served, the amount asked), the award as made and varied, the
 * payments made and the money given back, the agreement and the final report's due date, the close —
 * and per fund its name, funder, regrant type, streams and rounds. Amounts stay whole pence here;
 * `threeSixtyGivingPackage` turns them into pounds.
 */
import { defineCollection, defineProjection, own } from '@civic-ledger/core'

import {
  AgreementSigned,
  ApplicationDeclined,
  ApplicationDrafted,
  ApplicationSubmitted,
  ApplicationWithdrawn,
  GrantAwarded,
  GrantClosed,
  MonitoringRequired,
  MonitoringReturned,
  PaymentMade,
  RepaymentRecorded,
  VariationApproved,
} from '../application/events'
import { FundDefined, RoundOpened, StreamAdded } from '../fund/events'

// --- documents ---

/** Where a grant is, as publishing sees it: only an awarded grant (open or closed) is published. */
export type PublishingStatus = 'draft' | 'submitted' | 'declined' | 'withdrawn' | 'awarded' | 'closed'

/** Money that moved: whole pence, and the day. */
export interface MoneyMoved {
  readonly amount: number
  readonly on: string
}

/** A document of the `grants` collection of the `grants-publishing` read model. */
export interface GrantPublishingDoc {
  readonly applicationId: string
  readonly fundId: string
  readonly streamId: string
  readonly roundId: string | null
  /** The applicant's organisation id: registered (`GB-CHC-…`) or local (`local:…`). */
  readonly applicant: string
  readonly title: string
  readonly amountRequested: number
  /** The areas the work serves, by code, as drafted. */
  readonly areas: ReadonlyArray<string>
  /** The LSOAs the application says it serves, when its draft records them; null when it does not. */
  readonly lsoas: ReadonlyArray<string> | null
  readonly outcomes: ReadonlyArray<string>
  readonly status: PublishingStatus
  /** The grant in pence, as awarded then varied; null before an award. */
  readonly awarded: number | null
  readonly awardedOn: string | null
  readonly agreementSignedOn: string | null
  /** Payments made, by payment id. */
  readonly payments: Readonly<Record<string, MoneyMoved>>
  /** Money the recipient gave back, by repayment id. */
  readonly repayments: Readonly<Record<string, MoneyMoved>>
  /** Final monitoring requirements, by id, with the day each is due. */
  readonly finalReports: Readonly<Record<string, string>>
  readonly closedOn: string | null
  /** When the ledger last recorded a change to what is published of this grant (RFC 3339). */
  readonly modifiedAt: string
}

/** A document of the `funds` collection of the `grants-publishing` read model. */
export interface FundPublishingDoc {
  readonly fundId: string
  readonly name: string
  /** The funder's organisation id. */
  readonly funder: string
  /** The fund's 360Giving regrant type (`FRG010`…), or null when it makes ordinary grants. */
  readonly regrantType: string | null
  readonly streams: Readonly<Record<string, { readonly name: string }>>
  readonly rounds: Readonly<Record<string, { readonly opensOn: string; readonly closesOn: string }>>
}

/** The `grants` collection of `grants-publishing`: per grant, what a 360Giving export needs. */
export const grantPublishingDocs = defineCollection<GrantPublishingDoc, 'fundId'>('grants', { indexes: ['fundId'] })
/**
 * The `funds` collection of `grants-publishing`: per fund, its name, funder, regrant type, streams
 * and rounds.
 */
export const fundPublishingDocs = defineCollection<FundPublishingDoc>('funds')

// --- helpers ---

const later = (a: string, b: string): string => (a > b ? a : b)

// --- the projection ---

/** The `grants-publishing` read model: what the 360Giving export of grants and funds is built from. */
export const grantPublishing = defineProjection({
  name: 'grants-publishing',
  version: 1,
  events: [
    FundDefined,
    StreamAdded,
    RoundOpened,
    ApplicationDrafted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ApplicationDeclined,
    GrantAwarded,
    AgreementSigned,
    PaymentMade,
    RepaymentRecorded,
    MonitoringRequired,
    MonitoringReturned,
    VariationApproved,
    GrantClosed,
  ],
  collections: [grantPublishingDocs, fundPublishingDocs],
  apply: async (e, ctx) => {
    const funds = ctx.collection(fundPublishingDocs)
    switch (e.type) {
      case 'grants.FundDefined': {
        const { fundId, name, funder, regrantType } = e.data
        const before = await funds.get(fundId)
        return funds.put(fundId, {
          fundId,
          name,
          funder,
          regrantType: regrantType ?? null,
          streams: before?.streams ?? {},
          rounds: before?.rounds ?? {},
        })
      }
      case 'grants.StreamAdded': {
        const fund = await funds.get(e.data.fundId)
        if (fund === undefined) return
        return funds.put(fund.fundId, {
          ...fund,
          streams: { ...fund.streams, [e.data.streamId]: { name: e.data.name } },
        })
      }
      case 'grants.RoundOpened': {
        const fund = await funds.get(e.data.fundId)
        if (fund === undefined) return
        const round = { opensOn: e.data.opensOn, closesOn: e.data.closesOn }
        return funds.put(fund.fundId, { ...fund, rounds: { ...fund.rounds, [e.data.roundId]: round } })
      }
    }
    const grants = ctx.collection(grantPublishingDocs)
    if (e.type === 'grants.ApplicationDrafted') {
      const d = e.data
      return grants.put(d.applicationId, {
        applicationId: d.applicationId,
        fundId: d.fundId,
        streamId: d.streamId,
        roundId: d.roundId ?? null,
        applicant: d.applicant,
        title: d.title,
        amountRequested: d.amountRequested,
        areas: d.areas,
        lsoas: d.lsoas ?? null,
        outcomes: d.outcomes,
        status: 'draft',
        awarded: null,
        awardedOn: null,
        agreementSignedOn: null,
        payments: {},
        repayments: {},
        finalReports: {},
        closedOn: null,
        modifiedAt: e.recordedAt,
      })
    }
    const before = await grants.get(e.data.applicationId)
    if (before === undefined) return
    const grant = { ...before, modifiedAt: later(before.modifiedAt, e.recordedAt) }
    switch (e.type) {
      case 'grants.ApplicationSubmitted':
        return grants.put(grant.applicationId, { ...grant, status: 'submitted' })
      case 'grants.ApplicationWithdrawn':
        return grants.put(grant.applicationId, { ...grant, status: 'withdrawn' })
      case 'grants.ApplicationDeclined':
        return grants.put(grant.applicationId, { ...grant, status: 'declined' })
      case 'grants.GrantAwarded':
        return grants.put(grant.applicationId, {
          ...grant,
          status: 'awarded',
          awarded: e.data.amount,
          awardedOn: e.data.on,
        })
      case 'grants.AgreementSigned':
        return grants.put(grant.applicationId, { ...grant, agreementSignedOn: e.data.on })
      case 'grants.PaymentMade': {
        const payment = { amount: e.data.amount, on: e.data.on }
        return grants.put(grant.applicationId, {
          ...grant,
          payments: { ...grant.payments, [e.data.paymentId]: payment },
        })
      }
      case 'grants.RepaymentRecorded': {
        const repayment = { amount: e.data.amount, on: e.data.on }
        return grants.put(grant.applicationId, {
          ...grant,
          repayments: { ...grant.repayments, [e.data.repaymentId]: repayment },
        })
      }
      case 'grants.MonitoringRequired':
        // Only the final report says when the funded work is meant to end; other returns are not published.
        return e.data.kind === 'final'
          ? grants.put(grant.applicationId, {
              ...grant,
              finalReports: { ...grant.finalReports, [e.data.requirementId]: e.data.dueOn },
            })
          : undefined
      case 'grants.MonitoringReturned':
        return own(grant.finalReports, e.data.requirementId) === undefined
          ? undefined
          : grants.put(grant.applicationId, {
              ...grant,
              finalReports: { ...grant.finalReports, [e.data.requirementId]: e.data.dueOn },
            })
      case 'grants.VariationApproved':
        return grants.put(grant.applicationId, { ...grant, awarded: e.data.amount })
      case 'grants.GrantClosed':
        return grants.put(grant.applicationId, { ...grant, status: 'closed', closedOn: e.data.on })
    }
  },
})
