/**
 * Place-based posts and delivery plans against a published service delivery area scheme, on a SQLite
 * file and on PostgreSQL: a post covers an area of the scheme (or a PCN of that area) and is refused
 * for one the scheme does not have; a delivery plan is agreed for a published version only; the
 * coverage and plans read models show them by area.
 */
import {
  AREA_DATA_STEWARD,
  areasPolicy,
  districtAreaDefinitions,
  GEOGRAPHY_OFFICER,
  pcnReferences,
  publishModelledScheme,
  referencePcnImport,
} from '@civic-ledger/areas'
import type { Ledger } from '@civic-ledger/core'
import { byContext } from '@civic-ledger/core'
import {
  createPartnershipQueries,
  deliveryPlanAgreements,
  deliveryPlans,
  organisations,
  PARTNERSHIP_OFFICER,
  partnershipsPlugin,
  partnershipsPolicy,
  postDefinitions,
  posts,
  PROGRAMME_LEAD,
  registerCouncils,
} from '@civic-ledger/partnerships'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import type { StoreKind } from '../security/ledgers'
import { freshLedger } from '../security/ledgers'

const officer = { actor: { id: 'officer-1', organisation: 'GB-LAE-CAM', role: PARTNERSHIP_OFFICER } }
const lead = { actor: { id: 'lead-1', organisation: 'GB-LAE-HUN', role: PROGRAMME_LEAD } }
const geography = { id: 'geo-1', organisation: 'GB-LAE-CAM', role: GEOGRAPHY_OFFICER }
const steward = { id: 'steward-1', organisation: 'GB-LAE-CAM', role: AREA_DATA_STEWARD }
const policy = byContext({ partnerships: partnershipsPolicy, areas: areasPolicy })

const code = (r: E.Either<{ readonly _tag: string; readonly message: string }, unknown>): string =>
  E.isRight(r) ? 'accepted' : 'code' in r.left ? String(r.left.code) : r.left._tag

const setUp = async (t: ExecutionContext, ledger: Ledger) => {
  const reference = await ledger.execute(pcnReferences, referencePcnImport(), { actor: geography })()
  t.true(E.isRight(reference), E.isLeft(reference) ? reference.left.message : '')
  await publishModelledScheme(ledger, geography, steward)
  t.true(E.isRight(await registerCouncils(ledger, officer, '2026-01-02')))
}

