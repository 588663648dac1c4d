/**
 * Defining a place-based post: a decision across the post, the service delivery area scheme it
 * covers an area of, and the organisation that employs it. The area must be one of the scheme's, and
 * a PCN, when the post covers one (a link worker per PCN), one of that area's PCNs; the employer
 * must be registered and active. The scheme and the employer are read, never written.
 */
import { AreaCode, AreaId, SchemeId, serviceDeliveryAreaSchemes } from '@civic-ledger/areas'
import { defineDecision, IsoDate, NonEmptyString, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { OrgId, PostId } from '../ids'
import { organisations } from '../organisation/aggregate'
import { activeProblem } from '../organisation/decide'
import { posts } from '../post/aggregate'
import type { PostEvent } from '../post/events'
import { PostDefined } from '../post/events'

/** The codec of the `DefinePost` command of the `postDefinitions` decision. */
export const DefinePostCommand = t.readonly(
  t.intersection([
    t.type({
      type: t.literal('DefinePost'),
      postId: PostId,
      title: NonEmptyString,
      employer: OrgId,
      schemeId: SchemeId,
      areaId: AreaId,
      on: IsoDate,
    }),
    t.partial({ pcn: AreaCode }),
  ]),
)
/** The `DefinePost` command of the `postDefinitions` decision, as decoded. */
export type DefinePostCommand = t.TypeOf<typeof DefinePostCommand>
/** The `DefinePost` command as an app sends it to `ledger.decide`, before decoding. */
export type DefinePostCommandInput = t.OutputOf<typeof DefinePostCommand>

/**
 * The `postDefinitions` decision: defines a post for an area (or a PCN of it) of a scheme, with its employer.
 */
export const postDefinitions = defineDecision({
  context: 'partnerships',
  name: 'post-definitions',
  commands: DefinePostCommand,
  streams: (c: DefinePostCommand) => ({
    post: streamOf(posts, c.postId),
    scheme: streamOf(serviceDeliveryAreaSchemes, c.schemeId),
    employer: streamOf(organisations, c.employer),
  }),
  decide: (c, { post, scheme, employer }) => {
    if (post.status !== 'none') return reject('post-exists', `post ${c.postId} is defined already`)
    if (!scheme.defined) return reject('unknown-scheme', `service delivery area scheme ${c.schemeId} is not defined`)
    const area = scheme.areas.find((a) => a.areaId === c.areaId)
    if (area === undefined) return reject('area-not-in-scheme', `scheme ${c.schemeId} has no area ${c.areaId}`)
    if (c.pcn !== undefined && !area.pcns.some((p) => p.code === c.pcn))
      return reject('pcn-not-in-area', `${c.pcn} is not a PCN of ${c.areaId} in scheme ${c.schemeId}`)
    const problem = activeProblem(c.employer, employer)
    if (problem !== undefined) return reject(problem.code, problem.message)
    const defined: PostEvent = PostDefined.create({
      postId: c.postId,
      title: c.title,
      employer: c.employer,
      schemeId: c.schemeId,
      areaId: c.areaId,
      on: c.on,
      ...(c.pcn === undefined ? {} : { pcn: c.pcn }),
    })
    return E.right({ post: [defined] })
  },
})
