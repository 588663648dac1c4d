/**
 * Gifting time credits to another volunteer: a decision across the giver's account, the
 * recipient's account and the recipient's record. The credits leave the giver's balance and reach
 * the recipient's, together or not at all; the recipient must be a volunteer on record, and no one
 * gifts to themselves.
 */
import type { NonEmptyString } from '@civic-ledger/core'
import { defineDecision, IsoDate, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { timeCredits } from '../credits/aggregate'
import { withdrawalProblem } from '../credits/decide'
import type { CreditEvent } from '../credits/events'
import { CreditsGifted, CreditsReceived } from '../credits/events'
import { VolunteerId } from '../ids'
import { volunteers } from '../volunteer/aggregate'

/** The codec of the `GiftCredits` command of the `gifts` decision. */
export const GiftCreditsCommand = t.readonly(
  t.type({ type: t.literal('GiftCredits'), volunteerId: VolunteerId, to: VolunteerId, credits: t.number, on: IsoDate }),
)
/** The `GiftCredits` command of the `gifts` decision, as decoded. */
export type GiftCreditsCommand = t.TypeOf<typeof GiftCreditsCommand>
/** The `GiftCredits` command as an app sends it to `ledger.decide`, before decoding. */
export type GiftCreditsCommandInput = t.OutputOf<typeof GiftCreditsCommand>

/** Moves credits from one volunteer's account to another's. */
export const gifts = defineDecision({
  context: 'volunteers',
  name: 'gifts',
  commands: GiftCreditsCommand,
  streams: (c: GiftCreditsCommand) => ({
    giver: streamOf(timeCredits, c.volunteerId),
    recipient: streamOf(timeCredits, c.to),
    recipientRecord: streamOf(volunteers, c.to),
  }),
  decide: (c, { giver, recipientRecord }) => {
    if ((c.to as string) === (c.volunteerId as string))
      return reject('gift-to-self', 'credits cannot be gifted to the same account')
    if (recipientRecord.status === 'none') return reject('unknown-recipient', `${c.to} is not a volunteer on record`)
    const problem = withdrawalProblem(giver.balance, c.credits, 'gifted')
    if (problem !== undefined) return reject(problem.code, problem.message)
    const from: NonEmptyString = c.volunteerId
    const gifted: CreditEvent = CreditsGifted.create({
      volunteerId: c.volunteerId,
      credits: c.credits,
      on: c.on,
      to: { kind: 'person', id: c.to },
    })
    const received: CreditEvent = CreditsReceived.create({ volunteerId: c.to, credits: c.credits, on: c.on, from })
    return E.right({ giver: [gifted], recipient: [received] })
  },
})
