/**
 * Dissolving an organisation into a successor that takes on its work (a CCG into an ICB): a decision
 * across both records. The successor must be registered and active, and not the organisation itself;
 * the dissolution names the successor and the successor records its predecessor, together.
 */
import { defineDecision, IsoDate, NonEmptyString, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { OrgId } from '../ids'
import { organisations } from '../organisation/aggregate'
import { activeProblem } from '../organisation/decide'
import type { OrganisationEvent } from '../organisation/events'
import { OrganisationDissolved, PredecessorRecorded } from '../organisation/events'

/** The codec of the `DissolveInto` command of the `successions` decision. */
export const DissolveIntoCommand = t.readonly(
  t.type({ type: t.literal('DissolveInto'), orgId: OrgId, successor: OrgId, on: IsoDate, reason: NonEmptyString }),
)
/** The `DissolveInto` command of the `successions` decision, as decoded. */
export type DissolveIntoCommand = t.TypeOf<typeof DissolveIntoCommand>
/** The `DissolveInto` command as an app sends it to `ledger.decide`, before decoding. */
export type DissolveIntoCommandInput = t.OutputOf<typeof DissolveIntoCommand>

/** The `successions` decision: dissolves an organisation into an active successor, recorded on both. */
export const successions = defineDecision({
  context: 'partnerships',
  name: 'successions',
  commands: DissolveIntoCommand,
  streams: (c: DissolveIntoCommand) => ({
    organisation: streamOf(organisations, c.orgId),
    successor: streamOf(organisations, c.successor),
  }),
  decide: (c, { organisation, successor }) => {
    if ((c.orgId as string) === (c.successor as string))
      return reject('invalid-successor', 'an organisation cannot succeed itself')
    const problem = activeProblem(c.orgId, organisation) ?? activeProblem(c.successor, successor)
    if (problem !== undefined) return reject(problem.code, problem.message)
    const dissolved: OrganisationEvent = OrganisationDissolved.create({
      orgId: c.orgId,
      on: c.on,
      reason: c.reason,
      successor: c.successor,
    })
    const recorded: OrganisationEvent = PredecessorRecorded.create({
      orgId: c.successor,
      predecessor: c.orgId,
      on: c.on,
    })
    return E.right({ organisation: [dissolved], successor: [recorded] })
  },
})
