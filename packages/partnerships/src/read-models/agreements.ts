/** Agreements: each one's status, version, parties and who has signed it, and its review date. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import {
  AgreementDrafted,
  AgreementFinalised,
  AgreementInForce,
  AgreementReviewed,
  AgreementSigned,
  AgreementTerminated,
  AgreementVaried,
  DataSharingTermsSet,
} from '../agreement/events'

/** A document of the `agreements` collection of the `agreement-status` read model. */
export interface AgreementDoc {
  readonly agreementId: string
  readonly kind: string
  readonly title: string
  readonly status: 'draft' | 'finalised' | 'in-force' | 'terminated'
  readonly version: number
  readonly parties: ReadonlyArray<string>
  /** The parties that have signed the current version. */
  readonly signed: ReadonlyArray<string>
  readonly reviewOn: string | null
  readonly inForceSince: string | null
}
/**
 * The `agreements` collection of `agreement-status`: each agreement, its parties' signatures and its status.
 */
export const agreementDocs = defineCollection<AgreementDoc, 'status'>('agreements', { indexes: ['status'] })

/** The `agreement-status` read model: where each agreement stands, and when it is due for review. */
export const agreementStatus = defineProjection({
  name: 'agreement-status',
  version: 1,
  events: [
    AgreementDrafted,
    DataSharingTermsSet,
    AgreementFinalised,
    AgreementSigned,
    AgreementInForce,
    AgreementVaried,
    AgreementReviewed,
    AgreementTerminated,
  ],
  collections: [agreementDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(agreementDocs)
    if (e.type === 'partnerships.AgreementDrafted') {
      const { agreementId, kind, title, parties, reviewOn } = e.data
      return docs.put(agreementId, {
        agreementId,
        kind,
        title,
        status: 'draft',
        version: 1,
        parties,
        signed: [],
        reviewOn: reviewOn ?? null,
        inForceSince: null,
      })
    }
    const before = await docs.get(e.data.agreementId)
    if (before === undefined) return
    const put = (after: Partial<AgreementDoc>) => docs.put(before.agreementId, { ...before, ...after })
    switch (e.type) {
      case 'partnerships.DataSharingTermsSet':
        return put({ reviewOn: e.data.reviewOn })
      case 'partnerships.AgreementFinalised':
        return put({ status: 'finalised' })
      case 'partnerships.AgreementSigned':
        return put({ signed: [...before.signed, e.data.orgId] })
      case 'partnerships.AgreementInForce':
        return put({ status: 'in-force', inForceSince: e.data.on })
      case 'partnerships.AgreementVaried':
        return put({
          status: 'finalised',
          version: e.data.version,
          parties: e.data.parties,
          signed: [],
          inForceSince: null,
        })
      case 'partnerships.AgreementReviewed':
        return put({ reviewOn: e.data.nextReviewOn })
      case 'partnerships.AgreementTerminated':
        return put({ status: 'terminated' })
    }
  },
})
