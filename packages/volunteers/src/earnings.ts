/**
 * Earning time credits: a decision across the credit account and the placement's timesheet. The
 * hours are read from the timesheet, where the entry must be verified, never from the command, so
 * no caller can mint credits for hours never logged or not yet verified. A credit is an hour, and
 * part hours are kept (three and a half hours earn 3.5 credits); an entry earns once.
 */
import { defineDecision, EntityId, IsoDate, NonEmptyString, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { earnCredits, timeCredits } from './credits'
import { timesheets } from './timesheet'

export const EarnCreditsCommand = t.readonly(
  t.type({
    type: t.literal('EarnCredits'),
    accountId: EntityId,
    placementId: EntityId,
    entryId: EntityId,
    on: IsoDate,
  }),
)
export type EarnCreditsCommand = t.TypeOf<typeof EarnCreditsCommand>
export type EarnCreditsCommandInput = t.OutputOf<typeof EarnCreditsCommand>

/** Credits an account with a verified entry's hours, as the timesheet holds them. */
export const earnings = defineDecision({
  context: 'volunteers',
  name: 'earnings',
  commands: EarnCreditsCommand,
  streams: (c: EarnCreditsCommand) => ({
    account: streamOf(timeCredits, c.accountId),
    timesheet: streamOf(timesheets, c.placementId),
  }),
  decide: (c, { account, timesheet }) => {
    const entry = timesheet.entries[c.entryId]
    if (entry === undefined) return reject('unknown-entry', `placement ${c.placementId} has no entry ${c.entryId}`)
    if (entry.status !== 'verified')
      return reject('not-verified', `entry ${c.entryId} is ${entry.status}; only verified hours earn credits`)
    // One key per entry across placements: an entry id is its placement's own.
    const entryKey = `${c.placementId}/${c.entryId}`
    if (!NonEmptyString.is(entryKey)) return reject('unknown-entry', 'the entry has no key')
    const earned = earnCredits(account, { accountId: c.accountId, entryKey, hours: entry.hours, on: c.on })
    return E.isLeft(earned) ? earned : E.right({ account: earned.right })
  },
})
