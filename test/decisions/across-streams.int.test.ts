/**
 * Decisions across streams, on every store: a rule that spans two aggregates is decided on the
 * current state of both, and recorded in both or in neither. Concurrent commands contending for
 * one stream's state — awards for the last of a fund's budget, placements for a role's last
 * place — are decided one after another: exactly one wins, the rest are refused on what it did,
 * and nothing a refused command decided is written anywhere.
 */
import type { AuthorisationRequest, Ledger, RecordedEvent } from '@civic-ledger/core'
import {
  accept,
  defineAggregate,
  defineDecision,
  defineEvent,
  eventCatalog,
  NonEmptyString,
  reject,
  streamOf,
} from '@civic-ledger/core'
import test from 'ava'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

// --- a fund and its applications ---

const FundOpened = defineEvent({
  type: 'test.FundOpened',
  codec: t.type({ fundId: NonEmptyString, budget: t.number }),
})
const AwardMade = defineEvent({
  type: 'test.AwardMade',
  codec: t.type({ fundId: NonEmptyString, applicationId: NonEmptyString, amount: t.number }),
})
const fundEvents = eventCatalog(FundOpened, AwardMade)
type FundEvent = ReturnType<typeof FundOpened.create> | ReturnType<typeof AwardMade.create>
interface FundState {
  readonly budget: number
  readonly awarded: number
}
const OpenFund = t.type({ type: t.literal('OpenFund'), fundId: NonEmptyString, budget: t.number })
const funds = defineAggregate({
  context: 'test',
  name: 'fund',
  commands: OpenFund,
  events: fundEvents,
  id: (c) => c.fundId,
  decider: {
    initialState: { budget: 0, awarded: 0 },
    evolve: (s: FundState, e: FundEvent): FundState =>
      e.type === 'test.FundOpened' ? { ...s, budget: e.data.budget } : { ...s, awarded: s.awarded + e.data.amount },
    decide: (c: t.TypeOf<typeof OpenFund>) =>
      accept<FundEvent>(FundOpened.create({ fundId: c.fundId, budget: c.budget })),
  },
})

const ApplicationAwarded = defineEvent({
  type: 'test.ApplicationAwarded',
  codec: t.type({ applicationId: NonEmptyString, fundId: NonEmptyString, amount: t.number }),
})
const applicationEvents = eventCatalog(ApplicationAwarded)
type ApplicationEvent = ReturnType<typeof ApplicationAwarded.create>
const applications = defineAggregate({
  context: 'test',
  name: 'application',
  commands: t.never,
  events: applicationEvents,
  id: () => 'unused',
  decider: {
    initialState: { awarded: false },
    evolve: (): { awarded: boolean } => ({ awarded: true }),
    decide: () => accept<ApplicationEvent>(),
  },
})

const Award = t.type({
  type: t.literal('Award'),
  applicationId: NonEmptyString,
  fundId: NonEmptyString,
  amount: t.number,
})
const award = defineDecision({
  context: 'test',
  name: 'award',
  commands: Award,
  streams: (c: t.TypeOf<typeof Award>) => ({
    fund: streamOf(funds, c.fundId),
    application: streamOf(applications, c.applicationId),
  }),
  decide: (c, { fund, application }) => {
    if (application.awarded) return reject('already-awarded', `${c.applicationId} has an award already`)
    if (fund.awarded + c.amount > fund.budget)
      return reject('budget-exhausted', `${fund.budget - fund.awarded} is left of the budget, not ${c.amount}`)
    return E.right({
      fund: [AwardMade.create({ fundId: c.fundId, applicationId: c.applicationId, amount: c.amount })],
      application: [ApplicationAwarded.create({ applicationId: c.applicationId, fundId: c.fundId, amount: c.amount })],
    })
  },
})

// --- a role's places ---

