/**
 * What can be asked of a volunteer's time-credit account. Earning (from a verified timesheet entry)
 * and gifting to another volunteer are decisions across streams: `earnings` and `gifts`.
 */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { PotId, VolunteerId } from '../ids'

/** A volunteer spends credits on a day, at the place named. */
export const SpendCredits = t.readonly(
  t.type({
    type: t.literal('SpendCredits'),
    volunteerId: VolunteerId,
    credits: t.number,
    on: IsoDate,
    at: NonEmptyString,
  }),
)
/** Credits given to a community pot. */
export const DonateCredits = t.readonly(
  t.type({ type: t.literal('DonateCredits'), volunteerId: VolunteerId, credits: t.number, on: IsoDate, potId: PotId }),
)
/** A manager adjusts a volunteer's credit balance by `credits` (negative to reduce it), with a reason. */
export const AdjustCredits = t.readonly(
  t.type({
    type: t.literal('AdjustCredits'),
    volunteerId: VolunteerId,
    credits: t.number,
    on: IsoDate,
    reason: NonEmptyString,
  }),
)

/** The codec of the commands a volunteer's time credits takes. */
export const CreditCommand = t.union([SpendCredits, DonateCredits, AdjustCredits])
/** A command a volunteer's time credits takes, as decoded. */
export type CreditCommand = t.TypeOf<typeof CreditCommand>
/** A command to a volunteer's time credits as an app sends it to `ledger.execute`, before decoding. */
export type CreditCommandInput = t.OutputOf<typeof CreditCommand>
