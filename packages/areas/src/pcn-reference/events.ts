/**
 * The events of a PCN reference: the import of a sub-ICB's PCNs and practices as of a date, then
 * dated changes — a PCN opening or closing, a practice moving from one PCN to another.
 */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { AreaCode, PcnReferenceId } from '../ids'
import { Source } from '../lib/source'

// --- shapes ---

export const Pcn = t.readonly(t.type({ code: AreaCode, name: NonEmptyString }), 'Pcn')
export type Pcn = t.TypeOf<typeof Pcn>

export const Practice = t.readonly(
  t.intersection([
    t.type({ code: AreaCode, name: NonEmptyString, pcn: AreaCode }),
    t.partial({ lsoa2011: AreaCode, lsoa2021: AreaCode }),
  ]),
  'Practice',
)
export type Practice = t.TypeOf<typeof Practice>

// --- events ---

/** A sub-ICB's PCNs and practices were imported as they stood on a day, with their source. */
export const PcnReferenceImported = defineEvent({
  type: 'areas.PcnReferenceImported',
  codec: t.readonly(
    t.type({
      referenceId: PcnReferenceId,
      subIcb: AreaCode,
      asOf: IsoDate,
      source: Source,
      pcns: t.readonlyArray(Pcn),
      practices: t.readonlyArray(Practice),
    }),
  ),
})

/** A PCN opened on a day. */
export const PcnOpened = defineEvent({
  type: 'areas.PcnOpened',
  codec: t.readonly(t.type({ referenceId: PcnReferenceId, pcn: AreaCode, name: NonEmptyString, on: IsoDate })),
})

/** A PCN closed on a day, for the reason given. */
export const PcnClosed = defineEvent({
  type: 'areas.PcnClosed',
  codec: t.readonly(t.type({ referenceId: PcnReferenceId, pcn: AreaCode, on: IsoDate, reason: NonEmptyString })),
})

/** A practice moved from one PCN to another on a day. */
export const PracticeMoved = defineEvent({
  type: 'areas.PracticeMoved',
  codec: t.readonly(
    t.type({ referenceId: PcnReferenceId, practice: AreaCode, from: AreaCode, to: AreaCode, on: IsoDate }),
  ),
})

const definitions = [PcnReferenceImported, PcnOpened, PcnClosed, PracticeMoved] as const
/** The catalog of a PCN reference's events: encodes new ones, and upcasts and decodes stored ones. */
export const pcnEvents = eventCatalog(...definitions)
/** An event of a PCN reference's stream: one of those `pcnEvents` encodes and decodes. */
export type PcnEvent = CatalogEvent<typeof pcnEvents>
