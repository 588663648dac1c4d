/**
 * TimeCreditAccount: time credits a volunteer earns from verified hours — once per timesheet entry —
 * and spends, gifts to another person or to a community pot, or has adjusted by a coordinator. The
 * balance is never negative, and nothing here changes the hours the credits came from.
 */
import type { DomainError, EventsOf } from '@civic-ledger/core'
import {
  accept,
  defineAggregate,
  defineEvent,
  EntityId,
  eventCatalog,
  IsoDate,
  NonEmptyString,
  reject,
} from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'
import * as t from 'io-ts'

const Id = NonEmptyString
const Credits = t.number

export const CreditsEarned = defineEvent({
  type: 'volunteers.CreditsEarned',
  codec: t.readonly(t.type({ accountId: Id, entryId: Id, credits: Credits, on: IsoDate })),
})
export const CreditsSpent = defineEvent({
  type: 'volunteers.CreditsSpent',
  codec: t.readonly(t.type({ accountId: Id, credits: Credits, on: IsoDate, at: NonEmptyString })),
})
export const CreditsGifted = defineEvent({
  type: 'volunteers.CreditsGifted',
  codec: t.readonly(
    t.type({
      accountId: Id,
      credits: Credits,
      on: IsoDate,
      to: t.readonly(t.type({ kind: t.keyof({ person: null, pot: null }), id: Id })),
    }),
  ),
})
export const CreditsAdjusted = defineEvent({
  type: 'volunteers.CreditsAdjusted',
  codec: t.readonly(t.type({ accountId: Id, credits: Credits, on: IsoDate, reason: NonEmptyString })),
})

const definitions = [CreditsEarned, CreditsSpent, CreditsGifted, CreditsAdjusted] as const
export const creditEvents = eventCatalog(...definitions)
export type CreditEvent = EventsOf<typeof definitions>

export const CreditCommand = t.union([
  t.readonly(
    t.type({ type: t.literal('SpendCredits'), accountId: EntityId, credits: Credits, on: IsoDate, at: NonEmptyString }),
  ),
  t.readonly(
    t.type({
      type: t.literal('GiftCredits'),
      accountId: EntityId,
      credits: Credits,
      on: IsoDate,
      to: t.readonly(t.type({ kind: t.keyof({ person: null, pot: null }), id: EntityId })),
    }),
  ),
  t.readonly(
    t.type({
      type: t.literal('AdjustCredits'),
      accountId: EntityId,
      credits: Credits,
      on: IsoDate,
      reason: NonEmptyString,
    }),
  ),
])
export type CreditCommand = t.TypeOf<typeof CreditCommand>
export type CreditCommandInput = t.OutputOf<typeof CreditCommand>

export interface CreditState {
  readonly balance: number
  readonly earnedFrom: ReadonlyArray<string>
}

const whole = (n: number): boolean => Number.isSafeInteger(n)

/**
 * Credits for a verified entry: an entry's hours, part hours kept, once per entry (the same entry
 * again records nothing).
 */
export const earnCredits = (
  s: CreditState,
  earned: {
    readonly accountId: EntityId
    readonly entryKey: NonEmptyString
    readonly hours: number
    readonly on: IsoDate
  },
): Either<DomainError, ReadonlyArray<CreditEvent>> =>
  s.earnedFrom.includes(earned.entryKey)
    ? accept<CreditEvent>()
    : accept<CreditEvent>(
        CreditsEarned.create({
          accountId: earned.accountId,
          entryId: earned.entryKey,
          credits: earned.hours,
          on: earned.on,
        }),
      )

export const timeCredits = defineAggregate({
  context: 'volunteers',
  name: 'credits',
  commands: CreditCommand,
  events: creditEvents,
  id: (c) => c.accountId,
  decider: {
    initialState: { balance: 0, earnedFrom: [] },
    evolve: (s: CreditState, e: CreditEvent): CreditState => {
      switch (e.type) {
        case 'volunteers.CreditsEarned':
          return { balance: s.balance + e.data.credits, earnedFrom: [...s.earnedFrom, e.data.entryId] }
        case 'volunteers.CreditsSpent':
        case 'volunteers.CreditsGifted':
          return { ...s, balance: s.balance - e.data.credits }
        case 'volunteers.CreditsAdjusted':
          return { ...s, balance: s.balance + e.data.credits }
      }
    },
    decide: (c: CreditCommand, s: CreditState) => {
      switch (c.type) {
        case 'SpendCredits':
        case 'GiftCredits': {
          if (!whole(c.credits) || c.credits <= 0)
            return reject('invalid-credits', 'credits must be a whole number above 0')
          if (c.credits > s.balance)
            return reject(
              'insufficient-credits',
              `the balance is ${s.balance}; ${c.credits} cannot be ${c.type === 'SpendCredits' ? 'spent' : 'gifted'}`,
            )
          if (c.type === 'GiftCredits' && c.to.kind === 'person' && c.to.id === c.accountId)
            return reject('gift-to-self', 'credits cannot be gifted to the same account')
          return accept<CreditEvent>(
            c.type === 'SpendCredits'
              ? CreditsSpent.create({ accountId: c.accountId, credits: c.credits, on: c.on, at: c.at })
              : CreditsGifted.create({ accountId: c.accountId, credits: c.credits, on: c.on, to: c.to }),
          )
        }
        case 'AdjustCredits':
          if (!whole(c.credits) || c.credits === 0)
            return reject('invalid-credits', 'an adjustment is a whole number, not 0')
          if (s.balance + c.credits < 0)
            return reject(
              'insufficient-credits',
              `the balance is ${s.balance}; an adjustment of ${c.credits} would make it negative`,
            )
          return accept<CreditEvent>(
            CreditsAdjusted.create({ accountId: c.accountId, credits: c.credits, on: c.on, reason: c.reason }),
          )
      }
    },
  },
})
