/**
 * Purging a DBS check's details once six months have passed since the decision: two steps through
 * the ledger and its policy.
 */
import type { CommandError, Ledger } from '@civic-ledger/core'
import { subjectPartOf } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import { volunteers } from '../volunteer/aggregate'
import { DBS_DETAILS_MONTHS } from '../volunteer/decide'

/**
 * Records `DbsDetailsPurged`, then erases the check's part of the volunteer (`privacy.SubjectErased`
 * with the part `checkId=<check>`), so the certificate number and any risk assessment's summary
 * read as `Erased` from then on while the check's level, dates and decision remain.
 */
export const purgeDbsDetails = async (
  ledger: Pick<Ledger, 'execute'> & { readonly privacy: Pick<Ledger['privacy'], 'erase'> },
  input: { readonly volunteerId: string; readonly checkId: string; readonly on: string },
  context: unknown,
): Promise<Either<CommandError, void>> => {
  const command = { type: 'PurgeDbsDetails', volunteerId: input.volunteerId, checkId: input.checkId, on: input.on }
  const result = await ledger.execute(volunteers, command, context)()
  if (result._tag === 'Left') return result
  const erased = await ledger.privacy.erase(
    input.volunteerId,
    `DBS certificate details are kept for ${DBS_DETAILS_MONTHS} months after the decision`,
    context,
    { part: subjectPartOf('checkId', input.checkId) },
  )()
  return erased._tag === 'Left' ? erased : { _tag: 'Right', right: undefined }
}
