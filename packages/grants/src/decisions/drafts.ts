/**
 * Drafting an application: a decision across the application and its fund. The fund must exist; the
 * stream must be one of the fund's; a round, when named, must be the fund's and open on the day,
 * and without one the fund must make direct awards; the amount asked must be within the limits the
 * award would be held to; no area served may be one the fund excludes, and when the fund names the
 * areas it includes, each area served must be one of them; a fund that asks for it gets the
 * projected saving to public services. The fund is read, never written.
 */
import { AreaCode } from '@civic-ledger/areas'
import type { DomainError } from '@civic-ledger/core'
import { defineDecision, IsoDate, NonEmptyString, own, Pence, reject, streamOf } from '@civic-ledger/core'
import { OrgId } from '@civic-ledger/partnerships'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { applications } from '../application/aggregate'
import type { ApplicationEvent } from '../application/events'
import { ApplicationDrafted } from '../application/events'
import { funds } from '../fund/aggregate'
import { limitsFor } from '../fund/decide'
import type { FundRecord } from '../fund/state'
import { ApplicationId, FundId, RoundId, StreamId } from '../ids'

export const DraftApplicationCommand = t.readonly(
  t.intersection([
    t.type({
      type: t.literal('DraftApplication'),
      applicationId: ApplicationId,
      fundId: FundId,
      streamId: StreamId,
      applicant: OrgId,
      title: NonEmptyString,
      amountRequested: Pence,
      areas: t.readonlyArray(AreaCode),
      outcomes: t.readonlyArray(NonEmptyString),
      on: IsoDate,
    }),
    t.partial({ roundId: RoundId, projectedSaving: Pence }),
  ]),
)
export type DraftApplicationCommand = t.TypeOf<typeof DraftApplicationCommand>
export type DraftApplicationCommandInput = t.OutputOf<typeof DraftApplicationCommand>

const roundProblem = (c: DraftApplicationCommand, fund: FundRecord): DomainError | undefined => {
  if (c.roundId === undefined)
    return fund.directAwards
      ? undefined
      : { code: 'no-round', message: `fund ${c.fundId} makes no direct awards: apply in one of its rounds` }
  const round = own(fund.rounds, c.roundId)
  if (round === undefined) return { code: 'unknown-round', message: `fund ${c.fundId} has no round ${c.roundId}` }
  return c.on < round.opensOn || c.on >= round.closesOn
    ? { code: 'round-closed', message: `round ${c.roundId} is open from ${round.opensOn} until ${round.closesOn}` }
    : undefined
}

const eligibilityProblem = (c: DraftApplicationCommand, fund: FundRecord): DomainError | undefined => {
  if (c.areas.length === 0) return { code: 'no-areas', message: 'an application names the areas it serves' }
  const excluded = c.areas.filter((a) => fund.eligibility.areasExcluded.includes(a))
  if (excluded.length > 0) return { code: 'area-excluded', message: `fund ${c.fundId} excludes ${excluded.join(', ')}` }
  const included = fund.eligibility.areasIncluded
  const outside = included.length === 0 ? [] : c.areas.filter((a) => !included.includes(a))
  return outside.length > 0
    ? {
        code: 'area-not-eligible',
        message: `fund ${c.fundId} serves ${included.join(', ')}, not ${outside.join(', ')}`,
      }
    : undefined
}

const amountProblem = (c: DraftApplicationCommand, fund: FundRecord): DomainError | undefined => {
  const limits = limitsFor(fund, c.streamId, c.roundId)
  if (limits === undefined) return { code: 'unknown-stream', message: `fund ${c.fundId} has no stream ${c.streamId}` }
  if (c.amountRequested < limits.minimum || c.amountRequested > limits.maximum)
    return {
      code: 'outside-limits',
      message: `${c.amountRequested}p is outside ${c.streamId}'s limits of ${limits.minimum}p to ${limits.maximum}p`,
    }
  return fund.asksForSavings && c.projectedSaving === undefined
    ? { code: 'saving-needed', message: `fund ${c.fundId} asks for the projected saving to public services` }
    : undefined
}

export const drafts = defineDecision({
  context: 'grants',
  name: 'drafts',
  commands: DraftApplicationCommand,
  streams: (c: DraftApplicationCommand) => ({
    application: streamOf(applications, c.applicationId),
    fund: streamOf(funds, c.fundId),
  }),
  decide: (c, { application, fund }) => {
    if (application.status !== 'none')
      return reject('application-exists', `application ${c.applicationId} exists already`)
    if (fund.status === 'none') return reject('unknown-fund', `fund ${c.fundId} is not defined`)
    const problem = amountProblem(c, fund) ?? roundProblem(c, fund) ?? eligibilityProblem(c, fund)
    if (problem !== undefined) return reject(problem.code, problem.message)
    const drafted: ApplicationEvent = ApplicationDrafted.create({
      applicationId: c.applicationId,
      fundId: c.fundId,
      streamId: c.streamId,
      applicant: c.applicant,
      title: c.title,
      amountRequested: c.amountRequested,
      areas: c.areas,
      outcomes: c.outcomes,
      on: c.on,
      ...(c.roundId === undefined ? {} : { roundId: c.roundId }),
      ...(c.projectedSaving === undefined ? {} : { projectedSaving: c.projectedSaving }),
    })
    return E.right({ application: [drafted] })
  },
})
