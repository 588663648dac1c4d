/**
 * Drafting an application against its fund: stream, round open, limits, eligible areas, the
 * projected saving when asked. The rest of an application's life is in lifecycle.test.ts.
 */
import { PlaceIndexBuilt, placeIndexStream, PlacesIndexed } from '@civic-ledger/areas'
import type { Decider } from '@civic-ledger/core'
import { fold } from '@civic-ledger/core'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { FundCommand, FundEvent, FundState } from '../index'
import { DraftApplicationCommand, drafts, FundCommand as FundCommandCodec, funds } from '../index'

const decode = <A>(codec: { decode: (u: unknown) => E.Either<unknown, A> }, input: unknown): A => {
  const r = codec.decode(input)
  if (E.isLeft(r)) throw new Error(`does not decode: ${JSON.stringify(input)}`)
  return r.right
}
const fundDecider: Decider<FundCommand, FundEvent, FundState> = funds.decider
const fundOf = (...inputs: ReadonlyArray<Record<string, unknown>>): FundState => {
  const events: FundEvent[] = []
  for (const input of inputs) {
    const d = fundDecider.decide(
      decode(FundCommandCodec, { fundId: 'f', on: '2026-01-05', ...input }),
      fold(fundDecider, events),
    )
    if (E.isLeft(d)) throw new Error(d.left.message)
    events.push(...d.right)
  }
  return fold(fundDecider, events)
}
const defineFund = (extra: Record<string, unknown> = {}) => ({
  type: 'DefineFund',
  name: 'Cultivating Communities',
  funder: 'GB-LAE-CAM',
  administrators: ['GB-LAE-CAM'],
  eligibility: { areasIncluded: [], areasExcluded: ['E06000031'], applicantTypes: [], priorityOutcomes: [] },
  budget: 1_000_000,
  directAwards: false,
  asksForSavings: true,
  ...extra,
})
const stream = {
  type: 'AddStream',
  streamId: 'cultivate',
  name: 'Cultivate',
  limits: { minimum: 200_000, maximum: 1_000_000 },
}
const round = { type: 'OpenRound', roundId: 'r1', opensOn: '2026-02-01', closesOn: '2026-03-01', limits: [] }
const fund = fundOf(defineFund(), stream, round)

const draft = (extra: Record<string, unknown> = {}) =>
  decode(DraftApplicationCommand, {
    type: 'DraftApplication',
    applicationId: 'a1',
    fundId: 'f',
    streamId: 'cultivate',
    roundId: 'r1',
    applicant: 'local:ramsey-good-neighbours',
    title: 'Good neighbours scheme',
    amountRequested: 500_000,
    areas: ['E07000011'],
    outcomes: ['fewer people lonely'],
    projectedSaving: 1_200_000,
    on: '2026-02-10',
    ...extra,
  })
/** A place index of three districts, one LSOA each: Peterborough, East Cambridgeshire, Fenland. */
const places = fold(placeIndexStream.decider, [
  PlaceIndexBuilt.create(
    decode(PlaceIndexBuilt.codec, {
      indexId: 'current',
      lsoaVintage: '2021',
      releases: ['r'],
      lsoaCount: 3,
      placeCount: 3,
    }),
  ),
  PlacesIndexed.create(
    decode(PlacesIndexed.codec, {
      indexId: 'current',
      places: [
        { code: 'E06000031', type: 'district', basis: 'lookups', lsoas: ['E01015589'] },
        { code: 'E07000011', type: 'district', basis: 'lookups', lsoas: ['E01017950'] },
        { code: 'E07000010', type: 'district', basis: 'lookups', lsoas: ['E01018000'] },
      ],
    }),
  ),
])
const drafted = (extra: Record<string, unknown> = {}, state: FundState = fund) =>
  drafts.decide(draft(extra), { application: { status: 'none' }, fund: state, places, councillor: { status: 'none' } })
const code = (d: E.Either<{ readonly code: string }, unknown>) => (E.isLeft(d) ? d.left.code : 'accepted')

test('an application is drafted against its fund: stream, open round, limits, eligible areas, the saving asked for', (t) => {
  t.is(code(drafted()), 'accepted')
  t.is(code(drafted({ streamId: 'innovate' })), 'unknown-stream')
  t.is(code(drafted({ amountRequested: 100_000 })), 'outside-limits')
  t.is(code(drafted({ on: '2026-03-01' })), 'round-closed')
  t.is(code(drafted({ roundId: undefined })), 'no-round', 'no direct awards from this fund')
  t.is(code(drafted({ roundId: 'r9' })), 'unknown-round')
  t.is(code(drafted({ areas: ['E07000011', 'E06000031'] })), 'area-excluded')
  t.is(code(drafted({ areas: [] })), 'no-areas')
  t.is(code(drafted({ projectedSaving: undefined })), 'saving-needed')
  t.is(
    code(
      drafted(
        {},
        fundOf(
          defineFund({
            eligibility: { areasIncluded: ['E07000010'], areasExcluded: [], applicantTypes: [], priorityOutcomes: [] },
          }),
          stream,
          round,
        ),
      ),
    ),
    'area-not-eligible',
  )
  t.is(
    code(drafted({ roundId: undefined }, fundOf(defineFund({ directAwards: true }), stream))),
    'accepted',
    'a direct award without a round',
  )
  t.is(
    code(
      drafts.decide(draft(), {
        application: { status: 'none' },
        fund: { status: 'none' },
        places,
        councillor: { status: 'none' },
      }),
    ),
    'unknown-fund',
  )
})
