/**
 * 360Giving from events: a grant's life recorded as events, folded by the `grants-publishing` read
 * model, built into a package that the 1.4.3 package and grant schemas and the codelists accept
 * with no error — amounts in pounds exactly, ids with the prefix, local org ids as the publisher's,
 * every area a location with a codelist geoCodeType, payments less repayments as disbursements.
 * Bad data is a typed problem, never a file.
 */
import { AREA_TYPES } from '@civic-ledger/areas'
import type { JsonObject, RecordedEvent } from '@civic-ledger/core'
import { applyToReadModel, testMetadata } from '@civic-ledger/testing'
import test from 'ava'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'

import { RegrantType } from '../fund/events'
import type { AreaInfo } from './locations'
import { GEO_CODE_TYPES, geoCodeTypeOf } from './locations'
import type { PublishingInput, PublishingOptions, PublishingProblem, ThreeSixtyGivingPackage } from './package'
import { organisationIdentifier, poundsOf, threeSixtyGivingPackage } from './package'
import type { FundPublishingDoc, GrantPublishingDoc } from './projection'
import { grantPublishing } from './projection'
import { codelist, threeSixtyGivingErrors } from './validate'

// --- events as recorded ---

/** An event as its codec reads it; the read model decodes it, so a wrong field fails the test. */
interface Event {
  readonly type: string
  readonly data: JsonObject
}
const ev = (type: string, data: JsonObject): Event => ({ type, data })

