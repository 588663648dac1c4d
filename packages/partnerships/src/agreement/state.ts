/** An agreement as its stream holds it. */
import type { AgreementEvent, AgreementKind, LawfulBasis } from './events'

/**
 * An agreement once drafted: its status, kind, parties and version, who has signed it, and its
 * data-sharing terms.
 */
export interface AgreementRecord {
  readonly status: 'draft' | 'finalised' | 'in-force' | 'terminated'
  readonly kind: AgreementKind
  readonly parties: ReadonlyArray<string>
  readonly version: number
  /** The parties that have signed the current version. */
  readonly signed: ReadonlyArray<string>
  readonly lawfulBases: Readonly<Record<string, LawfulBasis>>
  readonly termsSet: boolean
  readonly reviewOn?: string
}
/** An agreement's state: what its events fold to, and what its commands are decided on. */
export type AgreementState = { readonly status: 'none' } | AgreementRecord

export const initialAgreement: AgreementState = { status: 'none' }

const evolveRecord = (s: AgreementRecord, e: AgreementEvent): AgreementRecord => {
  switch (e.type) {
    case 'partnerships.AgreementDrafted':
      return s
    case 'partnerships.DataSharingTermsSet':
      return {
        ...s,
        termsSet: true,
        reviewOn: e.data.reviewOn,
        lawfulBases: Object.fromEntries(e.data.lawfulBases.map((b) => [b.orgId, b.basis])),
      }
    case 'partnerships.AgreementFinalised':
      return { ...s, status: 'finalised' }
    case 'partnerships.AgreementSigned':
      return { ...s, signed: [...s.signed, e.data.orgId] }
    case 'partnerships.AgreementInForce':
      return { ...s, status: 'in-force' }
    case 'partnerships.AgreementVaried':
      return {
        ...s,
        status: 'finalised',
        version: e.data.version,
        parties: e.data.parties,
        signed: [],
        lawfulBases: {
          ...Object.fromEntries(
            Object.entries(s.lawfulBases).filter(([orgId]) =>
              (e.data.parties as ReadonlyArray<string>).includes(orgId),
            ),
          ),
          ...Object.fromEntries(e.data.lawfulBases.map((b) => [b.orgId, b.basis])),
        },
      }
    case 'partnerships.AgreementReviewed':
      return { ...s, reviewOn: e.data.nextReviewOn }
    case 'partnerships.AgreementTerminated':
      return { ...s, status: 'terminated' }
  }
}

export const evolveAgreement = (s: AgreementState, e: AgreementEvent): AgreementState => {
  if (e.type === 'partnerships.AgreementDrafted')
    return {
      status: 'draft',
      kind: e.data.kind,
      parties: e.data.parties,
      version: 1,
      signed: [],
      lawfulBases: {},
      termsSet: false,
      ...(e.data.reviewOn === undefined ? {} : { reviewOn: e.data.reviewOn }),
    }
  return s.status === 'none' ? s : evolveRecord(s, e)
}
