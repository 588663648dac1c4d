/**
 * Every command of the areas and volunteers contexts, sent through `ledger.execute` on a real ledger
 * opened with the context's shipped policy, first by every actor who should not send it, then by one
 * who should. The context's life is played in order (a release and the PCN reference from the
 * shipped ONS and NHS files, an indicator and a scheme; a partner's role, a volunteer from
 * application to the purge of their DBS details, a timesheet and time credits), so each command
 * would succeed for its right actor: a refusal can only be the policy's.
 *
 * The wrong actors: every other role of either context or of the council (auditor, data protection
 * officer, grants officer); roles nobody holds (unknown, the rule table's `*`, an allowed role in
 * capitals or padded); where the volunteers policy scopes a command to an organisation, an allowed
 * role of another organisation, sending the very command and the command relabelled as their own
 * organisation's; and where a role may act only on their own record, another person of that role.
 * Each must be `Forbidden` and write nothing; so must the right actor at a ledger whose policy is
 * the other context's. Then the right actor's command is recorded.
 *
 * Who may send what is written out below from the policies' own descriptions, and every role it
 * allows is confirmed by asking the ledger's policy; the commands sent must be exactly those the
 * contexts' exported aggregates decode, so a command added without its attack fails this test.
 */
import type {
  BuildPlaceIndexInput,
  ImportReleaseInput,
  PcnCommandInput,
  ProfileCommandInput,
  SchemeCommandInput,
  SchemeDecisionCommandInput,
} from '@civic-ledger/areas'
import * as areas from '@civic-ledger/areas'
import {
  AREA_DATA_STEWARD,
  areaProfiles,
  areasPolicy,
  GEOGRAPHY_OFFICER,
  geographyReleases,
  lsoa2021Ward2025Release,
  pcnReferences,
  placeIndexes,
  placeIndexEvents,
  referencePcnImport,
  schemeDecisions,
  serviceDeliveryAreaSchemes,
} from '@civic-ledger/areas'
import type {
  Aggregate,
  AnyEventDefinition,
  AuthorisationRequest,
  Command,
  CommandError,
  Decision,
  DecisionStream,
  DecisionStreams,
  DomainEvent,
  Ledger,
  Policy,
  PolicyDecision,
} from '@civic-ledger/core'
import { Actor as ActorCodec, loadAggregate, streamId } from '@civic-ledger/core'
import type {
  CreditCommandInput,
  EarnCreditsCommandInput,
  GiftCreditsCommandInput,
  LogHoursCommandInput,
  RoleCommand,
  TimesheetCommandInput,
  VolunteerCommandInput,
} from '@civic-ledger/volunteers'
import * as volunteersContext from '@civic-ledger/volunteers'
import {
  earnings,
  gifts,
  hours,
  placements,
  SAFEGUARDING_OFFICER,
  timeCredits,
  timesheets,
  VOLUNTEER,
  VOLUNTEER_COORDINATOR,
  VOLUNTEER_MANAGER,
  volunteerRoles,
  volunteers,
  volunteersPolicy,
} from '@civic-ledger/volunteers'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'
import type * as t from 'io-ts'

import { recordSweep } from './counts'
import type { StoreKind } from './ledgers'
import { freshLedger } from './ledgers'

// --- who ---

interface Who {
  readonly id: string
  readonly organisation: string
  readonly role: string
}

const COUNCIL = 'GB-LAE-CAM'
const PARTNER = 'GB-CHC-1000001'

const as = (role: string, organisation: string, id = `${role}@${organisation}`): Who => ({ id, organisation, role })

/** Every role either policy names, and the council's other roles that neither gives these commands to. */
const KNOWN_ROLES: ReadonlyArray<string> = [
  GEOGRAPHY_OFFICER,
  AREA_DATA_STEWARD,
  VOLUNTEER_COORDINATOR,
  VOLUNTEER_MANAGER,
  SAFEGUARDING_OFFICER,
  VOLUNTEER,
  'auditor',
  'data-protection-officer',
  'grants-officer',
]

/** Roles nobody holds: unknown, the rule table's wildcard, and an allowed role spelt otherwise. */
const unknownRoles = (allowed: string): ReadonlyArray<string> => [
  'no-such-role',
  '*',
  allowed.toUpperCase(),
  ` ${allowed} `,
]

// --- who may send what ---

/**
 * Who may send each command, as the policies describe it. `scoped`: a sender acts only on what their
 * own organisation owns, unless their role is in `EVERY_ORGANISATION`. `ownOnly`: these roles send
 * it only about themselves (a volunteer logs their own hours).
 */
