/**
 * Policies that look past the role: the organisation that owns what a command acts on, and one
 * policy per context for a ledger of several.
 */
import test from 'ava'

import type { AuthorisationRequest } from './policy'
import { allOf, byContext, organisationScope, rolePolicy } from './policy'

const actor = (organisation: string, role: string): AuthorisationRequest['actor'] =>
  ({ id: `${role}@${organisation}`, organisation, role }) as AuthorisationRequest['actor']

const request = (over: Partial<AuthorisationRequest>): AuthorisationRequest => ({
  actor: actor('GB-CHC-1', 'coordinator'),
  context: 'volunteers',
  aggregate: 'role',
  command: 'RetireRole',
  streamId: 'volunteers.role-r1',
  state: { organisation: 'GB-CHC-1' },
  ...over,
})

const scope = organisationScope(
  { 'volunteers.role': (r) => (r.state as { organisation?: string } | undefined)?.organisation },
  { everyOrganisation: ['manager'] },
)

test('organisationScope allows the owner’s organisation and the roles that act for every one', (t) => {
  t.deepEqual(scope(request({})), { allowed: true })
  const other = scope(request({ state: { organisation: 'GB-LAE-CAM' } }))
  t.false(other.allowed)
  if (!other.allowed) t.is(other.reason, 'GB-CHC-1 may not send volunteers.role/RetireRole for what GB-LAE-CAM owns')
  const manager = request({
    state: { organisation: 'GB-LAE-CAM' },
    actor: actor('GB-CHC-1', 'manager'),
  })
  t.deepEqual(scope(manager), { allowed: true })
  t.deepEqual(scope(request({ state: undefined })), { allowed: true }, 'no owner: left to the other policies')
  t.deepEqual(scope(request({ aggregate: 'timesheet' })), { allowed: true }, 'an aggregate not listed is not scoped')
})

test('with a role policy, both must allow', (t) => {
  const policy = allOf(rolePolicy({ 'volunteers.role': { RetireRole: ['coordinator'] } }), scope)
  t.true(policy(request({})).allowed)
  t.false(policy(request({ state: { organisation: 'GB-LAE-CAM' } })).allowed)
  t.false(policy(request({ actor: actor('GB-CHC-1', 'volunteer') })).allowed)
})

test('byContext sends each request to its context’s policy and denies a context it does not know', (t) => {
  const policy = byContext({ volunteers: () => ({ allowed: true }), areas: () => ({ allowed: false, reason: 'no' }) })
  t.true(policy(request({})).allowed)
  t.false(policy(request({ context: 'areas' })).allowed)
  const unknown = policy(request({ context: 'grants' }))
  t.false(unknown.allowed)
  if (!unknown.allowed) t.regex(unknown.reason, /no policy covers the grants context/)
  t.false(policy(request({ context: '__proto__' })).allowed)
})
