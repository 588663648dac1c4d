/** What can be asked of a councillor's record: register them, record a term, end the open term. */
import { AreaCode } from '@civic-ledger/areas'
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import { OrgId } from '@civic-ledger/partnerships'
import * as t from 'io-ts'

import { CouncillorId } from '../ids'

/** Registers a county councillor: their name and council. */
export const RegisterCouncillor = t.readonly(
  t.type({
    type: t.literal('RegisterCouncillor'),
    councillorId: CouncillorId,
    name: NonEmptyString,
    /** The council they sit on, by org id (e.g. `GB-LAE-CAM`). */
    council: OrgId,
    on: IsoDate,
  }),
  'RegisterCouncillor',
)
/** Records a councillor's term for a county division, from a day. */
export const RecordTerm = t.readonly(
  t.intersection([
    t.type({
      type: t.literal('RecordTerm'),
      councillorId: CouncillorId,
      /** The county division (E58) represented. */
      division: AreaCode,
      from: IsoDate,
      on: IsoDate,
    }),
    /** The day the term ends, not included; left out while it is open. */
    t.partial({ until: IsoDate }),
  ]),
  'RecordTerm',
)
/** Ends a councillor's open term on `until` (not included). */
export const EndTerm = t.readonly(
  t.type({ type: t.literal('EndTerm'), councillorId: CouncillorId, until: IsoDate, on: IsoDate }),
  'EndTerm',
)

/** The codec of the commands a councillor takes. */
export const CouncillorCommand = t.union([RegisterCouncillor, RecordTerm, EndTerm], 'CouncillorCommand')
/** A command a councillor takes, as decoded. */
export type CouncillorCommand = t.TypeOf<typeof CouncillorCommand>
/** A command to a councillor as an app sends it to `ledger.execute`, before decoding. */
export type CouncillorCommandInput = t.OutputOf<typeof CouncillorCommand>
