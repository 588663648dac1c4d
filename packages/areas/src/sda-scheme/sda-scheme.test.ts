/**
 * The ServiceDeliveryAreaScheme, as the Think Communities report makes service delivery areas: named
 * areas that group PCNs of a PCN reference; each LSOA given to the area of its dominant PCN, read
 * from the reference on the extract's date; practices outside the reference left out and counted;
 * overrides to any area of the scheme; publication of a partition of the scope; versions. On a
 * hand-made reference and extracts, by property, and for all six districts through a ledger.
 */
import type { DomainError } from '@civic-ledger/core'
import { createLedger, fold } from '@civic-ledger/core'
import { deciderSpec } from '@civic-ledger/testing'
import test from 'ava'
import fc from 'fast-check'
import type { Either } from 'fp-ts/Either'
import { isLeft, isRight, left, right } from 'fp-ts/Either'

import { districtAreaDefinitions, lsoa2021Centroids, practiceRows, referencePcnImport } from '../lib/practices'
import { modelRegistrations } from '../lib/registrations'
import { decoded } from '../lib/test-helpers.test-fixture'
import { pcnReferences } from '../pcn-reference/aggregate'
import type { PcnCommandInput } from '../pcn-reference/commands'
import { PcnCommand } from '../pcn-reference/commands'
import type { PcnEvent } from '../pcn-reference/events'
import type { PcnReferenceState } from '../pcn-reference/state'
import { AREA_DATA_STEWARD, areasPolicy, GEOGRAPHY_OFFICER } from '../policy'
import { schemeDecisions, serviceDeliveryAreaSchemes } from './aggregate'
import type { DefineSchemeInput, RunAssignmentInput, SchemeCommandInput, SchemeDecisionCommandInput } from './commands'
import { SchemeCommand, SchemeDecisionCommand } from './commands'
import type { SchemeEvent } from './events'
import type { SchemeState } from './state'
import { partition } from './state'

const decider = serviceDeliveryAreaSchemes.decider
const spec = deciderSpec(decider)
const command = (input: SchemeCommandInput) => decoded(SchemeCommand, input)

// --- a hand-made PCN reference ---

const handMade = { name: 'hand-made', licence: 'none' }
const L1 = 'E01015589'
const L2 = 'E01015590'
const L3 = 'E01015591'

const importReference: Extract<PcnCommandInput, { type: 'ImportPcnReference' }> = {
  type: 'ImportPcnReference',
  referenceId: 'test-ref',
  subIcb: 'E38000260',
  asOf: '2024-01-01',
  source: handMade,
  pcns: [
    { code: 'U00001', name: 'North Network' },
    { code: 'U00002', name: 'South Network' },
    { code: 'U00003', name: 'Fen Network' },
    { code: 'U00004', name: 'Border Network' },
  ],
  practices: [
    { code: 'D81001', name: 'North Surgery', pcn: 'U00001' },
    { code: 'D81002', name: 'South Surgery', pcn: 'U00002' },
    { code: 'D81003', name: 'South Health Centre', pcn: 'U00002' },
    { code: 'D81004', name: 'Fen Surgery', pcn: 'U00003' },
    { code: 'D81005', name: 'Border Surgery', pcn: 'U00004' },
  ],
}

const referenceOf = (...inputs: PcnCommandInput[]): PcnReferenceState => {
  const events: PcnEvent[] = []
  for (const input of inputs) {
    const decision = pcnReferences.decider.decide(decoded(PcnCommand, input), fold(pcnReferences.decider, events))
    if (isLeft(decision)) throw new Error(decision.left.message)
    events.push(...decision.right)
  }
  return fold(pcnReferences.decider, events)
}
const REFERENCE = referenceOf(importReference)
const NO_REFERENCE = referenceOf()

// --- sending ---

type Input = SchemeCommandInput | SchemeDecisionCommandInput

const isDecided = (input: Input): input is SchemeDecisionCommandInput =>
  input.type === 'DefineScheme' || input.type === 'RunAssignment'

/** What the scheme records for `input` after `history`: through the decision, or the aggregate. */
const decision = (
  history: ReadonlyArray<SchemeEvent>,
  input: Input,
  reference: PcnReferenceState = REFERENCE,
): Either<DomainError, ReadonlyArray<SchemeEvent>> => {
  const scheme = fold(decider, history)
  if (!isDecided(input)) return decider.decide(command(input), scheme)
  const decided = schemeDecisions.decide(decoded(SchemeDecisionCommand, input), { scheme, reference })
  return isLeft(decided) ? left(decided.left) : right(decided.right.scheme ?? [])
}

