/**
 * Each finding of the command fuzz (`findings.ts`), reproduced on a real SQLite ledger with the
 * standard plug-ins, as the promise the ledger keeps now that it is fixed: a regression test each.
 */
import { areasPlugin } from '@civic-ledger/areas'
import type { CommandError, Ledger } from '@civic-ledger/core'
import { allowAll } from '@civic-ledger/core'
import { grantsPlugin } from '@civic-ledger/grants'
import { partnershipsPlugin } from '@civic-ledger/partnerships'
import { volunteersPlugin } from '@civic-ledger/volunteers'
import type { ExecutionContext } from 'ava'
import test from 'ava'
import * as E from 'fp-ts/Either'

import { freshLedger } from '../security/ledgers'
import { allDoors } from './doors'
import { FINDINGS } from './findings'
import type { Seed } from './lives'
import { actor, areasLife, play, volunteersLife } from './lives'

const ledgerAfter = async (t: ExecutionContext, life: ReadonlyArray<Seed>): Promise<Ledger> => {
  const ledger = await freshLedger(t, 'sqlite', {
    policy: allowAll,
    plugins: [areasPlugin, volunteersPlugin, partnershipsPlugin, grantsPlugin],
  })
  await play(ledger, allDoors, life)
  return ledger
}

interface Attempt {
  readonly result?: E.Either<CommandError, unknown>
  readonly threw?: string
  /** How far the head moved. */
  readonly wrote: number
}

const attempt = async (ledger: Ledger, door: string, command: unknown): Promise<Attempt> => {
  const found = allDoors.find((d) => d.door === door)
  if (found === undefined) throw new Error(`no door ${door}`)
  const before = await ledger.events.headPosition()
  try {
    const result = await found.send(ledger, command, { actor })
    return { result, wrote: (await ledger.events.headPosition()) - before }
  } catch (error) {
    return { threw: String(error), wrote: (await ledger.events.headPosition()) - before }
  }
}

/** Asserts a refusal by a rule with `code`, that wrote nothing. */
const refusedAs = (t: ExecutionContext, outcome: Attempt, code: string): void => {
  t.is(outcome.threw, undefined, 'answered, not thrown')
  t.like(outcome.result, { _tag: 'Left', left: { _tag: 'Rejected', code } })
  t.is(outcome.wrote, 0, 'nothing written')
}

const messageOf = (outcome: Attempt): string =>
  outcome.result !== undefined && E.isLeft(outcome.result) ? outcome.result.left.message : ''

/** The findings a test below reproduces. */
const reproduced = new Set<string>()

const title = (id: string, promise: string): string => {
  const finding = FINDINGS.find((f) => f.id === id)
  if (finding === undefined) throw new Error(`no finding ${id}`)
  reproduced.add(id)
  return `${id} (fixed: ${finding.summary}) — ${promise}`
}

const pcnReference = areasLife().filter((s) => s.door === 'areas.pcn-reference/ImportPcnReference')
const referenceId = '06H-2024-03'
const area = { code: 'E05010805', type: 'ward', vintage: '2025' }
const applied: Seed = {
  door: 'volunteers.volunteer/Apply',
  command: {
    type: 'Apply',
    volunteerId: 'v-7',
    on: '2026-01-05',
    name: 'Alex Example',
    email: 'alex@example.org',
    phone: '07700 900000',
    dateOfBirth: '1990-05-17',
    homeLsoa: 'E01015589',
  },
}

test(title('F1', 'a practice the reference does not have is unknown-practice, whatever its name'), async (t) => {
  const ledger = await ledgerAfter(t, pcnReference)
  for (const practice of ['valueOf', 'constructor', 'toString'])
    refusedAs(
      t,
      await attempt(ledger, 'areas.pcn-reference/MovePractice', {
        type: 'MovePractice',
        referenceId,
        practice,
        to: 'U24388',
        on: '2024-10-01',
      }),
      'unknown-practice',
    )
})

test(title('F2', 'a PCN the reference does not have cannot be closed, whatever its name'), async (t) => {
  const ledger = await ledgerAfter(t, pcnReference)
  refusedAs(
    t,
    await attempt(ledger, 'areas.pcn-reference/ClosePcn', {
      type: 'ClosePcn',
      referenceId,
      pcn: 'constructor',
      on: '2025-04-01',
      reason: 'merged',
    }),
    'unknown-pcn',
  )
})

test(title('F3', 'a placement the volunteer does not hold cannot be ended, whatever its id'), async (t) => {
  const ledger = await ledgerAfter(t, [applied])
  refusedAs(
    t,
    await attempt(ledger, 'volunteers.volunteer/EndPlacement', {
      type: 'EndPlacement',
      volunteerId: 'v-7',
      placementId: 'valueOf',
      on: '2026-03-01',
      reason: 'moved away',
    }),
    'no-active-placement',
  )
})

test(title('F4', 'an entry the timesheet does not have cannot be corrected, whatever its id'), async (t) => {
  const ledger = await ledgerAfter(t, [])
  refusedAs(
    t,
    await attempt(ledger, 'volunteers.timesheet/CorrectHours', {
      type: 'CorrectHours',
      volunteerId: 'v-9',
      entryId: 'constructor',
      hours: 2,
      on: '2026-03-01',
      reason: 'the session was shorter',
    }),
    'unknown-entry',
  )
})

