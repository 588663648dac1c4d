/**
 * A service delivery area scheme for all six districts, from the shipped data: the 22 PCNs grouped
 * into six areas by district (a *modelled* grouping, `districtAreaDefinitions`), each LSOA of 2021
 * given to the area of its dominant PCN in the shipped *modelled* registration extract, then
 * published. The counts and the grouping are modelled from real locations, not NHS data nor the
 * council's agreed areas, and the scheme says so.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { Ledger } from '@civic-ledger/core'
import { isLeft } from 'fp-ts/Either'

import { DATA_DIR } from '../lib/data-files'
import { districtAreaDefinitions, lsoa2021Centroids, MODELLED_EXTRACT_FILE, REFERENCE_PCN_ID } from '../lib/practices'
import { assignmentFromExtract } from '../lib/registrations'
import { schemeDecisions, serviceDeliveryAreaSchemes } from '../sda-scheme/aggregate'
import type { Actor } from './send'
import { sendCommand, sendDecision } from './send'

/**
 * Defines, runs (as `officer`) and publishes (as `steward`) the modelled scheme `schemeId`, over the
 * PCN reference the shipped data makes (import it first: `importReferenceData`). Each practice's PCN
 * is the reference's on the extract's date.
 */
export const publishModelledScheme = async (
  ledger: Ledger,
  officer: Actor,
  steward: Actor,
  schemeId = 'cambs-pboro-sda',
): Promise<void> => {
  const run = assignmentFromExtract(readFileSync(join(DATA_DIR, MODELLED_EXTRACT_FILE), 'utf8'), {
    schemeId,
    referenceId: REFERENCE_PCN_ID,
    source: {
      name: 'modelled from ONS LSOA centroids and NHS practice locations (not NHS registration data)',
      licence: 'inputs: OGL v3',
    },
    modelled: true,
  })
  if (isLeft(run)) throw new Error(`${MODELLED_EXTRACT_FILE}: ${run.left.join('; ')}`)
  await sendDecision(
    ledger,
    schemeDecisions,
    'define the scheme',
    {
      type: 'DefineScheme',
      schemeId,
      name: 'Cambridgeshire and Peterborough service delivery areas (modelled: PCNs grouped by district)',
      lsoaVintage: '2021',
      scope: {
        description: 'the six districts of Cambridgeshire and Peterborough',
        lsoas: lsoa2021Centroids().map((l) => l.code),
      },
      pcnReference: REFERENCE_PCN_ID,
      areas: districtAreaDefinitions(),
    },
    officer,
  )
  await sendDecision(ledger, schemeDecisions, 'run the assignment', run.right, officer)
  await sendCommand(
    ledger,
    serviceDeliveryAreaSchemes,
    'publish',
    { type: 'PublishScheme', schemeId, version: 1 },
    steward,
  )
}
