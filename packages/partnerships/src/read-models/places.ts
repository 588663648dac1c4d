/** Place-based work by service delivery area: the posts covering each area, filled or vacant, and its delivery plans. */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import { DeliveryPlanAgreed, DeliveryPlanClosed, ProgressRecorded } from '../delivery-plan/events'
import { PostDefined, PostFilled, PostVacated } from '../post/events'

/** A document of the `posts` collection of the `place-coverage` read model. */
export interface PostDoc {
  readonly postId: string
  readonly title: string
  readonly employer: string
  readonly schemeId: string
  readonly areaId: string
  readonly pcn: string | null
  readonly filledSince: string | null
}
/** A document of the `plans` collection of the `place-coverage` read model. */
export interface PlanDoc {
  readonly planId: string
  readonly schemeId: string
  readonly schemeVersion: number
  readonly areaId: string
  readonly title: string
  readonly priorities: ReadonlyArray<{
    readonly priorityId: string
    readonly description: string
    readonly lead: string
  }>
  readonly agreedOn: string
  readonly lastProgressOn: string | null
  readonly status: 'agreed' | 'closed'
}
/**
 * The `posts` collection of `place-coverage`: each post, the area (or PCN) of the scheme it covers,
 * and who fills it.
 */
export const postDocs = defineCollection<PostDoc, 'schemeId'>('posts', { indexes: ['schemeId'] })
/** The `plans` collection of `place-coverage`: each delivery plan for an area of a scheme. */
export const planDocs = defineCollection<PlanDoc, 'schemeId'>('plans', { indexes: ['schemeId'] })

/** The `place-coverage` read model: the posts and delivery plans of each area of a scheme. */
export const placeCoverage = defineProjection({
  name: 'place-coverage',
  version: 1,
  events: [PostDefined, PostFilled, PostVacated, DeliveryPlanAgreed, ProgressRecorded, DeliveryPlanClosed],
  collections: [postDocs, planDocs],
  apply: async (e, ctx) => {
    const postsOf = ctx.collection(postDocs)
    const plansOf = ctx.collection(planDocs)
    switch (e.type) {
      case 'partnerships.PostDefined': {
        const { postId, title, employer, schemeId, areaId, pcn } = e.data
        return postsOf.put(postId, { postId, title, employer, schemeId, areaId, pcn: pcn ?? null, filledSince: null })
      }
      case 'partnerships.PostFilled':
      case 'partnerships.PostVacated': {
        const post = await postsOf.get(e.data.postId)
        if (post === undefined) return
        return postsOf.put(post.postId, {
          ...post,
          filledSince: e.type === 'partnerships.PostFilled' ? e.data.from : null,
        })
      }
      case 'partnerships.DeliveryPlanAgreed': {
        const { planId, schemeId, schemeVersion, areaId, title, priorities, agreedOn } = e.data
        return plansOf.put(planId, {
          planId,
          schemeId,
          schemeVersion,
          areaId,
          title,
          priorities,
          agreedOn,
          lastProgressOn: null,
          status: 'agreed',
        })
      }
      case 'partnerships.ProgressRecorded':
      case 'partnerships.DeliveryPlanClosed': {
        const plan = await plansOf.get(e.data.planId)
        if (plan === undefined) return
        return plansOf.put(
          plan.planId,
          e.type === 'partnerships.ProgressRecorded'
            ? { ...plan, lastProgressOn: e.data.on }
            : { ...plan, status: 'closed' },
        )
      }
    }
  },
})
