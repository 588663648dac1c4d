/**
 * Awarding a grant: a decision across the application and its fund, decided on both states together
 * and appended to both at the revisions read. The application must be awaiting a decision — reviewed,
 * or submitted for a direct award; the amount must be within the limits of its stream (for its
 * round) and no more than the fund's remaining budget. The award is recorded on the application and
 * committed on the fund in one append, so two awards that together would overspend the fund cannot
 * both be made: the second is decided again on the fund as the first left it, and refused.
 */
import { defineDecision, IsoDate, NonEmptyString, Pence, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { applications } from '../application/aggregate'
import { statusProblem } from '../application/decide'
import type { ApplicationEvent } from '../application/events'
import { GrantAwarded } from '../application/events'
import { awaitingDecision } from '../application/state'
import { funds } from '../fund/aggregate'
import { limitsFor, outsideLimits } from '../fund/decide'
import type { FundEvent } from '../fund/events'
import { FundCommitted } from '../fund/events'
import { remaining } from '../fund/state'
import { ApplicationId, FundId } from '../ids'
import { pairOf } from '../rules/fund-of'

/** The codec of the `AwardGrant` command of the `awards` decision. */
export const AwardGrantCommand = t.readonly(
  t.type({
    type: t.literal('AwardGrant'),
    applicationId: ApplicationId,
    fundId: FundId,
    amount: Pence,
    conditions: t.readonlyArray(NonEmptyString),
    on: IsoDate,
  }),
)
/** The `AwardGrant` command of the `awards` decision, as decoded. */
export type AwardGrantCommand = t.TypeOf<typeof AwardGrantCommand>
/** The `AwardGrant` command as an app sends it to `ledger.decide`, before decoding. */
export type AwardGrantCommandInput = t.OutputOf<typeof AwardGrantCommand>

/**
 * The `awards` decision: awards a grant on the application and its fund together, so no award
 * exceeds the fund's budget.
 */
export const awards = defineDecision({
  context: 'grants',
  name: 'awards',
  commands: AwardGrantCommand,
  streams: (c: AwardGrantCommand) => ({
    application: streamOf(applications, c.applicationId),
    fund: streamOf(funds, c.fundId),
  }),
  decide: (c, states) => {
    const pair = pairOf(c, states.application, states.fund)
    if (!pair.ok) return reject(pair.problem.code, pair.problem.message)
    const { application, fund } = pair
    if (!awaitingDecision(application)) {
      const problem = statusProblem(application, c.applicationId, [], 'it is not awaiting a decision')
      const code = problem?.code === 'application-ended' || problem?.code === 'decided' ? problem.code : 'not-reviewed'
      return reject(code, `application ${c.applicationId} is ${application.status}, not awaiting a decision`)
    }
    if (c.amount === 0) return reject('invalid-amount', 'an award is at least 1p')
    const limits = outsideLimits(c.amount, limitsFor(fund, application.streamId, application.roundId))
    if (limits !== undefined) return reject(limits.code, limits.message)
    if (c.amount > remaining(fund))
      return reject('over-budget', `${c.amount}p is more than the ${remaining(fund)}p left in fund ${c.fundId}`)
    const awarded: ApplicationEvent = GrantAwarded.create({
      applicationId: c.applicationId,
      fundId: c.fundId,
      amount: c.amount,
      conditions: c.conditions,
      on: c.on,
    })
    const committed: FundEvent = FundCommitted.create({
      fundId: c.fundId,
      applicationId: c.applicationId,
      amount: c.amount,
      on: c.on,
    })
    return E.right({ application: [awarded], fund: [committed] })
  },
})
