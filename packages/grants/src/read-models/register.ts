/**
 * The application register: one document per application and the grant it becomes — what it asks
 * of which fund, stream and round, for whom and where, where it is in its life, the money (asked,
 * awarded, scheduled, paid, repaid, released), the savings projected and reported, its conditions,
 * payments, monitoring requirements and variations, and the day of each step. The other grants
 * reports and the CLI read it.
 *
 * The register is folded from the published events alone (`enterEvent`), never from the
 * aggregate's state, so it keeps its meaning whatever the aggregate keeps; `grant-totals` folds the
 * same entries to sum them. Each entry remembers the ledger position it reflects, and an event at or
 * below it is ignored, so applying an event twice cannot count its money twice.
 */
import type { EventOf, ProjectedEvent } from '@civic-ledger/core'
import { defineCollection, defineProjection, own } from '@civic-ledger/core'

import type { ApplicationDrafted, PaymentKind, RequirementKind } from '../application/events'
import type { ApplicationEvent } from '../application/events'
import { applicationEventDefinitions } from '../application/events'
import type { ApplicationStatus } from '../application/state'
import { TERMINAL } from '../application/state'

// --- model ---

/** The day of each step an application has taken, or null for a step not (yet) taken. */
export interface RegisterDates {
  readonly drafted: string
  readonly submitted: string | null
  /** The first assessor assigned. */
  readonly reviewStarted: string | null
  /** Every assessor free of a conflict had scored. */
  readonly reviewed: string | null
  readonly declined: string | null
  readonly withdrawn: string | null
  readonly awarded: string | null
  readonly offered: string | null
  readonly agreementSigned: string | null
  readonly firstPayment: string | null
  readonly fullyPaid: string | null
  readonly closed: string | null
}

/** A payment as the register lists it: kind, amount in pence, due day, status, and the day it was made. */
export interface RegisterPayment {
  readonly kind: PaymentKind
  readonly amount: number
  readonly dueOn: string
  readonly status: 'scheduled' | 'approved' | 'made' | 'cancelled'
  readonly madeOn: string | null
}
/** A monitoring requirement as the register lists it: kind, due day, status and the saving reported. */
export interface RegisterRequirement {
  readonly kind: RequirementKind
  readonly dueOn: string
  readonly status: 'due' | 'submitted' | 'accepted' | 'returned'
  /** The saving the last return reported, or null when it reported none (or none came in). */
  readonly savingReported: number | null
}

/** One application, and the grant it becomes. Amounts are whole pence. */
export interface RegisterEntry {
  readonly applicationId: string
  readonly fundId: string
  readonly streamId: string
  readonly roundId: string | null
  readonly applicant: string
  readonly title: string
  /** The area codes the application names. */
  readonly areas: ReadonlyArray<string>
  /** The LSOAs it names, when it names any. */
  readonly lsoas: ReadonlyArray<string>
  readonly outcomes: ReadonlyArray<string>
  readonly status: ApplicationStatus
  readonly requested: number
  /** The grant as awarded, then as varied; 0 before an award. */
  readonly awarded: number
  /** Scheduled or approved and not yet made. */
  readonly scheduled: number
  /** Made, in all (before repayments). */
  readonly paid: number
  readonly repaid: number
  /** Given back to the fund when the grant closed. */
  readonly released: number
  readonly projectedSaving: number | null
  /** The savings of the accepted monitoring returns. */
  readonly reportedSaving: number
  readonly conditions: ReadonlyArray<string>
  /** Why it was declined, withdrawn or closed. */
  readonly endReason: string | null
  readonly assessors: Readonly<Record<string, { readonly conflicted: boolean; readonly scored: boolean }>>
  readonly payments: Readonly<Record<string, RegisterPayment>>
  readonly requirements: Readonly<Record<string, RegisterRequirement>>
  readonly variations: Readonly<
    Record<string, { readonly amount: number; readonly status: 'requested' | 'approved' | 'rejected' }>
  >
  readonly dates: RegisterDates
  /** The ledger position of the last event folded in. */
  readonly position: number
}

/** Every event of an application's life: what the register and the totals fold. */
export const applicationLife = applicationEventDefinitions
type LifeEvent = ProjectedEvent<ApplicationEvent>

