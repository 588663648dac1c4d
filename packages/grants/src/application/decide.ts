/**
 * The rules of an application's own steps.
 *
 * - **Review**: withdrawn by the applicant before a decision; assessors assigned once submitted;
 *   an assessor who declares a conflict cannot score, and their score, if given, no longer counts;
 *   each assessor scores once, every criterion once, from 0 to its maximum; declined by the panel
 *   once submitted and before a decision.
 * - **The grant**: offered once awarded; the agreement signed once offered.
 * - **Money**: `awarded − paid − scheduled ≥ 0` always — a payment is scheduled only from what is
 *   left; no payment is approved or made before the agreement is signed; a payment is approved
 *   before it is made, and cancelled only before; a repayment is no more than what was paid and not
 *   yet repaid; the amount of a grant changes only by a variation the panel approves (`variations`).
 * - **Monitoring**: requirements due on a day; a return submitted when due or returned, then
 *   accepted or returned with a new due date.
 *
 * An application that is declined, withdrawn or closed takes no further step: it has reached its
 * one end.
 */
import type { DomainError, Pence } from '@civic-ledger/core'
import { accept, duplicates, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { ApplicationCommand } from './commands'
import type { ApplicationEvent } from './events'
import {
  AgreementSigned,
  ApplicationDeclined,
  ApplicationScored,
  ApplicationWithdrawn,
  AssessorAssigned,
  ConflictDeclared,
  GrantOffered,
  MonitoringAccepted,
  MonitoringRequired,
  MonitoringReturned,
  MonitoringSubmitted,
  PaymentApproved,
  PaymentCancelled,
  PaymentMade,
  PaymentScheduled,
  RepaymentRecorded,
  VariationRejected,
  VariationRequested,
} from './events'
import type { ApplicationRecord, ApplicationState, ApplicationStatus } from './state'
import { TERMINAL, unscheduled } from './state'

type Decided = Either<DomainError, ReadonlyArray<ApplicationEvent>>
type CommandOf<T extends ApplicationCommand['type']> = Extract<ApplicationCommand, { readonly type: T }>

const IN_REVIEW: ReadonlyArray<ApplicationStatus> = ['submitted', 'in-review', 'reviewed']
const GRANT: ReadonlyArray<ApplicationStatus> = ['awarded', 'fully-paid']

/** Whether the application is a grant: awarded, and not closed. */
export const isGrant = (s: ApplicationRecord): boolean => GRANT.includes(s.status)

/** The refusal for a step the application's status does not allow, or undefined when it does. */
export const statusProblem = (
  s: ApplicationRecord,
  id: string,
  allowed: ReadonlyArray<ApplicationStatus>,
  what: string,
): DomainError | undefined => {
  if (allowed.includes(s.status)) return undefined
  if (TERMINAL.includes(s.status)) return { code: 'application-ended', message: `application ${id} is ${s.status}` }
  if (s.status === 'draft') return { code: 'not-submitted', message: `application ${id} is a draft: ${what}` }
  return GRANT.includes(s.status)
    ? { code: 'decided', message: `application ${id} is ${s.status}: ${what}` }
    : { code: 'not-awarded', message: `application ${id} is ${s.status}, not a grant: ${what}` }
}

const guarded = (problem: DomainError | undefined, then: () => Decided): Decided =>
  problem === undefined ? then() : reject(problem.code, problem.message)

// --- review ---

const withdraw = (c: CommandOf<'WithdrawApplication'>, s: ApplicationRecord): Decided =>
  guarded(
    statusProblem(s, c.applicationId, ['draft', ...IN_REVIEW], 'it can no longer be withdrawn; close the grant'),
    () =>
      accept<ApplicationEvent>(
        ApplicationWithdrawn.create({ applicationId: c.applicationId, reason: c.reason, on: c.on }),
      ),
  )

const assignAssessor = (c: CommandOf<'AssignAssessor'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, IN_REVIEW, 'no assessor is assigned now'), () =>
    own(s.assessors, c.assessor) !== undefined
      ? reject('assessor-assigned', `${c.assessor} is an assessor of application ${c.applicationId} already`)
      : accept<ApplicationEvent>(
          AssessorAssigned.create({ applicationId: c.applicationId, assessor: c.assessor, on: c.on }),
        ),
  )