const decide = (history: ReadonlyArray<SchemeEvent>, input: Input, reference?: PcnReferenceState): SchemeEvent[] => {
  const decided = decision(history, input, reference)
  if (isLeft(decided)) throw new Error(`${decided.left.code}: ${decided.left.message}`)
  return [...history, ...decided.right]
}

/** The refusal of `input` after `history`, or undefined when it was accepted. */
const refusal = (history: ReadonlyArray<SchemeEvent>, input: Input, reference?: PcnReferenceState) => {
  const decided = decision(history, input, reference)
  return isLeft(decided) ? decided.left : undefined
}

const define: DefineSchemeInput = {
  type: 'DefineScheme',
  schemeId: 'hunts-sda',
  name: 'Huntingdonshire delivery areas',
  lsoaVintage: '2021',
  scope: { description: 'three LSOAs', lsoas: [L1, L2, L3] },
  pcnReference: 'test-ref',
  areas: [
    { areaId: 'north', name: 'North', pcns: ['U00001'] },
    { areaId: 'south-and-fens', name: 'South and Fens', pcns: ['U00002', 'U00003'] },
  ],
}

const runOf = (
  rows: RunAssignmentInput['extract']['rows'],
  extractDate = '2024-03-01',
  pcnReference = 'test-ref',
): RunAssignmentInput => ({
  type: 'RunAssignment',
  schemeId: 'hunts-sda',
  pcnReference,
  extract: { publication: 'hand-made', extractDate, source: handMade, modelled: true, rows },
})
const run = runOf([
  { practice: 'D81001', lsoa: L1, patients: 40 },
  { practice: 'D81004', lsoa: L2, patients: 40 },
])

const lastData = (history: ReadonlyArray<SchemeEvent>) => history[history.length - 1]?.data

// --- defining a scheme: named areas of PCNs ---

test('a scheme defines named areas, each a group of PCNs of its reference, recorded with the PCNs’ names', (t) => {
  t.deepEqual(lastData(decide([], define)), {
    schemeId: 'hunts-sda',
    name: 'Huntingdonshire delivery areas',
    method: 'dominant-lsoa',
    lsoaVintage: '2021',
    scope: { description: 'three LSOAs', lsoas: [L1, L2, L3] },
    pcnReference: 'test-ref',
    areas: [
      { areaId: 'north', name: 'North', pcns: [{ code: 'U00001', name: 'North Network' }] },
      {
        areaId: 'south-and-fens',
        name: 'South and Fens',
        pcns: [
          { code: 'U00002', name: 'South Network' },
          { code: 'U00003', name: 'Fen Network' },
        ],
      },
    ],
  })
})

test('a definition is refused naming the PCN or area: unknown, in two areas, twice in one, an empty area, no areas', (t) => {
  const withAreas = (areas: DefineSchemeInput['areas']): DefineSchemeInput => ({ ...define, areas })
  const cases: ReadonlyArray<readonly [DefineSchemeInput, string, RegExp]> = [
    [
      withAreas([{ areaId: 'north', name: 'North', pcns: ['U00001', 'U09999'] }]),
      'unknown-pcn',
      /areas\[0\] \(north\)\.pcns\[1\]: U09999 is not a PCN of PCN reference test-ref/,
    ],
    [
      withAreas([
        { areaId: 'north', name: 'North', pcns: ['U00001', 'U00002'] },
        { areaId: 'south', name: 'South', pcns: ['U00002'] },
      ]),
      'duplicate-pcn',
      /areas\[1\] \(south\)\.pcns\[0\]: U00002 is already in area north; a PCN is in at most one area/,
    ],
    [
      withAreas([{ areaId: 'north', name: 'North', pcns: ['U00001', 'U00001'] }]),
      'duplicate-pcn',
      /U00001 is listed twice in area north/,
    ],
    [
      withAreas([
        { areaId: 'north', name: 'North', pcns: ['U00001'] },
        { areaId: 'south', name: 'South', pcns: [] },
      ]),
      'empty-area',
      /areas\[1\] \(south\): area south has no PCNs/,
    ],
    [withAreas([]), 'no-areas', /at least one named service delivery area/],
    [
      withAreas([
        { areaId: 'north', name: 'North', pcns: ['U00001'] },
        { areaId: 'north', name: 'Also north', pcns: ['U00002'] },
      ]),
      'duplicate-area',
      /area north is defined twice/,
    ],
    [
      withAreas([
        { areaId: 'north', name: 'North', pcns: ['U00001'] },
        { areaId: 'north-2', name: 'North', pcns: ['U00002'] },
      ]),
      'duplicate-area',
      /another area is already named North/,
    ],
    [withAreas([{ areaId: 'north', name: 'North', pcns: ['X12345'] }]), 'invalid-code', /"X12345" is not a PCN code/],
    [
      { ...define, scope: { description: 'x', lsoas: ['E05010805'] } },
      'invalid-code',
      /scope.lsoas\[0\]: E05010805 has prefix E05, which is not a lsoa code/,
    ],
  ]
  for (const [input, code, message] of cases) {
    const refused = refusal([], input)
    t.is(refused?.code, code, JSON.stringify(input.areas))
    t.regex(refused?.message ?? '', message)
  }
  t.is(refusal(decide([], define), define)?.code, 'scheme-exists')
})

