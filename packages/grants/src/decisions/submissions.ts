/**
 * Submitting an application: a decision across the application and its fund, which is read and
 * never written. A draft is submitted once, while its round is open (a direct award has no round
 * and no deadline); the amount asked must still be within the limits the award will be held to.
 */
import { defineDecision, IsoDate, own, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { applications } from '../application/aggregate'
import type { ApplicationEvent } from '../application/events'
import { ApplicationSubmitted } from '../application/events'
import { TERMINAL } from '../application/state'
import { funds } from '../fund/aggregate'
import { limitsFor, outsideLimits } from '../fund/decide'
import { ApplicationId, FundId } from '../ids'
import { pairOf } from '../rules/fund-of'

/** The codec of the `SubmitApplication` command of the `submissions` decision. */
export const SubmitApplicationCommand = t.readonly(
  t.type({ type: t.literal('SubmitApplication'), applicationId: ApplicationId, fundId: FundId, on: IsoDate }),
)
/** The `SubmitApplication` command of the `submissions` decision, as decoded. */
export type SubmitApplicationCommand = t.TypeOf<typeof SubmitApplicationCommand>
/** The `SubmitApplication` command as an app sends it to `ledger.decide`, before decoding. */
export type SubmitApplicationCommandInput = t.OutputOf<typeof SubmitApplicationCommand>

/** The `submissions` decision: submits a draft while its round is open and its amount within the limits. */
export const submissions = defineDecision({
  context: 'grants',
  name: 'submissions',
  commands: SubmitApplicationCommand,
  streams: (c: SubmitApplicationCommand) => ({
    application: streamOf(applications, c.applicationId),
    fund: streamOf(funds, c.fundId),
  }),
  decide: (c, states) => {
    const pair = pairOf(c, states.application, states.fund)
    if (!pair.ok) return reject(pair.problem.code, pair.problem.message)
    const { application, fund } = pair
    if (application.status !== 'draft')
      return reject(
        TERMINAL.includes(application.status) ? 'application-ended' : 'not-draft',
        `application ${c.applicationId} is ${application.status}, not a draft`,
      )
    const round = application.roundId === undefined ? undefined : own(fund.rounds, application.roundId)
    if (round !== undefined && (c.on < round.opensOn || c.on >= round.closesOn))
      return reject(
        'round-closed',
        `round ${application.roundId} is open from ${round.opensOn} until ${round.closesOn}`,
      )
    const limits = outsideLimits(
      application.amountRequested,
      limitsFor(fund, application.streamId, application.roundId),
    )
    if (limits !== undefined) return reject(limits.code, limits.message)
    const submitted: ApplicationEvent = ApplicationSubmitted.create({ applicationId: c.applicationId, on: c.on })
    return E.right({ application: [submitted] })
  },
})
