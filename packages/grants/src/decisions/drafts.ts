/**
 * Drafting an application: a decision across the application, its fund, the place index and the
 * councillor it names. The fund must exist; the stream must be one of the fund's; a round, when
 * named, must be the fund's and open on the day, and without one the fund must make direct awards;
 * the amount asked must be within the limits the award would be held to; a fund that asks for it
 * gets the projected saving to public services. The fund, the index and the councillor are read,
 * never written.
 *
 * Eligibility is decided on LSOAs, whatever kind of area the application and the fund name: each
 * area is looked up in the place index (`@civic-ledger/areas`), the one the command names or else
 * `CURRENT_PLACE_INDEX`. No LSOA served may lie in an area the fund excludes (`area-excluded`);
 * when the fund names areas it includes, every LSOA served must lie in one of them
 * (`area-not-eligible`); an area the index does not know is `unknown-area`, and a fund with area
 * rules and no index built is `no-place-index`. A fund with no area rules needs no index. The LSOAs
 * served are recorded when the index knows every area named.
 *
 * A fund that asks for a councillor (`asksForCouncillor`) needs the application to name one
 * (`councillor-needed`), registered (`unknown-councillor`) and representing a division on the
 * application's date (`councillor-not-serving`); the councillor, their name and that division are
 * recorded. An application that names no councillor is decided on the stream `NO_COUNCILLOR`, which
 * no councillor can have and so is always empty.
 */
import type { PlaceIndexState } from '@civic-ledger/areas'
import { AreaCode, CURRENT_PLACE_INDEX, lsoasOf, PlaceIndexId, placeIndexStream } from '@civic-ledger/areas'
import type { DomainError } from '@civic-ledger/core'
import { defineDecision, IsoDate, NonEmptyString, own, Pence, reject, streamOf } from '@civic-ledger/core'
import { OrgId } from '@civic-ledger/partnerships'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { applications } from '../application/aggregate'
import type { ApplicationEvent } from '../application/events'
import { ApplicationDrafted } from '../application/events'
import { councillors } from '../councillor/aggregate'
import type { CouncillorRecord, CouncillorState } from '../councillor/state'
import { termOn } from '../councillor/state'
import { funds } from '../fund/aggregate'
import { limitsFor } from '../fund/decide'
import type { FundRecord } from '../fund/state'
import { ApplicationId, CouncillorId, FundId, NO_COUNCILLOR, RoundId, StreamId } from '../ids'

/** The codec of the `DraftApplication` command of the `drafts` decision. */
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
    t.partial({
      roundId: RoundId,
      projectedSaving: Pence,
      /** The county councillor it is made with: needed when the fund asks for one. */
      councillorId: CouncillorId,
      /** The place index its areas are looked up in: `CURRENT_PLACE_INDEX` unless named. */
      placeIndex: PlaceIndexId,
      /** What kind of organisation applies (`charity`, `community-group`…): needed when the fund names the kinds it funds. */
      applicantType: NonEmptyString,
    }),
  ]),
)
/** The `DraftApplication` command of the `drafts` decision, as decoded. */
export type DraftApplicationCommand = t.TypeOf<typeof DraftApplicationCommand>
/** The `DraftApplication` command as an app sends it to `ledger.decide`, before decoding. */
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

/** How many codes a message lists before it counts the rest. */
const SHOWN = 5
const listed = (codes: ReadonlyArray<string>): string =>
  codes.length > SHOWN ? `${codes.slice(0, SHOWN).join(', ')} and ${codes.length - SHOWN} more` : codes.join(', ')

/**
 * Why the areas served are not eligible, or the LSOAs they hold (sorted, each once; undefined when
 * the fund has no area rules and the index does not know them all).
 */
const eligibility = (
  c: DraftApplicationCommand,
  fund: FundRecord,
  index: PlaceIndexState,
): E.Either<DomainError, ReadonlyArray<AreaCode> | undefined> => {
  if (c.areas.length === 0) return E.left({ code: 'no-areas', message: 'an application names the areas it serves' })
  const { areasIncluded, areasExcluded } = fund.eligibility
  const ruled = areasIncluded.length > 0 || areasExcluded.length > 0
  const indexId = c.placeIndex ?? CURRENT_PLACE_INDEX
  if (index.status === 'none')
    return ruled
      ? E.left({
          code: 'no-place-index',
          message: `fund ${c.fundId} has area rules, and place index ${indexId} is not built to decide them on`,
        })
      : E.right(undefined)
  const unknown = c.areas.filter((a) => lsoasOf(index, a) === undefined)
  if (unknown.length > 0)
    return ruled
      ? E.left({
          code: 'unknown-area',
          message: `place index ${indexId} knows no area ${listed(unknown)}`,
        })
      : E.right(undefined)
  const served = [...new Set(c.areas.flatMap((a) => lsoasOf(index, a) ?? []))].sort()
  const servedSet = new Set(served)
  const excluded = areasExcluded.filter((x) => (lsoasOf(index, x) ?? []).some((l) => servedSet.has(l)))
  if (excluded.length > 0)
    return E.left({
      code: 'area-excluded',
      message: `fund ${c.fundId} excludes ${listed(excluded)}, where LSOAs the application serves lie`,
    })
  if (areasIncluded.length === 0) return E.right(served)
  const inside = new Set(areasIncluded.flatMap((i) => lsoasOf(index, i) ?? []))
  const outside = served.filter((l) => !inside.has(l))
  return outside.length > 0
    ? E.left({
        code: 'area-not-eligible',
        message: `fund ${c.fundId} serves ${listed(areasIncluded)}; ${outside.length} of the ${served.length} LSOAs served lie outside them (${listed(outside)})`,
      })
    : E.right(served)
}