test('a definition naming a PCN reference that does not exist is refused', (t) => {
  const refused = refusal([], { ...define, pcnReference: 'no-such-ref' }, NO_REFERENCE)
  t.is(refused?.code, 'no-reference')
  t.regex(refused?.message ?? '', /PCN reference no-such-ref has not been imported/)
})

test('an area id is an id: a PCN code, a space or a slash in it does not decode', (t) => {
  for (const areaId of ['U00001', 'north east', 'north/east', ''])
    t.throws(() => decoded(SchemeDecisionCommand, { ...define, areas: [{ areaId, name: 'x', pcns: ['U00001'] }] }), {
      message: /AreaId/,
    })
})

// --- running the assignment ---

test('a run gives each LSOA its dominant PCN and that PCN’s area, recording both', (t) => {
  const history = decide(
    decide([], define),
    runOf([
      { practice: 'D81001', lsoa: L1, patients: 500 },
      { practice: 'D81002', lsoa: L1, patients: 300 },
      { practice: 'D81003', lsoa: L1, patients: 300 },
      { practice: 'D81004', lsoa: L2, patients: 10 },
    ]),
  )
  const ran = history[1]
  if (ran?.type !== 'areas.AssignmentRun') return t.fail()
  t.deepEqual(ran.data.assignments, [
    {
      lsoa: L1,
      pcn: 'U00002',
      area: 'south-and-fens',
      patients: 600,
      total: 1100,
      share: 0.5455,
      runnerUp: { pcn: 'U00001', patients: 500, area: 'north' },
      tie: false,
    },
    { lsoa: L2, pcn: 'U00003', area: 'south-and-fens', patients: 10, total: 10, share: 1, tie: false },
  ])
  t.deepEqual(ran.data.unassigned, [L3])
  t.is<string, string>(ran.data.pcnReference, 'test-ref')
})

test('dominance is over PCNs: an LSOA goes to its dominant PCN’s area even where another area’s PCNs hold more', (t) => {
  const history = decide(
    decide([], define),
    runOf([
      { practice: 'D81001', lsoa: L1, patients: 400 },
      { practice: 'D81002', lsoa: L1, patients: 350 },
      { practice: 'D81004', lsoa: L1, patients: 250 },
    ]),
  )
  const draft = fold(decider, history).versions[0]
  t.like(draft?.assignments[L1], { pcn: 'U00001', area: 'north', share: 0.4 })
})

test('each practice’s PCN is read from the reference as it stood on the extract’s date', (t) => {
  const moved = referenceOf(importReference, {
    type: 'MovePractice',
    referenceId: 'test-ref',
    practice: 'D81004',
    to: 'U00001',
    on: '2024-06-01',
  })
  const rows = [{ practice: 'D81004', lsoa: L1, patients: 10 }]
  const before = fold(decider, decide(decide([], define), runOf(rows, '2024-03-01'), moved)).versions[0]
  const after = fold(decider, decide(decide([], define), runOf(rows, '2024-09-01'), moved)).versions[0]
  t.like(before?.assignments[L1], { pcn: 'U00003', area: 'south-and-fens' })
  t.like(after?.assignments[L1], { pcn: 'U00001', area: 'north' })
})

