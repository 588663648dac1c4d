/** What is recorded of an application, from draft to an award or its end. Amounts are whole pence. */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString, Pence } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/**
 * An application was drafted against a fund and stream (and round, if any): the applicant, its
 * title, the amount asked in pence, the areas served and the outcomes.
 */
export const ApplicationDrafted = defineEvent({
  type: 'grants.ApplicationDrafted',
  codec: t.readonly(
    t.intersection([
      t.type({
        applicationId: Id,
        fundId: Id,
        streamId: Id,
        applicant: Id,
        title: NonEmptyString,
        amountRequested: Pence,
        /** The areas the work serves, by code. */
        areas: t.readonlyArray(NonEmptyString),
        outcomes: t.readonlyArray(NonEmptyString),
        on: IsoDate,
      }),
      t.partial({
        roundId: Id,
        projectedSaving: Pence,
        /** The kind of organisation applying, as the fund names kinds. */
        applicantType: NonEmptyString,
        /** The LSOAs the areas hold, by the place index it was drafted on: sorted, each once. */
        lsoas: t.readonlyArray(NonEmptyString),
        /** The county councillor it was made with, and the division they represented on its date. */
        councillor: t.readonly(t.type({ councillorId: Id, name: NonEmptyString, division: Id })),
      }),
    ]),
  ),
})
/** An application was submitted on a day. */
export const ApplicationSubmitted = defineEvent({
  type: 'grants.ApplicationSubmitted',
  codec: t.readonly(t.type({ applicationId: Id, on: IsoDate })),
})
/** An application was withdrawn by its applicant, with a reason. */
export const ApplicationWithdrawn = defineEvent({
  type: 'grants.ApplicationWithdrawn',
  codec: t.readonly(t.type({ applicationId: Id, reason: NonEmptyString, on: IsoDate })),
})
/** An application was declined, with a reason. */
export const ApplicationDeclined = defineEvent({
  type: 'grants.ApplicationDeclined',
  codec: t.readonly(t.type({ applicationId: Id, reason: NonEmptyString, on: IsoDate })),
})
/** The panel's award: the amount, within the limits and the fund's remaining budget, and its conditions. */
export const GrantAwarded = defineEvent({
  type: 'grants.GrantAwarded',
  codec: t.readonly(
    t.type({ applicationId: Id, fundId: Id, amount: Pence, conditions: t.readonlyArray(NonEmptyString), on: IsoDate }),
  ),
})

// --- review ---

/** An assessor was assigned to an application. */
export const AssessorAssigned = defineEvent({
  type: 'grants.AssessorAssigned',
  codec: t.readonly(t.type({ applicationId: Id, assessor: Id, on: IsoDate })),
})
/** An assessor's interest in the application: from now on they cannot score it. */
export const ConflictDeclared = defineEvent({
  type: 'grants.ConflictDeclared',
  codec: t.readonly(t.type({ applicationId: Id, assessor: Id, interest: NonEmptyString, on: IsoDate })),
})
/** One criterion's score: a whole number from 0 to `outOf`. */
export const Score = t.readonly(t.type({ criterion: NonEmptyString, score: t.Int, outOf: t.Int }), 'Score')
export type Score = t.TypeOf<typeof Score>
/** An assessor's scores of an application, criterion by criterion. */
export const ApplicationScored = defineEvent({
  type: 'grants.ApplicationScored',
  codec: t.readonly(t.type({ applicationId: Id, assessor: Id, scores: t.readonlyArray(Score), on: IsoDate })),
})

// --- the grant ---

/** The offer of the grant on the terms awarded, to be accepted by the recipient's signature. */
export const GrantOffered = defineEvent({
  type: 'grants.GrantOffered',
  codec: t.readonly(t.type({ applicationId: Id, on: IsoDate })),
})
/** The grant agreement signed for the recipient: from now on payments may be approved and made. */
export const AgreementSigned = defineEvent({
  type: 'grants.AgreementSigned',
  codec: t.readonly(t.type({ applicationId: Id, signedBy: NonEmptyString, on: IsoDate })),
})

// --- payments ---

/** When in the grant's life a payment falls. */
export const PaymentKind = t.keyof({ initial: null, interim: null, final: null }, 'PaymentKind')
export type PaymentKind = t.TypeOf<typeof PaymentKind>
/** A payment of a grant was scheduled: its kind, amount in pence and due day. */
export const PaymentScheduled = defineEvent({
  type: 'grants.PaymentScheduled',
  codec: t.readonly(
    t.type({ applicationId: Id, paymentId: Id, kind: PaymentKind, amount: Pence, dueOn: IsoDate, on: IsoDate }),
  ),
})
/** A scheduled payment was approved. */
export const PaymentApproved = defineEvent({
  type: 'grants.PaymentApproved',
  codec: t.readonly(t.type({ applicationId: Id, paymentId: Id, on: IsoDate })),
})
/** Money paid to the recipient: the amount scheduled, on the day it left the funder's account. */
export const PaymentMade = defineEvent({
  type: 'grants.PaymentMade',
  codec: t.readonly(
    t.intersection([
      t.type({ applicationId: Id, paymentId: Id, amount: Pence, on: IsoDate }),
      t.partial({ reference: NonEmptyString }),
    ]),
  ),
})
/** A payment not yet made was cancelled, with a reason. */
export const PaymentCancelled = defineEvent({
  type: 'grants.PaymentCancelled',
  codec: t.readonly(t.type({ applicationId: Id, paymentId: Id, reason: NonEmptyString, on: IsoDate })),
})
/** Unspent money the recipient gave back. */
export const RepaymentRecorded = defineEvent({
  type: 'grants.RepaymentRecorded',
  codec: t.readonly(t.type({ applicationId: Id, repaymentId: Id, amount: Pence, reason: NonEmptyString, on: IsoDate })),
})

