/**
 * A digest of what the ledger recorded, to show that two builds record the same history: the SHA-256
 * of every event's id, stream, revision, position, type, schema version, data (personal fields
 * opened, since each build encrypts them under fresh keys), metadata and recorded time, in position
 * order, as canonical JSON. The audit stream (seals) is left out: a seal covers the events' stored
 * hashes, which cover the ciphertext of personal fields, and so differs from build to build by design.
 */
import { createHash } from 'node:crypto'

import type { Ledger } from '@civic-ledger/core'
import { canonicalJson } from '@civic-ledger/core'

export interface Digest {
  readonly events: number
  readonly sha256: string
}

export const historyDigest = async (ledger: Ledger): Promise<Digest> => {
  const hash = createHash('sha256')
  let events = 0
  for await (const stored of ledger.events.readAll()) {
    if (stored.type.startsWith('audit.')) continue
    const e = await ledger.privacy.open(stored)
    hash.update(
      canonicalJson({
        eventId: e.eventId,
        streamId: e.streamId,
        revision: e.revision,
        position: e.position,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt,
      }),
    )
    hash.update('\n')
    events++
  }
  return { events, sha256: hash.digest('hex') }
}