const declareConflict = (c: CommandOf<'DeclareConflict'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, IN_REVIEW, 'its review is over'), () => {
    const assessor = own(s.assessors, c.assessor)
    if (assessor === undefined)
      return reject('not-assessor', `${c.assessor} is not an assessor of application ${c.applicationId}`)
    if (assessor.conflicted) return reject('conflict-declared', `${c.assessor} has declared a conflict already`)
    return accept<ApplicationEvent>(
      ConflictDeclared.create({
        applicationId: c.applicationId,
        assessor: c.assessor,
        interest: c.interest,
        on: c.on,
      }),
    )
  })

const scoreProblem = (c: CommandOf<'ScoreApplication'>): string | undefined => {
  if (c.scores.length === 0) return 'a score names at least one criterion'
  const twice = duplicates(c.scores.map((s) => s.criterion))
  if (twice.length > 0) return `a criterion is scored twice: ${twice.join(', ')}`
  const wrong = c.scores.filter((s) => s.outOf < 1 || s.score < 0 || s.score > s.outOf)
  return wrong.length > 0
    ? `a score is a whole number from 0 to its maximum of at least 1: ${wrong.map((s) => `${s.criterion} ${s.score}/${s.outOf}`).join(', ')}`
    : undefined
}

const score = (c: CommandOf<'ScoreApplication'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, IN_REVIEW, 'its review is over'), () => {
    const assessor = own(s.assessors, c.assessor)
    if (assessor === undefined)
      return reject('not-assessor', `${c.assessor} is not an assessor of application ${c.applicationId}`)
    if (assessor.conflicted)
      return reject(
        'conflicted',
        `${c.assessor} has declared a conflict and cannot score application ${c.applicationId}`,
      )
    if (assessor.scored) return reject('already-scored', `${c.assessor} has scored application ${c.applicationId}`)
    const problem = scoreProblem(c)
    if (problem !== undefined) return reject('invalid-score', problem)
    return accept<ApplicationEvent>(
      ApplicationScored.create({
        applicationId: c.applicationId,
        assessor: c.assessor,
        scores: c.scores.map((x) => ({ criterion: x.criterion, score: x.score, outOf: x.outOf })),
        on: c.on,
      }),
    )
  })

const decline = (c: CommandOf<'DeclineApplication'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, IN_REVIEW, 'it is not awaiting a decision'), () =>
    accept<ApplicationEvent>(
      ApplicationDeclined.create({ applicationId: c.applicationId, reason: c.reason, on: c.on }),
    ),
  )

// --- the grant ---

const offer = (c: CommandOf<'OfferGrant'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is offered'), () =>
    s.offered
      ? reject('offered', `the grant of application ${c.applicationId} is offered already`)
      : accept<ApplicationEvent>(GrantOffered.create({ applicationId: c.applicationId, on: c.on })),
  )

const sign = (c: CommandOf<'SignGrantAgreement'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant has an agreement'), () => {
    if (!s.offered) return reject('not-offered', `the grant of application ${c.applicationId} has not been offered`)
    if (s.agreementSigned) return reject('signed', `the agreement for application ${c.applicationId} is signed already`)
    return accept<ApplicationEvent>(
      AgreementSigned.create({ applicationId: c.applicationId, signedBy: c.signedBy, on: c.on }),
    )
  })

// --- payments ---

const schedule = (c: CommandOf<'SchedulePayment'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is paid'), () => {
    if (own(s.payments, c.paymentId) !== undefined)
      return reject('payment-exists', `payment ${c.paymentId} is scheduled already`)
    if (c.amount === 0) return reject('invalid-amount', 'a payment is at least 1p')
    const left = unscheduled(s)
    if (c.amount > left)
      return reject(
        'payment-exceeds-award',
        `${c.amount}p is more than the ${left}p of the ${s.awarded}p grant not yet paid or scheduled`,
      )
    return accept<ApplicationEvent>(
      PaymentScheduled.create({
        applicationId: c.applicationId,
        paymentId: c.paymentId,
        kind: c.kind,
        amount: c.amount,
        dueOn: c.dueOn,
        on: c.on,
      }),
    )
  })

