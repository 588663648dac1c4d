/**
 * A small aggregate and projection with personal data, for proving erasure on a store: volunteers
 * apply with a name, an email, a phone number and a date of birth (all `personal`), and a roster
 * projection keeps each volunteer's name until the volunteer is erased.
 */
import type { Erased, EventsOf } from '@civic-ledger/core'
import {
  accept,
  defineAggregate,
  defineCollection,
  defineEvent,
  defineProjection,
  eventCatalog,
  isErased,
  IsoDate,
  NonEmptyString,
  personal,
  reject,
} from '@civic-ledger/core'
import * as t from 'io-ts'

/** A volunteer applied: a name, email, phone and date of birth, each `personal`, keyed on `volunteerId`. */
export const VolunteerApplied = defineEvent({
  type: 'volunteers.VolunteerApplied',
  subject: 'volunteerId',
  codec: t.readonly(
    t.type({
      volunteerId: NonEmptyString,
      name: personal(NonEmptyString),
      email: personal(t.string),
      phone: personal(t.string),
      dateOfBirth: personal(IsoDate),
      role: t.string,
    }),
  ),
})
type Event = EventsOf<[typeof VolunteerApplied]>

/** An applicant as folded: their name, or `Erased` once they are erased. */
export interface ApplicantState {
  readonly name?: string | Erased
}

const Apply = t.type({
  type: t.literal('Apply'),
  volunteerId: NonEmptyString,
  name: NonEmptyString,
  email: t.string,
  phone: t.string,
  dateOfBirth: IsoDate,
})

/**
 * The applicant aggregate (`volunteers.applicant-<id>`): one `Apply` command, recording `VolunteerApplied`.
 */
export const applicants = defineAggregate({
  context: 'volunteers',
  name: 'applicant',
  commands: Apply,
  events: eventCatalog(VolunteerApplied),
  id: (c) => c.volunteerId,
  decider: {
    initialState: {},
    evolve: (_s: ApplicantState, e: Event): ApplicantState => ({ name: e.data.name }),
    decide: (c: t.TypeOf<typeof Apply>, s: ApplicantState) =>
      s.name !== undefined && !isErased(s.name)
        ? reject('already-applied', `${c.volunteerId} has applied already`)
        : accept<Event>(
            VolunteerApplied.create({
              volunteerId: c.volunteerId,
              name: c.name,
              email: c.email,
              phone: c.phone,
              dateOfBirth: c.dateOfBirth,
              role: 'health-walk-leader',
            }),
          ),
  },
})

/** The plain text an applicant's command carries, to search stored bytes for. */
export const applicantSecrets = (n: number) => ({
  name: `Applicant Number${n} Surname`,
  email: `applicant.${n}@example.org`,
  phone: `07700 9${String(n).padStart(5, '0')}`,
  dateOfBirth: `19${String(50 + (n % 40))}-0${1 + (n % 9)}-1${n % 9}`,
})

/** The `Apply` command of applicant `n`, with `applicantSecrets(n)` as its personal data. */
export const applyCommand = (n: number) => ({ type: 'Apply', volunteerId: `v-${n}`, ...applicantSecrets(n) })

/** The roster: each volunteer's name and role, by volunteer id. */
export const roster = defineCollection<{ readonly name: string; readonly role: string }>('roster')

/** Keeps the roster from `VolunteerApplied`, and deletes a volunteer's row when they are erased. */
export const rosterProjection = defineProjection({
  name: 'roster',
  version: 1,
  events: [VolunteerApplied],
  collections: [roster],
  apply: async (e, ctx) => {
    await ctx.collection(roster).put(e.data.volunteerId, {
      name: isErased(e.data.name) ? '(erased)' : e.data.name,
      role: e.data.role,
    })
  },
  erase: async (subject, ctx) => {
    await ctx.collection(roster).delete(subject)
  },
})