/** Whether an application has reached one of its terminal states. */
export const isEnded = (status: ApplicationStatus): boolean => TERMINAL.includes(status)

// --- folding ---

/** The LSOAs of a draft, read as optional: the field is newer than the event. */
const drafted = (e: EventOf<typeof ApplicationDrafted>, position: number): RegisterEntry => {
  const { applicationId, fundId, streamId, roundId, applicant, title, areas, outcomes, amountRequested, on } = e.data
  return {
    applicationId,
    fundId,
    streamId,
    roundId: roundId ?? null,
    applicant,
    title,
    areas,
    lsoas: e.data.lsoas ?? [],
    outcomes,
    status: 'draft',
    requested: amountRequested,
    awarded: 0,
    scheduled: 0,
    paid: 0,
    repaid: 0,
    released: 0,
    projectedSaving: e.data.projectedSaving ?? null,
    reportedSaving: 0,
    conditions: [],
    endReason: null,
    assessors: {},
    payments: {},
    requirements: {},
    variations: {},
    dates: {
      drafted: on,
      submitted: null,
      reviewStarted: null,
      reviewed: null,
      declined: null,
      withdrawn: null,
      awarded: null,
      offered: null,
      agreementSigned: null,
      firstPayment: null,
      fullyPaid: null,
      closed: null,
    },
    position,
  }
}

const dated = (s: RegisterEntry, step: keyof RegisterDates, on: string): RegisterEntry =>
  s.dates[step] === null ? { ...s, dates: { ...s.dates, [step]: on } } : s

/** Review: reviewed once every assessor free of a conflict has scored (as the aggregate has it). */
const withAssessor = (s: RegisterEntry, assessor: string, on: string, scored?: boolean, conflicted?: boolean) => {
  const held = own(s.assessors, assessor) ?? { conflicted: false, scored: false }
  const assessors = {
    ...s.assessors,
    [assessor]: { conflicted: conflicted ?? held.conflicted, scored: scored ?? held.scored },
  }
  const inReview = s.status === 'submitted' || s.status === 'in-review' || s.status === 'reviewed'
  if (!inReview) return { ...s, assessors }
  const free = Object.values(assessors).filter((a) => !a.conflicted)
  const status: ApplicationStatus = free.length > 0 && free.every((a) => a.scored) ? 'reviewed' : 'in-review'
  const next = dated({ ...s, assessors, status }, 'reviewStarted', on)
  return status === 'reviewed' ? dated(next, 'reviewed', on) : next
}

/** After money moves or the grant changes: fully paid when all of it is paid. */
const withPaidStatus = (s: RegisterEntry, on: string): RegisterEntry => {
  if (s.status !== 'awarded' && s.status !== 'fully-paid') return s
  if (s.paid >= s.awarded) return dated({ ...s, status: 'fully-paid' }, 'fullyPaid', on)
  return { ...s, status: 'awarded', dates: { ...s.dates, fullyPaid: null } }
}

const withPayment = (s: RegisterEntry, id: string, change: Partial<RegisterPayment>): RegisterEntry => {
  const payment = own(s.payments, id)
  return payment === undefined ? s : { ...s, payments: { ...s.payments, [id]: { ...payment, ...change } } }
}

const withRequirement = (s: RegisterEntry, id: string, change: Partial<RegisterRequirement>): RegisterEntry => {
  const requirement = own(s.requirements, id)
  if (requirement === undefined) return s
  const requirements = { ...s.requirements, [id]: { ...requirement, ...change } }
  const reportedSaving = Object.values(requirements).reduce(
    (sum, r) => sum + (r.status === 'accepted' ? (r.savingReported ?? 0) : 0),
    0,
  )
  return { ...s, requirements, reportedSaving }
}

