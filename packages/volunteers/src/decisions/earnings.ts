/**
 * Earning time credits: a decision across the volunteer's credit account and their timesheet. The
 * hours are read from the timesheet, where the entry must be verified, never from the command, so
 * no caller can mint credits for hours never logged or not yet verified, nor credit one volunteer
 * with another's hours. A credit is an hour, and part hours are kept (three and a half hours earn
 * 3.5 credits); an entry earns once.
 */
import { defineDecision, IsoDate, own, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { timeCredits } from '../credits/aggregate'
import { earnCredits } from '../credits/decide'
import { EntryId, VolunteerId } from '../ids'
import { timesheets } from '../timesheet/aggregate'

/** The codec of the `EarnCredits` command of the `earnings` decision. */
export const EarnCreditsCommand = t.readonly(
  t.type({ type: t.literal('EarnCredits'), volunteerId: VolunteerId, entryId: EntryId, on: IsoDate }),
)
/** The `EarnCredits` command of the `earnings` decision, as decoded. */
export type EarnCreditsCommand = t.TypeOf<typeof EarnCreditsCommand>
/** The `EarnCredits` command as an app sends it to `ledger.decide`, before decoding. */
export type EarnCreditsCommandInput = t.OutputOf<typeof EarnCreditsCommand>

/** Credits a volunteer's account with a verified entry's hours, as their timesheet holds them. */
export const earnings = defineDecision({
  context: 'volunteers',
  name: 'earnings',
  commands: EarnCreditsCommand,
  streams: (c: EarnCreditsCommand) => ({
    account: streamOf(timeCredits, c.volunteerId),
    timesheet: streamOf(timesheets, c.volunteerId),
  }),
  decide: (c, { account, timesheet }) => {
    const entry = own(timesheet.entries, c.entryId)
    if (entry === undefined) return reject('unknown-entry', `${c.volunteerId}'s timesheet has no entry ${c.entryId}`)
    if (entry.status !== 'verified')
      return reject('not-verified', `entry ${c.entryId} is ${entry.status}; only verified hours earn credits`)
    const earned = earnCredits(account, {
      volunteerId: c.volunteerId,
      entryId: c.entryId,
      hours: entry.hours,
      on: c.on,
    })
    return E.isLeft(earned) ? earned : E.right({ account: earned.right })
  },
})