const paymentProblem = (
  c: { readonly applicationId: string; readonly paymentId: string },
  s: ApplicationRecord,
  wanted: 'scheduled' | 'approved',
): DomainError | undefined => {
  const payment = own(s.payments, c.paymentId)
  if (payment === undefined)
    return { code: 'unknown-payment', message: `application ${c.applicationId} has no payment ${c.paymentId}` }
  if (payment.status !== wanted)
    return {
      code: `payment-${payment.status}`,
      message: `payment ${c.paymentId} is ${payment.status}, not ${wanted}`,
    }
  return s.agreementSigned
    ? undefined
    : {
        code: 'agreement-not-signed',
        message: `no payment of application ${c.applicationId} before its grant agreement is signed`,
      }
}

const approve = (c: CommandOf<'ApprovePayment'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is paid'), () =>
    guarded(paymentProblem(c, s, 'scheduled'), () =>
      accept<ApplicationEvent>(
        PaymentApproved.create({ applicationId: c.applicationId, paymentId: c.paymentId, on: c.on }),
      ),
    ),
  )

const pay = (c: CommandOf<'MakePayment'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is paid'), () =>
    guarded(paymentProblem(c, s, 'approved'), () =>
      accept<ApplicationEvent>(
        PaymentMade.create({
          applicationId: c.applicationId,
          paymentId: c.paymentId,
          amount: (own(s.payments, c.paymentId)?.amount ?? 0) as Pence,
          on: c.on,
          ...(c.reference === undefined ? {} : { reference: c.reference }),
        }),
      ),
    ),
  )

const cancel = (c: CommandOf<'CancelPayment'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is paid'), () => {
    const payment = own(s.payments, c.paymentId)
    if (payment === undefined)
      return reject('unknown-payment', `application ${c.applicationId} has no payment ${c.paymentId}`)
    if (payment.status === 'made' || payment.status === 'cancelled')
      return reject(`payment-${payment.status}`, `payment ${c.paymentId} is ${payment.status}; it cannot be cancelled`)
    return accept<ApplicationEvent>(
      PaymentCancelled.create({
        applicationId: c.applicationId,
        paymentId: c.paymentId,
        reason: c.reason,
        on: c.on,
      }),
    )
  })

const repay = (c: CommandOf<'RecordRepayment'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is repaid'), () => {
    if (s.repayments.includes(c.repaymentId))
      return reject('repayment-exists', `repayment ${c.repaymentId} is recorded already`)
    if (c.amount === 0) return reject('invalid-amount', 'a repayment is at least 1p')
    const kept = s.paid - s.repaid
    if (c.amount > kept)
      return reject('repayment-exceeds-paid', `${c.amount}p is more than the ${kept}p paid and not yet repaid`)
    return accept<ApplicationEvent>(
      RepaymentRecorded.create({
        applicationId: c.applicationId,
        repaymentId: c.repaymentId,
        amount: c.amount,
        reason: c.reason,
        on: c.on,
      }),
    )
  })

// --- monitoring ---

const requireMonitoring = (c: CommandOf<'RequireMonitoring'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is monitored'), () => {
    if (own(s.requirements, c.requirementId) !== undefined)
      return reject('requirement-exists', `requirement ${c.requirementId} exists already`)
    if (c.dueOn <= c.on) return reject('invalid-date', `a requirement is due after it is set, not on ${c.dueOn}`)
    return accept<ApplicationEvent>(
      MonitoringRequired.create({
        applicationId: c.applicationId,
        requirementId: c.requirementId,
        kind: c.kind,
        description: c.description,
        dueOn: c.dueOn,
        on: c.on,
      }),
    )
  })

const requirementProblem = (
  c: { readonly applicationId: string; readonly requirementId: string },
  s: ApplicationRecord,
  wanted: ReadonlyArray<'due' | 'submitted' | 'returned'>,
): DomainError | undefined => {
  const requirement = own(s.requirements, c.requirementId)
  if (requirement === undefined)
    return {
      code: 'unknown-requirement',
      message: `application ${c.applicationId} has no requirement ${c.requirementId}`,
    }
  return wanted.some((w) => w === requirement.status)
    ? undefined
    : {
        code: `requirement-${requirement.status}`,
        message: `requirement ${c.requirementId} is ${requirement.status}, not ${wanted.join(' or ')}`,
      }
}

