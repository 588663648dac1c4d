/**
 * What can be asked of an application itself, from submission to its last monitoring return.
 * Drafting (checked against the fund), submitting (in an open round), awarding, approving a
 * variation and closing the grant are decisions across the application and its fund: `drafts`,
 * `submissions`, `awards`, `variations` and `closures`. Amounts are whole pence.
 */
import { IsoDate, NonEmptyString, Pence } from '@civic-ledger/core'
import * as t from 'io-ts'

import { ApplicationId, AssessorId, PaymentId, RepaymentId, RequirementId, VariationId } from '../ids'
import { PaymentKind, RequirementKind } from './events'

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), applicationId: ApplicationId, on: IsoDate, ...props }))

// --- review ---

/** The applicant withdraws their application, with a reason. */
export const WithdrawApplication = command('WithdrawApplication', { reason: NonEmptyString })
/** Assigns an assessor to an application. */
export const AssignAssessor = command('AssignAssessor', { assessor: AssessorId })
/** An assessor declares a conflict of interest in an application: they may not then score it. */
export const DeclareConflict = command('DeclareConflict', { assessor: AssessorId, interest: NonEmptyString })
const ScoreInput = t.readonly(t.type({ criterion: NonEmptyString, score: t.Int, outOf: t.Int }))
/** An assessor scores an application, criterion by criterion, each score out of a maximum. */
export const ScoreApplication = command('ScoreApplication', {
  assessor: AssessorId,
  scores: t.readonlyArray(ScoreInput),
})
/** The panel declines an application, with a reason. */
export const DeclineApplication = command('DeclineApplication', { reason: NonEmptyString })

// --- the grant ---

/** Offers the awarded grant to the applicant. */
export const OfferGrant = command('OfferGrant', {})
/** The applicant signs the grant agreement; `signedBy` names who signed. */
export const SignGrantAgreement = command('SignGrantAgreement', { signedBy: NonEmptyString })

// --- payments ---

/** Schedules a payment of the grant: its kind, amount in pence and due day. */
export const SchedulePayment = command('SchedulePayment', {
  paymentId: PaymentId,
  kind: PaymentKind,
  amount: Pence,
  dueOn: IsoDate,
})
/** Approves a scheduled payment. */
export const ApprovePayment = command('ApprovePayment', { paymentId: PaymentId })
/** Records an approved payment as made, with its reference if given. */
export const MakePayment = t.readonly(
  t.intersection([command('MakePayment', { paymentId: PaymentId }), t.partial({ reference: NonEmptyString })]),
)
/** Cancels a payment not yet made, with a reason. */
export const CancelPayment = command('CancelPayment', { paymentId: PaymentId, reason: NonEmptyString })
/** Records money the grantee paid back, in pence, with a reason. */
export const RecordRepayment = command('RecordRepayment', {
  repaymentId: RepaymentId,
  amount: Pence,
  reason: NonEmptyString,
})

// --- monitoring ---

/** Sets a monitoring requirement of the grant: its kind, what it asks, and its due day. */
export const RequireMonitoring = command('RequireMonitoring', {
  requirementId: RequirementId,
  kind: RequirementKind,
  description: NonEmptyString,
  dueOn: IsoDate,
})
/** The grantee submits a monitoring return: a summary, the outcomes achieved, and the saving made (pence). */
export const SubmitMonitoring = t.readonly(
  t.intersection([
    command('SubmitMonitoring', {
      requirementId: RequirementId,
      summary: NonEmptyString,
      outcomesAchieved: t.readonlyArray(NonEmptyString),
    }),
    t.partial({ savingReported: Pence }),
  ]),
)
/** Accepts a submitted monitoring return. */
export const AcceptMonitoring = command('AcceptMonitoring', { requirementId: RequirementId })
/** Sends a monitoring return back, with a reason and a new due day. */
export const ReturnMonitoring = command('ReturnMonitoring', {
  requirementId: RequirementId,
  reason: NonEmptyString,
  dueOn: IsoDate,
})

// --- variations ---

/** Asks for the grant to become `amount` in all (not a change by `amount`). */
export const RequestVariation = command('RequestVariation', {
  variationId: VariationId,
  amount: Pence,
  reason: NonEmptyString,
})
/** The panel rejects a variation asked for, with a reason. */
export const RejectVariation = command('RejectVariation', { variationId: VariationId, reason: NonEmptyString })

/** The codec of the commands a grant application takes. */
export const ApplicationCommand = t.union([
  WithdrawApplication,
  AssignAssessor,
  DeclareConflict,
  ScoreApplication,
  DeclineApplication,
  OfferGrant,
  SignGrantAgreement,
  SchedulePayment,
  ApprovePayment,
  MakePayment,
  CancelPayment,
  RecordRepayment,
  RequireMonitoring,
  SubmitMonitoring,
  AcceptMonitoring,
  ReturnMonitoring,
  RequestVariation,
  RejectVariation,
])
/** A command a grant application takes, as decoded. */
export type ApplicationCommand = t.TypeOf<typeof ApplicationCommand>
/** A command to a grant application as an app sends it to `ledger.execute`, before decoding. */
export type ApplicationCommandInput = t.OutputOf<typeof ApplicationCommand>