for (const kind of ['sqlite', 'postgres'] as ReadonlyArray<StoreKind>) {
  test(`${kind}: posts cover areas of the scheme, delivery plans its published version; the rest is refused and writes nothing`, async (t) => {
    const ledger = await freshLedger(t, kind, { policy, plugins: [partnershipsPlugin] })
    await setUp(t, ledger)
    const hunts = districtAreaDefinitions().find((a) => a.areaId === 'huntingdonshire')
    const pcn = hunts?.pcns[0] ?? ''
    const otherPcn = districtAreaDefinitions().find((a) => a.areaId === 'fenland')?.pcns[0] ?? ''
    const post = (postId: string, extra: Record<string, unknown>) => ({
      type: 'DefinePost',
      postId,
      title: 'Think Communities co-ordinator',
      employer: 'GB-LAE-HUN',
      schemeId: 'cambs-pboro-sda',
      areaId: 'huntingdonshire',
      on: '2026-02-01',
      ...extra,
    })
    const plan = (planId: string, extra: Record<string, unknown>) => ({
      type: 'AgreeDeliveryPlan',
      planId,
      schemeId: 'cambs-pboro-sda',
      schemeVersion: 1,
      areaId: 'huntingdonshire',
      title: 'Huntingdonshire delivery plan 2026',
      priorities: [{ priorityId: 'p1', description: 'A community hub in St Neots', lead: 'GB-LAE-HUN' }],
      on: '2026-02-10',
      ...extra,
    })
    const head = await ledger.events.headPosition()
    t.deepEqual(
      [
        code(await ledger.decide(postDefinitions, post('x1', { areaId: 'nowhere' }), officer)()),
        code(await ledger.decide(postDefinitions, post('x2', { pcn: otherPcn }), officer)()),
        code(await ledger.decide(postDefinitions, post('x3', { employer: 'GB-LAE-XYZ' }), officer)()),
        code(await ledger.decide(postDefinitions, post('x4', { schemeId: 'no-such-scheme' }), officer)()),
        code(await ledger.decide(deliveryPlanAgreements, plan('y1', { schemeVersion: 2 }), officer)()),
        code(await ledger.decide(deliveryPlanAgreements, plan('y2', { areaId: 'nowhere' }), officer)()),
        code(await ledger.decide(deliveryPlanAgreements, plan('y3', {}), lead)()),
      ],
      [
        'area-not-in-scheme',
        'pcn-not-in-area',
        'unknown-organisation',
        'unknown-scheme',
        'unknown-scheme-version',
        'area-not-in-scheme',
        'Forbidden',
      ],
    )
    t.is(await ledger.events.headPosition(), head, 'no refusal wrote anything')

    t.is(code(await ledger.decide(postDefinitions, post('tc-hunts', {}), officer)()), 'accepted')
    t.is(
      code(
        await ledger.decide(postDefinitions, post('lw-1', { title: 'Social prescribing link worker', pcn }), officer)(),
      ),
      'accepted',
    )
    t.is(
      code(
        await ledger.execute(
          posts,
          { type: 'FillPost', postId: 'tc-hunts', holderRef: 'staff-4411', from: '2026-03-01', on: '2026-03-01' },
          officer,
        )(),
      ),
      'accepted',
    )
    t.is(
      code(
        await ledger.execute(
          posts,
          { type: 'FillPost', postId: 'tc-hunts', holderRef: 'staff-9', from: '2026-03-02', on: '2026-03-02' },
          officer,
        )(),
      ),
      'post-filled',
    )
    t.is(code(await ledger.decide(deliveryPlanAgreements, plan('hunts-2026', {}), officer)()), 'accepted')
    t.is(
      code(
        await ledger.execute(
          deliveryPlans,
          { type: 'RecordProgress', planId: 'hunts-2026', priorityId: 'p1', note: 'Venue agreed', on: '2026-04-01' },
          lead,
        )(),
      ),
      'accepted',
    )
    t.is(
      code(
        await ledger.execute(
          deliveryPlans,
          { type: 'RecordProgress', planId: 'hunts-2026', priorityId: 'p9', note: 'x', on: '2026-04-01' },
          lead,
        )(),
      ),
      'unknown-priority',
    )
    t.is(
      code(
        await ledger.execute(
          organisations,
          {
            type: 'RenameOrganisation',
            orgId: 'GB-LAE-HUN',
            name: 'Huntingdonshire District Council',
            on: '2026-04-01',
          },
          officer,
        )(),
      ),
      'accepted',
    )

    await ledger.projections.waitUntilCaughtUp({ timeoutMs: 30_000 })
    const queries = createPartnershipQueries(ledger.projections)
    const coverage = await queries.postCoverage('cambs-pboro-sda')
    t.deepEqual(
      coverage.map((a) => [a.areaId, a.posts.length, a.filled, a.vacant]),
      [['huntingdonshire', 2, 1, 1]],
    )
    t.is(coverage[0]?.posts.find((p) => p.postId === 'lw-1')?.pcn, pcn)
    const plans = await queries.deliveryPlans('cambs-pboro-sda')
    t.like(plans['huntingdonshire']?.[0], {
      planId: 'hunts-2026',
      schemeVersion: 1,
      lastProgressOn: '2026-04-01',
      status: 'agreed',
    })
    t.true(ledger.projections.names.every((n) => ledger.projections.status(n).state !== 'halted'))
  })
}
