/**
 * Closing a grant: a decision across the grant and its fund. Nothing may be waiting — no payment
 * scheduled or approved, no monitoring return outstanding, no variation undecided. What the grant
 * did not keep (the award less what was paid, plus what was repaid) is released to the fund in the
 * same append, so the budget never counts money a closed grant will not spend.
 */
import type { Pence } from '@civic-ledger/core'
import { defineDecision, IsoDate, NonEmptyString, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { applications } from '../application/aggregate'
import { isGrant, pendingVariation, statusProblem } from '../application/decide'
import type { ApplicationEvent } from '../application/events'
import { GrantClosed } from '../application/events'
import { funds } from '../fund/aggregate'
import type { FundEvent } from '../fund/events'
import { FundReleased } from '../fund/events'
import { ApplicationId, FundId } from '../ids'
import { pairOf } from '../rules/fund-of'

/** The codec of the `CloseGrant` command of the `closures` decision. */
export const CloseGrantCommand = t.readonly(
  t.type({
    type: t.literal('CloseGrant'),
    applicationId: ApplicationId,
    fundId: FundId,
    reason: NonEmptyString,
    on: IsoDate,
  }),
)
/** The `CloseGrant` command of the `closures` decision, as decoded. */
export type CloseGrantCommand = t.TypeOf<typeof CloseGrantCommand>
/** The `CloseGrant` command as an app sends it to `ledger.decide`, before decoding. */
export type CloseGrantCommandInput = t.OutputOf<typeof CloseGrantCommand>

/**
 * The `closures` decision: closes a grant with nothing waiting, and releases what it did not keep
 * to its fund.
 */
export const closures = defineDecision({
  context: 'grants',
  name: 'closures',
  commands: CloseGrantCommand,
  streams: (c: CloseGrantCommand) => ({
    application: streamOf(applications, c.applicationId),
    fund: streamOf(funds, c.fundId),
  }),
  decide: (c, states) => {
    const pair = pairOf(c, states.application, states.fund)
    if (!pair.ok) return reject(pair.problem.code, pair.problem.message)
    const { application: grant } = pair
    if (!isGrant(grant)) {
      const problem = statusProblem(grant, c.applicationId, [], 'only a grant is closed')
      return reject(problem?.code ?? 'not-awarded', problem?.message ?? `application ${c.applicationId} is not a grant`)
    }
    if (grant.scheduled > 0)
      return reject('payments-pending', `${grant.scheduled}p is scheduled: make or cancel those payments first`)
    const outstanding = Object.entries(grant.requirements)
      .filter(([, r]) => r.status !== 'accepted')
      .map(([id]) => id)
    if (outstanding.length > 0)
      return reject('monitoring-outstanding', `monitoring is not yet accepted: ${outstanding.join(', ')}`)
    const pending = pendingVariation(grant)
    if (pending !== undefined) return reject('variation-pending', `variation ${pending} is still to be decided`)
    const released = grant.awarded - grant.paid + grant.repaid
    const closed: ApplicationEvent = GrantClosed.create({
      applicationId: c.applicationId,
      fundId: c.fundId,
      paid: grant.paid as Pence,
      repaid: grant.repaid as Pence,
      released: released as Pence,
      reason: c.reason,
      on: c.on,
    })
    const back: ReadonlyArray<FundEvent> =
      released > 0
        ? [
            FundReleased.create({
              fundId: c.fundId,
              applicationId: c.applicationId,
              amount: released as Pence,
              reason: `grant closed: ${c.reason}` as NonEmptyString,
              on: c.on,
            }),
          ]
        : []
    return E.right({ application: [closed], fund: back })
  },
})
