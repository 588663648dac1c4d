/**
 * The rules of an agreement. Drafted with two or more distinct parties and a purpose; a data-sharing
 * agreement is finalised only with a lawful basis for every party, the data categories, a retention
 * period and a review date after the day it is finalised; each party signs the current version once,
 * only once it is finalised, and the agreement is in force when every current party has signed; a
 * variation makes a new version that every party signs again; a terminated agreement takes no more.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, duplicates, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { AgreementCommand } from './commands'
import type { AgreementEvent } from './events'
import {
  AgreementDrafted,
  AgreementFinalised,
  AgreementInForce,
  AgreementReviewed,
  AgreementSigned,
  AgreementTerminated,
  AgreementVaried,
  DataSharingTermsSet,
} from './events'
import type { AgreementRecord, AgreementState } from './state'

type Decided = Either<DomainError, ReadonlyArray<AgreementEvent>>
type CommandOf<T extends AgreementCommand['type']> = Extract<AgreementCommand, { readonly type: T }>

const refuse = (problem: DomainError): Decided => reject(problem.code, problem.message)

const draft = (c: CommandOf<'DraftAgreement'>, s: AgreementState): Decided => {
  if (s.status !== 'none') return reject('agreement-exists', `agreement ${c.agreementId} is drafted already`)
  if (c.parties.length < 2) return reject('invalid-agreement', 'an agreement has at least two parties')
  const twice = duplicates(c.parties)
  if (twice.length > 0) return reject('invalid-agreement', `a party is named twice: ${twice.join(', ')}`)
  if (c.purposes.length === 0) return reject('invalid-agreement', 'an agreement states at least one purpose')
  return accept<AgreementEvent>(
    AgreementDrafted.create({
      agreementId: c.agreementId,
      kind: c.kind,
      title: c.title,
      parties: c.parties,
      purposes: c.purposes,
      on: c.on,
      ...(c.reviewOn === undefined ? {} : { reviewOn: c.reviewOn }),
    }),
  )
}

const basesProblem = (
  bases: ReadonlyArray<{ readonly orgId: string }>,
  parties: ReadonlyArray<string>,
): DomainError | undefined => {
  const strangers = bases.filter((b) => !parties.includes(b.orgId)).map((b) => b.orgId)
  if (strangers.length > 0) return { code: 'not-a-party', message: `not a party: ${strangers.join(', ')}` }
  const twice = duplicates(bases.map((b) => b.orgId))
  return twice.length > 0
    ? { code: 'invalid-terms', message: `a lawful basis is given twice for ${twice.join(', ')}` }
    : undefined
}

const setTerms = (c: CommandOf<'SetDataSharingTerms'>, s: AgreementRecord): Decided => {
  if (s.kind !== 'data-sharing') return reject('not-data-sharing', `a ${s.kind} has no data-sharing terms`)
  if (s.status !== 'draft') return reject('not-draft', `terms are set while drafting; the agreement is ${s.status}`)
  const problem = basesProblem(c.lawfulBases, s.parties)
  if (problem !== undefined) return refuse(problem)
  return accept<AgreementEvent>(
    DataSharingTermsSet.create({
      agreementId: c.agreementId,
      lawfulBases: c.lawfulBases.map((b) => ({
        orgId: b.orgId,
        basis: b.basis,
        ...(b.specialCategoryCondition === undefined ? {} : { specialCategoryCondition: b.specialCategoryCondition }),
      })),
      dataCategories: c.dataCategories,
      retention: c.retention,
      reviewOn: c.reviewOn,
      on: c.on,
    }),
  )
}

/** What a data-sharing agreement lacks before it can be finalised on `on`; empty when nothing. */
export const dataSharingGaps = (s: AgreementRecord, on: string): ReadonlyArray<string> => {
  if (s.kind !== 'data-sharing') return []
  if (!s.termsSet) return ['lawful bases, data categories, retention and a review date (SetDataSharingTerms)']
  const gaps = s.parties.filter((p) => own(s.lawfulBases, p) === undefined).map((p) => `a lawful basis for ${p}`)
  return s.reviewOn !== undefined && s.reviewOn > on ? gaps : [...gaps, `a review date after ${on}`]
}

const finalise = (c: CommandOf<'FinaliseAgreement'>, s: AgreementRecord): Decided => {
  if (s.status !== 'draft') return reject('not-draft', `agreement ${c.agreementId} is ${s.status}, not a draft`)
  const gaps = dataSharingGaps(s, c.on)
  if (gaps.length > 0) return reject('terms-incomplete', `a data-sharing agreement needs ${gaps.join('; ')}`)
  return accept<AgreementEvent>(AgreementFinalised.create({ agreementId: c.agreementId, version: s.version, on: c.on }))
}

