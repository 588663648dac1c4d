/**
 * A 360Giving data package (Data Standard 1.4.3) for a set of grants, built by a pure function from
 * the `grants-publishing` read model's documents and the publisher's options: the 360Giving prefix,
 * the publisher and licence, the grants wanted, and lookups for organisation and area names. Bad
 * data — a grant not awarded, an organisation or area the lookups do not know — is a list of typed
 * problems, never a file that would not validate.
 */
import { own } from '@civic-ledger/core'
import { isLocalOrgId } from '@civic-ledger/partnerships'
import type { Either } from 'fp-ts/Either'
import * as E from 'fp-ts/Either'

import type { AreaInfo, LocationProblem, ThreeSixtyGivingLocation } from './locations'
import { beneficiaryLocations } from './locations'
import type { FundPublishingDoc, GrantPublishingDoc, MoneyMoved } from './projection'

// --- the 360Giving shapes written ---

/** An organisation as 360Giving names it: its org-id identifier, name, and charity or company number. */
export interface ThreeSixtyGivingOrganisation {
  readonly id: string
  readonly name: string
  readonly charityNumber?: string
  readonly companyNumber?: string
}

/**
 * A payment of a grant as 360Giving publishes it: its date and value in pounds, from the provider
 * to the recipient.
 */
export interface ThreeSixtyGivingTransaction {
  readonly id: string
  readonly transactionDate: string
  readonly currency: 'GBP'
  readonly value: number
  readonly description: string
  readonly provider: string
  readonly recipient: string
}

/** The period a grant runs for, in 360Giving's `plannedDates` and `actualDates`. */
export interface ThreeSixtyGivingDates {
  readonly startDate: string
  readonly endDate?: string
}

/**
 * One grant in the 360Giving Data Standard (1.4): amounts in pounds, the recipient, the funder, the
 * places and dates.
 */
export interface ThreeSixtyGivingGrant {
  readonly id: string
  readonly title: string
  readonly description: string
  readonly currency: 'GBP'
  readonly amountAppliedFor: number
  readonly amountAwarded: number
  readonly amountDisbursed: number
  readonly awardDate: string
  readonly plannedDates: ReadonlyArray<ThreeSixtyGivingDates>
  readonly actualDates?: ReadonlyArray<ThreeSixtyGivingDates>
  readonly recipientOrganization: ReadonlyArray<ThreeSixtyGivingOrganisation>
  readonly fundingOrganization: ReadonlyArray<ThreeSixtyGivingOrganisation>
  readonly grantProgramme: ReadonlyArray<{ readonly code: string; readonly title: string }>
  readonly beneficiaryLocation: ReadonlyArray<ThreeSixtyGivingLocation>
  readonly disbursementTransaction: ReadonlyArray<ThreeSixtyGivingTransaction>
  readonly fromOpenCall: 'Yes' | 'No'
  readonly regrantType?: string
  readonly dateModified: string
}

/**
 * A 360Giving data package (1.4): the publisher, the licence and the grants, as
 * `exportThreeSixtyGiving` writes it.
 */
export interface ThreeSixtyGivingPackage {
  readonly version: '1.4'
  readonly title?: string
  readonly description?: string
  readonly identifier?: string
  readonly issued?: string
  readonly publisher: ThreeSixtyGivingPublisher
  readonly license: string
  readonly grants: ReadonlyArray<ThreeSixtyGivingGrant>
}

/** Who publishes a 360Giving package: their name, identifier, website and logo. */
export interface ThreeSixtyGivingPublisher {
  readonly name: string
  /** The publisher's organisation identifier (`GB-LAE-CAM`). */
  readonly identifier?: string
  readonly website?: string
  readonly logo?: string
}

// --- options and problems ---

/**
 * How grants are published to 360Giving: the publisher's prefix and details, the licence, and which grants.
 */
export interface PublishingOptions {
  /** The publisher's 360Giving prefix without `360G-` (`cambscc`): ids are `360G-<prefix>-<ref>`. */
  readonly prefix: string
  readonly publisher: ThreeSixtyGivingPublisher
  /** The canonical URI of the data's licence, e.g. `https://creativecommons.org/licenses/by/4.0/`. */
  readonly license: string
  /** The grants to publish, by application id; every awarded grant when absent. */
  readonly grants?: ReadonlyArray<string>
  /** An organisation's name, by its org id (registered or `local:`); undefined when unknown. */
  readonly organisation: (orgId: string) => { readonly name: string } | undefined
  /** What is known of an area, by code; undefined when unknown. */
  readonly area: (code: string) => AreaInfo | undefined
  readonly title?: string
  readonly description?: string
  readonly identifier?: string
  /** The day (`YYYY-MM-DD`) or time the package is issued. */
  readonly issued?: string
}

/** Why a package, or one grant of it, cannot be published. */
export interface PublishingProblem {
  readonly _tag: 'PublishingProblem'
  readonly code:
    | 'invalid-prefix'
    | 'no-grants'
    | 'unknown-grant'
    | 'not-awarded'
    | 'unknown-fund'
    | 'unknown-organisation'
    | 'duplicate-id'
    | LocationProblem['code']
  /** The grant (application id) it concerns, when it concerns one. */
  readonly grant?: string
  readonly message: string
}

