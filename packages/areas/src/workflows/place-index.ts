/**
 * Building a place index in a ledger from the releases `importReferenceData` imports (or any the
 * caller names): one `BuildPlaceIndex` decision, so the policy and the rules apply as to any command.
 */
import type { Ledger } from '@civic-ledger/core'

import { referenceReleases } from '../lib/reference-data'
import { CURRENT_PLACE_INDEX, placeIndexes } from '../places/aggregate'
import type { BuildPlaceIndexInput } from '../places/commands'
import type { Actor } from './send'
import { sendDecision } from './send'

/** What `buildPlaceIndex` builds: the index, its LSOA vintage, and the releases it reads. */
export interface PlaceIndexOptions {
  /** The index to build: `CURRENT_PLACE_INDEX` unless named. */
  readonly indexId?: string
  /** The LSOA vintage: `2021` unless named. */
  readonly lsoaVintage?: string
  /** The releases to read: every shipped reference release unless named. */
  readonly releases?: ReadonlyArray<string>
}

/** Builds a place index as `actor`; throws `AreasSetupError` if the ledger refuses it. */
export const buildPlaceIndex = async (ledger: Ledger, actor: Actor, options: PlaceIndexOptions = {}): Promise<void> => {
  const command: BuildPlaceIndexInput = {
    type: 'BuildPlaceIndex',
    indexId: options.indexId ?? CURRENT_PLACE_INDEX,
    lsoaVintage: options.lsoaVintage ?? '2021',
    releases: options.releases ?? referenceReleases().map((r) => r.releaseId),
  }
  await sendDecision(ledger, placeIndexes, `place index ${command.indexId}`, command, actor)
}