test('a run naming a PCN reference that does not exist is refused', (t) => {
  const refused = refusal(decide([], define), runOf(run.extract.rows, '2024-03-01', 'no-such-ref'), NO_REFERENCE)
  t.is(refused?.code, 'no-reference')
  t.regex(refused?.message ?? '', /PCN reference no-such-ref has not been imported/)
  t.is(refusal([], run)?.code, 'no-scheme')
})

test('a run on a reference without one of the scheme’s PCNs is refused, naming the PCN and its area', (t) => {
  const other = referenceOf({
    ...importReference,
    referenceId: 'other-ref',
    pcns: importReference.pcns.filter((p) => p.code !== 'U00003'),
    practices: [],
  })
  const refused = refusal(decide([], define), runOf(run.extract.rows, '2024-03-01', 'other-ref'), other)
  t.is(refused?.code, 'unknown-pcn')
  t.regex(refused?.message ?? '', /area south-and-fens groups U00003, which is not a PCN of PCN reference other-ref/)
})

test('practices outside the PCN reference are left out and counted in the run, which is recorded', (t) => {
  const history = decide(
    decide([], define),
    runOf([
      { practice: 'D81001', lsoa: L1, patients: 40 },
      { practice: 'Y02625', lsoa: L1, patients: 90, line: 3 },
      { practice: 'Y02625', lsoa: 'E01000001', patients: 1000, line: 4 },
      { practice: 'M85063', lsoa: 'E01000002', patients: 5, line: 5 },
      { practice: 'D81004', lsoa: L2, patients: 40 },
    ]),
  )
  const ran = history[1]
  if (ran?.type !== 'areas.AssignmentRun') return t.fail()
  t.deepEqual(ran.data.excluded, { practices: 2, patients: 1095, practicesInScope: ['Y02625'], patientsInScope: 90 })
  t.like(fold(decider, history).versions[0]?.assignments[L1], { pcn: 'U00001', area: 'north', total: 40 })
  t.deepEqual(fold(decider, history).versions[0]?.excluded, ran.data.excluded)
})

test('an LSOA whose dominant PCN is in no area of the scheme has no area until it is overridden', (t) => {
  const history = decide(
    decide([], define),
    runOf([
      { practice: 'D81001', lsoa: L1, patients: 40 },
      { practice: 'D81004', lsoa: L2, patients: 40 },
      { practice: 'D81005', lsoa: L3, patients: 40 }, // U00004: a PCN the scheme does not group
    ]),
  )
  const draft = fold(decider, history).versions[0]
  if (draft === undefined) return t.fail()
  t.deepEqual(draft.assignments[L3], { lsoa: L3, pcn: 'U00004', patients: 40, total: 40, share: 1, tie: false })
  t.deepEqual(partition(fold(decider, history), draft).unassigned, [L3])
  t.is(refusal(history, { type: 'PublishScheme', schemeId: 'hunts-sda', version: 1 })?.code, 'unassigned-lsoas')
})

// --- overrides, publication, versions ---

test('an override moves an LSOA to any area of the scheme with a reason; an area the scheme lacks is refused', (t) => {
  const history = decide(decide([], define), run)
  const override = (area: string): Extract<SchemeCommandInput, { type: 'OverrideLsoa' }> => ({
    type: 'OverrideLsoa',
    schemeId: 'hunts-sda',
    version: 1,
    lsoa: L1,
    area,
    reason: 'the village looks to the market town',
  })
  const moved = fold(decider, decide(history, override('south-and-fens')))
  t.deepEqual(moved.versions[0]?.overrides[L1], {
    area: 'south-and-fens',
    reason: 'the village looks to the market town',
  })
  t.like(moved.versions[0]?.assignments[L1], { pcn: 'U00001', area: 'north' }, 'the dominant PCN stays recorded')
  const error = spec(t)
    .given(history)
    .when(command(override('west')))
    .thenRejects('unknown-area')
  t.regex(error?.message ?? '', /west is not an area of scheme hunts-sda; its areas are north, south-and-fens/)
  t.throws(() => command(override('U00003')), { message: /AreaId/ }, 'a PCN code is not an area')
  spec(t)
    .given(history)
    .when(command({ ...override('north'), lsoa: 'E01015599' }))
    .thenRejects('outside-scope')
})