const PlacesOffered = defineEvent({
  type: 'test.PlacesOffered',
  codec: t.type({ roleId: NonEmptyString, places: t.number }),
})
const PlaceTaken = defineEvent({
  type: 'test.PlaceTaken',
  codec: t.type({ roleId: NonEmptyString, volunteerId: NonEmptyString }),
})
type RoleEvent = ReturnType<typeof PlacesOffered.create> | ReturnType<typeof PlaceTaken.create>
const OfferPlaces = t.type({ type: t.literal('OfferPlaces'), roleId: NonEmptyString, places: t.number })
const roles = defineAggregate({
  context: 'test',
  name: 'role',
  commands: OfferPlaces,
  events: eventCatalog(PlacesOffered, PlaceTaken),
  id: (c) => c.roleId,
  decider: {
    initialState: { free: 0 },
    evolve: (s: { free: number }, e: RoleEvent) =>
      e.type === 'test.PlacesOffered' ? { free: e.data.places } : { free: s.free - 1 },
    decide: (c: t.TypeOf<typeof OfferPlaces>) =>
      accept<RoleEvent>(PlacesOffered.create({ roleId: c.roleId, places: c.places })),
  },
})
const Placed = defineEvent({
  type: 'test.Placed',
  codec: t.type({ volunteerId: NonEmptyString, roleId: NonEmptyString }),
})
const placedVolunteers = defineAggregate({
  context: 'test',
  name: 'volunteer',
  commands: t.never,
  events: eventCatalog(Placed),
  id: () => 'unused',
  decider: {
    initialState: { placed: false },
    evolve: () => ({ placed: true }),
    decide: () => accept<ReturnType<typeof Placed.create>>(),
  },
})
const Place = t.type({ type: t.literal('Place'), volunteerId: NonEmptyString, roleId: NonEmptyString })
const placement = defineDecision({
  context: 'test',
  name: 'placement',
  commands: Place,
  streams: (c: t.TypeOf<typeof Place>) => ({
    role: streamOf(roles, c.roleId),
    volunteer: streamOf(placedVolunteers, c.volunteerId),
  }),
  decide: (c, { role }) =>
    role.free < 1
      ? reject('role-full', `${c.roleId} has no place left`)
      : E.right({
          role: [PlaceTaken.create({ roleId: c.roleId, volunteerId: c.volunteerId })],
          volunteer: [Placed.create({ volunteerId: c.volunteerId, roleId: c.roleId })],
        }),
})

// --- the runs ---

const officer = { actor: { id: 'o-1', organisation: 'GB-LAE-CAM', role: 'grants-officer' } }
const events = [FundOpened, AwardMade, ApplicationAwarded, PlacesOffered, PlaceTaken, Placed]

const everything = async (ledger: Ledger): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = []
  for await (const e of ledger.events.readAll()) out.push(e)
  return out
}

const STORES: ReadonlyArray<StoreKind> = ['memory', 'sqlite', 'postgres']

