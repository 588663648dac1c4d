/**
 * The events this read model reads. In a council's app they come from the grants context; the
 * example defines the two it needs so it stands alone.
 */
import { AreaRef, defineEvent, Money, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

/** A grant was awarded to an organisation for work in one ward. */
export const GrantAwarded = defineEvent({
  type: 'grants.GrantAwarded',
  codec: t.readonly(
    t.type({
      grantId: NonEmptyString,
      fundId: NonEmptyString,
      recipient: t.readonly(t.type({ orgId: NonEmptyString, name: NonEmptyString })),
      amount: Money,
      ward: AreaRef,
      district: NonEmptyString,
    }),
  ),
})

/** An award was withdrawn before payment. */
export const GrantWithdrawn = defineEvent({
  type: 'grants.GrantWithdrawn',
  codec: t.readonly(t.type({ grantId: NonEmptyString, reason: t.string })),
})
