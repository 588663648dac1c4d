/** What can be asked of a post once defined (defining one is the `postDefinitions` decision). */
import { EntityId, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { PostId } from '../ids'

export const FillPost = t.readonly(
  t.type({ type: t.literal('FillPost'), postId: PostId, holderRef: EntityId, from: IsoDate, on: IsoDate }),
)
export const VacatePost = t.readonly(
  t.type({ type: t.literal('VacatePost'), postId: PostId, on: IsoDate, reason: NonEmptyString }),
)

export const PostCommand = t.union([FillPost, VacatePost])
export type PostCommand = t.TypeOf<typeof PostCommand>
export type PostCommandInput = t.OutputOf<typeof PostCommand>