/** The councillor to record, or why there is none; undefined when none is asked for or named. */
const councillorOf = (
  c: DraftApplicationCommand,
  fund: FundRecord,
  councillor: CouncillorState,
): E.Either<
  DomainError,
  (Pick<CouncillorRecord, 'councillorId' | 'name'> & { division: NonEmptyString }) | undefined
> => {
  if (c.councillorId === undefined)
    return fund.asksForCouncillor
      ? E.left({
          code: 'councillor-needed',
          message: `fund ${c.fundId} asks for the county councillor an application is made with`,
        })
      : E.right(undefined)
  if (councillor.status === 'none')
    return E.left({ code: 'unknown-councillor', message: `councillor ${c.councillorId} is not registered` })
  const term = termOn(councillor, c.on)
  return term === undefined
    ? E.left({
        code: 'councillor-not-serving',
        message: `councillor ${c.councillorId} represents no division on ${c.on}`,
      })
    : E.right({ councillorId: councillor.councillorId, name: councillor.name, division: term.division })
}

/**
 * Who may apply and for what: when the fund names the kinds of applicant it funds, the application
 * says which it is and is one of them; when it names priority outcomes, the application targets at
 * least one.
 */
const purposeProblem = (c: DraftApplicationCommand, fund: FundRecord): DomainError | undefined => {
  const { applicantTypes, priorityOutcomes } = fund.eligibility
  if (applicantTypes.length > 0) {
    if (c.applicantType === undefined)
      return {
        code: 'applicant-type-needed',
        message: `fund ${c.fundId} funds ${applicantTypes.join(', ')}: say which the applicant is`,
      }
    if (!applicantTypes.includes(c.applicantType))
      return {
        code: 'applicant-type-not-eligible',
        message: `fund ${c.fundId} funds ${applicantTypes.join(', ')}, not ${c.applicantType}`,
      }
  }
  return priorityOutcomes.length > 0 && !c.outcomes.some((o) => priorityOutcomes.includes(o))
    ? {
        code: 'no-priority-outcome',
        message: `fund ${c.fundId} funds work towards ${priorityOutcomes.join('; ')}: target at least one`,
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

/** The `drafts` decision: drafts an application against its fund, round, place index and councillor. */
export const drafts = defineDecision({
  context: 'grants',
  name: 'drafts',
  commands: DraftApplicationCommand,
  streams: (c: DraftApplicationCommand) => ({
    application: streamOf(applications, c.applicationId),
    fund: streamOf(funds, c.fundId),
    places: streamOf(placeIndexStream, c.placeIndex ?? CURRENT_PLACE_INDEX),
    councillor: streamOf(councillors, c.councillorId ?? NO_COUNCILLOR),
  }),
  decide: (c, { application, fund, places, councillor }) => {
    if (application.status !== 'none')
      return reject('application-exists', `application ${c.applicationId} exists already`)
    if (fund.status === 'none') return reject('unknown-fund', `fund ${c.fundId} is not defined`)
    const problem = amountProblem(c, fund) ?? roundProblem(c, fund) ?? purposeProblem(c, fund)
    if (problem !== undefined) return reject(problem.code, problem.message)
    const served = eligibility(c, fund, places)
    if (E.isLeft(served)) return reject(served.left.code, served.left.message)
    const madeWith = councillorOf(c, fund, councillor)
    if (E.isLeft(madeWith)) return reject(madeWith.left.code, madeWith.left.message)
    const lsoas = served.right
    const named = madeWith.right
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
      ...(c.applicantType === undefined ? {} : { applicantType: c.applicantType }),
      ...(lsoas === undefined ? {} : { lsoas }),
      ...(named === undefined
        ? {}
        : { councillor: { councillorId: named.councillorId, name: named.name, division: named.division } }),
    })
    return E.right({ application: [drafted] })
  },
})
