/**
 * An application as its stream holds it: where it is in its life, what it asks of which fund, its
 * assessors, and — once awarded — the money: the amount, what is scheduled, paid and repaid, each
 * payment, each monitoring requirement and any variation waiting for the panel.
 */
import { own } from '@civic-ledger/core'

import type { ApplicationEvent, PaymentKind, RequirementKind } from './events'

/**
 * `draft` → `submitted` → `in-review` (assessors assigned) → `reviewed` (every assessor free of a
 * conflict has scored) → `awarded` → `fully-paid` → `closed`; `declined` and `withdrawn` end it
 * early. `declined`, `withdrawn` and `closed` are the terminal states: an application reaches
 * exactly one of them, at most once.
 */
export type ApplicationStatus =
  'draft' | 'submitted' | 'in-review' | 'reviewed' | 'awarded' | 'fully-paid' | 'declined' | 'withdrawn' | 'closed'

/** The statuses an application ends in: declined, withdrawn or closed; it takes no command after them. */
export const TERMINAL: ReadonlyArray<ApplicationStatus> = ['declined', 'withdrawn', 'closed']

/** An assessor assigned to an application: whether they declared a conflict, and whether they scored. */
export interface Assessor {
  readonly conflicted: boolean
  readonly scored: boolean
}
/** A payment of a grant: its kind, amount in pence, due day and where it stands. */
export interface Payment {
  readonly kind: PaymentKind
  readonly amount: number
  readonly dueOn: string
  readonly status: 'scheduled' | 'approved' | 'made' | 'cancelled'
}
/** A monitoring requirement of a grant: its kind, due day and where its return stands. */
export interface Requirement {
  readonly kind: RequirementKind
  readonly dueOn: string
  readonly status: 'due' | 'submitted' | 'accepted' | 'returned'
}
/** A variation asked of a grant: the new amount in pence, and whether it was approved. */
export interface Variation {
  readonly amount: number
  readonly status: 'requested' | 'approved' | 'rejected'
}

/**
 * An application once drafted: its status, fund, stream and round, applicant, the money asked and
 * awarded, and the grant's payments, requirements and variations.
 */
export interface ApplicationRecord {
  readonly status: ApplicationStatus
  readonly fundId: string
  readonly streamId: string
  readonly roundId?: string
  readonly applicant: string
  readonly amountRequested: number
  readonly assessors: Readonly<Record<string, Assessor>>
  /** The grant, in pence: as awarded, then as varied. 0 before an award. */
  readonly awarded: number
  /** Scheduled or approved and not yet made: promised, not paid. */
  readonly scheduled: number
  /** Made, in all. */
  readonly paid: number
  /** Given back by the recipient, in all. */
  readonly repaid: number
  readonly offered: boolean
  readonly agreementSigned: boolean
  readonly payments: Readonly<Record<string, Payment>>
  readonly requirements: Readonly<Record<string, Requirement>>
  readonly variations: Readonly<Record<string, Variation>>
  readonly repayments: ReadonlyArray<string>
}
/** A grant application's state: what its events fold to, and what its commands are decided on. */
export type ApplicationState = { readonly status: 'none' } | ApplicationRecord

export const initialApplication: ApplicationState = { status: 'none' }

/** What is left of the grant to schedule: the award less what is paid and what is promised. */
export const unscheduled = (s: ApplicationRecord): number => s.awarded - s.paid - s.scheduled

/** Whether the application is waiting for the panel: reviewed, or submitted for a direct award. */
export const awaitingDecision = (s: ApplicationRecord): boolean =>
  s.status === 'reviewed' || (s.status === 'submitted' && s.roundId === undefined)

/** The review's state once the assessors change: reviewed when every unconflicted one has scored. */
const reviewStatus = (assessors: Readonly<Record<string, Assessor>>): ApplicationStatus => {
  const free = Object.values(assessors).filter((a) => !a.conflicted)
  return free.length > 0 && free.every((a) => a.scored) ? 'reviewed' : 'in-review'
}

/** After money moves: fully paid when all of the grant is paid, awarded while some is not. */
const paidStatus = (s: ApplicationRecord): ApplicationStatus =>
  s.status === 'closed' ? s.status : s.paid >= s.awarded ? 'fully-paid' : 'awarded'

const withPayment = (s: ApplicationRecord, id: string, change: Partial<Payment>): ApplicationRecord => {
  const payment = own(s.payments, id)
  return payment === undefined ? s : { ...s, payments: { ...s.payments, [id]: { ...payment, ...change } } }
}
const withRequirement = (s: ApplicationRecord, id: string, change: Partial<Requirement>): ApplicationRecord => {
  const requirement = own(s.requirements, id)
  return requirement === undefined
    ? s
    : { ...s, requirements: { ...s.requirements, [id]: { ...requirement, ...change } } }
}
const withAssessor = (s: ApplicationRecord, id: string, change: Partial<Assessor>): ApplicationRecord => {
  const assessors = {
    ...s.assessors,
    [id]: { ...(own(s.assessors, id) ?? { conflicted: false, scored: false }), ...change },
  }
  return { ...s, assessors, status: reviewStatus(assessors) }
}