interface Rule {
  readonly roles: ReadonlyArray<string>
  readonly scoped?: true
  readonly ownOnly?: ReadonlyArray<string>
}

const areasRules: Readonly<Record<string, Rule>> = {
  'areas.release/ImportRelease': { roles: [GEOGRAPHY_OFFICER] },
  'areas.place-index/BuildPlaceIndex': { roles: [GEOGRAPHY_OFFICER] },
  'areas.pcn-reference/ImportPcnReference': { roles: [GEOGRAPHY_OFFICER] },
  'areas.pcn-reference/OpenPcn': { roles: [GEOGRAPHY_OFFICER] },
  'areas.pcn-reference/ClosePcn': { roles: [GEOGRAPHY_OFFICER] },
  'areas.pcn-reference/MovePractice': { roles: [GEOGRAPHY_OFFICER] },
  'areas.indicator/DefineIndicator': { roles: [GEOGRAPHY_OFFICER] },
  'areas.indicator/RecordIndicatorValues': { roles: [GEOGRAPHY_OFFICER] },
  'areas.sda-scheme/DefineScheme': { roles: [GEOGRAPHY_OFFICER, AREA_DATA_STEWARD] },
  'areas.sda-scheme/RunAssignment': { roles: [GEOGRAPHY_OFFICER, AREA_DATA_STEWARD] },
  'areas.sda-scheme/OverrideLsoa': { roles: [GEOGRAPHY_OFFICER, AREA_DATA_STEWARD] },
  'areas.sda-scheme/PublishScheme': { roles: [AREA_DATA_STEWARD] },
  'areas.sda-scheme/SupersedeScheme': { roles: [AREA_DATA_STEWARD] },
}

const staff = [VOLUNTEER_COORDINATOR, VOLUNTEER_MANAGER]
const safeguarding = [VOLUNTEER_MANAGER, SAFEGUARDING_OFFICER]

/** A volunteer manager acts for every organisation; a co-ordinator for their own. */
const EVERY_ORGANISATION: ReadonlyArray<string> = [VOLUNTEER_MANAGER]

const volunteersRules: Readonly<Record<string, Rule>> = {
  'volunteers.role/DefineRole': { roles: staff, scoped: true },
  'volunteers.role/RetireRole': { roles: staff, scoped: true },
  'volunteers.volunteer/Apply': { roles: staff },
  'volunteers.volunteer/RecordReference': { roles: staff },
  'volunteers.volunteer/RecordGuardianConsent': { roles: staff },
  'volunteers.volunteer/Approve': { roles: staff },
  'volunteers.volunteer/RejectApplication': { roles: staff },
  'volunteers.volunteer/RecordDbsCheck': { roles: [SAFEGUARDING_OFFICER] },
  'volunteers.volunteer/RecordRiskAssessment': { roles: [SAFEGUARDING_OFFICER] },
  'volunteers.volunteer/PurgeDbsDetails': { roles: [SAFEGUARDING_OFFICER] },
  'volunteers.volunteer/CompleteTraining': { roles: staff },
  'volunteers.placement/Place': { roles: staff, scoped: true },
  'volunteers.volunteer/EndPlacement': { roles: staff, scoped: true },
  'volunteers.volunteer/Suspend': { roles: safeguarding },
  'volunteers.volunteer/Reinstate': { roles: safeguarding },
  'volunteers.volunteer/RecordConsent': { roles: staff },
  'volunteers.hours/LogHours': { roles: [...staff, VOLUNTEER], ownOnly: [VOLUNTEER] },
  'volunteers.timesheet/VerifyHours': { roles: staff },
  'volunteers.timesheet/RejectHours': { roles: staff },
  'volunteers.timesheet/CorrectHours': { roles: staff },
  'volunteers.earnings/EarnCredits': { roles: staff },
  'volunteers.credits/SpendCredits': { roles: staff },
  'volunteers.credits/DonateCredits': { roles: staff },
  'volunteers.gifts/GiftCredits': { roles: staff },
  'volunteers.credits/AdjustCredits': { roles: [VOLUNTEER_MANAGER] },
}

// --- the commands the contexts decode ---

/** What the test reads of an exported aggregate. */
interface ExportedAggregate {
  readonly context: string
  readonly name: string
  readonly commands: unknown
  readonly events: { readonly definitions: ReadonlyArray<AnyEventDefinition> }
}

const isAggregate = (value: unknown): value is ExportedAggregate => {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const commands = v['commands'] as { readonly decode?: unknown } | undefined
  const events = v['events'] as { readonly definitions?: unknown } | undefined
  return (
    typeof v['context'] === 'string' &&
    typeof v['name'] === 'string' &&
    typeof v['streamId'] === 'function' &&
    typeof v['decider'] === 'object' &&
    typeof commands?.decode === 'function' &&
    Array.isArray(events?.definitions)
  )
}

