/**
 * The programme tracker: each programme's themes and workstreams, every action with its owner, due
 * date and status, every milestone.
 */
import { defineCollection, defineProjection } from '@civic-ledger/core'

import {
  ActionPlanned,
  ActionUpdated,
  MilestoneReached,
  MilestoneSet,
  ThemeAdded,
  WorkstreamAdded,
} from '../programme/events'

/** A document of the `actions` collection of the `programme-tracker` read model. */
export interface ActionDoc {
  readonly programmeId: string
  readonly actionId: string
  readonly workstreamId: string
  readonly description: string
  readonly owner: string
  readonly due: string
  readonly status: string
}
/** A document of the `milestones` collection of the `programme-tracker` read model. */
export interface MilestoneDoc {
  readonly programmeId: string
  readonly milestoneId: string
  readonly workstreamId: string
  readonly description: string
  readonly due: string
  readonly reachedOn: string | null
}
/** A document of the `workstreams` collection of the `programme-tracker` read model. */
export interface WorkstreamDoc {
  readonly programmeId: string
  readonly workstreamId: string
  readonly name: string
  readonly lead: string
  readonly themeIds: ReadonlyArray<string>
}
/** A document of the `themes` collection of the `programme-tracker` read model. */
export interface ThemeDoc {
  readonly programmeId: string
  readonly themeId: string
  readonly name: string
}
/** The `themes` collection of `programme-tracker`: each programme's themes. */
export const themeDocs = defineCollection<ThemeDoc, 'programmeId'>('themes', { indexes: ['programmeId'] })
/** The `actions` collection of `programme-tracker`: every action with its owner, due date and status. */
export const actionDocs = defineCollection<ActionDoc, 'owner' | 'programmeId'>('actions', {
  indexes: ['owner', 'programmeId'],
})
/** The `milestones` collection of `programme-tracker`: every milestone of a programme. */
export const milestoneDocs = defineCollection<MilestoneDoc, 'programmeId'>('milestones', { indexes: ['programmeId'] })
/** The `workstreams` collection of `programme-tracker`: each programme's workstreams. */
export const workstreamDocs = defineCollection<WorkstreamDoc, 'programmeId'>('workstreams', {
  indexes: ['programmeId'],
})

/** The `programme-tracker` read model: themes, workstreams, actions and milestones of each programme. */
export const programmeTracker = defineProjection({
  name: 'programme-tracker',
  version: 2,
  events: [ThemeAdded, WorkstreamAdded, ActionPlanned, ActionUpdated, MilestoneSet, MilestoneReached],
  collections: [themeDocs, actionDocs, milestoneDocs, workstreamDocs],
  apply: async (e, ctx) => {
    switch (e.type) {
      case 'partnerships.ThemeAdded': {
        const { programmeId, themeId, name } = e.data
        return ctx.collection(themeDocs).put(`${programmeId}/${themeId}`, { programmeId, themeId, name })
      }
      case 'partnerships.WorkstreamAdded': {
        const { programmeId, workstreamId, name, lead, themeIds } = e.data
        return ctx
          .collection(workstreamDocs)
          .put(`${programmeId}/${workstreamId}`, { programmeId, workstreamId, name, lead, themeIds })
      }
      case 'partnerships.ActionPlanned': {
        const { programmeId, actionId, workstreamId, description, owner, due } = e.data
        return ctx.collection(actionDocs).put(`${programmeId}/${actionId}`, {
          programmeId,
          actionId,
          workstreamId,
          description,
          owner,
          due,
          status: 'not-started',
        })
      }
      case 'partnerships.ActionUpdated': {
        const actions = ctx.collection(actionDocs)
        const key = `${e.data.programmeId}/${e.data.actionId}`
        const before = await actions.get(key)
        return before === undefined ? undefined : actions.put(key, { ...before, status: e.data.status })
      }
      case 'partnerships.MilestoneSet': {
        const { programmeId, milestoneId, workstreamId, description, due } = e.data
        return ctx.collection(milestoneDocs).put(`${programmeId}/${milestoneId}`, {
          programmeId,
          milestoneId,
          workstreamId,
          description,
          due,
          reachedOn: null,
        })
      }
      case 'partnerships.MilestoneReached': {
        const milestones = ctx.collection(milestoneDocs)
        const key = `${e.data.programmeId}/${e.data.milestoneId}`
        const before = await milestones.get(key)
        return before === undefined ? undefined : milestones.put(key, { ...before, reachedOn: e.data.reachedOn })
      }
    }
  },
})
