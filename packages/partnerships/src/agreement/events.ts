/** What is recorded of an agreement: its drafting, terms, finalising, each signature, variations, reviews. */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/** The kinds of agreement: a Health Deal, a data-sharing agreement, or a memorandum of understanding. */
export const AgreementKind = t.keyof({ 'health-deal': null, 'data-sharing': null, memorandum: null }, 'AgreementKind')
/** A kind of agreement; see the codec. */
export type AgreementKind = t.TypeOf<typeof AgreementKind>

/** The lawful bases for processing personal data (UK GDPR Article 6(1)). */
export const LawfulBasis = t.keyof(
  {
    consent: null,
    contract: null,
    'legal-obligation': null,
    'vital-interests': null,
    'public-task': null,
    'legitimate-interests': null,
  },
  'LawfulBasis',
)
export type LawfulBasis = t.TypeOf<typeof LawfulBasis>

const PartyBasis = t.readonly(
  t.intersection([t.type({ orgId: Id, basis: LawfulBasis }), t.partial({ specialCategoryCondition: NonEmptyString })]),
)

/** An agreement was drafted: its kind, title, parties and purposes. */
export const AgreementDrafted = defineEvent({
  type: 'partnerships.AgreementDrafted',
  codec: t.readonly(
    t.intersection([
      t.type({
        agreementId: Id,
        kind: AgreementKind,
        title: NonEmptyString,
        parties: t.readonlyArray(Id),
        purposes: t.readonlyArray(NonEmptyString),
        on: IsoDate,
      }),
      t.partial({ reviewOn: IsoDate }),
    ]),
  ),
})
/** A data-sharing agreement's terms: each party's lawful basis, the data, how long it is kept, the review date. */
export const DataSharingTermsSet = defineEvent({
  type: 'partnerships.DataSharingTermsSet',
  codec: t.readonly(
    t.type({
      agreementId: Id,
      lawfulBases: t.readonlyArray(PartyBasis),
      dataCategories: t.readonlyArray(NonEmptyString),
      retention: NonEmptyString,
      reviewOn: IsoDate,
      on: IsoDate,
    }),
  ),
})
/** A version of an agreement was finalised, ready to be signed. */
export const AgreementFinalised = defineEvent({
  type: 'partnerships.AgreementFinalised',
  codec: t.readonly(t.type({ agreementId: Id, version: t.number, on: IsoDate })),
})
/** A party signed a version of an agreement, through its signatory. */
export const AgreementSigned = defineEvent({
  type: 'partnerships.AgreementSigned',
  codec: t.readonly(t.type({ agreementId: Id, version: t.number, orgId: Id, signatory: NonEmptyString, on: IsoDate })),
})
/** Every current party has signed the current version. */
export const AgreementInForce = defineEvent({
  type: 'partnerships.AgreementInForce',
  codec: t.readonly(t.type({ agreementId: Id, version: t.number, on: IsoDate })),
})
/** A variation: a new version, with its parties, which every party signs again. */
export const AgreementVaried = defineEvent({
  type: 'partnerships.AgreementVaried',
  codec: t.readonly(
    t.type({
      agreementId: Id,
      version: t.number,
      summary: NonEmptyString,
      parties: t.readonlyArray(Id),
      lawfulBases: t.readonlyArray(PartyBasis),
      on: IsoDate,
    }),
  ),
})
/** An agreement was reviewed, and its next review day set. */
export const AgreementReviewed = defineEvent({
  type: 'partnerships.AgreementReviewed',
  codec: t.readonly(t.type({ agreementId: Id, nextReviewOn: IsoDate, on: IsoDate })),
})
/** An agreement was terminated, with a reason. */
export const AgreementTerminated = defineEvent({
  type: 'partnerships.AgreementTerminated',
  codec: t.readonly(t.type({ agreementId: Id, reason: NonEmptyString, on: IsoDate })),
})

const definitions = [
  AgreementDrafted,
  DataSharingTermsSet,
  AgreementFinalised,
  AgreementSigned,
  AgreementInForce,
  AgreementVaried,
  AgreementReviewed,
  AgreementTerminated,
] as const
/** The catalog of an agreement's events: encodes new ones, and upcasts and decodes stored ones. */
export const agreementEvents = eventCatalog(...definitions)
/** An event of an agreement's stream: one of those `agreementEvents` encodes and decodes. */
export type AgreementEvent = CatalogEvent<typeof agreementEvents>