/** The aggregates a package exports, each once. */
const aggregatesOf = (module: object): ReadonlyArray<ExportedAggregate> => [
  ...new Set(Object.values(module).filter(isAggregate)),
]

/** What the test reads of an exported decision across streams: where its commands go, and what they are. */
type ExportedDecision = Pick<ExportedAggregate, 'context' | 'name' | 'commands'>

const isDecision = (value: unknown): value is ExportedDecision => {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const commands = v['commands'] as { readonly decode?: unknown } | undefined
  return (
    typeof v['context'] === 'string' &&
    typeof v['name'] === 'string' &&
    typeof v['streams'] === 'function' &&
    typeof v['decide'] === 'function' &&
    typeof commands?.decode === 'function'
  )
}

/** The decisions across streams a package exports, each once. */
const decisionsOf = (module: object): ReadonlyArray<ExportedDecision> => [
  ...new Set(Object.values(module).filter(isDecision)),
]

/** The part of an io-ts codec the walk below reads. */
interface CodecNode {
  readonly _tag?: string
  readonly type?: unknown
  readonly types?: ReadonlyArray<unknown>
  readonly props?: Readonly<Record<string, unknown>>
  readonly value?: unknown
  readonly keys?: Readonly<Record<string, unknown>>
}

const WRAPPERS: ReadonlySet<string> = new Set(['ReadonlyType', 'ExactType', 'RefinementType'])

/** The strings a codec of a `type` field accepts: a literal, a keyof, or a union of them. */
const literalsOf = (codec: unknown): ReadonlyArray<string> => {
  const c = codec as CodecNode
  if (c._tag === 'LiteralType') return typeof c.value === 'string' ? [c.value] : []
  if (c._tag === 'KeyofType') return Object.keys(c.keys ?? {})
  if (c._tag === 'UnionType') return (c.types ?? []).flatMap(literalsOf)
  if (c._tag !== undefined && WRAPPERS.has(c._tag)) return literalsOf(c.type)
  return []
}

/** The `type` values an object codec (or an intersection of them) names. */
const typeField = (codec: unknown): ReadonlyArray<string> => {
  const c = codec as CodecNode
  if (c._tag !== undefined && WRAPPERS.has(c._tag)) return typeField(c.type)
  if (c._tag === 'IntersectionType') return (c.types ?? []).flatMap(typeField)
  const field = c.props !== undefined && Object.hasOwn(c.props, 'type') ? c.props['type'] : undefined
  return field === undefined ? [] : literalsOf(field)
}

/**
 * The command types a command codec accepts: each alternative of a union must name its `type`, or
 * the walk throws rather than count fewer commands than the codec decodes.
 */
const commandTypes = (codec: unknown, where: string): ReadonlyArray<string> => {
  const c = codec as CodecNode
  if (c._tag === 'UnionType')
    return (c.types ?? []).flatMap((alternative, i) => commandTypes(alternative, `${where}[${i}]`))
  const found = typeField(c)
  if (found.length === 0)
    throw new Error(
      `${where}: a ${c._tag ?? typeof codec} with no literal \`type\`; cannot tell which commands it takes`,
    )
  return found
}

/** Every `<context>.<aggregate>/<command>` the aggregates decode, sorted. */
const doorsOf = (aggregates: ReadonlyArray<ExportedDecision>): ReadonlyArray<string> =>
  [
    ...new Set(
      aggregates.flatMap((a) =>
        commandTypes(a.commands, `${a.context}.${a.name}`).map((type) => `${a.context}.${a.name}/${type}`),
      ),
    ),
  ].sort()

const areasAggregates = aggregatesOf(areas)
const areasDecisions = decisionsOf(areas)
const volunteersAggregates = aggregatesOf(volunteersContext)
const volunteersDecisions = decisionsOf(volunteersContext)
const eventDefinitions = [
  ...[...areasAggregates, ...volunteersAggregates].flatMap((a) => a.events.definitions),
  ...placeIndexEvents.definitions,
]

// --- steps ---

type Outcome = E.Either<CommandError, unknown>

/** One command of a context's life, its right actor, and how to send it or ask about it. */
interface Step {
  readonly door: string
  readonly actor: Who
  /**
   * The command as `attacker` would send it to make it look theirs: naming their organisation, or
   * under a fresh id of their own, so that if it is recorded the life still goes on.
   */
  readonly asTheirOwn?: (attacker: Who) => unknown
  /** The person whose record the command is about (its `volunteerId`), where it names one. */
  readonly ownerId?: string
  readonly send: (ledger: Ledger, actor: Who, command?: unknown) => Promise<Outcome>
  /** What the ledger's policy answers for `actor`, asked without sending, on the aggregate's current state. */
  readonly ask: (ledger: Ledger, actor: Who) => Promise<PolicyDecision>
}