test('a published version records every area of the scheme with its LSOAs; an unassigned LSOA must be overridden first', (t) => {
  const history = decide(decide([], define), run)
  const error = spec(t)
    .given(history)
    .when(command({ type: 'PublishScheme', schemeId: 'hunts-sda', version: 1 }))
    .thenRejects('unassigned-lsoas')
  t.regex(error?.message ?? '', /1 LSOAs in scope have no area; override them first: E01015591/)
  const overridden = decide(history, {
    type: 'OverrideLsoa',
    schemeId: 'hunts-sda',
    version: 1,
    lsoa: L3,
    area: 'south-and-fens',
    reason: 'new estate, no patients yet',
  })
  const published = decide(overridden, { type: 'PublishScheme', schemeId: 'hunts-sda', version: 1 })
  t.deepEqual(lastData(published), {
    schemeId: 'hunts-sda',
    version: 1,
    areas: [
      { areaId: 'north', lsoas: [L1] },
      { areaId: 'south-and-fens', lsoas: [L2, L3] },
    ],
  })
})

test('a published version never changes; the next run makes version 2, whose publication supersedes version 1', (t) => {
  const byHand = (version: number, area: string): SchemeCommandInput => ({
    type: 'OverrideLsoa',
    schemeId: 'hunts-sda',
    version,
    lsoa: L3,
    area,
    reason: 'by hand',
  })
  const v1 = decide(decide(decide(decide([], define), run), byHand(1, 'north')), {
    type: 'PublishScheme',
    schemeId: 'hunts-sda',
    version: 1,
  })
  spec(t)
    .given(v1)
    .when(command(byHand(1, 'south-and-fens')))
    .thenRejects('not-a-draft')
  spec(t)
    .given(v1)
    .when(command({ type: 'PublishScheme', schemeId: 'hunts-sda', version: 1 }))
    .thenRejects('not-a-draft')
  const v2 = decide(decide(decide(v1, run), byHand(2, 'south-and-fens')), {
    type: 'PublishScheme',
    schemeId: 'hunts-sda',
    version: 2,
  })
  const state: SchemeState = fold(decider, v2)
  t.deepEqual(
    state.versions.map((v) => [v.version, v.status]),
    [
      [1, 'superseded'],
      [2, 'published'],
    ],
  )
  spec(t)
    .given([])
    .when(command({ type: 'SupersedeScheme', schemeId: 'hunts-sda', version: 1, reason: 'x' }))
    .thenRejects('no-scheme')
})

test('bad extracts are refused naming the row, before anything is recorded', (t) => {
  const defined = decide([], define)
  t.regex(
    refusal(defined, runOf([{ practice: 'D81001', lsoa: L1, patients: -1, line: 12 }]))?.message ?? '',
    /line 12: NUMBER_OF_PATIENTS -1/,
  )
  t.regex(
    refusal(defined, runOf([{ practice: 'D81001', lsoa: 'E05010805', patients: 1, line: 4 }]))?.message ?? '',
    /line 4: E05010805 has prefix E05/,
  )
})

test('property: every published scheme is a partition of its scope, whatever the extract', (t) => {
  const lsoaCode = fc.integer({ min: 0, max: 40 }).map((n) => `E0100${String(n).padStart(4, '0')}`)
  const practice = fc.constantFrom('D81001', 'D81002', 'D81003', 'D81004', 'D81005', 'Y00001')
  fc.assert(
    fc.property(
      fc.uniqueArray(lsoaCode, { minLength: 1, maxLength: 25 }),
      fc.array(fc.record({ practice, lsoa: lsoaCode, patients: fc.integer({ min: 0, max: 60 }) }), { maxLength: 80 }),
      (scope, rows) => {
        const history = decide(
          decide([], { ...define, scope: { description: 'generated', lsoas: scope } }),
          runOf(rows),
        )
        const draft = fold(decider, history).versions[0]
        if (draft === undefined) return t.fail('no draft')
        const { unassigned } = partition(fold(decider, history), draft)
        const publish: SchemeCommandInput = { type: 'PublishScheme', schemeId: 'hunts-sda', version: 1 }
        t.is(isRight(decision(history, publish)), unassigned.length === 0)
        let fixed = history
        for (const lsoa of unassigned)
          fixed = decide(fixed, {
            type: 'OverrideLsoa',
            schemeId: 'hunts-sda',
            version: 1,
            lsoa,
            area: 'north',
            reason: 'none',
          })
        const published = lastData(decide(fixed, publish))
        if (published === undefined || !('areas' in published)) return t.fail('not published')
        const lsoas = published.areas.flatMap((a) => ('lsoas' in a ? a.lsoas : []))
        t.is(lsoas.length, new Set(lsoas).size, 'no LSOA is in two areas')
        t.deepEqual([...lsoas].sort(), [...scope].sort(), 'every LSOA in scope is in an area')
      },
    ),
    { numRuns: 60 },
  )
})

