/**
 * Agreeing a delivery plan for a service delivery area: a decision across the plan and the scheme.
 * The version named must be published (not a draft, not superseded), and the area one of the
 * scheme's; each priority has a distinct id and a lead organisation. The scheme is read, never
 * written, and every report on the plan can name the version it was drawn from.
 */
import { AreaId, SchemeId, SchemeVersionNumber, serviceDeliveryAreaSchemes } from '@civic-ledger/areas'
import { defineDecision, duplicates, IsoDate, NonEmptyString, reject, streamOf } from '@civic-ledger/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

import { deliveryPlans } from '../delivery-plan/aggregate'
import type { DeliveryPlanEvent } from '../delivery-plan/events'
import { DeliveryPlanAgreed } from '../delivery-plan/events'
import { ItemId, OrgId, PlanId } from '../ids'

/** The codec of the `AgreeDeliveryPlan` command of the `deliveryPlanAgreements` decision. */
export const AgreeDeliveryPlanCommand = t.readonly(
  t.type({
    type: t.literal('AgreeDeliveryPlan'),
    planId: PlanId,
    schemeId: SchemeId,
    schemeVersion: SchemeVersionNumber,
    areaId: AreaId,
    title: NonEmptyString,
    priorities: t.readonlyArray(t.readonly(t.type({ priorityId: ItemId, description: NonEmptyString, lead: OrgId }))),
    on: IsoDate,
  }),
)
/** The `AgreeDeliveryPlan` command of the `deliveryPlanAgreements` decision, as decoded. */
export type AgreeDeliveryPlanCommand = t.TypeOf<typeof AgreeDeliveryPlanCommand>
/** The `AgreeDeliveryPlan` command as an app sends it to `ledger.decide`, before decoding. */
export type AgreeDeliveryPlanCommandInput = t.OutputOf<typeof AgreeDeliveryPlanCommand>

/**
 * The `deliveryPlanAgreements` decision: agrees a delivery plan for an area of a published scheme version.
 */
export const deliveryPlanAgreements = defineDecision({
  context: 'partnerships',
  name: 'delivery-plan-agreements',
  commands: AgreeDeliveryPlanCommand,
  streams: (c: AgreeDeliveryPlanCommand) => ({
    plan: streamOf(deliveryPlans, c.planId),
    scheme: streamOf(serviceDeliveryAreaSchemes, c.schemeId),
  }),
  decide: (c, { plan, scheme }) => {
    if (plan.status !== 'none') return reject('plan-exists', `delivery plan ${c.planId} is agreed already`)
    const version = scheme.versions.find((v) => v.version === c.schemeVersion)
    if (!scheme.defined || version === undefined)
      return reject('unknown-scheme-version', `scheme ${c.schemeId} has no version ${c.schemeVersion}`)
    if (version.status !== 'published')
      return reject(
        'scheme-not-published',
        `version ${c.schemeVersion} of ${c.schemeId} is ${version.status}, not published`,
      )
    if (!scheme.areas.some((a) => a.areaId === c.areaId))
      return reject('area-not-in-scheme', `scheme ${c.schemeId} has no area ${c.areaId}`)
    if (c.priorities.length === 0) return reject('invalid-plan', 'a delivery plan has at least one priority')
    const twice = duplicates(c.priorities.map((p) => p.priorityId))
    if (twice.length > 0) return reject('invalid-plan', `a priority id is used twice: ${twice.join(', ')}`)
    const agreed: DeliveryPlanEvent = DeliveryPlanAgreed.create({
      planId: c.planId,
      schemeId: c.schemeId,
      schemeVersion: c.schemeVersion,
      areaId: c.areaId,
      title: c.title,
      priorities: c.priorities.map((p) => ({ priorityId: p.priorityId, description: p.description, lead: p.lead })),
      agreedOn: c.on,
    })
    return E.right({ plan: [agreed] })
  },
})
