/**
 * Drafting on LSOAs: a fund's area rules applied to the LSOAs the areas named hold, whatever their
 * kind; unknown areas and a missing index refused; the LSOAs served recorded. And the councillor a
 * fund asks for: named, registered, serving on the day, recorded with the division of that day.
 */
import type { PlaceIndexState } from '@civic-ledger/areas'
import { PlaceIndexBuilt, placeIndexStream, PlacesIndexed } from '@civic-ledger/areas'
import { fold } from '@civic-ledger/core'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { councillors } from '../councillor/aggregate'
import { CouncillorCommand } from '../councillor/commands'
import type { CouncillorEvent } from '../councillor/events'
import type { CouncillorState } from '../councillor/state'
import { funds } from '../fund/aggregate'
import { FundCommand } from '../fund/commands'
import type { FundEvent, FundState } from '../index'
import { DraftApplicationCommand, drafts } from './drafts'

const decode = <A>(codec: { decode: (u: unknown) => E.Either<unknown, A> }, input: unknown): A => {
  const r = codec.decode(input)
  if (E.isLeft(r)) throw new Error(`does not decode: ${JSON.stringify(input)}`)
  return r.right
}

// Peterborough (district P) holds ward PW (LSOA 1) and LSOA 2; Cambridgeshire (county C) holds
// district EC (LSOAs 3, 4), its ward EW (LSOA 3), parish EP (LSOA 3) and division D1 (LSOAs 3, 4).
const P = 'E06000031'
const PW = 'E05010805'
const C = 'E10000003'
const EC = 'E07000009'
const EW = 'E05002765'
const EP = 'E04001100'
const D1 = 'E58000097'
const [L1, L2, L3, L4] = ['E01015589', 'E01015590', 'E01017950', 'E01017951']
const place = (code: string, type: string, ...lsoas: string[]) => ({ code, type, basis: 'lookups', lsoas })
const places: PlaceIndexState = fold(placeIndexStream.decider, [
  PlaceIndexBuilt.create(
    decode(PlaceIndexBuilt.codec, {
      indexId: 'current',
      lsoaVintage: '2021',
      releases: ['r'],
      lsoaCount: 4,
      placeCount: 11,
    }),
  ),
  PlacesIndexed.create(
    decode(PlacesIndexed.codec, {
      indexId: 'current',
      places: [
        place(P, 'district', L1, L2),
        place(PW, 'ward', L1),
        place(C, 'county', L3, L4),
        place(EC, 'district', L3, L4),
        place(EW, 'ward', L3),
        { ...place(EP, 'parish', L3), basis: 'within' },
        place(D1, 'county-division', L3, L4),
        ...[L1, L2, L3, L4].map((l) => place(l, 'lsoa', l)),
      ],
    }),
  ),
])

const fundOf = (eligibility: { areasIncluded?: string[]; areasExcluded?: string[] }, extra = {}): FundState => {
  const events: FundEvent[] = []
  for (const input of [
    {
      type: 'DefineFund',
      name: 'Cultivating Communities',
      funder: 'GB-LAE-CAM',
      administrators: ['GB-LAE-CAM'],
      eligibility: { areasIncluded: [], areasExcluded: [], applicantTypes: [], priorityOutcomes: [], ...eligibility },
      budget: 1_000_000,
      directAwards: true,
      asksForSavings: false,
      ...extra,
    },
    { type: 'AddStream', streamId: 'cultivate', name: 'Cultivate', limits: { minimum: 1, maximum: 1_000_000 } },
  ]) {
    const d = funds.decider.decide(
      decode(FundCommand, { fundId: 'f', on: '2025-01-05', ...input }),
      fold(funds.decider, events),
    )
    if (E.isLeft(d)) throw new Error(d.left.message)
    events.push(...d.right)
  }
  return fold(funds.decider, events)
}

const councillorOf = (...inputs: ReadonlyArray<Record<string, unknown>>): CouncillorState => {
  const events: CouncillorEvent[] = []
  for (const input of inputs) {
    const d = councillors.decider.decide(
      decode(CouncillorCommand, { councillorId: 'cllr-1', on: '2021-05-10', ...input }),
      fold(councillors.decider, events),
    )
    if (E.isLeft(d)) throw new Error(d.left.message)
    events.push(...d.right)
  }
  return fold(councillors.decider, events)
}
const serving = councillorOf(
  { type: 'RegisterCouncillor', name: 'Jo Example', council: 'GB-LAE-CAM' },
  { type: 'RecordTerm', division: D1, from: '2021-05-06', until: '2025-05-01' },
  { type: 'RecordTerm', division: 'E58000098', from: '2025-05-01' },
)

const draftOf = (areas: string[], extra: Record<string, unknown> = {}) =>
  decode(DraftApplicationCommand, {
    type: 'DraftApplication',
    applicationId: 'a1',
    fundId: 'f',
    streamId: 'cultivate',
    applicant: 'local:group',
    title: 'A community garden',
    amountRequested: 500_000,
    areas,
    outcomes: ['more people growing food'],
    on: '2025-02-10',
    ...extra,
  })