const evolveEntry = (s: RegisterEntry, e: LifeEvent): RegisterEntry => {
  const on = e.data.on
  switch (e.type) {
    case 'grants.ApplicationDrafted':
      return s
    case 'grants.ApplicationSubmitted':
      return dated({ ...s, status: 'submitted' }, 'submitted', on)
    case 'grants.ApplicationWithdrawn':
      return dated({ ...s, status: 'withdrawn', endReason: e.data.reason }, 'withdrawn', on)
    case 'grants.AssessorAssigned':
      return withAssessor(s, e.data.assessor, on)
    case 'grants.ConflictDeclared':
      return withAssessor(s, e.data.assessor, on, undefined, true)
    case 'grants.ApplicationScored':
      return withAssessor(s, e.data.assessor, on, true)
    case 'grants.ApplicationDeclined':
      return dated({ ...s, status: 'declined', endReason: e.data.reason }, 'declined', on)
    case 'grants.GrantAwarded':
      return dated({ ...s, status: 'awarded', awarded: e.data.amount, conditions: e.data.conditions }, 'awarded', on)
    case 'grants.GrantOffered':
      return dated(s, 'offered', on)
    case 'grants.AgreementSigned':
      return dated(s, 'agreementSigned', on)
    case 'grants.PaymentScheduled': {
      const { paymentId, kind, amount, dueOn } = e.data
      return {
        ...s,
        scheduled: s.scheduled + amount,
        payments: { ...s.payments, [paymentId]: { kind, amount, dueOn, status: 'scheduled', madeOn: null } },
      }
    }
    case 'grants.PaymentApproved':
      return withPayment(s, e.data.paymentId, { status: 'approved' })
    case 'grants.PaymentMade': {
      const made = withPayment(s, e.data.paymentId, { status: 'made', madeOn: on })
      const paid = { ...made, scheduled: s.scheduled - e.data.amount, paid: s.paid + e.data.amount }
      return withPaidStatus(dated(paid, 'firstPayment', on), on)
    }
    case 'grants.PaymentCancelled': {
      const payment = own(s.payments, e.data.paymentId)
      const promised = payment !== undefined && (payment.status === 'scheduled' || payment.status === 'approved')
      const cancelled = withPayment(s, e.data.paymentId, { status: 'cancelled' })
      return promised ? { ...cancelled, scheduled: s.scheduled - payment.amount } : cancelled
    }
    case 'grants.RepaymentRecorded':
      return { ...s, repaid: s.repaid + e.data.amount }
    case 'grants.MonitoringRequired': {
      const { requirementId, kind, dueOn } = e.data
      return {
        ...s,
        requirements: { ...s.requirements, [requirementId]: { kind, dueOn, status: 'due', savingReported: null } },
      }
    }
    case 'grants.MonitoringSubmitted':
      return withRequirement(s, e.data.requirementId, {
        status: 'submitted',
        savingReported: e.data.savingReported ?? null,
      })
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
      const varied = {
        ...s,
        awarded: e.data.amount,
        variations: { ...s.variations, [e.data.variationId]: { amount: e.data.amount, status: 'approved' as const } },
      }
      return withPaidStatus(varied, on)
    }
    case 'grants.VariationRejected': {
      const variation = own(s.variations, e.data.variationId)
      return variation === undefined
        ? s
        : { ...s, variations: { ...s.variations, [e.data.variationId]: { ...variation, status: 'rejected' } } }
    }
    case 'grants.GrantClosed':
      return dated({ ...s, status: 'closed', released: e.data.released, endReason: e.data.reason }, 'closed', on)
  }
}

/**
 * The register entry after `e`: a new entry for a draft, the entry changed for any later event, and
 * the entry as it was for an event it already reflects. Undefined for an application never drafted.
 */
export const enterEvent = (before: RegisterEntry | undefined, e: LifeEvent): RegisterEntry | undefined => {
  if (before !== undefined && e.position <= before.position) return before
  if (e.type === 'grants.ApplicationDrafted') return drafted(e, e.position)
  return before === undefined ? undefined : { ...evolveEntry(before, e), position: e.position }
}

// --- the projection ---

/** The `applications` collection of `grants-register`: one entry per application and the grant it becomes. */
export const registerDocs = defineCollection<RegisterEntry, 'fundId' | 'status'>('applications', {
  indexes: ['fundId', 'status'],
})

/** The `grants-register` read model: every application, its money, its steps and their days. */
export const grantsRegister = defineProjection({
  name: 'grants-register',
  version: 1,
  events: applicationLife,
  collections: [registerDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(registerDocs)
    const before = await docs.get(e.data.applicationId)
    const after = enterEvent(before, e)
    if (after !== undefined && after !== before) await docs.put(after.applicationId, after)
  },
})