for (const kind of STORES) {
  test(`${kind}: of ten concurrent awards for the last of a budget, exactly one is made, in both streams`, async (t) => {
    const requests: AuthorisationRequest[] = []
    const ledger = await freshLedger(t, kind, {
      events,
      policy: (request) => {
        requests.push(request)
        return { allowed: true }
      },
    })
    t.true(E.isRight(await ledger.execute(funds, { type: 'OpenFund', fundId: 'f-1', budget: 1_000 }, officer)()))
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ledger.decide(award, { type: 'Award', applicationId: `a-${i}`, fundId: 'f-1', amount: 600 }, officer)(),
      ),
    )
    const won = outcomes.filter(E.isRight)
    t.is(won.length, 1, 'exactly one award is made')
    for (const lost of outcomes.filter(E.isLeft))
      t.true(['Rejected', 'Conflict'].includes(lost.left._tag), lost.left.message)
    t.true(outcomes.some((o) => E.isLeft(o) && o.left._tag === 'Rejected' && o.left.code === 'budget-exhausted'))
    const log = await everything(ledger)
    const awards = log.filter((e) => e.type === AwardMade.type)
    const awarded = log.filter((e) => e.type === ApplicationAwarded.type)
    t.is(awards.length, 1)
    t.is(awarded.length, 1)
    t.is(
      (awards[0]?.data as { applicationId: string }).applicationId,
      (awarded[0]?.data as { applicationId: string }).applicationId,
    )
    // Both streams' events were written in one append: at consecutive positions.
    t.is(Math.abs((awards[0]?.position ?? 0) - (awarded[0]?.position ?? 0)), 1)
    const winner = won[0]
    if (winner !== undefined && E.isRight(winner)) {
      t.deepEqual(winner.right.states.fund, { budget: 1_000, awarded: 600 })
      t.deepEqual(winner.right.streamIds, {
        fund: 'test.fund-f-1',
        application: `test.application-${awarded[0] === undefined ? '' : (awarded[0].data as { applicationId: string }).applicationId}`,
      })
    }
    const asked = requests.find((r) => r.command === 'Award')
    t.is(asked?.aggregate, 'award')
    t.deepEqual(Object.keys(asked?.state as object).sort(), ['application', 'fund'])
  })

  test(`${kind}: two placements for a role's last place: one is made, the other refused, and it writes nothing`, async (t) => {
    const ledger = await freshLedger(t, kind, { events })
    t.true(E.isRight(await ledger.execute(roles, { type: 'OfferPlaces', roleId: 'r-1', places: 1 }, officer)()))
    const head = await ledger.events.headPosition()
    const [first, second] = await Promise.all([
      ledger.decide(placement, { type: 'Place', volunteerId: 'v-1', roleId: 'r-1' }, officer)(),
      ledger.decide(placement, { type: 'Place', volunteerId: 'v-2', roleId: 'r-1' }, officer)(),
    ])
    t.is([first, second].filter(E.isRight).length, 1)
    const refused = [first, second].find(E.isLeft)
    t.true(
      refused !== undefined &&
        E.isLeft(refused) &&
        refused.left._tag === 'Rejected' &&
        refused.left.code === 'role-full',
    )
    const written = (await everything(ledger)).filter((e) => e.position > head)
    t.deepEqual(written.map((e) => e.type).sort(), [PlaceTaken.type, Placed.type].sort())
  })
}

test('memory: a decision refuses unknown fields and unknown types, and a refused decision writes nothing', async (t) => {
  const ledger = await freshLedger(t, 'memory', { events })
  t.true(E.isRight(await ledger.execute(funds, { type: 'OpenFund', fundId: 'f-1', budget: 100 }, officer)()))
  const head = await ledger.events.headPosition()
  const extra = await ledger.decide(
    award,
    { type: 'Award', applicationId: 'a-1', fundId: 'f-1', amount: 5, note: 'x' },
    officer,
  )()
  t.deepEqual(E.isLeft(extra) && extra.left._tag === 'InvalidCommand' && extra.left.problems, [
    'command note: not a field of Award',
  ])
  const unknown = await ledger.decide(award, { type: 'Grant', applicationId: 'a-1' }, officer)()
  t.regex(E.isLeft(unknown) ? unknown.left.message : '', /"Grant" is not a command of test\.award \(known: Award\)/)
  const badId = await ledger.decide(award, { type: 'Award', applicationId: 'a b', fundId: 'f-1', amount: 5 }, officer)()
  t.true(E.isLeft(badId) && badId.left._tag === 'InvalidCommand', 'an id that makes no stream id is refused')
  const over = await ledger.decide(
    award,
    { type: 'Award', applicationId: 'a-1', fundId: 'f-1', amount: 500 },
    officer,
  )()
  t.true(E.isLeft(over) && over.left._tag === 'Rejected')
  t.is(await ledger.events.headPosition(), head)
})
