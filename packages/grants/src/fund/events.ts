/**
 * What is recorded of a fund. Amounts are whole pence (`Pence`), never pounds: £2,000 is 200000.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString, Pence } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/** Who may benefit: areas included or excluded by code (any area type), applicant types, priority outcomes. */
export const Eligibility = t.readonly(
  t.type({
    areasIncluded: t.readonlyArray(NonEmptyString),
    areasExcluded: t.readonlyArray(NonEmptyString),
    applicantTypes: t.readonlyArray(NonEmptyString),
    priorityOutcomes: t.readonlyArray(NonEmptyString),
  }),
  'Eligibility',
)
export type Eligibility = t.TypeOf<typeof Eligibility>

/** The smallest and largest award, in pence. */
export const Limits = t.readonly(t.type({ minimum: Pence, maximum: Pence }), 'Limits')
export type Limits = t.TypeOf<typeof Limits>

/**
 * How a fund passes money to another funder, when it does: a code of 360Giving's `regrantType`
 * codelist (FRG010 common regrant … FRG070 multipurpose).
 */
export const RegrantType = t.keyof(
  { FRG010: null, FRG020: null, FRG030: null, FRG040: null, FRG050: null, FRG060: null, FRG070: null },
  'RegrantType',
)
export type RegrantType = t.TypeOf<typeof RegrantType>

/** A fund was defined: its name, funder, administrators, eligibility, budget in pence, and rules. */
export const FundDefined = defineEvent({
  type: 'grants.FundDefined',
  codec: t.readonly(
    t.intersection([
      t.type({
        fundId: Id,
        name: NonEmptyString,
        funder: Id,
        administrators: t.readonlyArray(Id),
        eligibility: Eligibility,
        budget: Pence,
        /** Whether grants may be made without a round. */
        directAwards: t.boolean,
        /** Whether applications must project the saving to public services. */
        asksForSavings: t.boolean,
        on: IsoDate,
      }),
      t.partial({
        regrantType: RegrantType,
        /** Whether applications are made with a county councillor (absent: they are not). */
        asksForCouncillor: t.boolean,
      }),
    ]),
  ),
})
/** A stream was added to a fund, with the default limits of its grants. */
export const StreamAdded = defineEvent({
  type: 'grants.StreamAdded',
  codec: t.readonly(t.type({ fundId: Id, streamId: Id, name: NonEmptyString, limits: Limits, on: IsoDate })),
})
/** A round, open from one day to another, with the limits of each stream for this round. */
export const RoundOpened = defineEvent({
  type: 'grants.RoundOpened',
  codec: t.readonly(
    t.intersection([
      t.type({
        fundId: Id,
        roundId: Id,
        opensOn: IsoDate,
        closesOn: IsoDate,
        limits: t.readonlyArray(t.readonly(t.type({ streamId: Id, limits: Limits }))),
      }),
      t.partial({ fundingTarget: Pence }),
    ]),
  ),
})
/** A change to the budget, up or down, in pence; the reason is recorded. */
export const BudgetChanged = defineEvent({
  type: 'grants.BudgetChanged',
  codec: t.readonly(t.type({ fundId: Id, change: t.Int, budget: Pence, reason: NonEmptyString, on: IsoDate })),
})

/** An award committed against the budget: appended with the award, by the `awards` decision. */
export const FundCommitted = defineEvent({
  type: 'grants.FundCommitted',
  codec: t.readonly(t.type({ fundId: Id, applicationId: Id, amount: Pence, on: IsoDate })),
})

/**
 * Money committed to an award given back to the budget: the part of a grant never paid when it
 * closes, or the amount a variation took off it. Appended with the change, by a decision.
 */
export const FundReleased = defineEvent({
  type: 'grants.FundReleased',
  codec: t.readonly(t.type({ fundId: Id, applicationId: Id, amount: Pence, reason: NonEmptyString, on: IsoDate })),
})

const definitions = [FundDefined, StreamAdded, RoundOpened, BudgetChanged, FundCommitted, FundReleased] as const
/** The catalog of a fund's events: encodes new ones, and upcasts and decodes stored ones. */
export const fundEvents = eventCatalog(...definitions)
/** An event of a fund's stream: one of those `fundEvents` encodes and decodes. */
export type FundEvent = CatalogEvent<typeof fundEvents>
