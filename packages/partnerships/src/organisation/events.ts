/** What is recorded of an organisation. */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

/** What kind of body an organisation is. */
export const OrganisationType = t.keyof(
  {
    'county-council': null,
    'district-council': null,
    'unitary-council': null,
    'combined-authority': null,
    'parish-council': null,
    'nhs-body': null,
    'nhs-alliance': null,
    police: null,
    fire: null,
    healthwatch: null,
    'voluntary-sector': null,
    'community-hub': null,
    'commissioned-provider': null,
    partnership: null,
    other: null,
  },
  'OrganisationType',
)
export type OrganisationType = t.TypeOf<typeof OrganisationType>

/**
 * An organisation was registered under its identifier (org-id, or local): its name and type, and a
 * council's GSS code.
 */
export const OrganisationRegistered = defineEvent({
  type: 'partnerships.OrganisationRegistered',
  codec: t.readonly(
    t.intersection([
      t.type({
        orgId: NonEmptyString,
        name: NonEmptyString,
        organisationType: OrganisationType,
        local: t.boolean,
        on: IsoDate,
      }),
      t.partial({ gssCode: NonEmptyString }),
    ]),
  ),
})
/** An organisation was renamed on a day. */
export const OrganisationRenamed = defineEvent({
  type: 'partnerships.OrganisationRenamed',
  codec: t.readonly(t.type({ orgId: NonEmptyString, name: NonEmptyString, on: IsoDate })),
})
/** A body dissolved, with the body that took on its work when there is one. */
export const OrganisationDissolved = defineEvent({
  type: 'partnerships.OrganisationDissolved',
  codec: t.readonly(
    t.intersection([
      t.type({ orgId: NonEmptyString, on: IsoDate, reason: NonEmptyString }),
      t.partial({ successor: NonEmptyString }),
    ]),
  ),
})
/** The successor's side of a succession: the body whose work it took on. */
export const PredecessorRecorded = defineEvent({
  type: 'partnerships.PredecessorRecorded',
  codec: t.readonly(t.type({ orgId: NonEmptyString, predecessor: NonEmptyString, on: IsoDate })),
})

const definitions = [OrganisationRegistered, OrganisationRenamed, OrganisationDissolved, PredecessorRecorded] as const
/** The catalog of an organisation's events: encodes new ones, and upcasts and decodes stored ones. */
export const organisationEvents = eventCatalog(...definitions)
/** An event of an organisation's stream: one of those `organisationEvents` encodes and decodes. */
export type OrganisationEvent = CatalogEvent<typeof organisationEvents>
