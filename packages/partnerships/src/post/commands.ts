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

/** The codec of the commands a post takes. */
export const PostCommand = t.union([FillPost, VacatePost])
/** A command a post takes, as decoded. */
export type PostCommand = t.TypeOf<typeof PostCommand>
/** A command to a post as an app sends it to `ledger.execute`, before decoding. */
export type PostCommandInput = t.OutputOf<typeof PostCommand>
