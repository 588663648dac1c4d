/** A time-credit account: its balance, and the timesheet entries it has earned from. */
import type { CreditEvent } from './events'

/** A volunteer's time credits's state: what its events fold to, and what its commands are decided on. */
export interface CreditState {
  readonly balance: number
  readonly earnedFrom: Readonly<Record<string, true>>
}

export const initialCredits: CreditState = { balance: 0, earnedFrom: {} }

export const evolveCredits = (s: CreditState, e: CreditEvent): CreditState => {
  switch (e.type) {
    case 'volunteers.CreditsEarned':
      return { balance: s.balance + e.data.credits, earnedFrom: { ...s.earnedFrom, [e.data.entryId]: true } }
    case 'volunteers.CreditsSpent':
    case 'volunteers.CreditsGifted':
      return { ...s, balance: s.balance - e.data.credits }
    case 'volunteers.CreditsReceived':
    case 'volunteers.CreditsAdjusted':
      return { ...s, balance: s.balance + e.data.credits }
  }
}
