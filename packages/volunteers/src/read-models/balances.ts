/** Time-credit balances per volunteer, and what each community pot has been given. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import { CreditsAdjusted, CreditsEarned, CreditsGifted, CreditsReceived, CreditsSpent } from '../credits/events'

/** A document of the `balances` collection of the `time-credit-balances` read model. */
export interface BalanceDoc {
  readonly volunteerId: string
  readonly balance: number
  readonly earned: number
}
/** A document of the `pots` collection of the `time-credit-balances` read model. */
export interface PotDoc {
  readonly potId: string
  readonly received: number
}
/** The `balances` collection of `time-credit-balances`: each volunteer's time-credit balance. */
export const balanceDocs = defineCollection<BalanceDoc>('balances')
/** The `pots` collection of `time-credit-balances`: the credits each pot has received. */
export const potDocs = defineCollection<PotDoc>('pots')

/**
 * The `time-credit-balances` read model: time credits earned, spent, gifted and adjusted, by
 * volunteer and pot.
 */
export const timeCreditBalances = defineProjection({
  name: 'time-credit-balances',
  version: 2,
  events: [CreditsEarned, CreditsSpent, CreditsGifted, CreditsReceived, CreditsAdjusted],
  collections: [balanceDocs, potDocs],
  apply: async (e, ctx) => {
    const docs = ctx.collection(balanceDocs)
    const id = e.data.volunteerId
    const before = (await docs.get(id)) ?? { volunteerId: id, balance: 0, earned: 0 }
    const leaving = e.type === 'volunteers.CreditsSpent' || e.type === 'volunteers.CreditsGifted'
    await docs.put(id, {
      ...before,
      balance: before.balance + (leaving ? -e.data.credits : e.data.credits),
      earned: before.earned + (e.type === 'volunteers.CreditsEarned' ? e.data.credits : 0),
    })
    if (e.type === 'volunteers.CreditsGifted' && e.data.to.kind === 'pot') {
      const pots = ctx.collection(potDocs)
      const pot = (await pots.get(e.data.to.id)) ?? { potId: e.data.to.id, received: 0 }
      await pots.put(pot.potId, { ...pot, received: pot.received + e.data.credits })
    }
  },
})
