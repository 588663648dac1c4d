/**
 * What the command fuzz found wrong in the contexts' code, each finding named once, all fixed:
 * `findings.int.test.ts` keeps a regression test for each. The fuzz excuses none of them any more
 * (`findingOf` is kept to name a violation that is one of these when it comes back); each `matches`
 * is as narrow as the finding.
 */
import { RISKY } from './doors'

/** What the fuzz saw go wrong with one command. */
export interface Violation {
  readonly text: string
  /** The refusal's `_tag`, and its `code` where it has one. */
  readonly tag?: string
  readonly code?: string
  readonly message?: string
  /** The input string a message quotes too much of. */
  readonly quoted?: string
  /** For an InvalidCommand: how many problems it lists, and the longest. */
  readonly problems?: number
  readonly longestProblem?: number
}

/** A command as it was sent: where, of which type, and what. */
export interface Sent {
  readonly target: string
  readonly type: unknown
  readonly command: unknown
}

export interface Finding {
  readonly id: string
  readonly summary: string
  readonly matches: (sent: Sent, violation: Violation) => boolean
}

const field = (command: unknown, name: string): unknown =>
  typeof command === 'object' && command !== null ? (command as Record<string, unknown>)[name] : undefined

const risky = (command: unknown, ...names: ReadonlyArray<string>): boolean =>
  names.some((name) => RISKY.includes(field(command, name) as string))

const is = (sent: Sent, target: string, type: string): boolean => sent.target === target && sent.type === type

/** A violation of deciding beside the ledger: an answer that changes when risky ids are renamed. */
const decidesOtherwise = (v: Violation): boolean => v.text.startsWith('an id named like a member of Object.prototype')

const quotes = (v: Violation): boolean => v.quoted !== undefined

/** Rejections whose messages put an input string in whole, by `<target>/<type>` and code. */
const QUOTING_REJECTIONS: Readonly<Record<string, ReadonlyArray<string>>> = {
  'areas.pcn-reference/ClosePcn': ['unknown-pcn'],
  'areas.pcn-reference/MovePractice': ['unknown-practice', 'same-pcn', 'pcn-not-open'],
  'areas.pcn-reference/ImportPcnReference': ['invalid-reference'],
  'areas.release/ImportRelease': ['invalid-release'],
  'areas.indicator/RecordIndicatorValues': ['invalid-values'],
  'areas.sda-scheme/OverrideLsoa': ['outside-scope'],
  'volunteers.role/DefineRole': ['role-exists', 'invalid-role'],
  'volunteers.role/RetireRole': ['role-not-open'],
}

export const FINDINGS: ReadonlyArray<Finding> = [
  {
    id: 'F1',
    summary:
      'areas.pcn-reference/MovePractice with a practice named like an Object.prototype member (valueOf, constructor, …) throws a TypeError out of ledger.execute instead of Rejected unknown-practice',
    matches: (sent, v) =>
      is(sent, 'areas.pcn-reference', 'MovePractice') &&
      risky(sent.command, 'practice') &&
      (v.text.startsWith('threw TypeError') || decidesOtherwise(v)),
  },
  {
    id: 'F2',
    summary:
      'areas.pcn-reference/ClosePcn with a pcn named like an Object.prototype member is accepted: a PcnClosed is recorded for a PCN the reference never had',
    matches: (sent, v) =>
      is(sent, 'areas.pcn-reference', 'ClosePcn') && risky(sent.command, 'pcn') && decidesOtherwise(v),
  },
  {
    id: 'F3',
    summary:
      'volunteers.volunteer/EndPlacement with a placementId named like an Object.prototype member is accepted for a volunteer with no such placement, and the folded state gains a placement keyed "undefined"',
    matches: (sent, v) =>
      is(sent, 'volunteers.volunteer', 'EndPlacement') && risky(sent.command, 'placementId') && decidesOtherwise(v),
  },
  {
    id: 'F4',
    summary:
      'volunteers.timesheet/CorrectHours with an entryId named like an Object.prototype member is accepted on a timesheet with no such entry, and the folded state gains an entry keyed "undefined"',
    matches: (sent, v) =>
      is(sent, 'volunteers.timesheet', 'CorrectHours') && risky(sent.command, 'entryId') && decidesOtherwise(v),
  },
  {
    id: 'F5',
    summary:
      'volunteers.hours/LogHours with a placementId named like an Object.prototype member passes the no-placement rule and decides an HoursLogged without a roleId (refused only by the store, as InvalidCommand); with such an entryId it is refused as entry-exists',
    matches: (sent, v) =>
      is(sent, 'volunteers.hours', 'LogHours') &&
      risky(sent.command, 'placementId', 'entryId') &&
      (decidesOtherwise(v) || v.text.startsWith('decided a volunteers.HoursLogged its own codec refuses')),
  },
  {
    id: 'F6',
    summary:
      'volunteers.earnings/EarnCredits with an entryId named like an Object.prototype member is refused as not-verified ("entry constructor is undefined") instead of unknown-entry',
    matches: (sent, v) =>
      is(sent, 'volunteers.earnings', 'EarnCredits') && risky(sent.command, 'entryId') && decidesOtherwise(v),
  },
  {
    id: 'F7',
    summary:
      'volunteers.placement/Place with a placementId named like an Object.prototype member is refused as placement-exists although the volunteer has no such placement',
    matches: (sent, v) =>
      is(sent, 'volunteers.placement', 'Place') && risky(sent.command, 'placementId') && decidesOtherwise(v),
  },
  {
    id: 'F8',
    summary:
      'InvalidCommand lists a problem for every bad element of an array, without bound: a command with 2,000 bad items gets a message of 100,000+ characters',
    matches: (_sent, v) =>
      v.tag === 'InvalidCommand' &&
      v.text.includes('message of') &&
      (v.problems ?? 0) > 50 &&
      (v.longestProblem ?? Infinity) <= 300,
  },
  {
    id: 'F9',
    summary:
      'areas codeProblem quotes a refused code whole (JSON.stringify(code)): a Rejected invalid-code / invalid-reference / invalid-release / invalid-values message carries an input string of any length',
    matches: (_sent, v) =>
      v.tag === 'Rejected' &&
      quotes(v) &&
      (v.message?.includes(`${JSON.stringify(v.quoted)} is not a`) === true ||
        v.message?.includes(`${v.quoted ?? ''} has prefix`) === true),
  },
  {
    id: 'F10',
    summary:
      'Rejection messages of the areas PCN, release, indicator and scheme deciders and the volunteers role decider put input strings (codes, ids, course names) in whole',
    matches: (sent, v) =>
      v.tag === 'Rejected' &&
      quotes(v) &&
      (QUOTING_REJECTIONS[`${sent.target}/${String(sent.type)}`] ?? []).includes(v.code ?? ''),
  },
  {
    id: 'F11',
    summary:
      'volunteers.role commands take a roleId of any characters (NonEmptyString, not EntityId): one that cannot be a stream id is refused with an InvalidCommand that quotes the whole stream id, up to 512 characters',
    matches: (sent, v) =>
      sent.target === 'volunteers.role' &&
      v.tag === 'InvalidCommand' &&
      quotes(v) &&
      v.message?.includes('command does not name a valid stream') === true,
  },
]

/** The finding a violation is, if it is one. */
export const findingOf = (sent: Sent, violation: Violation): Finding | undefined =>
  FINDINGS.find((f) => f.matches(sent, violation))
