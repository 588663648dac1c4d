/**
 * Agreements: drafting, a data-sharing agreement's required terms, signing by each party once, in
 * force when all have signed, variations signed again, reviews, termination. And the law that an
 * agreement is in force exactly when every current party has signed its current version.
 */
import { fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'

import type { AgreementEvent } from '../index'
import { AgreementCommand, agreements, dataSharingGaps } from '../index'
import { decode, historyOf } from '../test-helpers'

const spec = deciderSpec(agreements.decider)
const cmd = (input: Record<string, unknown>) =>
  decode(AgreementCommand, { agreementId: 'dsa-1', on: '2026-02-01', ...input })
const history = historyOf(agreements.decider, AgreementCommand)
const parties = ['GB-LAE-CAM', 'GB-LAE-PTE', 'GB-NHS-06H']
const draft = (kind = 'data-sharing', extra: Record<string, unknown> = {}) => ({
  type: 'DraftAgreement',
  agreementId: 'dsa-1',
  on: '2026-01-10',
  kind,
  title: 'Think Communities data-sharing agreement',
  parties,
  purposes: ['Identifying residents who would benefit from early help'],
  ...extra,
})
const terms = (extra: Record<string, unknown> = {}) => ({
  type: 'SetDataSharingTerms',
  agreementId: 'dsa-1',
  on: '2026-01-12',
  lawfulBases: parties.map((orgId) => ({ orgId, basis: 'public-task' })),
  dataCategories: ['contact details', 'household composition'],
  retention: 'two years after the case closes',
  reviewOn: '2027-01-12',
  ...extra,
})
const finalise = { type: 'FinaliseAgreement', agreementId: 'dsa-1', on: '2026-01-20' }
const sign = (orgId: string, on = '2026-02-01') => ({
  type: 'SignAgreement',
  agreementId: 'dsa-1',
  orgId,
  signatory: 'Chief Executive',
  on,
})

test('a draft has two distinct parties and a purpose', (t) => {
  spec(t)
    .given([])
    .when(cmd(draft('memorandum', { parties: ['GB-LAE-CAM'] })))
    .thenRejects('invalid-agreement')
  spec(t)
    .given([])
    .when(cmd(draft('memorandum', { parties: ['GB-LAE-CAM', 'GB-LAE-CAM'] })))
    .thenRejects('invalid-agreement')
  spec(t)
    .given([])
    .when(cmd(draft('memorandum', { purposes: [] })))
    .thenRejects('invalid-agreement')
  spec(t).given(history(draft())).when(cmd(draft())).thenRejects('agreement-exists')
})

test('a data-sharing agreement is finalised only with a lawful basis per party, data categories, retention and a later review date', (t) => {
  t.regex(
    spec(t).given(history(draft())).when(cmd(finalise)).thenRejects('terms-incomplete')?.message ?? '',
    /lawful bases/,
  )
  const partial = history(draft(), terms({ lawfulBases: [{ orgId: 'GB-LAE-CAM', basis: 'public-task' }] }))
  t.regex(
    spec(t).given(partial).when(cmd(finalise)).thenRejects('terms-incomplete')?.message ?? '',
    /a lawful basis for GB-LAE-PTE; a lawful basis for GB-NHS-06H/,
  )
  const stale = history(draft(), terms({ reviewOn: '2026-01-15' }))
  t.regex(
    spec(t).given(stale).when(cmd(finalise)).thenRejects('terms-incomplete')?.message ?? '',
    /a review date after 2026-01-20/,
  )
  spec(t)
    .given(history(draft()))
    .when(cmd(terms({ lawfulBases: [{ orgId: 'GB-LAE-FEN', basis: 'consent' }] })))
    .thenRejects('not-a-party')
  t.true(E.isLeft(AgreementCommand.decode(terms({ lawfulBases: [{ orgId: 'GB-LAE-CAM', basis: 'because' }] }))))
  spec(t)
    .given(history(draft('health-deal')))
    .when(cmd(terms()))
    .thenRejects('not-data-sharing')
  t.deepEqual(dataSharingGaps(fold(agreements.decider, history(draft(), terms())) as never, '2026-01-20'), [])
  spec(t)
    .given(history(draft('health-deal')))
    .when(cmd(finalise))
    .then([...history(draft('health-deal'), finalise).slice(1)])
})

test('each party signs once, only a finalised version, only for itself; in force when all have signed', (t) => {
  const ready = history(draft(), terms(), finalise)
  spec(t)
    .given(history(draft(), terms()))
    .when(cmd(sign('GB-LAE-CAM')))
    .thenRejects('not-signable')
  spec(t)
    .given(ready)
    .when(cmd(sign('GB-LAE-FEN')))
    .thenRejects('not-a-party')
  const one = history(draft(), terms(), finalise, sign('GB-LAE-CAM'))
  spec(t)
    .given(one)
    .when(cmd(sign('GB-LAE-CAM')))
    .thenRejects('already-signed')
  const all = history(draft(), terms(), finalise, sign('GB-LAE-CAM'), sign('GB-LAE-PTE'), sign('GB-NHS-06H'))
  t.deepEqual(
    all.slice(-2).map((e) => e.type),
    ['partnerships.AgreementSigned', 'partnerships.AgreementInForce'],
  )
  t.is(fold(agreements.decider, all).status, 'in-force')
  t.is(fold(agreements.decider, one).status, 'finalised', 'not in force until every party signs')
})

test('a variation is a new version every party signs again; an added party needs a lawful basis', (t) => {
  const inForce = history(draft(), terms(), finalise, sign('GB-LAE-CAM'), sign('GB-LAE-PTE'), sign('GB-NHS-06H'))
  spec(t)
    .given(inForce)
    .when(cmd({ type: 'VaryAgreement', summary: 'Fenland joins', addParties: ['GB-LAE-FEN'] }))
    .thenRejects('terms-incomplete')
  const varied = [
    ...inForce,
    ...decideAll(inForce, {
      type: 'VaryAgreement',
      summary: 'Fenland joins',
      addParties: ['GB-LAE-FEN'],
      lawfulBases: [{ orgId: 'GB-LAE-FEN', basis: 'public-task' }],
    }),
  ]
  const state = fold(agreements.decider, varied)
  t.like(state, { status: 'finalised', version: 2, signed: [] })
  spec(t)
    .given(varied)
    .when(cmd({ type: 'VaryAgreement', summary: 'x', removeParties: ['GB-LAE-HUN'] }))
    .thenRejects('not-a-party')
  spec(t)
    .given(history(draft()))
    .when(cmd({ type: 'VaryAgreement', summary: 'x' }))
    .thenRejects('not-variable')
  spec(t)
    .given(inForce)
    .when(cmd({ type: 'RecordReview', nextReviewOn: '2026-01-01' }))
    .thenRejects('invalid-review')
  const ended = [...inForce, ...decideAll(inForce, { type: 'TerminateAgreement', reason: 'superseded' })]
  spec(t)
    .given(ended)
    .when(cmd(sign('GB-LAE-CAM')))
    .thenRejects('terminated')
})

function decideAll(events: AgreementEvent[], input: Record<string, unknown>): AgreementEvent[] {
  const d = agreements.decider.decide(cmd(input), fold(agreements.decider, events))
  if (E.isLeft(d)) throw new Error(`${String(input['type'])}: ${d.left.message}`)
  return [...d.right]
}

test('law: an agreement is in force exactly when every current party has signed its current version', (t) => {
  const orgs = ['GB-LAE-CAM', 'GB-LAE-PTE', 'GB-NHS-06H', 'GB-LAE-FEN', 'GB-LAE-HUN']
  const step = fc.oneof(
    fc.record({ kind: fc.constant('sign' as const), org: fc.constantFrom(...orgs) }),
    fc.record({
      kind: fc.constant('vary' as const),
      add: fc.subarray(orgs, { maxLength: 2 }),
      remove: fc.subarray(orgs, { maxLength: 2 }),
    }),
  )
  fc.assert(
    fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      let events = history(draft('memorandum'), { ...finalise })
      for (const s of steps) {
        const input =
          s.kind === 'sign'
            ? sign(s.org)
            : { type: 'VaryAgreement', summary: 'v', addParties: s.add, removeParties: s.remove }
        const d = agreements.decider.decide(cmd(input), fold(agreements.decider, events))
        if (E.isRight(d)) events = [...events, ...d.right]
        const state = fold(agreements.decider, events)
        if (state.status === 'none' || state.status === 'draft' || state.status === 'terminated') return false
        const everyone = state.parties.every((p) => state.signed.includes(p))
        if ((state.status === 'in-force') !== everyone) return false
        // Signatures recorded for the current version are by current parties only.
        if (!state.signed.every((p) => state.parties.includes(p))) return false
      }
      return true
    }),
    { numRuns: 300 },
  )
  t.pass()
})
