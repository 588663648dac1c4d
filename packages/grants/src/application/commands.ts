/**
 * What can be asked of an application itself. Drafting one (checked against its fund) and awarding
 * a grant (against the fund's budget) are decisions across streams: `drafts` and `awards`.
 */
import { IsoDate, NonEmptyString } from '@civic-ledger/core'
import * as t from 'io-ts'

import { ApplicationId } from '../ids'

const command = <T extends string, P extends t.Props>(type: T, props: P) =>
  t.readonly(t.type({ type: t.literal(type), applicationId: ApplicationId, on: IsoDate, ...props }))

export const SubmitApplication = command('SubmitApplication', {})
export const WithdrawApplication = command('WithdrawApplication', { reason: NonEmptyString })
export const DeclineApplication = command('DeclineApplication', { reason: NonEmptyString })

export const ApplicationCommand = t.union([SubmitApplication, WithdrawApplication, DeclineApplication])
export type ApplicationCommand = t.TypeOf<typeof ApplicationCommand>
export type ApplicationCommandInput = t.OutputOf<typeof ApplicationCommand>
