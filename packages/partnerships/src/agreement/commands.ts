/** What can be asked of an agreement. */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AgreementId, OrgId } from '../ids'
import { AgreementKind, LawfulBasis } from './events'

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), agreementId: AgreementId, on: IsoDate, ...props }))

/** A party's lawful basis, with the Article 9 condition when special category data is shared. */
export const PartyBasisInput = t.readonly(
  t.intersection([
    t.type({ orgId: OrgId, basis: LawfulBasis }),
    t.partial({ specialCategoryCondition: NonEmptyString }),
  ]),
)

export const DraftAgreement = t.readonly(
  t.intersection([
    command('DraftAgreement', {
      kind: AgreementKind,
      title: NonEmptyString,
      parties: t.readonlyArray(OrgId),
      purposes: t.readonlyArray(NonEmptyString),
    }),
    t.partial({ reviewOn: IsoDate }),
  ]),
)
export const SetDataSharingTerms = command('SetDataSharingTerms', {
  lawfulBases: t.readonlyArray(PartyBasisInput),
  dataCategories: t.readonlyArray(NonEmptyString),
  retention: NonEmptyString,
  reviewOn: IsoDate,
})
export const FinaliseAgreement = command('FinaliseAgreement', {})
/** Signed for `orgId` by its signatory (the post that signs, e.g. `Chief Executive`). */
export const SignAgreement = command('SignAgreement', { orgId: OrgId, signatory: NonEmptyString })
export const VaryAgreement = t.readonly(
  t.intersection([
    command('VaryAgreement', { summary: NonEmptyString }),
    t.partial({
      addParties: t.readonlyArray(OrgId),
      removeParties: t.readonlyArray(OrgId),
      /** For a data-sharing agreement: the lawful basis of each party added. */
      lawfulBases: t.readonlyArray(PartyBasisInput),
    }),
  ]),
)
export const RecordReview = command('RecordReview', { nextReviewOn: IsoDate })
export const TerminateAgreement = command('TerminateAgreement', { reason: NonEmptyString })

/** The codec of the commands an agreement takes. */
export const AgreementCommand = t.union([
  DraftAgreement,
  SetDataSharingTerms,
  FinaliseAgreement,
  SignAgreement,
  VaryAgreement,
  RecordReview,
  TerminateAgreement,
])
/** A command an agreement takes, as decoded. */
export type AgreementCommand = t.TypeOf<typeof AgreementCommand>
/** A command to an agreement as an app sends it to `ledger.execute`, before decoding. */
export type AgreementCommandInput = t.OutputOf<typeof AgreementCommand>
