/**
 * A plug-in module as an integrator would ship one: it exports `plugin`. Loaded by path in
 * `projection-runner.test.ts`.
 */
import * as t from 'io-ts'

import { defineEvent } from '../events/event'
import { defineCollection } from '../port/read-model'
import { defineProjection } from '../projections/projection'
import { definePlugin } from './plugin'

export const HoursLogged = defineEvent({
  type: 'volunteers.HoursLogged',
  codec: t.type({ volunteerId: t.string, hours: t.number }),
})

export const hoursByVolunteer = defineCollection<{ readonly hours: number }>('hours-by-volunteer')

export const plugin = definePlugin({
  name: 'volunteer-hours',
  events: [HoursLogged],
  projections: [
    defineProjection({
      name: 'volunteer-hours',
      version: 1,
      events: [HoursLogged],
      collections: [hoursByVolunteer],
      apply: async (event, ctx) => {
        const docs = ctx.collection(hoursByVolunteer)
        const current = (await docs.get(event.data.volunteerId))?.hours ?? 0
        await docs.put(event.data.volunteerId, { hours: current + event.data.hours })
      },
    }),
  ],
})
