/** What can be asked of an organisation's record. Dissolving into a successor is the `successions` decision. */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { OrgId } from '../ids'
import { OrganisationType } from './events'

/** The brand of `GssCode`. */
export interface GssCodeBrand {
  readonly GssCode: unique symbol
}
/** A GSS code, for a council: nine characters, a letter and eight digits. */
export const GssCode = t.brand(
  NonEmptyString,
  (s): s is t.Branded<NonEmptyString, GssCodeBrand> => /^[EWSNK]\d{8}$/.test(s),
  'GssCode',
)

export const RegisterOrganisation = t.readonly(
  t.intersection([
    t.type({
      type: t.literal('RegisterOrganisation'),
      orgId: OrgId,
      name: NonEmptyString,
      organisationType: OrganisationType,
      on: IsoDate,
    }),
    t.partial({ gssCode: GssCode }),
  ]),
)
export const RenameOrganisation = t.readonly(
  t.type({ type: t.literal('RenameOrganisation'), orgId: OrgId, name: NonEmptyString, on: IsoDate }),
)
export const DissolveOrganisation = t.readonly(
  t.type({ type: t.literal('DissolveOrganisation'), orgId: OrgId, on: IsoDate, reason: NonEmptyString }),
)

/** The codec of the commands an organisation takes. */
export const OrganisationCommand = t.union([RegisterOrganisation, RenameOrganisation, DissolveOrganisation])
/** A command an organisation takes, as decoded. */
export type OrganisationCommand = t.TypeOf<typeof OrganisationCommand>
/** A command to an organisation as an app sends it to `ledger.execute`, before decoding. */
export type OrganisationCommandInput = t.OutputOf<typeof OrganisationCommand>