const ownerOf = (command: object): { readonly ownerId?: string } => {
  const id = (command as { readonly volunteerId?: unknown }).volunteerId
  return typeof id === 'string' ? { ownerId: id } : {}
}

const actorOf = (who: Who): AuthorisationRequest['actor'] => {
  const decoded = ActorCodec.decode(who)
  if (E.isLeft(decoded)) throw new Error(`not an actor: ${JSON.stringify(who)}`)
  return decoded.right
}

const step = <C extends Command, Ev extends DomainEvent, S>(
  aggregate: Aggregate<C, Ev, S>,
  command: { readonly type: string },
  actor: Who,
  asTheirOwn?: (attacker: Who) => unknown,
): Step => ({
  door: `${aggregate.context}.${aggregate.name}/${command.type}`,
  actor,
  ...(asTheirOwn === undefined ? {} : { asTheirOwn }),
  ...ownerOf(command),
  send: (ledger, who, sent = command) => ledger.execute(aggregate, sent, { actor: who })(),
  ask: async (ledger, who) => {
    const decoded = aggregate.commands.decode(command)
    if (E.isLeft(decoded)) throw new Error(`${command.type} does not decode`)
    const streamId = aggregate.streamId(decoded.right)
    const loaded = await loadAggregate(ledger.events, aggregate, streamId, { privacy: ledger.privacy })
    if (E.isLeft(loaded)) throw loaded.left
    const policy: Policy = ledger.policy
    return policy({
      actor: actorOf(who),
      context: aggregate.context,
      aggregate: aggregate.name,
      command: decoded.right.type,
      streamId,
      state: loaded.right.state,
      input: decoded.right,
    })
  },
})

/** A step that sends a command to a decision across streams, asking the policy as its handler does. */
const decisionStep = <C extends Command, R extends DecisionStreams>(
  decision: Decision<C, R>,
  command: { readonly type: string },
  actor: Who,
  asTheirOwn?: (attacker: Who) => unknown,
): Step => ({
  door: `${decision.context}.${decision.name}/${command.type}`,
  actor,
  ...(asTheirOwn === undefined ? {} : { asTheirOwn }),
  ...ownerOf(command),
  send: (ledger, who, sent = command) => ledger.decide(decision, sent, { actor: who })(),
  ask: async (ledger, who) => {
    const decoded = decision.commands.decode(command)
    if (E.isLeft(decoded)) throw new Error(`${command.type} does not decode`)
    const states: Record<string, unknown> = {}
    const ids: string[] = []
    for (const [name, named] of Object.entries(decision.streams(decoded.right))) {
      const stream = named as DecisionStream<DomainEvent, unknown>
      const id = streamId(stream.aggregate.context, stream.aggregate.name, stream.id)
      const loaded = await loadAggregate(ledger.events, stream.aggregate, id, { privacy: ledger.privacy })
      if (E.isLeft(loaded)) throw loaded.left
      states[name] = loaded.right.state
      ids.push(id)
    }
    const policy: Policy = ledger.policy
    return policy({
      actor: actorOf(who),
      context: decision.context,
      aggregate: decision.name,
      command: decoded.right.type,
      streamId: ids.join(' '),
      state: states,
      input: decoded.right,
    })
  },
})

// --- the areas context's life, on the shipped reference data ---

const officer = as(GEOGRAPHY_OFFICER, COUNCIL, 'geo-1')
const steward = as(AREA_DATA_STEWARD, COUNCIL, 'steward-1')

const L1 = 'E01015589'
const L2 = 'E01015590'
const L3 = 'E01015591'
const handMade = { name: 'hand-made', licence: 'none' }

