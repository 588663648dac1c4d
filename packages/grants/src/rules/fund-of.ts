/**
 * What every decision across an application and its fund checks first: that the application is
 * drafted, that the command names the fund it was made to, and that the fund is defined.
 */
import type { DomainError } from '@civic-ledger/core'

import type { ApplicationRecord, ApplicationState } from '../application/state'
import type { FundRecord, FundState } from '../fund/state'

export type Pair =
  | { readonly ok: true; readonly application: ApplicationRecord; readonly fund: FundRecord }
  | { readonly ok: false; readonly problem: DomainError }

export const pairOf = (
  c: { readonly applicationId: string; readonly fundId: string },
  application: ApplicationState,
  fund: FundState,
): Pair => {
  if (application.status === 'none')
    return {
      ok: false,
      problem: { code: 'unknown-application', message: `application ${c.applicationId} is not drafted` },
    }
  if (application.fundId !== c.fundId)
    return {
      ok: false,
      problem: { code: 'wrong-fund', message: `application ${c.applicationId} is to fund ${application.fundId}` },
    }
  if (fund.status === 'none')
    return { ok: false, problem: { code: 'unknown-fund', message: `fund ${c.fundId} is not defined` } }
  return { ok: true, application, fund }
}