const sign = (c: CommandOf<'SignAgreement'>, s: AgreementRecord): Decided => {
  if (s.status !== 'finalised')
    return reject('not-signable', `agreement ${c.agreementId} is ${s.status}; only a finalised version is signed`)
  if (!s.parties.includes(c.orgId)) return reject('not-a-party', `${c.orgId} is not a party to ${c.agreementId}`)
  if (s.signed.includes(c.orgId)) return reject('already-signed', `${c.orgId} has signed version ${s.version} already`)
  const signed = AgreementSigned.create({
    agreementId: c.agreementId,
    version: s.version,
    orgId: c.orgId,
    signatory: c.signatory,
    on: c.on,
  })
  const all = s.parties.every((p) => p === c.orgId || s.signed.includes(p))
  return all
    ? accept<AgreementEvent>(
        signed,
        AgreementInForce.create({ agreementId: c.agreementId, version: s.version, on: c.on }),
      )
    : accept<AgreementEvent>(signed)
}

const variedParties = (
  c: CommandOf<'VaryAgreement'>,
  s: AgreementRecord,
): Either<DomainError, ReadonlyArray<string>> => {
  const removed: ReadonlyArray<string> = c.removeParties ?? []
  const added: ReadonlyArray<string> = c.addParties ?? []
  const strangers = removed.filter((p) => !s.parties.includes(p))
  if (strangers.length > 0) return reject('not-a-party', `not a party: ${strangers.join(', ')}`)
  const already = added.filter((p) => s.parties.includes(p) && !removed.includes(p))
  if (already.length > 0 || duplicates(added).length > 0)
    return reject('invalid-variation', `a party is added twice: ${[...already, ...duplicates(added)].join(', ')}`)
  const parties = [...s.parties.filter((p) => !removed.includes(p)), ...added]
  return parties.length < 2
    ? reject('invalid-variation', 'an agreement keeps at least two parties')
    : accept(...parties)
}

const vary = (c: CommandOf<'VaryAgreement'>, s: AgreementRecord): Decided => {
  if (s.status !== 'finalised' && s.status !== 'in-force')
    return reject('not-variable', `agreement ${c.agreementId} is ${s.status}; a draft is edited, not varied`)
  const parties = variedParties(c, s)
  if (parties._tag === 'Left') return parties
  const bases = c.lawfulBases ?? []
  const problem = basesProblem(bases, parties.right)
  if (problem !== undefined) return refuse(problem)
  const missing = (c.addParties ?? []).filter((p) => s.kind === 'data-sharing' && !bases.some((b) => b.orgId === p))
  if (missing.length > 0) return reject('terms-incomplete', `a lawful basis is needed for ${missing.join(', ')}`)
  return accept<AgreementEvent>(
    AgreementVaried.create({
      agreementId: c.agreementId,
      version: s.version + 1,
      summary: c.summary,
      parties: parties.right as AgreementVariedParties,
      lawfulBases: bases.map((b) => ({ orgId: b.orgId, basis: b.basis })),
      on: c.on,
    }),
  )
}
type AgreementVariedParties = Parameters<typeof AgreementVaried.create>[0]['parties']

const review = (c: CommandOf<'RecordReview'>, s: AgreementRecord): Decided => {
  if (s.status !== 'in-force') return reject('not-in-force', `agreement ${c.agreementId} is ${s.status}, not in force`)
  if (c.nextReviewOn <= c.on) return reject('invalid-review', 'the next review is after the day of this one')
  return accept<AgreementEvent>(
    AgreementReviewed.create({ agreementId: c.agreementId, nextReviewOn: c.nextReviewOn, on: c.on }),
  )
}

const decideRecord = (c: Exclude<AgreementCommand, CommandOf<'DraftAgreement'>>, s: AgreementRecord): Decided => {
  if (s.status === 'terminated') return reject('terminated', `agreement ${c.agreementId} is terminated`)
  switch (c.type) {
    case 'SetDataSharingTerms':
      return setTerms(c, s)
    case 'FinaliseAgreement':
      return finalise(c, s)
    case 'SignAgreement':
      return sign(c, s)
    case 'VaryAgreement':
      return vary(c, s)
    case 'RecordReview':
      return review(c, s)
    case 'TerminateAgreement':
      return accept<AgreementEvent>(
        AgreementTerminated.create({ agreementId: c.agreementId, reason: c.reason, on: c.on }),
      )
    default: {
      const unreachable: never = c
      return unreachable
    }
  }
}

export const decideAgreement = (command: AgreementCommand, state: AgreementState): Decided => {
  if (command.type === 'DraftAgreement') return draft(command, state)
  if (state.status === 'none') return reject('unknown-agreement', `agreement ${command.agreementId} is not drafted`)
  return decideRecord(command, state)
}
