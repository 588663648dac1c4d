/**
 * Post: a place-based post — a Think Communities co-ordinator for an area, a social-prescribing link
 * worker for a PCN — defined against a service delivery area scheme, then filled and vacated.
 */
import { defineAggregate } from '@civic-ledger/core'

import { PostCommand } from './commands'
import { decidePost } from './decide'
import { postEvents } from './events'
import { evolvePost, initialPost } from './state'

/**
 * The Post aggregate (`partnerships.post-<id>`): filled and vacated; defining one is the
 * `postDefinitions` decision.
 */
export const posts = defineAggregate({
  context: 'partnerships',
  name: 'post',
  commands: PostCommand,
  events: postEvents,
  id: (c) => c.postId,
  decider: { initialState: initialPost, evolve: evolvePost, decide: decidePost },
})