const areasLife = (): ReadonlyArray<Step> => {
  const release = (c: ImportReleaseInput, who: Who) => step(geographyReleases, c, who)
  const pcn = (c: PcnCommandInput, who: Who) => step(pcnReferences, c, who)
  const indicator = (c: ProfileCommandInput, who: Who) => step(areaProfiles, c, who)
  const scheme = (c: SchemeCommandInput, who: Who) => step(serviceDeliveryAreaSchemes, c, who)
  // Defining a scheme and running it read the PCN reference: decisions across the two streams.
  const schemeWithReference = (c: SchemeDecisionCommandInput, who: Who) => decisionStep(schemeDecisions, c, who)
  // A place index reads the releases it names: a decision across the index and each release.
  const placeIndex = (c: BuildPlaceIndexInput, who: Who) => decisionStep(placeIndexes, c, who)
  const referenceId = '06H-2024-03'
  const schemeId = 'hunts-sda'
  return [
    release(lsoa2021Ward2025Release(), officer),
    placeIndex(
      {
        type: 'BuildPlaceIndex',
        indexId: 'current',
        lsoaVintage: '2021',
        releases: ['derived-lsoa21-ward25-by-centroid'],
      },
      officer,
    ),
    pcn(referencePcnImport(), officer),
    pcn({ type: 'OpenPcn', referenceId, pcn: 'U99001', name: 'A new network', on: '2024-06-01' }, officer),
    pcn({ type: 'MovePractice', referenceId, practice: 'D81001', to: 'U24388', on: '2024-10-01' }, officer),
    pcn({ type: 'ClosePcn', referenceId, pcn: 'U99001', on: '2025-04-01', reason: 'merged' }, officer),
    indicator(
      {
        type: 'DefineIndicator',
        indicatorId: 'claimant-rate',
        name: 'Claimant rate',
        unit: 'percent',
        aggregation: 'population-weighted-mean',
      },
      officer,
    ),
    indicator(
      {
        type: 'RecordIndicatorValues',
        indicatorId: 'claimant-rate',
        period: '2024-Q1',
        lsoaVintage: '2021',
        source: handMade,
        values: [{ lsoa: L1, value: 2, population: 1500 }],
      },
      officer,
    ),
    schemeWithReference(
      {
        type: 'DefineScheme',
        schemeId,
        name: 'Huntingdonshire delivery areas',
        lsoaVintage: '2021',
        scope: { description: 'three LSOAs', lsoas: [L1, L2, L3] },
        pcnReference: referenceId,
        areas: [
          { areaId: 'cambridge', name: 'Cambridge', pcns: ['U88254', 'U24388'] },
          { areaId: 'a1', name: 'Along the A1', pcns: ['U89554'] },
        ],
      },
      officer,
    ),
    schemeWithReference(
      {
        type: 'RunAssignment',
        schemeId,
        pcnReference: referenceId,
        extract: {
          publication: 'hand-made',
          extractDate: '2024-03-01',
          source: handMade,
          modelled: true,
          rows: [
            { practice: 'D81001', lsoa: L1, patients: 40 },
            { practice: 'D81004', lsoa: L2, patients: 40 },
          ],
        },
      },
      steward,
    ),
    scheme(
      { type: 'OverrideLsoa', schemeId, version: 1, lsoa: L3, area: 'a1', reason: 'new estate, no patients yet' },
      officer,
    ),
    scheme({ type: 'PublishScheme', schemeId, version: 1 }, steward),
    scheme({ type: 'SupersedeScheme', schemeId, version: 1, reason: 'the districts asked for a review' }, steward),
  ]
}

// --- the volunteers context's life: a partner's role, a volunteer from application to purge ---

const partnerCoordinator = as(VOLUNTEER_COORDINATOR, PARTNER)
const councilCoordinator = as(VOLUNTEER_COORDINATOR, COUNCIL)
const manager = as(VOLUNTEER_MANAGER, COUNCIL)
const safeguardingOfficer = as(SAFEGUARDING_OFFICER, COUNCIL)
const theVolunteer = as(VOLUNTEER, PARTNER, 'v-1')