test(title('F5', 'hours are refused as no-placement for a placement the volunteer does not hold'), async (t) => {
  const ledger = await ledgerAfter(t, [])
  refusedAs(
    t,
    await attempt(ledger, 'volunteers.hours/LogHours', {
      type: 'LogHours',
      volunteerId: 'v-9',
      placementId: 'toString',
      entryId: 'e1',
      date: '2026-02-10',
      hours: 2,
      area,
      on: '2026-03-01',
    }),
    'no-placement',
  )
})

test(title('F5', 'an entry id not used before is taken, whatever it is'), async (t) => {
  const ledger = await ledgerAfter(t, volunteersLife())
  const outcome = await attempt(ledger, 'volunteers.hours/LogHours', {
    type: 'LogHours',
    volunteerId: 'v-1',
    placementId: 'p1',
    entryId: 'toString',
    date: '2026-02-13',
    hours: 2,
    area,
    on: '2026-03-01',
  })
  t.true(outcome.result !== undefined && E.isRight(outcome.result), messageOf(outcome))
  t.is(outcome.wrote, 1)
})

test(title('F6', 'credits for an entry the timesheet does not have are unknown-entry'), async (t) => {
  const ledger = await ledgerAfter(t, volunteersLife())
  refusedAs(
    t,
    await attempt(ledger, 'volunteers.earnings/EarnCredits', {
      type: 'EarnCredits',
      volunteerId: 'v-1',
      entryId: 'constructor',
      on: '2026-03-02',
    }),
    'unknown-entry',
  )
})

test(title('F7', 'a placement id not used before is taken, whatever it is'), async (t) => {
  const ledger = await ledgerAfter(t, volunteersLife())
  const outcome = await attempt(ledger, 'volunteers.placement/Place', {
    type: 'Place',
    volunteerId: 'v-1',
    roleId: 'walk-leader',
    placementId: 'constructor',
    area,
    startsOn: '2026-04-01',
    on: '2026-03-25',
  })
  t.true(outcome.result !== undefined && E.isRight(outcome.result), messageOf(outcome))
  t.is(outcome.wrote, 1)
})

test(title('F8', 'an InvalidCommand message stays short however many items are wrong'), async (t) => {
  const ledger = await ledgerAfter(t, [])
  const outcome = await attempt(ledger, 'areas.sda-scheme/DefineScheme', {
    type: 'DefineScheme',
    schemeId: 'many',
    name: 'Many',
    lsoaVintage: '2021',
    scope: { description: 'two thousand wrong items', lsoas: Array.from({ length: 2_000 }, (_, i) => i) },
  })
  t.like(outcome.result, { _tag: 'Left', left: { _tag: 'InvalidCommand' } })
  t.true(messageOf(outcome).length <= 4_000, `a message of ${messageOf(outcome).length} characters`)
})

test(title('F9', 'a refused code is described, not quoted whole'), async (t) => {
  const ledger = await ledgerAfter(t, pcnReference)
  const pcn = `U${'1'.repeat(300)}`
  const outcome = await attempt(ledger, 'areas.pcn-reference/OpenPcn', {
    type: 'OpenPcn',
    referenceId,
    pcn,
    name: 'A long network',
    on: '2024-06-01',
  })
  t.like(outcome.result, { _tag: 'Left', left: { _tag: 'InvalidCommand' } })
  t.is(outcome.wrote, 0)
  t.false(messageOf(outcome).includes(pcn.slice(0, 61)), 'the message quotes at most 60 characters of the code')
})

test(title('F10', 'a rejection names what it refused in at most 200 characters'), async (t) => {
  const ledger = await ledgerAfter(t, pcnReference)
  const course = `course ${'c'.repeat(300)}`
  const refused = await attempt(ledger, 'volunteers.role/DefineRole', {
    type: 'DefineRole',
    roleId: 'r-long',
    title: 'A role',
    organisation: 'GB-LAE-CAM',
    regulatedActivity: 'none',
    dbsLevel: 'none',
    minimumAge: 18,
    training: [{ course, validForMonths: 0 }],
    supervision: 'weekly',
  })
  t.like(refused.result, { _tag: 'Left', left: { _tag: 'Rejected', code: 'invalid-role' } })
  t.regex(messageOf(refused), /validForMonths/)
  t.false(messageOf(refused).includes(course.slice(0, 61)), 'invalid-role quotes at most 60 characters of the course')
})

test(title('F11', 'a role id that cannot name a stream is refused without quoting it whole'), async (t) => {
  const ledger = await ledgerAfter(t, [])
  const roleId = 'a long role '.repeat(25)
  const outcome = await attempt(ledger, 'volunteers.role/RetireRole', { type: 'RetireRole', roleId, reason: 'ended' })
  t.like(outcome.result, { _tag: 'Left', left: { _tag: 'InvalidCommand' } })
  t.false(messageOf(outcome).includes(roleId.slice(0, 201)), 'the message quotes at most 200 characters of the id')
})

test('every finding the fuzz lets pass is reproduced here', (t) => {
  t.deepEqual(
    FINDINGS.map((f) => f.id).filter((id) => !reproduced.has(id)),
    [],
  )
})
