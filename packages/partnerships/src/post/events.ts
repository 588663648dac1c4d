/** What is recorded of a place-based post: where it works, who employs it, whether it is filled. */
import type { CatalogEvent } from '@civic-ledger/core'
import { defineEvent, eventCatalog, IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

const Id = NonEmptyString

/** A post defined to cover an area of a service delivery area scheme, or one PCN of that area. */
export const PostDefined = defineEvent({
  type: 'partnerships.PostDefined',
  codec: t.readonly(
    t.intersection([
      t.type({
        postId: Id,
        title: NonEmptyString,
        employer: Id,
        schemeId: Id,
        areaId: Id,
        on: IsoDate,
      }),
      t.partial({ pcn: Id }),
    ]),
  ),
})
/** Filled by a holder, named by a staff reference, never by name. */
export const PostFilled = defineEvent({
  type: 'partnerships.PostFilled',
  codec: t.readonly(t.type({ postId: Id, holderRef: Id, from: IsoDate })),
})
/** A post fell vacant on a day, with a reason. */
export const PostVacated = defineEvent({
  type: 'partnerships.PostVacated',
  codec: t.readonly(t.type({ postId: Id, on: IsoDate, reason: NonEmptyString })),
})

const definitions = [PostDefined, PostFilled, PostVacated] as const
/** The catalog of a post's events: encodes new ones, and upcasts and decodes stored ones. */
export const postEvents = eventCatalog(...definitions)
/** An event of a post's stream: one of those `postEvents` encodes and decodes. */
export type PostEvent = CatalogEvent<typeof postEvents>