const recorded = (events: ReadonlyArray<Event>): ReadonlyArray<RecordedEvent> =>
  events.map((e, i) => ({
    eventId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    streamId: 'grants.test',
    revision: i,
    position: i + 1,
    type: e.type,
    schemaVersion: 1,
    data: e.data,
    metadata: testMetadata(),
    recordedAt: `2026-05-${String(1 + Math.floor(i / 4)).padStart(2, '0')}T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
  }))

const fund = [
  ev('grants.FundDefined', {
    fundId: 'innovate-cultivate',
    name: 'Innovate & Cultivate Fund',
    funder: 'GB-LAE-CAM',
    administrators: ['local:cambridgeshire-community-foundation'],
    eligibility: { areasIncluded: [], areasExcluded: ['E06000031'], applicantTypes: [], priorityOutcomes: [] },
    budget: 100_000_000,
    directAwards: true,
    asksForSavings: false,
    on: '2026-01-05',
  }),
  ev('grants.StreamAdded', {
    fundId: 'innovate-cultivate',
    streamId: 'cultivate',
    name: 'Cultivate',
    limits: { minimum: 200_000, maximum: 1_500_000 },
    on: '2026-01-05',
  }),
  ev('grants.RoundOpened', {
    fundId: 'innovate-cultivate',
    roundId: '2026-spring',
    opensOn: '2026-01-06',
    closesOn: '2026-02-01',
    limits: [{ streamId: 'cultivate', limits: { minimum: 200_000, maximum: 1_500_000 } }],
  }),
]

const drafted = (applicationId: string, extra: JsonObject = {}) =>
  ev('grants.ApplicationDrafted', {
    applicationId,
    fundId: 'innovate-cultivate',
    streamId: 'cultivate',
    roundId: '2026-spring',
    applicant: 'local:ramsey-good-neighbours',
    title: 'Ramsey good neighbour scheme',
    amountRequested: 1_234_567,
    areas: ['E05011268', 'E07000010', 'E58000084'],
    outcomes: ['fewer lonely older people', 'less demand on adult social care'],
    on: '2026-01-20',
    ...extra,
  })

/** A grant's whole life: awarded, varied, signed, paid in two parts, part repaid, closed. */
const life = (applicationId: string): ReadonlyArray<Event> => [
  drafted(applicationId),
  ev('grants.ApplicationSubmitted', { applicationId, on: '2026-01-25' }),
  ev('grants.GrantAwarded', {
    applicationId,
    fundId: 'innovate-cultivate',
    amount: 1_200_000,
    conditions: ['report quarterly'],
    on: '2026-03-02',
  }),
  ev('grants.VariationApproved', {
    applicationId,
    variationId: 'v1',
    fundId: 'innovate-cultivate',
    amount: 1_150_001,
    previous: 1_200_000,
    on: '2026-03-10',
  }),
  ev('grants.AgreementSigned', { applicationId, signedBy: 'the chair', on: '2026-03-12' }),
  ev('grants.MonitoringRequired', {
    applicationId,
    requirementId: 'final',
    kind: 'final',
    description: 'the final report',
    dueOn: '2027-03-31',
    on: '2026-03-12',
  }),
  ev('grants.PaymentMade', { applicationId, paymentId: 'p1', amount: 575_000, on: '2026-03-20', reference: 'BACS 1' }),
  ev('grants.PaymentMade', { applicationId, paymentId: 'p2', amount: 575_001, on: '2026-09-20' }),
  ev('grants.RepaymentRecorded', {
    applicationId,
    repaymentId: 'r1',
    amount: 10_099,
    reason: 'unspent',
    on: '2027-04-02',
  }),
  ev('grants.GrantClosed', {
    applicationId,
    fundId: 'innovate-cultivate',
    paid: 1_150_001,
    repaid: 10_099,
    released: 10_099,
    reason: 'completed',
    on: '2027-04-10',
  }),
]

const docsOf = async (events: ReadonlyArray<Event>): Promise<PublishingInput> => {
  const model = await applyToReadModel(grantPublishing, recorded(events))
  return {
    grants: Object.values(model['grants'] ?? {}) as unknown as ReadonlyArray<GrantPublishingDoc>,
    funds: Object.values(model['funds'] ?? {}) as unknown as ReadonlyArray<FundPublishingDoc>,
  }
}

// --- the lookups ---

const AREAS: Readonly<Record<string, AreaInfo>> = {
  E05011268: { name: 'Ramsey', type: 'ward' },
  E07000010: { name: 'Fenland', type: 'district' },
  E07000011: { name: 'Huntingdonshire', type: 'district' },
  E10000003: { name: 'Cambridgeshire', type: 'county' },
  E12000006: { name: 'East of England', type: 'region' },
  E04001101: { name: 'Bainton', type: 'parish' },
  E02003238: { name: 'Werrington', type: 'msoa' },
  E01017994: { name: 'Huntingdonshire 003A', type: 'lsoa' },
  E01017995: { name: 'Huntingdonshire 003B', type: 'lsoa' },
  E58000084: {
    name: 'Ramsey & Bury ED',
    type: 'county-division',
    lsoas: ['E01017994', 'E01017995'],
    districts: ['E07000011'],
  },
  E54000021: { name: 'Cambridgeshire and Peterborough', type: 'icb', lsoas: ['E01017994'], districts: ['E07000010'] },
  E47000008: { name: 'Cambridgeshire and Peterborough', type: 'combined-authority', districts: ['E07000011'] },
  'huntingdonshire-north': { name: 'Huntingdonshire North', type: 'service-delivery-area', lsoas: ['E01017995'] },
  U12345: { name: 'A PCN with nothing known of it', type: 'pcn' },
}

const ORGANISATIONS: Readonly<Record<string, string>> = {
  'GB-LAE-CAM': 'Cambridgeshire County Council',
  'local:ramsey-good-neighbours': 'Ramsey Good Neighbours',
  'GB-CHC-1234567': 'An Example Charity (test fixture)',
  'GB-COH-01234567': 'An Example Company (test fixture)',
}

const options: PublishingOptions = {
  prefix: 'cambscc',
  publisher: { name: 'Cambridgeshire County Council', identifier: 'GB-LAE-CAM' },
  license: 'https://creativecommons.org/licenses/by/4.0/',
  title: 'Innovate & Cultivate Fund grants',
  issued: '2027-05-01',
  organisation: (orgId) => {
    const name = ORGANISATIONS[orgId]
    return name === undefined ? undefined : { name }
  },
  area: (code) => AREAS[code],
}

const built = (input: PublishingInput, over: Partial<PublishingOptions> = {}): ThreeSixtyGivingPackage => {
  const result = threeSixtyGivingPackage(input, { ...options, ...over })
  if (E.isLeft(result)) throw new Error(result.left.map((p) => `${p.code}: ${p.message}`).join('\n'))
  return result.right
}

const problems = (input: PublishingInput, over: Partial<PublishingOptions> = {}): ReadonlyArray<PublishingProblem> => {
  const result = threeSixtyGivingPackage(input, { ...options, ...over })
  return E.isLeft(result) ? result.left : []
}

// --- a grant's whole life ---

test('a grant from draft to close is a 360Giving grant the 1.4.3 schemas and codelists accept with no error', async (t) => {
  const pkg = built(await docsOf([...fund, ...life('a-1')]))
  t.deepEqual(threeSixtyGivingErrors(pkg), [])
  t.is(pkg.version, '1.4')
  const grant = pkg.grants[0]
  t.is(pkg.grants.length, 1)
  t.is(grant?.id, '360G-cambscc-a-1')
  t.is(grant?.currency, 'GBP')
  t.is(grant?.amountAppliedFor, 12345.67)
  t.is(grant?.amountAwarded, 11500.01, 'as varied, in pounds')
  t.is(grant?.amountDisbursed, 11399.02, 'paid £11,500.01 less £100.99 repaid')
  t.is(grant?.awardDate, '2026-03-02')
  t.deepEqual(grant?.plannedDates, [{ startDate: '2026-03-12', endDate: '2027-03-31' }])
  t.deepEqual(grant?.actualDates, [{ startDate: '2026-03-20', endDate: '2027-04-10' }])
  t.deepEqual(grant?.recipientOrganization, [
    { id: '360G-cambscc-org-ramsey-good-neighbours', name: 'Ramsey Good Neighbours' },
  ])
  t.deepEqual(grant?.fundingOrganization, [{ id: 'GB-LAE-CAM', name: 'Cambridgeshire County Council' }])
  t.deepEqual(grant?.grantProgramme, [
    {
      code: '360G-cambscc-innovate-cultivate-cultivate-2026-spring',
      title: 'Innovate & Cultivate Fund: Cultivate, round 2026-01-06 to 2026-02-01',
    },
  ])
  t.is(grant?.fromOpenCall, 'Yes')
  t.is(grant?.regrantType, undefined, 'the fund makes ordinary grants')
  t.regex(
    grant?.description ?? '',
    /^Ramsey good neighbour scheme\. A grant from Innovate & Cultivate Fund \(Cultivate\)/,
  )
  t.is(grant?.dateModified, '2026-05-04T10:00:12.000Z', 'when the close was recorded')
})

test('disbursements are the payments made and, negative, the repayments: they sum to amountDisbursed', async (t) => {
  const grant = built(await docsOf([...fund, ...life('a-1')])).grants[0]
  t.deepEqual(
    grant?.disbursementTransaction.map((d) => [d.id, d.transactionDate, d.value, d.provider, d.recipient]),
    [
      ['360G-cambscc-a-1-payment-p1', '2026-03-20', 5750, 'GB-LAE-CAM', '360G-cambscc-org-ramsey-good-neighbours'],
      ['360G-cambscc-a-1-payment-p2', '2026-09-20', 5750.01, 'GB-LAE-CAM', '360G-cambscc-org-ramsey-good-neighbours'],
      ['360G-cambscc-a-1-repayment-r1', '2027-04-02', -100.99, 'GB-LAE-CAM', '360G-cambscc-org-ramsey-good-neighbours'],
    ],
  )
  const pence = (grant?.disbursementTransaction ?? []).reduce((s, d) => s + Math.round(d.value * 100), 0)
  t.is<number | undefined, number | undefined>(poundsOf(pence), grant?.amountDisbursed)
})

test('areas: a ward and a district as themselves; a county division as its LSOAs, said to be in it', async (t) => {
  const grant = built(await docsOf([...fund, ...life('a-1')])).grants[0]
  t.deepEqual(grant?.beneficiaryLocation, [
    { name: 'Ramsey', geoCode: 'E05011268', geoCodeType: 'WD', countryCode: 'GB' },
    { name: 'Fenland', geoCode: 'E07000010', geoCodeType: 'NMD', countryCode: 'GB' },
    {
      name: 'Huntingdonshire 003A',
      geoCode: 'E01017994',
      geoCodeType: 'LSOA',
      countryCode: 'GB',
      description: 'In Ramsey & Bury ED (county division E58000084), which has no 360Giving geoCodeType',
    },
    {
      name: 'Huntingdonshire 003B',
      geoCode: 'E01017995',
      geoCodeType: 'LSOA',
      countryCode: 'GB',
      description: 'In Ramsey & Bury ED (county division E58000084), which has no 360Giving geoCodeType',
    },
  ])
})

test('every kind of area: a county, region, parish, MSOA, LSOA; an ICB and a combined authority as districts; a service delivery area as its LSOAs', async (t) => {
  const areas = ['E10000003', 'E12000006', 'E04001101', 'E02003238', 'E54000021', 'E47000008', 'huntingdonshire-north']
  const pkg = built(
    await docsOf([
      ...fund,
      ...life('a-1').map((e) => (e.type === 'grants.ApplicationDrafted' ? drafted('a-1', { areas }) : e)),
    ]),
  )
  t.deepEqual(threeSixtyGivingErrors(pkg), [])
  t.deepEqual(
    pkg.grants[0]?.beneficiaryLocation.map((l) => [l.geoCode, l.geoCodeType]),
    [
      ['E10000003', 'CTY'],
      ['E12000006', 'RGN/GOR'],
      ['E04001101', 'PAR'],
      ['E02003238', 'MSOA'],
      ['E07000010', 'NMD'],
      ['E07000011', 'NMD'],
      ['E01017995', 'LSOA'],
    ],
  )
})

test('the LSOAs an application records are published for its areas with no geoCodeType', async (t) => {
  const withLsoas = { ...drafted('a-1', { areas: ['E05011268', 'E58000084'] }) }
  const data = { ...withLsoas.data, lsoas: ['E01017995'] }
  const events = [...fund, ...life('a-1').map((e) => (e.type === 'grants.ApplicationDrafted' ? { ...e, data } : e))]
  const grant = built(await docsOf(events)).grants[0]
  t.deepEqual(
    grant?.beneficiaryLocation.map((l) => l.geoCode),
    ['E05011268', 'E01017995'],
    'the ward as itself; the division as the LSOA the application names',
  )
})

test('a fund with a regrant type gives it to its grants; a direct award is not from an open call', async (t) => {
  const regranting = [ev('grants.FundDefined', { ...fund[0]!.data, regrantType: 'FRG010' }), ...fund.slice(1)]
  const direct = life('a-1').map((e) => {
    if (e.type !== 'grants.ApplicationDrafted') return e
    const { roundId: _round, ...rest } = drafted('a-1').data
    return ev('grants.ApplicationDrafted', rest)
  })
  const pkg = built(await docsOf([...regranting, ...direct]))
  t.deepEqual(threeSixtyGivingErrors(pkg), [])
  t.is(pkg.grants[0]?.regrantType, 'FRG010')
  t.is(pkg.grants[0]?.fromOpenCall, 'No')
  t.deepEqual(pkg.grants[0]?.grantProgramme, [
    { code: '360G-cambscc-innovate-cultivate-cultivate', title: 'Innovate & Cultivate Fund: Cultivate' },
  ])
})

test('registered recipients keep their org id, with the charity or company number 360Giving also asks for', async (t) => {
  const charity = life('a-1').map((e) =>
    e.type === 'grants.ApplicationDrafted' ? drafted('a-1', { applicant: 'GB-CHC-1234567' }) : e,
  )
  const company = life('a-2').map((e) =>
    e.type === 'grants.ApplicationDrafted' ? drafted('a-2', { applicant: 'GB-COH-01234567' }) : e,
  )
  const pkg = built(await docsOf([...fund, ...charity, ...company]))
  t.deepEqual(threeSixtyGivingErrors(pkg), [])
  t.deepEqual(
    pkg.grants.map((g) => g.recipientOrganization[0]),
    [
      { id: 'GB-CHC-1234567', name: 'An Example Charity (test fixture)', charityNumber: '1234567' },
      { id: 'GB-COH-01234567', name: 'An Example Company (test fixture)', companyNumber: '01234567' },
    ],
  )
})

test('an open grant just awarded: nothing paid yet, planned from the award, no actual dates', async (t) => {
  const pkg = built(await docsOf([...fund, ...life('a-1').slice(0, 3)]))
  t.deepEqual(threeSixtyGivingErrors(pkg), [])
  const grant = pkg.grants[0]
  t.is(grant?.amountAwarded, 12000)
  t.is(grant?.amountDisbursed, 0)
  t.deepEqual(grant?.disbursementTransaction, [])
  t.deepEqual(grant?.plannedDates, [{ startDate: '2026-03-02' }])
  t.false(grant !== undefined && 'actualDates' in grant)
})

test('without a list, every awarded grant is published, by award date; with one, exactly those asked', async (t) => {
  const drafts = ['a-1', 'a-2', 'a-3'].map((id) => drafted(id))
  const input = await docsOf([...fund, ...drafts, ...life('a-2').slice(1, 3), ...life('a-1').slice(1, 3)])
  t.deepEqual(
    built(input).grants.map((g) => g.id),
    ['360G-cambscc-a-1', '360G-cambscc-a-2'],
    'a-3 is only drafted',
  )
  t.deepEqual(
    built(input, { grants: ['a-2'] }).grants.map((g) => g.id),
    ['360G-cambscc-a-2'],
  )
})

// --- bad data ---

test('bad data is a list of typed problems naming the grant: not awarded, unknown grant, unknown organisation', async (t) => {
  const input = await docsOf([...fund, ...life('a-1').slice(0, 3), drafted('a-2')])
  t.deepEqual(
    problems(input, { grants: ['a-1', 'a-2', 'nope'] }).map((p) => [p._tag, p.code, p.grant]),
    [
      ['PublishingProblem', 'not-awarded', 'a-2'],
      ['PublishingProblem', 'unknown-grant', 'nope'],
    ],
  )
  const unknownOrg = problems(input, { organisation: () => undefined })
  t.deepEqual(
    unknownOrg.map((p) => [p.code, p.message]),
    [
      ['unknown-organisation', 'the recipient local:ramsey-good-neighbours is not in the organisation register'],
      ['unknown-organisation', 'the funder GB-LAE-CAM is not in the organisation register'],
    ],
  )
})

test('an area the lookup does not know, or one with no geoCodeType and nothing known of its parts, is a problem', async (t) => {
  const events = life('a-1').map((e) =>
    e.type === 'grants.ApplicationDrafted' ? drafted('a-1', { areas: ['E05099999', 'U12345'] }) : e,
  )
  t.deepEqual(
    problems(await docsOf([...fund, ...events])).map((p) => [p.code, p.message]),
    [
      ['unknown-area', 'area E05099999 is not known to the area lookup'],
      [
        'unplaceable-area',
        'primary care network U12345 has no 360Giving geoCodeType, and no LSOAs or districts of it are known',
      ],
    ],
  )
})

test('a prefix that is not a bare 360Giving prefix, and a package of no grants, are refused', async (t) => {
  const input = await docsOf([...fund, ...life('a-1')])
  for (const prefix of ['360G-cambscc', '', 'cambs cc', 'cambs/cc'])
    t.deepEqual(
      problems(input, { prefix }).map((p) => p.code),
      ['invalid-prefix'],
      prefix,
    )
  t.deepEqual(
    problems(await docsOf(fund)).map((p) => p.code),
    ['no-grants'],
  )
})

// --- the read model ---

test('the read model is the same built one event at a time, in one batch, and with each event applied twice', async (t) => {
  const events = recorded([...fund, ...life('a-1'), drafted('a-2')])
  const once = await applyToReadModel(grantPublishing, events, { perTransaction: 1 })
  t.deepEqual(await applyToReadModel(grantPublishing, events), once)
  t.deepEqual(await applyToReadModel(grantPublishing, events, { repeat: 2 }), once)
  t.is(Object.keys(once['grants'] ?? {}).length, 2)
})

// --- amounts, identifiers, the mapping ---

test('pence become pounds exactly: the decimal of the integer, for any safe integer', (t) => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (pence) => {
      const digits = String(Math.abs(pence)).padStart(3, '0')
      const decimal = `${pence < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
      return poundsOf(pence) === Number(decimal) && Number(String(poundsOf(pence))) === Number(decimal)
    }),
  )
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (pence) => Math.round(poundsOf(pence) * 100) === pence))
  t.is(poundsOf(1), 0.01)
  t.is(poundsOf(100), 1)
  t.is(poundsOf(123_456_789), 1_234_567.89)
  t.is(JSON.stringify(poundsOf(1_000_010)), '10000.1')
})