const evolveRecord = (s: ApplicationRecord, e: ApplicationEvent): ApplicationRecord => {
  switch (e.type) {
    case 'grants.ApplicationDrafted':
      return s
    case 'grants.ApplicationSubmitted':
      return { ...s, status: 'submitted' }
    case 'grants.ApplicationWithdrawn':
      return { ...s, status: 'withdrawn' }
    case 'grants.AssessorAssigned':
      return withAssessor(s, e.data.assessor, {})
    case 'grants.ConflictDeclared':
      return withAssessor(s, e.data.assessor, { conflicted: true })
    case 'grants.ApplicationScored':
      return withAssessor(s, e.data.assessor, { scored: true })
    case 'grants.ApplicationDeclined':
      return { ...s, status: 'declined' }
    case 'grants.GrantAwarded':
      return { ...s, status: 'awarded', awarded: e.data.amount }
    case 'grants.GrantOffered':
      return { ...s, offered: true }
    case 'grants.AgreementSigned':
      return { ...s, agreementSigned: true }
    case 'grants.PaymentScheduled': {
      const { paymentId, kind, amount, dueOn } = e.data
      return {
        ...s,
        scheduled: s.scheduled + amount,
        payments: { ...s.payments, [paymentId]: { kind, amount, dueOn, status: 'scheduled' } },
      }
    }
    case 'grants.PaymentApproved':
      return withPayment(s, e.data.paymentId, { status: 'approved' })
    case 'grants.PaymentMade': {
      const made = withPayment(s, e.data.paymentId, { status: 'made' })
      const next = { ...made, scheduled: s.scheduled - e.data.amount, paid: s.paid + e.data.amount }
      return { ...next, status: paidStatus(next) }
    }
    case 'grants.PaymentCancelled': {
      const amount = own(s.payments, e.data.paymentId)?.amount ?? 0
      return { ...withPayment(s, e.data.paymentId, { status: 'cancelled' }), scheduled: s.scheduled - amount }
    }
    case 'grants.RepaymentRecorded':
      return { ...s, repaid: s.repaid + e.data.amount, repayments: [...s.repayments, e.data.repaymentId] }
    case 'grants.MonitoringRequired': {
      const { requirementId, kind, dueOn } = e.data
      return { ...s, requirements: { ...s.requirements, [requirementId]: { kind, dueOn, status: 'due' } } }
    }
    case 'grants.MonitoringSubmitted':
      return withRequirement(s, e.data.requirementId, { status: 'submitted' })
    case 'grants.MonitoringAccepted':
      return withRequirement(s, e.data.requirementId, { status: 'accepted' })
    case 'grants.MonitoringReturned':
      return withRequirement(s, e.data.requirementId, { status: 'returned', dueOn: e.data.dueOn })
    case 'grants.VariationRequested':
      return {
        ...s,
        variations: { ...s.variations, [e.data.variationId]: { amount: e.data.amount, status: 'requested' } },
      }
    case 'grants.VariationApproved': {
      const next = {
        ...s,
        awarded: e.data.amount,
        variations: { ...s.variations, [e.data.variationId]: { amount: e.data.amount, status: 'approved' as const } },
      }
      return { ...next, status: paidStatus(next) }
    }
    case 'grants.VariationRejected': {
      const variation = own(s.variations, e.data.variationId)
      return variation === undefined
        ? s
        : { ...s, variations: { ...s.variations, [e.data.variationId]: { ...variation, status: 'rejected' } } }
    }
    case 'grants.GrantClosed':
      return { ...s, status: 'closed' }
  }
}

export const evolveApplication = (s: ApplicationState, e: ApplicationEvent): ApplicationState => {
  if (e.type === 'grants.ApplicationDrafted') {
    const { fundId, streamId, roundId, applicant, amountRequested } = e.data
    return {
      status: 'draft',
      fundId,
      streamId,
      applicant,
      amountRequested,
      assessors: {},
      awarded: 0,
      scheduled: 0,
      paid: 0,
      repaid: 0,
      offered: false,
      agreementSigned: false,
      payments: {},
      requirements: {},
      variations: {},
      repayments: [],
      ...(roundId === undefined ? {} : { roundId }),
    }
  }
  return s.status === 'none' ? s : evolveRecord(s, e)
}