// --- all six districts, through a ledger ---

test('a scheme for all six districts — PCNs grouped by district, modelled counts — through a ledger, published by a steward only', async (t) => {
  const lsoas = lsoa2021Centroids()
  const extract = modelRegistrations(lsoas, practiceRows(), '2024-03-01')
  const ledger = await createLedger({ policy: areasPolicy })
  t.teardown(() => ledger.close())
  const officer = { actor: { id: 'geo-1', organisation: 'GB-LAE-CAM', role: GEOGRAPHY_OFFICER } }
  const steward = { actor: { id: 'steward-1', organisation: 'GB-LAE-CAM', role: AREA_DATA_STEWARD } }
  t.true(isRight(await ledger.execute(pcnReferences, referencePcnImport(), officer)()))
  const areas = districtAreaDefinitions()
  t.deepEqual(
    areas.map((a) => [a.areaId, a.pcns.length]),
    [
      ['peterborough', 6],
      ['cambridge', 4],
      ['east-cambridgeshire', 2],
      ['fenland', 3],
      ['huntingdonshire', 4],
      ['south-cambridgeshire', 3],
    ],
  )
  const defineAll: DefineSchemeInput = {
    type: 'DefineScheme',
    schemeId: 'cp-sda',
    name: 'Cambridgeshire and Peterborough delivery areas',
    lsoaVintage: '2021',
    scope: { description: 'all six districts', lsoas: lsoas.map((l) => l.code) },
    pcnReference: '06H-2024-03',
    areas,
  }
  const wrongDoor = await ledger.execute(serviceDeliveryAreaSchemes, defineAll, officer)()
  t.true(isLeft(wrongDoor) && wrongDoor.left._tag === 'InvalidCommand', 'a definition goes through the decision')
  t.true(isRight(await ledger.decide(schemeDecisions, defineAll, officer)()))
  // A national extract has practices of other sub-ICBs: one over the border registers people here.
  const rows = [...extract.rows, { practice: 'D82001', lsoa: lsoas[0]?.code ?? '', patients: 25 }]
  const ran = await ledger.decide(
    schemeDecisions,
    {
      type: 'RunAssignment',
      schemeId: 'cp-sda',
      pcnReference: '06H-2024-03',
      extract: {
        publication: extract.publication,
        extractDate: extract.extractDate,
        source: { name: 'modelled from ONS LSOA centroids and practice locations', licence: 'OGL v3 inputs' },
        modelled: true,
        rows,
      },
    },
    officer,
  )()
  if (isLeft(ran)) return t.fail(ran.left.message)
  const draft = ran.right.states.scheme.versions[0]
  if (draft === undefined) return t.fail()
  t.is(Object.keys(draft.assignments).length, 516)
  t.deepEqual(draft.excluded, { practices: 1, patients: 25, practicesInScope: ['D82001'], patientsInScope: 25 })
  t.true(
    Object.values(draft.assignments).every((a) => a.area !== undefined),
    'every PCN is in an area, so every LSOA is',
  )
  const refused = await ledger.execute(
    serviceDeliveryAreaSchemes,
    { type: 'PublishScheme', schemeId: 'cp-sda', version: 1 },
    officer,
  )()
  t.true(isLeft(refused) && refused.left._tag === 'Forbidden', 'a geography officer may not publish')
  const published = await ledger.execute(
    serviceDeliveryAreaSchemes,
    { type: 'PublishScheme', schemeId: 'cp-sda', version: 1 },
    steward,
  )()
  if (isLeft(published)) return t.fail(published.left.message)
  const parts = partition(published.right.state, published.right.state.versions[0] ?? draft).areas
  t.is(parts.length, 6)
  t.true(
    parts.every((a) => a.lsoas.length > 0),
    'every area has LSOAs',
  )
  t.is(
    parts.reduce((n, a) => n + a.lsoas.length, 0),
    516,
  )
})
