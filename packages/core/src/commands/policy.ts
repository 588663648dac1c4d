/**
 * Authorisation: a policy decides, for each command, whether the actor may send it. The command
 * handler asks after loading the aggregate, so a policy can look at its state (is this the
 * applicant's own application?). The default denies what it does not know.
 */
import type { Actor } from '../events/metadata'

// --- model ---

/** What a policy is asked. */
export interface AuthorisationRequest {
  readonly actor: Actor
  /** e.g. `grants` */
  readonly context: string
  /** e.g. `application` */
  readonly aggregate: string
  /** The command's `type`, e.g. `SubmitApplication`. */
  readonly command: string
  readonly streamId: string
  /** The aggregate's current state. */
  readonly state: unknown
  /** The command as decoded (its fields, for a policy that looks at what it names); undefined beside `execute`. */
  readonly input?: unknown
}

/** A policy's answer: allowed, or refused with a reason the caller is told (a `Forbidden` error). */
export type PolicyDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string }

/**
 * Decides whether an actor may send a command to a context: checked before every command is decided,
 * and by every door of the ledger that reaches personal data or seals. Compose with `allOf` and
 * `byContext`; `rolePolicy` allows by role.
 *
 * @example
 * ```ts
 * const policy: Policy = allOf(rolePolicy({ 'grants.fund': { DefineFund: ['grants-officer'] } }), organisationScope(ownerOf))
 * ```
 */
export type Policy = (request: AuthorisationRequest) => PolicyDecision

// --- constructors ---

const allowed: PolicyDecision = { allowed: true }
const denied = (reason: string): PolicyDecision => ({ allowed: false, reason })

/** Denies every command: the default until a policy is given. */
export const denyAll: Policy = (request) =>
  denied(`no policy allows ${request.context}.${request.aggregate}/${request.command}`)

/** Allows every command. For tests and single-user tools only. */
export const allowAll: Policy = () => allowed

/**
 * Which roles may send which commands, per `<context>.<aggregate>`. Anything not listed is
 * denied; `'*'` as a role allows any role.
 *
 * @example
 * rolePolicy({ 'grants.application': { SubmitApplication: ['applicant'], AwardGrant: ['grants-officer'] } })
 */
export const rolePolicy =
  (rules: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<string>>>>>): Policy =>
  (request) => {
    const key = `${request.context}.${request.aggregate}`
    const roles = Object.hasOwn(rules, key) ? rules[key] : undefined
    const allowedRoles =
      roles !== undefined && Object.hasOwn(roles, request.command) ? roles[request.command] : undefined
    if (allowedRoles === undefined) return denied(`no rule allows ${key}/${request.command}`)
    return allowedRoles.includes(request.actor.role) || allowedRoles.includes('*')
      ? allowed
      : denied(`role ${request.actor.role} may not send ${key}/${request.command}`)
  }

/** Allows only what every policy allows; the first refusal is the answer. */
export const allOf =
  (...policies: ReadonlyArray<Policy>): Policy =>
  (request) => {
    for (const policy of policies) {
      const decision = policy(request)
      if (!decision.allowed) return decision
    }
    return policies.length === 0 ? denyAll(request) : allowed
  }

/**
 * Which organisation owns what a command acts on, per `<context>.<aggregate>`: read from the
 * aggregate's state (a role's organisation) or, for something not yet recorded, from the command
 * (`DefineRole`'s organisation). `undefined` when it has no owner to check.
 */
export type OwnerOf = (request: AuthorisationRequest) => string | undefined

/**
 * Allows a command only when the actor's organisation owns what it acts on — a partner's volunteer
 * co-ordinator acts on that partner's roles and placements, not another's. Aggregates not listed,
 * and commands whose owner is undefined, are left to the other policies; roles listed in
 * `everyOrganisation` (a council's own volunteer manager, say) act for every organisation. Use it
 * with `allOf` beside a `rolePolicy`.
 *
 * @example
 * allOf(rolePolicy({ … }), organisationScope({ 'volunteers.role': (r) => roleOrganisation(r) }, { everyOrganisation: ['volunteer-manager'] }))
 */
export const organisationScope =
  (
    owners: Readonly<Record<string, OwnerOf>>,
    options: { readonly everyOrganisation?: ReadonlyArray<string> } = {},
  ): Policy =>
  (request) => {
    const key = `${request.context}.${request.aggregate}`
    const ownerOf = Object.hasOwn(owners, key) ? owners[key] : undefined
    if (ownerOf === undefined || (options.everyOrganisation ?? []).includes(request.actor.role)) return allowed
    const owner = ownerOf(request)
    if (owner === undefined || owner === request.actor.organisation) return allowed
    return denied(`${request.actor.organisation} may not send ${key}/${request.command} for what ${owner} owns`)
  }

/**
 * One policy per context, for a ledger that records several: each request goes to its context's
 * policy; a context with none is denied.
 *
 * @example
 * byContext({ volunteers: volunteersPolicy, areas: areasPolicy, privacy: rolePolicy({ 'privacy.subject': { EraseSubject: ['data-protection-officer'] } }) })
 */
export const byContext =
  (policies: Readonly<Record<string, Policy>>): Policy =>
  (request) => {
    const policy = Object.hasOwn(policies, request.context) ? policies[request.context] : undefined
    return policy === undefined ? denied(`no policy covers the ${request.context} context`) : policy(request)
  }