/** The documents a package is built from: the `grants-publishing` read model's. */
export interface PublishingInput {
  readonly grants: ReadonlyArray<GrantPublishingDoc>
  readonly funds: ReadonlyArray<FundPublishingDoc>
}

// --- amounts and identifiers ---

/**
 * Whole pence as the pounds 360Giving writes (`1234.5` for 123450p), exactly: the decimal is
 * written from the integer's digits and read as a number once, so no arithmetic rounds it.
 */
export const poundsOf = (pence: number): number => {
  const sign = pence < 0 ? '-' : ''
  const digits = String(Math.abs(pence)).padStart(3, '0')
  return Number(`${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`)
}

/** An id part as 360Giving recommends: characters other than letters, digits, `.`, `_`, `-` become `_`. */
const idPart = (ref: string): string => ref.replace(/[^A-Za-z0-9._-]/g, '_')

const PREFIX = /^(?!360G-)[A-Za-z0-9][A-Za-z0-9_.]*(-[A-Za-z0-9_.]+)*$/

/**
 * An organisation's 360Giving identifier: a registered org id as it is; a local one
 * (`local:ramsey-town-council`) as the publisher's own, `360G-<prefix>-org-ramsey-town-council`,
 * which 360Giving asks for when a recipient has no official registration number.
 */
export const organisationIdentifier = (prefix: string, orgId: string): string =>
  isLocalOrgId(orgId) ? `360G-${prefix}-org-${idPart(orgId.slice('local:'.length))}` : orgId

/** The register number 360Giving also wants on its own: a charity's or a company's. */
const registerNumbers = (orgId: string): Pick<ThreeSixtyGivingOrganisation, 'charityNumber' | 'companyNumber'> => {
  const charity = /^GB-(CHC|SC|NIC)-(.+)$/.exec(orgId)
  if (charity?.[2] !== undefined) return { charityNumber: charity[2] }
  const company = /^GB-COH-(.+)$/.exec(orgId)
  return company?.[1] === undefined ? {} : { companyNumber: company[1] }
}

// --- one grant ---

const problem = (code: PublishingProblem['code'], message: string, grant?: string): PublishingProblem => ({
  _tag: 'PublishingProblem',
  code,
  message,
  ...(grant === undefined ? {} : { grant }),
})

const byDateThenId = ([a, x]: readonly [string, MoneyMoved], [b, y]: readonly [string, MoneyMoved]): number =>
  x.on < y.on ? -1 : x.on > y.on ? 1 : a < b ? -1 : a > b ? 1 : 0

const organisationOf = (
  options: PublishingOptions,
  orgId: string,
  role: string,
  grant: string,
): Either<PublishingProblem, ThreeSixtyGivingOrganisation> => {
  const found = options.organisation(orgId)
  return found === undefined
    ? E.left(problem('unknown-organisation', `the ${role} ${orgId} is not in the organisation register`, grant))
    : E.right({ id: organisationIdentifier(options.prefix, orgId), name: found.name, ...registerNumbers(orgId) })
}

const description = (grant: GrantPublishingDoc, fund: FundPublishingDoc): string => {
  const stream = own(fund.streams, grant.streamId)?.name
  const from = stream === undefined ? fund.name : `${fund.name} (${stream})`
  const towards = grant.outcomes.length === 0 ? '' : ` towards: ${grant.outcomes.join('; ')}`
  return `${grant.title}. A grant from ${from}${towards}.`
}

const programme = (prefix: string, grant: GrantPublishingDoc, fund: FundPublishingDoc) => {
  const stream = own(fund.streams, grant.streamId)?.name ?? grant.streamId
  const round = grant.roundId === null ? undefined : own(fund.rounds, grant.roundId)
  const parts = [fund.fundId, grant.streamId, ...(grant.roundId === null ? [] : [grant.roundId])]
  const title =
    round === undefined
      ? `${fund.name}: ${stream}`
      : `${fund.name}: ${stream}, round ${round.opensOn} to ${round.closesOn}`
  return { code: `360G-${prefix}-${parts.map(idPart).join('-')}`, title }
}

const transactions = (
  grant: GrantPublishingDoc,
  id: string,
  provider: string,
  recipient: string,
): ReadonlyArray<ThreeSixtyGivingTransaction> => [
  ...Object.entries(grant.payments)
    .sort(byDateThenId)
    .map(([paymentId, p]) => ({
      id: `${id}-payment-${idPart(paymentId)}`,
      transactionDate: p.on,
      currency: 'GBP' as const,
      value: poundsOf(p.amount),
      description: 'Payment of the grant',
      provider,
      recipient,
    })),
  // A repayment is money going back: a negative disbursement, so the transactions sum to amountDisbursed.
  ...Object.entries(grant.repayments)
    .sort(byDateThenId)
    .map(([repaymentId, r]) => ({
      id: `${id}-repayment-${idPart(repaymentId)}`,
      transactionDate: r.on,
      currency: 'GBP' as const,
      value: -poundsOf(r.amount),
      description: 'Unspent grant repaid to the funder',
      provider,
      recipient,
    })),
]