const volunteersLife = (): ReadonlyArray<Step> => {
  const role = (c: t.OutputOf<typeof RoleCommand>, who: Who) => step(volunteerRoles, c, who)
  const volunteer = (c: VolunteerCommandInput, who: Who, asTheirOwn?: (attacker: Who) => unknown) =>
    step(volunteers, c, who, asTheirOwn)
  const sheet = (c: TimesheetCommandInput, who: Who, asTheirOwn?: (attacker: Who) => unknown) =>
    step(timesheets, c, who, asTheirOwn)
  const credits = (c: CreditCommandInput, who: Who) => step(timeCredits, c, who)
  const volunteerId = 'v-1'
  const roleId = 'walk-leader'
  const area = { code: 'E05010805', type: 'ward', vintage: '2025' }
  // The command names the role only: its organisation and requirements are read from its stream.
  const place = {
    type: 'Place',
    volunteerId,
    roleId,
    on: '2026-01-25',
    placementId: 'p1',
    area,
    startsOn: '2026-02-01',
  } as const
  const applied = (id: string): VolunteerCommandInput => ({
    type: 'Apply',
    volunteerId: id,
    on: '2026-01-05',
    name: 'Alex Example',
    email: 'alex@example.org',
    phone: '07700 900000',
    dateOfBirth: '1990-05-17',
    homeLsoa: L1,
  })
  // The command names the volunteer and the placement: the placement is read from their stream.
  const logged = (entryId: string, date: string, hoursLogged: number): LogHoursCommandInput => ({
    type: 'LogHours',
    volunteerId,
    placementId: 'p1',
    entryId,
    date,
    hours: hoursLogged,
    area,
    on: '2026-03-01',
  })
  const account = { volunteerId, on: '2026-03-02' }
  // Credits are earned from an entry verified in the volunteer's timesheet, read from it.
  const earn: EarnCreditsCommandInput = { type: 'EarnCredits', ...account, entryId: 'e1' }
  const giftToV2: GiftCreditsCommandInput = { type: 'GiftCredits', ...account, to: 'v-2', credits: 1 }
  return [
    role(
      {
        type: 'DefineRole',
        roleId,
        title: 'Health walk leader',
        organisation: PARTNER,
        regulatedActivity: 'none',
        dbsLevel: 'basic',
        minimumAge: 16,
        training: [{ course: 'walk-leader', validForMonths: 36 }],
        supervision: 'monthly with the co-ordinator',
      },
      partnerCoordinator,
    ),
    volunteer(applied(volunteerId), partnerCoordinator),
    volunteer(
      { type: 'RecordReference', volunteerId, on: '2026-01-10', refereeName: 'Sam Referee', outcome: 'satisfactory' },
      partnerCoordinator,
    ),
    volunteer(
      { type: 'RecordGuardianConsent', volunteerId, on: '2026-01-11', guardianName: 'Pat Guardian' },
      councilCoordinator,
    ),
    volunteer({ type: 'Approve', volunteerId, on: '2026-01-12' }, partnerCoordinator),
    volunteer(
      {
        type: 'RecordDbsCheck',
        volunteerId,
        on: '2026-01-20',
        checkId: 'c1',
        certificateNumber: '001234567890',
        level: 'basic',
        issuedOn: '2026-01-15',
        clear: true,
        updateService: false,
        decision: 'accepted',
      },
      safeguardingOfficer,
    ),
    volunteer(
      {
        type: 'RecordDbsCheck',
        volunteerId,
        on: '2026-01-20',
        checkId: 'c2',
        certificateNumber: '001234567891',
        level: 'basic',
        issuedOn: '2026-01-16',
        clear: false,
        updateService: false,
        decision: 'awaiting-assessment',
      },
      safeguardingOfficer,
    ),
    volunteer(
      {
        type: 'RecordRiskAssessment',
        volunteerId,
        on: '2026-01-21',
        checkId: 'c2',
        assessor: 'safeguarding-officer-1',
        summary: 'an old conviction unrelated to the role',
        outcome: 'accepted',
      },
      safeguardingOfficer,
    ),
    volunteer(
      {
        type: 'CompleteTraining',
        volunteerId,
        on: '2026-01-20',
        course: 'walk-leader',
        completedOn: '2026-01-20',
        expiresOn: '2029-01-20',
      },
      partnerCoordinator,
    ),
    volunteer({ type: 'RecordConsent', volunteerId, on: '2026-01-21', purpose: 'photos', given: true }, manager),
    decisionStep(placements, place, partnerCoordinator),
    decisionStep(hours, logged('e1', '2026-02-10', 3.5), theVolunteer, (attacker) =>
      logged(`e1-${attacker.id}`, '2026-02-10', 3.5),
    ),
    sheet({ type: 'VerifyHours', volunteerId, entryId: 'e1', on: '2026-03-01' }, partnerCoordinator),
    decisionStep(hours, logged('e2', '2026-02-11', 2), partnerCoordinator),
    sheet(
      { type: 'RejectHours', volunteerId, entryId: 'e2', on: '2026-03-01', reason: 'not a session day' },
      partnerCoordinator,
    ),
    sheet(
      {
        type: 'CorrectHours',
        volunteerId,
        entryId: 'e2',
        hours: 1.5,
        on: '2026-03-02',
        reason: 'the session was shorter',
      },
      manager,
    ),
    decisionStep(earnings, earn, partnerCoordinator),
    credits({ type: 'SpendCredits', ...account, credits: 1, at: 'Ramsey leisure centre' }, partnerCoordinator),
    credits({ type: 'DonateCredits', ...account, credits: 1, potId: 'ramsey-community-pot' }, partnerCoordinator),
    credits({ type: 'AdjustCredits', ...account, credits: 2, reason: 'hours from a paper timesheet' }, manager),
    volunteer({ type: 'Suspend', volunteerId, on: '2026-03-05', reason: 'a concern was raised' }, safeguardingOfficer),
    volunteer({ type: 'Reinstate', volunteerId, on: '2026-03-10' }, manager),
    volunteer(
      { type: 'EndPlacement', volunteerId, on: '2026-04-01', placementId: 'p1', reason: 'moved away' },
      partnerCoordinator,
    ),
    role({ type: 'RetireRole', roleId, reason: 'the walks ended' }, partnerCoordinator),
    volunteer({ type: 'PurgeDbsDetails', volunteerId, on: '2026-07-20', checkId: 'c1' }, safeguardingOfficer),
    volunteer(applied('v-2'), councilCoordinator),
    volunteer(
      { type: 'RejectApplication', volunteerId: 'v-2', on: '2026-01-19', reason: 'no references came' },
      councilCoordinator,
    ),
    decisionStep(gifts, giftToV2, partnerCoordinator),
  ]
}

