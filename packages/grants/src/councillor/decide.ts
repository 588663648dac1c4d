/**
 * The rules of a councillor's record: registered once; a term represents a county division (an E58
 * code), ends after it starts, and overlaps no other term of theirs (a councillor represents one
 * division at a time); only an open term can be ended, and not before it starts.
 */
import { codeProblem } from '@civic-ledger/areas'
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { CouncillorCommand } from './commands'
import type { CouncillorEvent } from './events'
import { CouncillorRegistered, TermEnded, TermRecorded } from './events'
import type { CouncillorRecord, CouncillorState, Term } from './state'

type Decided = Either<DomainError, ReadonlyArray<CouncillorEvent>>
type CommandOf<T extends CouncillorCommand['type']> = Extract<CouncillorCommand, { readonly type: T }>

const overlaps = (a: Term, b: Term): boolean =>
  (a.until === undefined || b.from < a.until) && (b.until === undefined || a.from < b.until)

const register = (c: CommandOf<'RegisterCouncillor'>, s: CouncillorState): Decided =>
  s.status !== 'none'
    ? reject('councillor-exists', `councillor ${c.councillorId} is registered already`)
    : accept<CouncillorEvent>(
        CouncillorRegistered.create({ councillorId: c.councillorId, name: c.name, council: c.council, on: c.on }),
      )

const recordTerm = (c: CommandOf<'RecordTerm'>, s: CouncillorRecord): Decided => {
  const problem = codeProblem(c.division, 'county-division')
  if (problem !== undefined) return reject('invalid-division', `division: ${problem}`)
  if (c.until !== undefined && c.until <= c.from) return reject('invalid-term', 'a term ends after it starts')
  const term: Term = { division: c.division, from: c.from, ...(c.until === undefined ? {} : { until: c.until }) }
  const clash = s.terms.find((other) => overlaps(other, term))
  if (clash !== undefined)
    return reject(
      'term-overlaps',
      `councillor ${c.councillorId} represents ${clash.division} from ${clash.from}${clash.until === undefined ? '' : ` until ${clash.until}`}`,
    )
  return accept<CouncillorEvent>(
    TermRecorded.create({
      councillorId: c.councillorId,
      division: c.division,
      from: c.from,
      on: c.on,
      ...(c.until === undefined ? {} : { until: c.until }),
    }),
  )
}

const endTerm = (c: CommandOf<'EndTerm'>, s: CouncillorRecord): Decided => {
  const open = s.terms.find((term) => term.until === undefined)
  if (open === undefined) return reject('no-open-term', `councillor ${c.councillorId} has no open term`)
  if (c.until <= open.from) return reject('invalid-term', `the open term starts on ${open.from}: it ends after that`)
  return accept<CouncillorEvent>(
    TermEnded.create({ councillorId: c.councillorId, division: open.division, until: c.until, on: c.on }),
  )
}

export const decideCouncillor = (command: CouncillorCommand, state: CouncillorState): Decided => {
  if (command.type === 'RegisterCouncillor') return register(command, state)
  if (state.status === 'none')
    return reject('unknown-councillor', `councillor ${command.councillorId} is not registered`)
  switch (command.type) {
    case 'RecordTerm':
      return recordTerm(command, state)
    case 'EndTerm':
      return endTerm(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
