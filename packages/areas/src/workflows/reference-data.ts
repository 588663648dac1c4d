/**
 * Loading the shipped reference data into a ledger: every boundary release and the PCN reference,
 * each as an ordinary command. Used by the example ledger and the tests.
 */
import type { Ledger } from '@civic-ledger/core'

import { referencePcnImport } from '../lib/practices'
import { referenceReleases } from '../lib/reference-data'
import { pcnReferences } from '../pcn-reference/aggregate'
import { geographyReleases } from '../release/aggregate'
import type { Actor } from './send'
import { sendCommand } from './send'

/** Imports every shipped release and the PCN reference, as `actor`. */
export const importReferenceData = async (ledger: Ledger, actor: Actor): Promise<void> => {
  for (const release of referenceReleases())
    await sendCommand(ledger, geographyReleases, `release ${release.releaseId}`, release, actor)
  await sendCommand(ledger, pcnReferences, 'PCN reference', referencePcnImport(), actor)
}
