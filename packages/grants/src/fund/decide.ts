/**
 * The rules of a fund: at least one administrator, each named once; no area both included and
 * excluded; a stream's limits with a minimum no more than its maximum; a round that closes after it
 * opens, with limits only for streams the fund has; a budget that changes by whole pence, never
 * below nothing nor below what is already committed to awards.
 */
import type { DomainError, Pence } from '@civic-ledger/core'
import { accept, duplicates, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { FundCommand } from './commands'
import type { FundEvent, Limits } from './events'
import { BudgetChanged, FundDefined, RoundOpened, StreamAdded } from './events'
import type { FundRecord, FundState } from './state'

type Decided = Either<DomainError, ReadonlyArray<FundEvent>>
type CommandOf<T extends FundCommand['type']> = Extract<FundCommand, { readonly type: T }>

/** Why limits cannot stand, or undefined. */
export const limitsProblem = (limits: Limits, what: string): string | undefined =>
  limits.minimum > limits.maximum
    ? `${what}: the minimum (${limits.minimum}p) is more than the maximum (${limits.maximum}p)`
    : limits.maximum === 0
      ? `${what}: the maximum is 0p`
      : undefined

/** The limits an award in `streamId` is held to: the round's for the stream, else the stream's own. */
export const limitsFor = (s: FundRecord, streamId: string, roundId?: string): Limits | undefined => {
  const round = roundId === undefined ? undefined : own(s.rounds, roundId)
  return (round === undefined ? undefined : own(round.limits, streamId)) ?? own(s.streams, streamId)
}

/** The refusal of an amount outside `limits` (`outside-limits`), or undefined when it is within them. */
export const outsideLimits = (amount: number, limits: Limits | undefined): DomainError | undefined =>
  limits !== undefined && (amount < limits.minimum || amount > limits.maximum)
    ? {
        code: 'outside-limits',
        message: `${amount}p is outside the limits of ${limits.minimum}p to ${limits.maximum}p`,
      }
    : undefined

const define = (c: CommandOf<'DefineFund'>, s: FundState): Decided => {
  if (s.status !== 'none') return reject('fund-exists', `fund ${c.fundId} is defined already`)
  if (c.administrators.length === 0) return reject('invalid-fund', 'a fund has at least one administrator')
  const named = duplicates(c.administrators)
  if (named.length > 0) return reject('invalid-fund', `an administrator is named twice: ${named.join(', ')}`)
  const both = c.eligibility.areasIncluded.filter((a) => c.eligibility.areasExcluded.includes(a))
  if (both.length > 0) return reject('invalid-fund', `an area is both included and excluded: ${both.join(', ')}`)
  return accept<FundEvent>(
    FundDefined.create({
      fundId: c.fundId,
      name: c.name,
      funder: c.funder,
      administrators: c.administrators,
      eligibility: {
        areasIncluded: c.eligibility.areasIncluded,
        areasExcluded: c.eligibility.areasExcluded,
        applicantTypes: c.eligibility.applicantTypes,
        priorityOutcomes: c.eligibility.priorityOutcomes,
      },
      budget: c.budget,
      directAwards: c.directAwards,
      asksForSavings: c.asksForSavings,
      on: c.on,
      ...(c.regrantType === undefined ? {} : { regrantType: c.regrantType }),
      ...(c.asksForCouncillor === undefined ? {} : { asksForCouncillor: c.asksForCouncillor }),
    }),
  )
}

const addStream = (c: CommandOf<'AddStream'>, s: FundRecord): Decided => {
  if (own(s.streams, c.streamId) !== undefined) return reject('stream-exists', `stream ${c.streamId} exists already`)
  const problem = limitsProblem(c.limits, c.streamId)
  if (problem !== undefined) return reject('invalid-limits', problem)
  const limits = { minimum: c.limits.minimum, maximum: c.limits.maximum }
  return accept<FundEvent>(
    StreamAdded.create({ fundId: c.fundId, streamId: c.streamId, name: c.name, limits, on: c.on }),
  )
}

const openRound = (c: CommandOf<'OpenRound'>, s: FundRecord): Decided => {
  if (own(s.rounds, c.roundId) !== undefined) return reject('round-exists', `round ${c.roundId} exists already`)
  if (c.closesOn <= c.opensOn) return reject('invalid-round', 'a round closes after it opens')
  const unknown = c.limits.filter((l) => own(s.streams, l.streamId) === undefined).map((l) => l.streamId)
  if (unknown.length > 0) return reject('unknown-stream', `the fund has no stream ${unknown.join(', ')}`)
  const repeated = duplicates(c.limits.map((l) => l.streamId))
  if (repeated.length > 0) return reject('invalid-round', `a stream's limits are given twice: ${repeated.join(', ')}`)
  const problems = c.limits.flatMap((l) => limitsProblem(l.limits, l.streamId) ?? [])
  if (problems.length > 0) return reject('invalid-limits', problems.join('; '))
  return accept<FundEvent>(
    RoundOpened.create({
      fundId: c.fundId,
      roundId: c.roundId,
      opensOn: c.opensOn,
      closesOn: c.closesOn,
      limits: c.limits.map((l) => ({
        streamId: l.streamId,
        limits: { minimum: l.limits.minimum, maximum: l.limits.maximum },
      })),
      ...(c.fundingTarget === undefined ? {} : { fundingTarget: c.fundingTarget }),
    }),
  )
}

const changeBudget = (c: CommandOf<'ChangeBudget'>, s: FundRecord): Decided => {
  if (!Number.isSafeInteger(c.change) || c.change === 0)
    return reject('invalid-amount', 'a budget change is a whole number of pence, not 0')
  const budget = s.budget + c.change
  if (budget < s.committed)
    return reject(
      'budget-below-committed',
      `the budget would be ${budget}p, below the ${s.committed}p already committed to awards`,
    )
  return accept<FundEvent>(
    BudgetChanged.create({ fundId: c.fundId, change: c.change, budget: budget as Pence, reason: c.reason, on: c.on }),
  )
}

export const decideFund = (command: FundCommand, state: FundState): Decided => {
  if (command.type === 'DefineFund') return define(command, state)
  if (state.status === 'none') return reject('unknown-fund', `fund ${command.fundId} is not defined`)
  switch (command.type) {
    case 'AddStream':
      return addStream(command, state)
    case 'OpenRound':
      return openRound(command, state)
    case 'ChangeBudget':
      return changeBudget(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