const decide = (
  areas: string[],
  fund: FundState,
  extra: Record<string, unknown> = {},
  index: PlaceIndexState = places,
  councillor: CouncillorState = { status: 'none' },
) => drafts.decide(draftOf(areas, extra), { application: { status: 'none' }, fund, places: index, councillor })
const code = (d: E.Either<{ readonly code: string }, unknown>) => (E.isLeft(d) ? d.left.code : 'accepted')
const drafted = (d: ReturnType<typeof decide>) => {
  if (E.isLeft(d)) throw new Error(`${d.left.code}: ${d.left.message}`)
  const event = d.right.application?.[0]
  if (event?.type !== 'grants.ApplicationDrafted') throw new Error('nothing drafted')
  return event.data
}

test('not Peterborough: an LSOA, ward or district inside it is refused, whatever the kind of area', (t) => {
  const notPeterborough = fundOf({ areasExcluded: [P] })
  for (const area of [L1, PW, P]) t.is(code(decide([area], notPeterborough)), 'area-excluded', area)
  for (const area of [L3, EW, EP, D1, EC, C]) t.is(code(decide([area], notPeterborough)), 'accepted', area)
  t.is(code(decide([EW, L2], notPeterborough)), 'area-excluded', 'one LSOA inside is enough')
  const refused = decide([PW], notPeterborough)
  t.true(E.isLeft(refused) && refused.left.message.includes(P), 'the message names the excluded area')
})

test('areas included: every LSOA served must lie in one of them', (t) => {
  const cambridgeshire = fundOf({ areasIncluded: [C] })
  for (const area of [L3, EW, EP, D1, EC]) t.is(code(decide([area], cambridgeshire)), 'accepted', area)
  t.is(code(decide([PW], cambridgeshire)), 'area-not-eligible')
  t.is(code(decide([EW, L1], cambridgeshire)), 'area-not-eligible', 'one LSOA outside is enough')
  t.is(code(decide([D1], fundOf({ areasIncluded: [EW] }))), 'area-not-eligible', 'a division wider than the ward')
})

test('the LSOAs served are recorded, sorted and each once', (t) => {
  t.deepEqual(drafted(decide([D1, EW, L3], fundOf({ areasExcluded: [P] }))).lsoas, [L3, L4])
  t.deepEqual(drafted(decide([D1], fundOf({}))).lsoas, [L3, L4], 'recorded without area rules too')
  t.is(drafted(decide([D1], fundOf({}), {}, placeIndexStream.decider.initialState)).lsoas, undefined)
})

test('unknown areas, a missing index, no areas', (t) => {
  const ruled = fundOf({ areasExcluded: [P] })
  t.is(code(decide(['E05099999'], ruled)), 'unknown-area')
  t.is(code(decide([D1], ruled, {}, placeIndexStream.decider.initialState)), 'no-place-index')
  t.is(code(decide(['E05099999'], fundOf({}))), 'accepted', 'a fund with no area rules asks nothing of the index')
  t.is(code(decide([D1], fundOf({}), {}, placeIndexStream.decider.initialState)), 'accepted', 'nor needs one')
  t.is(code(decide([], ruled)), 'no-areas')
  t.is(code(decide(['constructor'], ruled)), 'unknown-area', 'a code like an Object.prototype member is unknown')
})

test('a fund that asks for a councillor: named, registered, serving on the day; recorded with that day’s division', (t) => {
  const asks = fundOf({}, { asksForCouncillor: true })
  t.is(code(decide([EW], asks)), 'councillor-needed')
  t.is(code(decide([EW], asks, { councillorId: 'cllr-1' })), 'unknown-councillor')
  const before = { councillorId: 'cllr-1', on: '2021-05-05' }
  t.is(code(decide([EW], asks, before, places, serving)), 'councillor-not-serving')
  t.deepEqual(drafted(decide([EW], asks, { councillorId: 'cllr-1' }, places, serving)).councillor, {
    councillorId: 'cllr-1',
    name: 'Jo Example',
    division: D1,
  })
  const after = { councillorId: 'cllr-1', on: '2025-05-01' }
  t.is<string | undefined, string>(
    drafted(decide([EW], asks, after, places, serving)).councillor?.division,
    'E58000098',
  )
  t.is(drafted(decide([EW], fundOf({}))).councillor, undefined, 'not asked, not named: none recorded')
  t.throws(() => draftOf([EW], { councillorId: 'none~' }), { message: /does not decode/ })
})

test('the decision reads the named place index, and the councillor’s stream or the empty one', (t) => {
  const streams = drafts.streams(draftOf([EW]))
  t.is(streams.places.id, 'current')
  t.is(streams.councillor.id, 'none~')
  const named = drafts.streams(draftOf([EW], { placeIndex: 'lsoa-2011', councillorId: 'cllr-1' }))
  t.is(named.places.id, 'lsoa-2011')
  t.is(named.councillor.id, 'cllr-1')
})
