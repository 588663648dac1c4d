/**
 * The rules of time credits: spent, donated and gifted credits are whole and above 0, and never more
 * than the balance; an adjustment is whole, not 0, and never leaves the balance negative; an entry
 * earns once. Nothing here changes the hours the credits came from.
 */
import type { DomainError, IsoDate, NonEmptyString } from '@civic-ledger/core'
import { accept, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { CreditCommand } from './commands'
import type { CreditEvent } from './events'
import { CreditsAdjusted, CreditsEarned, CreditsGifted, CreditsSpent } from './events'
import type { CreditState } from './state'

type CommandOf<T extends CreditCommand['type']> = Extract<CreditCommand, { readonly type: T }>

const whole = (n: number): boolean => Number.isSafeInteger(n)

/** Why `credits` cannot leave an account with `balance`, or undefined; `verb` says how they go. */
export const withdrawalProblem = (balance: number, credits: number, verb: string): DomainError | undefined => {
  if (!whole(credits) || credits <= 0)
    return { code: 'invalid-credits', message: 'credits must be a whole number above 0' }
  if (credits > balance)
    return { code: 'insufficient-credits', message: `the balance is ${balance}; ${credits} cannot be ${verb}` }
  return undefined
}

/**
 * Credits for a verified entry: the entry's hours, part hours kept, once per entry (the same entry
 * again records nothing).
 */
export const earnCredits = (
  s: CreditState,
  earned: {
    readonly volunteerId: NonEmptyString
    readonly entryId: NonEmptyString
    readonly hours: number
    readonly on: IsoDate
  },
): Either<DomainError, ReadonlyArray<CreditEvent>> =>
  own(s.earnedFrom, earned.entryId) === true
    ? accept<CreditEvent>()
    : accept<CreditEvent>(
        CreditsEarned.create({
          volunteerId: earned.volunteerId,
          entryId: earned.entryId,
          credits: earned.hours,
          on: earned.on,
        }),
      )

const spend = (c: CommandOf<'SpendCredits'>, s: CreditState): Either<DomainError, ReadonlyArray<CreditEvent>> => {
  const problem = withdrawalProblem(s.balance, c.credits, 'spent')
  return problem !== undefined
    ? reject(problem.code, problem.message)
    : accept<CreditEvent>(CreditsSpent.create({ volunteerId: c.volunteerId, credits: c.credits, on: c.on, at: c.at }))
}

const donate = (c: CommandOf<'DonateCredits'>, s: CreditState): Either<DomainError, ReadonlyArray<CreditEvent>> => {
  const problem = withdrawalProblem(s.balance, c.credits, 'given')
  return problem !== undefined
    ? reject(problem.code, problem.message)
    : accept<CreditEvent>(
        CreditsGifted.create({
          volunteerId: c.volunteerId,
          credits: c.credits,
          on: c.on,
          to: { kind: 'pot', id: c.potId },
        }),
      )
}

const adjust = (c: CommandOf<'AdjustCredits'>, s: CreditState): Either<DomainError, ReadonlyArray<CreditEvent>> => {
  if (!whole(c.credits) || c.credits === 0) return reject('invalid-credits', 'an adjustment is a whole number, not 0')
  if (s.balance + c.credits < 0)
    return reject(
      'insufficient-credits',
      `the balance is ${s.balance}; an adjustment of ${c.credits} would make it negative`,
    )
  return accept<CreditEvent>(
    CreditsAdjusted.create({ volunteerId: c.volunteerId, credits: c.credits, on: c.on, reason: c.reason }),
  )
}

export const decideCredits = (
  command: CreditCommand,
  state: CreditState,
): Either<DomainError, ReadonlyArray<CreditEvent>> => {
  switch (command.type) {
    case 'SpendCredits':
      return spend(command, state)
    case 'DonateCredits':
      return donate(command, state)
    case 'AdjustCredits':
      return adjust(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
