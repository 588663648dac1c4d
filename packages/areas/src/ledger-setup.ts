/**
 * Loading the shipped reference data into a ledger: every release, the PCN reference, and (if asked)
 * a service delivery area scheme for all six districts from a modelled registration extract. Used by
 * the example ledger and the tests; each step is an ordinary command through the ledger, so the
 * policy, the deciders and the store's checks all apply.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { Aggregate, Command, CommandError, DomainEvent, Ledger } from '@civic-ledger/core'
import { loadAggregate } from '@civic-ledger/core'
import { isLeft } from 'fp-ts/Either'

import type { PcnCommandInput } from './pcn'
import { pcnReferences } from './pcn'
import { DATA_DIR, lsoa2021Centroids, practiceRows, referenceReleases } from './reference-data'
import { assignmentFromExtract } from './registrations'
import { geographyReleases } from './release'
import { serviceDeliveryAreaSchemes } from './scheme'

export interface Actor {
  readonly id: string
  readonly organisation: string
  readonly role: string
}

export class AreasSetupError extends Error {
  constructor(
    readonly step: string,
    readonly error: CommandError,
  ) {
    super(`${step}: ${error._tag}: ${error.message}`)
    this.name = 'AreasSetupError'
  }
}

const send = async <C extends Command, E extends DomainEvent, S>(
  ledger: Ledger,
  aggregate: Aggregate<C, E, S>,
  step: string,
  command: unknown,
  actor: Actor,
  commandId?: string,
): Promise<void> => {
  const result = await ledger.execute(aggregate, command, {
    actor,
    ...(commandId === undefined ? {} : { commandId }),
  })()
  if (isLeft(result)) throw new AreasSetupError(step, result.left)
}

/** The PCN reference import for sub-ICB 06H, from the shipped practice lookup (about March 2024). */
export const referencePcnImport = (): PcnCommandInput => {
  const practices = practiceRows()
  return {
    type: 'ImportPcnReference',
    referenceId: '06H-2024-03',
    subIcb: 'E38000260',
    asOf: '2024-03-01',
    source: {
      name: 'southwest-analytics practice_pcn_catchment output/lookup.csv',
      licence: 'BSD-3; NHS England and ONS data, OGL v3',
    },
    pcns: [...new Map(practices.map((p) => [p.pcn, p.pcnName]))].map(([code, name]) => ({ code, name })),
    practices: practices.map((p) => ({
      code: p.code,
      name: p.name,
      pcn: p.pcn,
      lsoa2011: p.lsoa2011,
      lsoa2021: p.lsoa2021,
    })),
  }
}

/** Imports every shipped release and the PCN reference. */
export const importReferenceData = async (ledger: Ledger, actor: Actor): Promise<void> => {
  for (const release of referenceReleases())
    await send(ledger, geographyReleases, `release ${release.releaseId}`, release, actor)
  await send(ledger, pcnReferences, 'PCN reference', referencePcnImport(), actor)
}

/** The modelled registration extract shipped in `data/` (not NHS data: see `data/README.md`). */
export const MODELLED_EXTRACT_FILE = 'modelled_gp_registrations_lsoa21_2024-03.csv'

/**
 * Defines, runs and (as `steward`) publishes a scheme for all 516 LSOAs of 2021 from the shipped
 * modelled extract, read in NHS England's layout, with each practice's PCN taken from the PCN
 * reference recorded in the ledger on the extract's date. The counts are modelled from real
 * locations, not NHS data, and the scheme says so.
 */
export const publishModelledScheme = async (
  ledger: Ledger,
  officer: Actor,
  steward: Actor,
  schemeId = 'cambs-pboro-sda',
): Promise<void> => {
  const lsoas = lsoa2021Centroids()
  const referenceId = '06H-2024-03'
  const loaded = await loadAggregate(ledger.events, pcnReferences, `areas.pcn-reference-${referenceId}`)
  if (isLeft(loaded)) throw loaded.left
  const run = assignmentFromExtract(readFileSync(join(DATA_DIR, MODELLED_EXTRACT_FILE), 'utf8'), {
    schemeId,
    referenceId,
    reference: loaded.right.state,
    source: {
      name: 'modelled from ONS LSOA centroids and NHS practice locations (not NHS registration data)',
      licence: 'inputs: OGL v3',
    },
    modelled: true,
  })
  if (isLeft(run)) throw new Error(`${MODELLED_EXTRACT_FILE}: ${run.left.join('; ')}`)
  const commands: Array<[string, unknown, Actor]> = [
    [
      'define the scheme',
      {
        type: 'DefineScheme',
        schemeId,
        name: 'Cambridgeshire and Peterborough service delivery areas',
        lsoaVintage: '2021',
        scope: { description: 'the six districts of Cambridgeshire and Peterborough', lsoas: lsoas.map((l) => l.code) },
      },
      officer,
    ],
    ['run the assignment', run.right, officer],
    ['publish', { type: 'PublishScheme', schemeId, version: 1 }, steward],
  ]
  for (const [step, command, actor] of commands) await send(ledger, serviceDeliveryAreaSchemes, step, command, actor)
}
