/**
 * Board: a partnership board — its purpose, geography and terms of reference; seats defined by role;
 * members (admitted by the `admissions` decision) and their representatives; meetings and the
 * decisions recorded at them; reports to the board it reports to.
 */
import { defineAggregate } from '@civic-ledger/core'

import { BoardCommand } from './commands'
import { decideBoard } from './decide'
import { boardEvents } from './events'
import { evolveBoard, initialBoard } from './state'

/**
 * The Board aggregate (`partnerships.board-<id>`): purpose, terms of reference, seats, members and
 * representatives, meetings, decisions and reports.
 */
export const boards = defineAggregate({
  context: 'partnerships',
  name: 'board',
  commands: BoardCommand,
  events: boardEvents,
  id: (c) => c.boardId,
  decider: { initialState: initialBoard, evolve: evolveBoard, decide: decideBoard },
})