const sum = (moves: Readonly<Record<string, MoneyMoved>>): number =>
  Object.values(moves).reduce((total, m) => total + m.amount, 0)

/** One grant as 360Giving has it, or what stops it being published. */
export const threeSixtyGivingGrant = (
  grant: GrantPublishingDoc,
  fund: FundPublishingDoc | undefined,
  options: PublishingOptions,
): Either<ReadonlyArray<PublishingProblem>, ThreeSixtyGivingGrant> => {
  const ref = grant.applicationId
  if (grant.awarded === null || grant.awardedOn === null || (grant.status !== 'awarded' && grant.status !== 'closed'))
    return E.left([problem('not-awarded', `application ${ref} is ${grant.status}, not an awarded grant`, ref)])
  if (fund === undefined) return E.left([problem('unknown-fund', `fund ${grant.fundId} is not recorded`, ref)])
  const recipient = organisationOf(options, grant.applicant, 'recipient', ref)
  const funder = organisationOf(options, fund.funder, 'funder', ref)
  const places = beneficiaryLocations(grant.areas, grant.lsoas, options.area)
  const problems = [
    ...(E.isLeft(recipient) ? [recipient.left] : []),
    ...(E.isLeft(funder) ? [funder.left] : []),
    ...places.problems.map((p) => problem(p.code, p.message, ref)),
  ]
  if (E.isLeft(recipient) || E.isLeft(funder) || problems.length > 0) return E.left(problems)
  const id = `360G-${options.prefix}-${idPart(ref)}`
  const paid = Object.values(grant.payments).map((p) => p.on)
  const started = grant.agreementSignedOn ?? grant.awardedOn
  const ends = Object.values(grant.finalReports).sort()
  const end = ends[ends.length - 1]
  return E.right({
    id,
    title: grant.title,
    description: description(grant, fund),
    currency: 'GBP',
    amountAppliedFor: poundsOf(grant.amountRequested),
    amountAwarded: poundsOf(grant.awarded),
    amountDisbursed: poundsOf(sum(grant.payments) - sum(grant.repayments)),
    awardDate: grant.awardedOn,
    plannedDates: [{ startDate: started, ...(end === undefined ? {} : { endDate: end }) }],
    ...(grant.closedOn === null
      ? {}
      : { actualDates: [{ startDate: [...paid].sort()[0] ?? started, endDate: grant.closedOn }] }),
    recipientOrganization: [recipient.right],
    fundingOrganization: [funder.right],
    grantProgramme: [programme(options.prefix, grant, fund)],
    beneficiaryLocation: places.locations,
    disbursementTransaction: transactions(grant, id, funder.right.id, recipient.right.id),
    fromOpenCall: grant.roundId === null ? 'No' : 'Yes',
    ...(fund.regrantType === null ? {} : { regrantType: fund.regrantType }),
    dateModified: grant.modifiedAt,
  })
}

// --- the package ---

/**
 * The 360Giving data package of the grants wanted (every awarded grant when `options.grants` is
 * absent), in the order asked (else by award date, then id), or every problem found.
 */
export const threeSixtyGivingPackage = (
  input: PublishingInput,
  options: PublishingOptions,
): Either<ReadonlyArray<PublishingProblem>, ThreeSixtyGivingPackage> => {
  if (!PREFIX.test(options.prefix))
    return E.left([
      problem('invalid-prefix', 'the prefix is the registered 360Giving prefix without 360G- (e.g. cambscc)'),
    ])
  const byId = new Map(input.grants.map((g) => [g.applicationId, g]))
  const funds = new Map(input.funds.map((f) => [f.fundId, f]))
  const wanted =
    options.grants ??
    input.grants
      .filter((g) => g.status === 'awarded' || g.status === 'closed')
      .sort(
        (a, b) =>
          (a.awardedOn ?? '').localeCompare(b.awardedOn ?? '') || a.applicationId.localeCompare(b.applicationId),
      )
      .map((g) => g.applicationId)
  if (wanted.length === 0) return E.left([problem('no-grants', 'a 360Giving package holds at least one grant')])
  const problems: PublishingProblem[] = []
  const grants: ThreeSixtyGivingGrant[] = []
  const ids = new Set<string>()
  for (const ref of wanted) {
    const doc = byId.get(ref)
    if (doc === undefined) {
      problems.push(problem('unknown-grant', `application ${ref} is not recorded`, ref))
      continue
    }
    const built = threeSixtyGivingGrant(doc, funds.get(doc.fundId), options)
    if (E.isLeft(built)) {
      problems.push(...built.left)
      continue
    }
    if (ids.has(built.right.id))
      problems.push(problem('duplicate-id', `${built.right.id} would identify two grants (ids as published)`, ref))
    ids.add(built.right.id)
    grants.push(built.right)
  }
  if (problems.length > 0) return E.left(problems)
  return E.right({
    version: '1.4',
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.identifier === undefined ? {} : { identifier: options.identifier }),
    ...(options.issued === undefined ? {} : { issued: options.issued }),
    publisher: options.publisher,
    license: options.license,
    grants,
  })
}
