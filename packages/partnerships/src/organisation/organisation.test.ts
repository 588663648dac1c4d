/** Organisations: identifiers by register or local, registration once, renames, dissolution with a successor. */
import { fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { DissolveIntoCommand, OrganisationCommand, organisations, OrgId, orgIdProblem, successions } from '../index'
import { decode, historyOf } from '../test-helpers'

const spec = deciderSpec(organisations.decider)
const cmd = (input: Record<string, unknown>) => decode(OrganisationCommand, { on: '2026-01-05', ...input })
const history = historyOf(organisations.decider, OrganisationCommand)
const register = (orgId: string, name: string, organisationType: string, extra: Record<string, unknown> = {}) => ({
  type: 'RegisterOrganisation',
  orgId,
  name,
  organisationType,
  on: '2026-01-05',
  ...extra,
})

test('identifiers are checked against their register, and local ones say so', (t) => {
  for (const id of [
    'GB-LAE-CAM',
    'GB-LAE-CPCA',
    'GB-CHC-1104951',
    'GB-COH-04253541',
    'GB-COH-SC123456',
    'GB-NHS-06H',
    'local:ramsey-town-council',
  ])
    t.is(orgIdProblem(id), undefined, id)
  const problems: Record<string, RegExp> = {
    'GB-LAE-cam': /Local authorities in England/,
    'GB-CHC-12': /Charity Commission/,
    'GB-COH-123': /Companies House/,
    'XX-ABC-1': /no recognised register prefix/,
    'local:Ramsey Town': /local identifier/,
    'local:': /local identifier/,
  }
  for (const [id, problem] of Object.entries(problems)) t.regex(orgIdProblem(id) ?? '', problem, id)
  const refused = OrganisationCommand.decode(register('GB-LAE-cam', 'Cambridgeshire County Council', 'county-council'))
  t.true(E.isLeft(refused))
  t.true(OrgId.is('GB-LAE-CAM'))
  t.false(OrgId.is('GB-LAE-CAMBS'))
})

test('an organisation is registered once; a local identifier is marked local; a GSS code is a council’s', (t) => {
  const [registered] = history(
    register('local:hunts-forum', 'Hunts Forum of Voluntary Organisations', 'voluntary-sector'),
  )
  t.like(registered?.data, { orgId: 'local:hunts-forum', local: true, organisationType: 'voluntary-sector' })
  const [council] = history(
    register('GB-LAE-CAM', 'Cambridgeshire County Council', 'county-council', { gssCode: 'E10000003' }),
  )
  t.like(council?.data, { local: false, gssCode: 'E10000003' })
  spec(t)
    .given(history(register('GB-LAE-CAM', 'Cambridgeshire County Council', 'county-council')))
    .when(cmd(register('GB-LAE-CAM', 'Cambridgeshire County Council', 'county-council')))
    .thenRejects('organisation-exists')
  spec(t)
    .given([])
    .when(cmd(register('local:hunts-forum', 'Hunts Forum', 'voluntary-sector', { gssCode: 'E07000011' })))
    .thenRejects('invalid-organisation')
})

test('renamed while active; the same name again records nothing; a dissolved body takes no more', (t) => {
  const ccg = history(register('GB-NHS-06H', 'NHS Cambridgeshire and Peterborough CCG', 'nhs-body'))
  spec(t)
    .given(ccg)
    .when(cmd({ type: 'RenameOrganisation', orgId: 'GB-NHS-06H', name: 'NHS Cambridgeshire and Peterborough CCG' }))
    .then([])
  const dissolved = [
    ...ccg,
    ...history(register('GB-NHS-06H', 'x', 'nhs-body'), {
      type: 'DissolveOrganisation',
      orgId: 'GB-NHS-06H',
      on: '2022-07-01',
      reason: 'Health and Care Act 2022',
    }).slice(1),
  ]
  spec(t)
    .given(dissolved)
    .when(cmd({ type: 'RenameOrganisation', orgId: 'GB-NHS-06H', name: 'y' }))
    .thenRejects('organisation-dissolved')
  spec(t)
    .given([])
    .when(cmd({ type: 'RenameOrganisation', orgId: 'GB-NHS-06H', name: 'y' }))
    .thenRejects('unknown-organisation')
})

test('a CCG dissolved into its ICB: both records say so together; the successor must be active and another body', (t) => {
  const ccg = fold(
    organisations.decider,
    history(register('GB-NHS-06H', 'NHS Cambridgeshire and Peterborough CCG', 'nhs-body')),
  )
  const icb = fold(
    organisations.decider,
    history(register('GB-NHS-QUE', 'NHS Cambridgeshire and Peterborough ICB', 'nhs-body')),
  )
  const command = (successor: string) =>
    decode(DissolveIntoCommand, {
      type: 'DissolveInto',
      orgId: 'GB-NHS-06H',
      successor,
      on: '2022-07-01',
      reason: 'Health and Care Act 2022',
    })
  const decided = successions.decide(command('GB-NHS-QUE'), { organisation: ccg, successor: icb })
  if (E.isLeft(decided)) return t.fail(decided.left.message)
  t.like(decided.right.organisation?.[0]?.data, { orgId: 'GB-NHS-06H', successor: 'GB-NHS-QUE' })
  t.like(decided.right.successor?.[0]?.data, { orgId: 'GB-NHS-QUE', predecessor: 'GB-NHS-06H' })
  const after = fold(organisations.decider, decided.right.organisation ?? [], ccg)
  t.like(after, { status: 'dissolved', successor: 'GB-NHS-QUE' })
  const code = (d: ReturnType<typeof successions.decide>) => (E.isLeft(d) ? d.left.code : undefined)
  t.is(
    code(successions.decide(command('GB-NHS-QUE'), { organisation: ccg, successor: { status: 'none' } })),
    'unknown-organisation',
  )
  t.is(code(successions.decide(command('GB-NHS-06H'), { organisation: ccg, successor: ccg })), 'invalid-successor')
})