// --- monitoring ---

/** What a monitoring requirement asks for: a progress report, or the outcomes and saving achieved. */
export const RequirementKind = t.keyof({ progress: null, outcomes: null, final: null }, 'RequirementKind')
export type RequirementKind = t.TypeOf<typeof RequirementKind>
/** A monitoring requirement was set on a grant: its kind, what it asks, and its due day. */
export const MonitoringRequired = defineEvent({
  type: 'grants.MonitoringRequired',
  codec: t.readonly(
    t.type({
      applicationId: Id,
      requirementId: Id,
      kind: RequirementKind,
      description: NonEmptyString,
      dueOn: IsoDate,
      on: IsoDate,
    }),
  ),
})
/** A monitoring return: what was done, the outcomes achieved and, when reported, the saving to public services. */
export const MonitoringSubmitted = defineEvent({
  type: 'grants.MonitoringSubmitted',
  codec: t.readonly(
    t.intersection([
      t.type({
        applicationId: Id,
        requirementId: Id,
        summary: NonEmptyString,
        outcomesAchieved: t.readonlyArray(NonEmptyString),
        on: IsoDate,
      }),
      t.partial({ savingReported: Pence }),
    ]),
  ),
})
/** A monitoring return was accepted. */
export const MonitoringAccepted = defineEvent({
  type: 'grants.MonitoringAccepted',
  codec: t.readonly(t.type({ applicationId: Id, requirementId: Id, on: IsoDate })),
})
/** A return sent back: the reason, and the day a new one is due. */
export const MonitoringReturned = defineEvent({
  type: 'grants.MonitoringReturned',
  codec: t.readonly(
    t.type({ applicationId: Id, requirementId: Id, reason: NonEmptyString, dueOn: IsoDate, on: IsoDate }),
  ),
})

// --- variations and the end ---

/** A request to change the amount of the grant to `amount` (the new total), with the reason. */
export const VariationRequested = defineEvent({
  type: 'grants.VariationRequested',
  codec: t.readonly(t.type({ applicationId: Id, variationId: Id, amount: Pence, reason: NonEmptyString, on: IsoDate })),
})
/** A variation approved by the panel: the grant is now `amount`, was `previous`. */
export const VariationApproved = defineEvent({
  type: 'grants.VariationApproved',
  codec: t.readonly(
    t.type({ applicationId: Id, variationId: Id, fundId: Id, amount: Pence, previous: Pence, on: IsoDate }),
  ),
})
/** A variation asked for was rejected, with a reason. */
export const VariationRejected = defineEvent({
  type: 'grants.VariationRejected',
  codec: t.readonly(t.type({ applicationId: Id, variationId: Id, reason: NonEmptyString, on: IsoDate })),
})
/**
 * The grant closed: what was paid and repaid, and what was released back to the fund (the award
 * less what was kept).
 */
export const GrantClosed = defineEvent({
  type: 'grants.GrantClosed',
  codec: t.readonly(
    t.type({
      applicationId: Id,
      fundId: Id,
      paid: Pence,
      repaid: Pence,
      released: Pence,
      reason: NonEmptyString,
      on: IsoDate,
    }),
  ),
})

/** Every event of an application's life, in the order it may happen. */
export const applicationEventDefinitions = [
  ApplicationDrafted,
  ApplicationSubmitted,
  ApplicationWithdrawn,
  AssessorAssigned,
  ConflictDeclared,
  ApplicationScored,
  ApplicationDeclined,
  GrantAwarded,
  GrantOffered,
  AgreementSigned,
  PaymentScheduled,
  PaymentApproved,
  PaymentMade,
  PaymentCancelled,
  RepaymentRecorded,
  MonitoringRequired,
  MonitoringSubmitted,
  MonitoringAccepted,
  MonitoringReturned,
  VariationRequested,
  VariationApproved,
  VariationRejected,
  GrantClosed,
] as const
/** The catalog of a grant application's events: encodes new ones, and upcasts and decodes stored ones. */
export const applicationEvents = eventCatalog(...applicationEventDefinitions)
/** An event of a grant application's stream: one of those `applicationEvents` encodes and decodes. */
export type ApplicationEvent = CatalogEvent<typeof applicationEvents>
