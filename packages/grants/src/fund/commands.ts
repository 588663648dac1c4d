/** What can be asked of a fund. Amounts are whole pence. */
import { AreaCode } from '@civic-ledger/areas'
import { IsoDate, NonEmptyString, Pence } from '@civic-ledger/core'
import { OrgId } from '@civic-ledger/partnerships'
import * as t from 'io-ts'

import { FundId, RoundId, StreamId } from '../ids'
import { RegrantType } from './events'

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), fundId: FundId, on: IsoDate, ...props }))

const LimitsInput = t.readonly(t.type({ minimum: Pence, maximum: Pence }))

/**
 * Defines a fund: its name, funder and administrators, eligibility, budget in pence, and whether it
 * makes direct awards.
 */
export const DefineFund = t.readonly(
  t.intersection([
    command('DefineFund', {
      name: NonEmptyString,
      funder: OrgId,
      administrators: t.readonlyArray(OrgId),
      eligibility: t.readonly(
        t.type({
          areasIncluded: t.readonlyArray(AreaCode),
          areasExcluded: t.readonlyArray(AreaCode),
          applicantTypes: t.readonlyArray(NonEmptyString),
          priorityOutcomes: t.readonlyArray(NonEmptyString),
        }),
      ),
      budget: Pence,
      directAwards: t.boolean,
      asksForSavings: t.boolean,
    }),
    t.partial({
      /** Set when the fund passes its money on to another funder: a 360Giving `regrantType` code. */
      regrantType: RegrantType,
      /** Whether an application is made with a county councillor, named when it is drafted. */
      asksForCouncillor: t.boolean,
    }),
  ]),
)
/** Adds a stream to a fund, with the default limits of its grants. */
export const AddStream = command('AddStream', { streamId: StreamId, name: NonEmptyString, limits: LimitsInput })
/** Opens a round of a fund, from one day to another, with the limits of its streams in it. */
export const OpenRound = t.readonly(
  t.intersection([
    command('OpenRound', {
      roundId: RoundId,
      opensOn: IsoDate,
      closesOn: IsoDate,
      limits: t.readonlyArray(t.readonly(t.type({ streamId: StreamId, limits: LimitsInput }))),
    }),
    t.partial({ fundingTarget: Pence }),
  ]),
)
/** Changes the budget by `change` pence (negative to reduce it). */
export const ChangeBudget = command('ChangeBudget', { change: t.Int, reason: NonEmptyString })

/** The codec of the commands a fund takes. */
export const FundCommand = t.union([DefineFund, AddStream, OpenRound, ChangeBudget])
/** A command a fund takes, as decoded. */
export type FundCommand = t.TypeOf<typeof FundCommand>
/** A command to a fund as an app sends it to `ledger.execute`, before decoding. */
export type FundCommandInput = t.OutputOf<typeof FundCommand>