test('local org ids become the publisher own identifiers; registered ones stay as they are', (t) => {
  t.is(organisationIdentifier('cambscc', 'local:ramsey-town-council'), '360G-cambscc-org-ramsey-town-council')
  t.is(organisationIdentifier('cambscc', 'GB-LAE-PTE'), 'GB-LAE-PTE')
})

test('every geoCodeType used is in the codelist; each kind of area maps to one or is published through its parts', (t) => {
  const codes = codelist('360giving-codelist-geoCodeType.csv')
  t.deepEqual(
    Object.values(GEO_CODE_TYPES).filter((c) => !codes.has(c)),
    [],
  )
  const unmapped = Object.entries(AREA_TYPES)
    .filter(([, prefixes]) => prefixes.length > 0 && prefixes.every((p) => GEO_CODE_TYPES[p] === undefined))
    .map(([type]) => type)
  t.deepEqual(unmapped, ['combined-authority', 'icb', 'county-division', 'pcn'])
  t.is(geoCodeTypeOf('E06000031'), 'UA')
  t.is(geoCodeTypeOf('E07000010'), 'NMD')
  t.is(geoCodeTypeOf('E08000001'), 'MD')
  t.is(geoCodeTypeOf('E09000001'), 'LONB')
  t.is(geoCodeTypeOf('E38000260'), 'CCG')
  t.is(geoCodeTypeOf('E58000084'), undefined)
  t.is(geoCodeTypeOf('huntingdonshire-north'), undefined)
})

test('the regrant types a fund may record are exactly the codelist', (t) => {
  t.deepEqual([...codelist('360giving-codelist-regrantType.csv')].sort(), Object.keys(RegrantType.keys).sort())
})

test('the validation finds what is wrong: a missing field, a wrong type, a code outside the codelists', async (t) => {
  const pkg = built(await docsOf([...fund, ...life('a-1')]))
  const grant = pkg.grants[0]!
  const { awardDate: _gone, ...noAwardDate } = grant
  const broken = {
    ...pkg,
    grants: [
      { ...noAwardDate, amountAwarded: '11500.01', regrantType: 'FRG999' },
      { ...grant, id: 'another', beneficiaryLocation: [{ geoCode: 'E58000084', geoCodeType: 'CED' }] },
    ],
  }
  const errors = threeSixtyGivingErrors(broken)
  t.true(errors.some((e) => e.includes('/grants/0/amountAwarded must be number')))
  t.true(errors.some((e) => e.includes("must have required property 'awardDate'")))
  t.true(errors.some((e) => e === '360G-cambscc-a-1: regrantType FRG999 is not in the codelist'))
  t.true(errors.some((e) => e === 'another: geoCodeType CED is not in the codelist'))
})
