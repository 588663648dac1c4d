/**
 * Approving a variation: the only way the amount of a grant changes after the award. A decision
 * across the grant and its fund: the variation must be waiting; the new amount must be within the
 * limits of the grant's stream, no less than what is paid and scheduled, and — when it is more —
 * the increase must fit in the fund's remaining budget. The grant's new amount and the fund's
 * commitment change in one append: an increase is committed, a decrease released.
 */
import type { NonEmptyString, Pence } from '@civic-ledger/core'
import { defineDecision, IsoDate, own, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { applications } from '../application/aggregate'
import { isGrant, statusProblem } from '../application/decide'
import type { ApplicationEvent } from '../application/events'
import { VariationApproved } from '../application/events'
import { funds } from '../fund/aggregate'
import { limitsFor } from '../fund/decide'
import type { FundEvent } from '../fund/events'
import { FundCommitted, FundReleased } from '../fund/events'
import { remaining } from '../fund/state'
import { ApplicationId, FundId, VariationId } from '../ids'
import { pairOf } from '../rules/fund-of'

/** The codec of the `ApproveVariation` command of the `variations` decision. */
export const ApproveVariationCommand = t.readonly(
  t.type({
    type: t.literal('ApproveVariation'),
    applicationId: ApplicationId,
    fundId: FundId,
    variationId: VariationId,
    on: IsoDate,
  }),
)
/** The `ApproveVariation` command of the `variations` decision, as decoded. */
export type ApproveVariationCommand = t.TypeOf<typeof ApproveVariationCommand>
/** The `ApproveVariation` command as an app sends it to `ledger.decide`, before decoding. */
export type ApproveVariationCommandInput = t.OutputOf<typeof ApproveVariationCommand>

/**
 * The `variations` decision: approves a variation of a grant's amount within its stream's limits
 * and the fund's budget.
 */
export const variations = defineDecision({
  context: 'grants',
  name: 'variations',
  commands: ApproveVariationCommand,
  streams: (c: ApproveVariationCommand) => ({
    application: streamOf(applications, c.applicationId),
    fund: streamOf(funds, c.fundId),
  }),
  decide: (c, states) => {
    const pair = pairOf(c, states.application, states.fund)
    if (!pair.ok) return reject(pair.problem.code, pair.problem.message)
    const { application, fund } = pair
    if (!isGrant(application)) {
      const problem = statusProblem(application, c.applicationId, [], 'only a grant is varied')
      return reject(problem?.code ?? 'not-awarded', problem?.message ?? `application ${c.applicationId} is not a grant`)
    }
    const variation = own(application.variations, c.variationId)
    if (variation === undefined)
      return reject('unknown-variation', `application ${c.applicationId} has no variation ${c.variationId}`)
    if (variation.status !== 'requested')
      return reject('variation-decided', `variation ${c.variationId} is ${variation.status}`)
    const limits = limitsFor(fund, application.streamId, application.roundId)
    if (limits !== undefined && variation.amount > limits.maximum)
      return reject('outside-limits', `${variation.amount}p is more than the stream's maximum of ${limits.maximum}p`)
    const owed = application.paid + application.scheduled
    if (variation.amount < owed)
      return reject('below-paid', `${variation.amount}p is less than the ${owed}p paid and scheduled`)
    const change = variation.amount - application.awarded
    if (change > remaining(fund))
      return reject('over-budget', `${change}p more is more than the ${remaining(fund)}p left in fund ${c.fundId}`)
    const approved: ApplicationEvent = VariationApproved.create({
      applicationId: c.applicationId,
      variationId: c.variationId,
      fundId: c.fundId,
      amount: variation.amount as Pence,
      previous: application.awarded as Pence,
      on: c.on,
    })
    const moved: ReadonlyArray<FundEvent> =
      change > 0
        ? [
            FundCommitted.create({
              fundId: c.fundId,
              applicationId: c.applicationId,
              amount: change as Pence,
              on: c.on,
            }),
          ]
        : change < 0
          ? [
              FundReleased.create({
                fundId: c.fundId,
                applicationId: c.applicationId,
                amount: -change as Pence,
                reason: `variation ${c.variationId}` as NonEmptyString,
                on: c.on,
              }),
            ]
          : []
    return E.right({ application: [approved], fund: moved })
  },
})