// --- the attack ---

/** A wrong actor, and the command they send when it is not the right actor's very command. */
interface Attempt {
  readonly actor: Who
  readonly command?: unknown
  readonly why: string
}

/** Everyone who must not send `step`'s command, by the rule for it. */
const wrongActors = (step: Step, rule: Rule): ReadonlyArray<Attempt> => {
  const { organisation, role } = step.actor
  const attempts: Attempt[] = [
    ...KNOWN_ROLES.filter((r) => !rule.roles.includes(r)).map((r) => ({
      actor: as(r, organisation),
      why: 'a role the policy does not allow',
    })),
    ...unknownRoles(role)
      .filter((r) => !rule.roles.includes(r))
      .map((r) => ({ actor: as(r, organisation), why: 'a role nobody holds' })),
  ]
  if (rule.scoped === true)
    for (const other of [organisation === COUNCIL ? PARTNER : COUNCIL, organisation.toLowerCase()])
      for (const r of rule.roles.filter((r) => !EVERY_ORGANISATION.includes(r))) {
        const attacker = as(r, other)
        attempts.push({ actor: attacker, why: 'an allowed role of another organisation' })
        if (step.asTheirOwn !== undefined)
          attempts.push({
            actor: attacker,
            command: step.asTheirOwn(attacker),
            why: 'an allowed role of another organisation, naming its own organisation in the command',
          })
      }
  if (rule.ownOnly?.includes(role) === true) {
    const attacker = as(role, organisation, `not-${step.actor.id}`)
    attempts.push({
      actor: attacker,
      ...(step.asTheirOwn === undefined ? {} : { command: step.asTheirOwn(attacker) }),
      why: `the same role, another person, about ${step.actor.id}'s own record`,
    })
  }
  return attempts
}

const describe = (outcome: Outcome): string =>
  E.isRight(outcome) ? 'recorded' : `${outcome.left._tag}: ${outcome.left.message}`

const whoIs = (who: Who): string => `${JSON.stringify(who.role)} ${who.id} of ${JSON.stringify(who.organisation)}`

interface Tally {
  readonly commands: number
  readonly refusals: number
  readonly crossRefusals: number
  readonly confirmed: number
  readonly fewest: number
  readonly most: number
  readonly bypasses: ReadonlyArray<string>
  readonly misallowed: ReadonlyArray<string>
  readonly broken: ReadonlyArray<string>
  readonly sent: ReadonlyArray<string>
}

/**
 * Plays `life` on `ledger`: at each step, every wrong actor (refused, nothing written), the right
 * actor at `other` (refused there, nothing written), the roles the rule allows asked of the policy,
 * and then the right actor (recorded).
 */