const submitMonitoring = (c: CommandOf<'SubmitMonitoring'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is monitored'), () =>
    guarded(requirementProblem(c, s, ['due', 'returned']), () =>
      accept<ApplicationEvent>(
        MonitoringSubmitted.create({
          applicationId: c.applicationId,
          requirementId: c.requirementId,
          summary: c.summary,
          outcomesAchieved: c.outcomesAchieved,
          on: c.on,
          ...(c.savingReported === undefined ? {} : { savingReported: c.savingReported }),
        }),
      ),
    ),
  )

const acceptMonitoring = (c: CommandOf<'AcceptMonitoring'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is monitored'), () =>
    guarded(requirementProblem(c, s, ['submitted']), () =>
      accept<ApplicationEvent>(
        MonitoringAccepted.create({ applicationId: c.applicationId, requirementId: c.requirementId, on: c.on }),
      ),
    ),
  )

const returnMonitoring = (c: CommandOf<'ReturnMonitoring'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is monitored'), () =>
    guarded(requirementProblem(c, s, ['submitted']), () =>
      c.dueOn <= c.on
        ? reject('invalid-date', `a returned requirement is due again after ${c.on}, not on ${c.dueOn}`)
        : accept<ApplicationEvent>(
            MonitoringReturned.create({
              applicationId: c.applicationId,
              requirementId: c.requirementId,
              reason: c.reason,
              dueOn: c.dueOn,
              on: c.on,
            }),
          ),
    ),
  )

// --- variations ---

/** The variation the panel has still to decide, if any. */
export const pendingVariation = (s: ApplicationRecord): string | undefined =>
  Object.entries(s.variations).find(([, v]) => v.status === 'requested')?.[0]

const requestVariation = (c: CommandOf<'RequestVariation'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is varied'), () => {
    if (own(s.variations, c.variationId) !== undefined)
      return reject('variation-exists', `variation ${c.variationId} exists already`)
    const pending = pendingVariation(s)
    if (pending !== undefined) return reject('variation-pending', `variation ${pending} is still to be decided`)
    if (c.amount === s.awarded) return reject('no-change', `the grant is ${s.awarded}p already`)
    const owed = s.paid + s.scheduled
    if (c.amount < owed) return reject('below-paid', `${c.amount}p is less than the ${owed}p paid and scheduled`)
    return accept<ApplicationEvent>(
      VariationRequested.create({
        applicationId: c.applicationId,
        variationId: c.variationId,
        amount: c.amount,
        reason: c.reason,
        on: c.on,
      }),
    )
  })

const rejectVariation = (c: CommandOf<'RejectVariation'>, s: ApplicationRecord): Decided =>
  guarded(statusProblem(s, c.applicationId, GRANT, 'only a grant is varied'), () => {
    const variation = own(s.variations, c.variationId)
    if (variation === undefined)
      return reject('unknown-variation', `application ${c.applicationId} has no variation ${c.variationId}`)
    if (variation.status !== 'requested')
      return reject('variation-decided', `variation ${c.variationId} is ${variation.status}`)
    return accept<ApplicationEvent>(
      VariationRejected.create({
        applicationId: c.applicationId,
        variationId: c.variationId,
        reason: c.reason,
        on: c.on,
      }),
    )
  })

export const decideApplication = (command: ApplicationCommand, state: ApplicationState): Decided => {
  if (state.status === 'none')
    return reject('unknown-application', `application ${command.applicationId} is not drafted`)
  switch (command.type) {
    case 'WithdrawApplication':
      return withdraw(command, state)
    case 'AssignAssessor':
      return assignAssessor(command, state)
    case 'DeclareConflict':
      return declareConflict(command, state)
    case 'ScoreApplication':
      return score(command, state)
    case 'DeclineApplication':
      return decline(command, state)
    case 'OfferGrant':
      return offer(command, state)
    case 'SignGrantAgreement':
      return sign(command, state)
    case 'SchedulePayment':
      return schedule(command, state)
    case 'ApprovePayment':
      return approve(command, state)
    case 'MakePayment':
      return pay(command, state)
    case 'CancelPayment':
      return cancel(command, state)
    case 'RecordRepayment':
      return repay(command, state)
    case 'RequireMonitoring':
      return requireMonitoring(command, state)
    case 'SubmitMonitoring':
      return submitMonitoring(command, state)
    case 'AcceptMonitoring':
      return acceptMonitoring(command, state)
    case 'ReturnMonitoring':
      return returnMonitoring(command, state)
    case 'RequestVariation':
      return requestVariation(command, state)
    case 'RejectVariation':
      return rejectVariation(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
