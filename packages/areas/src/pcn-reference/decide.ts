/**
 * The rules of a PCN reference: imported once, with well-formed codes, each PCN and practice once
 * and every practice in a PCN it lists; a PCN opens once and closes only when no practice is left
 * in it; a practice moves only forward in time, to another PCN open on the day.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, own, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import { codeProblem } from '../lib/codes'
import { sourceOf } from '../lib/source'
import type { ClosePcn, ImportPcnReference, MovePractice, OpenPcn, PcnCommand } from './commands'
import type { PcnEvent } from './events'
import { PcnClosed, PcnOpened, PcnReferenceImported, PracticeMoved } from './events'
import type { PcnReferenceState } from './state'
import { pcnOn, pcnOpenOn } from './state'

type Decision = Either<DomainError, ReadonlyArray<PcnEvent>>

// --- rules ---

const importProblems = (command: ImportPcnReference): string[] => {
  const problems: string[] = []
  const subIcb = codeProblem(command.subIcb, 'sub-icb')
  if (subIcb !== undefined) problems.push(`subIcb: ${subIcb}`)
  const pcns = new Set<string>()
  command.pcns.forEach((p, i) => {
    const problem = codeProblem(p.code, 'pcn')
    if (problem !== undefined) problems.push(`pcns[${i}]: ${problem}`)
    if (pcns.has(p.code)) problems.push(`pcns[${i}]: ${p.code} is listed twice`)
    pcns.add(p.code)
  })
  const practices = new Set<string>()
  command.practices.forEach((p, i) => {
    const problem = codeProblem(p.code, 'practice')
    if (problem !== undefined) problems.push(`practices[${i}]: ${problem}`)
    if (practices.has(p.code)) problems.push(`practices[${i}]: ${p.code} is listed twice`)
    practices.add(p.code)
    if (!pcns.has(p.pcn))
      problems.push(`practices[${i}]: ${p.code} belongs to ${p.pcn}, which is not a PCN listed here`)
    for (const [field, code] of [
      ['lsoa2011', p.lsoa2011],
      ['lsoa2021', p.lsoa2021],
    ] as const) {
      const lsoaProblem = code === undefined ? undefined : codeProblem(code, 'lsoa')
      if (lsoaProblem !== undefined) problems.push(`practices[${i}].${field}: ${lsoaProblem}`)
    }
  })
  return problems
}

const notImported = (command: Exclude<PcnCommand, ImportPcnReference>, state: PcnReferenceState) =>
  state.imported ? undefined : reject('no-reference', `PCN reference ${command.referenceId} has not been imported`)

// --- one function per command ---

export const importPcnReference = (command: ImportPcnReference, state: PcnReferenceState): Decision => {
  if (state.imported)
    return reject(
      'reference-exists',
      `PCN reference ${command.referenceId} is already imported; record changes as events`,
    )
  const problems = importProblems(command)
  if (problems.length > 0) return reject('invalid-reference', problems.slice(0, 20).join('; '))
  return accept<PcnEvent>(
    PcnReferenceImported.create({
      referenceId: command.referenceId,
      subIcb: command.subIcb,
      asOf: command.asOf,
      source: sourceOf(command.source),
      pcns: command.pcns.map((p) => ({ code: p.code, name: p.name })),
      practices: command.practices.map((p) => ({
        code: p.code,
        name: p.name,
        pcn: p.pcn,
        ...(p.lsoa2011 === undefined ? {} : { lsoa2011: p.lsoa2011 }),
        ...(p.lsoa2021 === undefined ? {} : { lsoa2021: p.lsoa2021 }),
      })),
    }),
  )
}

export const openPcn = (command: OpenPcn, state: PcnReferenceState): Decision => {
  const problem = codeProblem(command.pcn, 'pcn')
  if (problem !== undefined) return reject('invalid-code', problem)
  if (own(state.pcns, command.pcn) !== undefined) return reject('pcn-exists', `${command.pcn} is already known`)
  return accept<PcnEvent>(
    PcnOpened.create({ referenceId: command.referenceId, pcn: command.pcn, name: command.name, on: command.on }),
  )
}

export const closePcn = (command: ClosePcn, state: PcnReferenceState): Decision => {
  const record = own(state.pcns, command.pcn)
  if (record === undefined) return reject('unknown-pcn', `${command.pcn} is not a PCN of this reference`)
  if (record.closed !== undefined) return reject('pcn-closed', `${command.pcn} closed on ${record.closed}`)
  if (command.on <= record.opened)
    return reject('before-opening', `${command.pcn} opened on ${record.opened}; it cannot close on ${command.on}`)
  const members = Object.keys(state.practices).filter((code) => pcnOn(state, code, command.on) === command.pcn)
  if (members.length > 0)
    return reject(
      'pcn-has-practices',
      `${command.pcn} still has practices on ${command.on}: ${members.join(', ')}; move them first`,
    )
  return accept<PcnEvent>(
    PcnClosed.create({ referenceId: command.referenceId, pcn: command.pcn, on: command.on, reason: command.reason }),
  )
}

export const movePractice = (command: MovePractice, state: PcnReferenceState): Decision => {
  const practice = own(state.practices, command.practice)
  if (practice === undefined)
    return reject('unknown-practice', `${command.practice} is not a practice of this reference`)
  const from = pcnOn(state, command.practice, command.on)
  const current = practice.memberships[practice.memberships.length - 1]
  if (from === undefined || current === undefined || current.until !== undefined || command.on <= current.from)
    return reject(
      'not-in-order',
      `${command.practice} can move only after its latest membership began (${current?.from ?? 'never'})`,
    )
  if (from === command.to) return reject('same-pcn', `${command.practice} is already in ${command.to}`)
  if (!pcnOpenOn(state, command.to, command.on))
    return reject('pcn-not-open', `${command.to} is not an open PCN on ${command.on}`)
  return accept<PcnEvent>(
    PracticeMoved.create({
      referenceId: command.referenceId,
      practice: command.practice,
      from,
      to: command.to,
      on: command.on,
    }),
  )
}

// --- the decider's decide ---

export const decidePcnReference = (command: PcnCommand, state: PcnReferenceState): Decision => {
  switch (command.type) {
    case 'ImportPcnReference':
      return importPcnReference(command, state)
    case 'OpenPcn':
      return notImported(command, state) ?? openPcn(command, state)
    case 'ClosePcn':
      return notImported(command, state) ?? closePcn(command, state)
    case 'MovePractice':
      return notImported(command, state) ?? movePractice(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