const attack = async (
  ledger: Ledger,
  other: Ledger,
  life: ReadonlyArray<Step>,
  rules: Readonly<Record<string, Rule>>,
): Promise<Tally> => {
  const bypasses: string[] = []
  const misallowed: string[] = []
  const broken: string[] = []
  const sent = new Set<string>()
  let refusals = 0
  let crossRefusals = 0
  let confirmed = 0
  let fewest = Infinity
  let most = 0
  for (const step of life) {
    const rule = Object.hasOwn(rules, step.door) ? rules[step.door] : undefined
    if (rule === undefined) {
      broken.push(`${step.door}: no rule says who may send it`)
      continue
    }
    if (!rule.roles.includes(step.actor.role))
      broken.push(`${step.door}: the scenario sends it as ${whoIs(step.actor)}`)

    const attempts = wrongActors(step, rule)
    fewest = Math.min(fewest, attempts.length)
    most = Math.max(most, attempts.length)
    for (const attempt of attempts) {
      const before = await ledger.events.headPosition()
      const outcome = await step.send(ledger, attempt.actor, attempt.command)
      const wrote = (await ledger.events.headPosition()) !== before
      if (E.isLeft(outcome) && outcome.left._tag === 'Forbidden' && !wrote) refusals++
      else
        bypasses.push(
          `${step.door} by ${whoIs(attempt.actor)} (${attempt.why}): ${describe(outcome)}${wrote ? ', and the log grew' : ''}`,
        )
    }

    const otherBefore = await other.events.headPosition()
    const crossed = await step.send(other, step.actor)
    const otherWrote = (await other.events.headPosition()) !== otherBefore
    if (E.isLeft(crossed) && crossed.left._tag === 'Forbidden' && !otherWrote) crossRefusals++
    else bypasses.push(`${step.door} by ${whoIs(step.actor)} under the other context's policy: ${describe(crossed)}`)

    for (const role of rule.roles.filter((r) => r !== step.actor.role)) {
      // A role that acts on its own record only is asked about as the record's owner.
      const owner = rule.ownOnly?.includes(role) === true ? step.ownerId : undefined
      const decision = await step.ask(ledger, as(role, step.actor.organisation, owner))
      if (decision.allowed) confirmed++
      else misallowed.push(`${step.door}: the rule allows ${role}, the policy does not (${decision.reason})`)
    }

    const before = await ledger.events.headPosition()
    const outcome = await step.send(ledger, step.actor)
    const after = await ledger.events.headPosition()
    if (E.isRight(outcome) && after > before) sent.add(step.door)
    else broken.push(`${step.door} by ${whoIs(step.actor)}: ${describe(outcome)}; the head went ${before} → ${after}`)
  }
  return {
    commands: life.length,
    refusals,
    crossRefusals,
    confirmed,
    fewest,
    most,
    bypasses,
    misallowed,
    broken,
    sent: [...sent].sort(),
  }
}

const check = (
  t: ExecutionContext,
  label: string,
  tally: Tally,
  doors: ReadonlyArray<string>,
  rules: Readonly<Record<string, Rule>>,
): void => {
  t.log(
    `${label}: ${tally.commands} commands (${doors.length} command types) × ${tally.fewest}–${tally.most} wrong actors = ` +
      `${tally.refusals} refusals, ${tally.crossRefusals} refused under the other context's policy, ` +
      `${tally.confirmed} other allowed roles confirmed, ${tally.bypasses.length} bypasses`,
  )
  const [store = '', context = ''] = label.split(' ')
  recordSweep(`wrong-actor ${context}`, store, {
    commands: tally.commands,
    refusals: tally.refusals,
    'cross-context refusals': tally.crossRefusals,
    bypasses: tally.bypasses.length,
  })
  // One assertion, so that every bypass, every step that did not go through, every rule the policy
  // does not honour and every command left out are shown at once.
  t.deepEqual(
    {
      bypasses: tally.bypasses,
      broken: tally.broken,
      misallowed: tally.misallowed,
      sent: tally.sent,
      ruled: Object.keys(rules).sort(),
    },
    {
      bypasses: [],
      broken: [],
      misallowed: [],
      sent: doors,
      ruled: doors,
    },
    'no wrong actor got a command through; every command the context decodes has its rule, was attacked and then sent',
  )
}

for (const kind of ['memory', 'sqlite', 'postgres'] as const satisfies ReadonlyArray<StoreKind>) {
  test(`${kind}: no areas command is recorded for an actor the areas policy does not allow, and a refusal writes nothing`, async (t) => {
    const doors = doorsOf([...areasAggregates, ...areasDecisions])
    t.true(
      [...areasAggregates, ...areasDecisions].every((a) => a.context === 'areas'),
      'the areas package exports only areas aggregates and decisions',
    )
    const ledger = await freshLedger(t, kind, { policy: areasPolicy, events: eventDefinitions })
    const other = await freshLedger(t, kind, { policy: volunteersPolicy, events: eventDefinitions })
    check(t, `${kind} areas`, await attack(ledger, other, areasLife(), areasRules), doors, areasRules)
  })

  test(`${kind}: no volunteers command is recorded for an actor the volunteers policy does not allow, nor for another organisation's, and a refusal writes nothing`, async (t) => {
    const doors = doorsOf([...volunteersAggregates, ...volunteersDecisions])
    t.true(
      volunteersAggregates.every((a) => a.context === 'volunteers'),
      'the volunteers package exports only volunteers aggregates',
    )
    const ledger = await freshLedger(t, kind, { policy: volunteersPolicy, events: eventDefinitions })
    const other = await freshLedger(t, kind, { policy: areasPolicy, events: eventDefinitions })
    check(
      t,
      `${kind} volunteers`,
      await attack(ledger, other, volunteersLife(), volunteersRules),
      doors,
      volunteersRules,
    )
  })
}
