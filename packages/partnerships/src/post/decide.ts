/**
 * The rules of a post: defined once (by the `postDefinitions` decision); filled only while vacant,
 * from a day not after the command's; vacated only while filled.
 */
import type { DomainError } from '@civic-ledger/core'
import { accept, reject } from '@civic-ledger/core'
import type { Either } from 'fp-ts/Either'

import type { PostCommand } from './commands'
import type { PostEvent } from './events'
import { PostFilled, PostVacated } from './events'
import type { PostState } from './state'

type Decided = Either<DomainError, ReadonlyArray<PostEvent>>
type CommandOf<T extends PostCommand['type']> = Extract<PostCommand, { readonly type: T }>

const fill = (c: CommandOf<'FillPost'>, s: PostState): Decided => {
  if (s.status === 'filled') return reject('post-filled', `post ${c.postId} is filled since ${s.from}`)
  if (c.from > c.on) return reject('future-date', `a post filled from ${c.from} cannot be recorded on ${c.on}`)
  return accept<PostEvent>(PostFilled.create({ postId: c.postId, holderRef: c.holderRef, from: c.from }))
}

const vacate = (c: CommandOf<'VacatePost'>, s: PostState): Decided =>
  s.status !== 'filled'
    ? reject('post-vacant', `post ${c.postId} is not filled`)
    : accept<PostEvent>(PostVacated.create({ postId: c.postId, on: c.on, reason: c.reason }))

export const decidePost = (command: PostCommand, state: PostState): Decided => {
  if (state.status === 'none') return reject('unknown-post', `post ${command.postId} is not defined`)
  switch (command.type) {
    case 'FillPost':
      return fill(command, state)
    case 'VacatePost':
      return vacate(command, state)
    default: {
      const unreachable: never = command
      return unreachable
    }
  }
}
