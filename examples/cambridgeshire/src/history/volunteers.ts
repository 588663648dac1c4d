/**
 * Volunteers: the roles the 2016 report names, and a modelled year of volunteering in each district.
 *
 * From the report: breastfeeding peer supporters with accredited training, health-walk leaders,
 * workplace health champions and school mentors (150+ trained in 2015/16, 500+ overall), and Time
 * Credits. Modelled, and named so wherever shown: every person ("Volunteer 01 (modelled)", with a
 * fictional e-mail and an Ofcom drama-range phone number, all encrypted as personal data), their
 * checks, training, placements, hours and credits. The roles are kept by the county council's public
 * health team, which served both councils' areas in 2016; the role details (DBS level, training,
 * supervision) are modelled on what each kind of role needs.
 */
import { lsoa2021Centroids } from '@civic-ledger/areas'
import {
  earnings,
  gifts,
  hours,
  placements,
  SAFEGUARDING_OFFICER,
  timeCredits,
  timesheets,
  VOLUNTEER,
  VOLUNTEER_COORDINATOR,
  volunteerRoles,
  volunteers,
} from '@civic-ledger/volunteers'

import type { Actor, StepTools, Timeline } from './timeline'

const coordinator: Actor = { id: 'volunteer-coordinator-1', organisation: 'GB-LAE-CAM', role: VOLUNTEER_COORDINATOR }
const safeguarding: Actor = { id: 'safeguarding-officer-1', organisation: 'GB-LAE-CAM', role: SAFEGUARDING_OFFICER }
const asVolunteer = (volunteerId: string): Actor => ({ id: volunteerId, organisation: 'GB-LAE-CAM', role: VOLUNTEER })

/** The six districts, by GSS code, with their names. */
export const DISTRICTS = [
  ['E07000008', 'Cambridge'],
  ['E07000009', 'East Cambridgeshire'],
  ['E07000010', 'Fenland'],
  ['E07000011', 'Huntingdonshire'],
  ['E07000012', 'South Cambridgeshire'],
  ['E06000031', 'Peterborough'],
] as const

interface RoleSpec {
  readonly roleId: string
  readonly title: string
  readonly regulatedActivity: 'children' | 'adults' | 'both' | 'none'
  readonly dbsLevel: 'none' | 'basic' | 'standard' | 'enhanced' | 'enhanced-barred'
  readonly minimumAge: number
  readonly training: ReadonlyArray<{
    readonly course: string
    readonly validForMonths?: number
    readonly accreditation?: string
  }>
  readonly supervision: string
  /** How many volunteers each district has in the role. */
  readonly perDistrict: number
}

export const ROLES: ReadonlyArray<RoleSpec> = [
  {
    roleId: 'breastfeeding-peer-supporter',
    title: 'Breastfeeding peer supporter',
    regulatedActivity: 'none',
    dbsLevel: 'enhanced',
    minimumAge: 18,
    training: [{ course: 'Breastfeeding peer support', validForMonths: 36, accreditation: 'accredited course' }],
    supervision: 'monthly with the infant feeding lead',
    perDistrict: 1,
  },
  {
    roleId: 'health-walk-leader',
    title: 'Health walk leader',
    regulatedActivity: 'none',
    dbsLevel: 'none',
    minimumAge: 18,
    training: [{ course: 'Walk leader training', validForMonths: 36 }],
    supervision: 'quarterly with the walks co-ordinator',
    perDistrict: 1,
  },
  {
    roleId: 'workplace-health-champion',
    title: 'Workplace health champion',
    regulatedActivity: 'none',
    dbsLevel: 'none',
    minimumAge: 16,
    training: [{ course: 'Health champion training' }],
    supervision: 'by the workplace health lead',
    perDistrict: 1,
  },
  {
    roleId: 'school-mentor',
    title: 'School mentor',
    regulatedActivity: 'children',
    dbsLevel: 'enhanced-barred',
    minimumAge: 18,
    training: [
      { course: 'Mentor training', validForMonths: 36 },
      { course: 'Safeguarding children', validForMonths: 36 },
    ],
    supervision: 'weekly with the school',
    perDistrict: 2,
  },
]

export interface VolunteerSpec {
  readonly volunteerId: string
  readonly n: number
  readonly district: string
  readonly districtName: string
  readonly role: RoleSpec
}

/** Every modelled volunteer: district by district, role by role. */
export const VOLUNTEERS: ReadonlyArray<VolunteerSpec> = (() => {
  const out: VolunteerSpec[] = []
  for (const [district, districtName] of DISTRICTS)
    for (const role of ROLES)
      for (let k = 0; k < role.perDistrict; k++) {
        const n = out.length + 1
        out.push({ volunteerId: `vol-${String(n).padStart(2, '0')}`, n, district, districtName, role })
      }
  return out
})()

/** The months hours are logged for, each entry on the month's last working day (modelled). */
export const HOURS_MONTHS = ['2016-05', '2016-06', '2016-07', '2016-08', '2016-09', '2016-10', '2016-11'] as const

const pad = (n: number): string => String(n).padStart(2, '0')
const lastDay = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`
}
const addMonthsTo = (day: string, months: number): string => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1 + months, d))
  return date.toISOString().slice(0, 10)
}

/** A volunteer's hours in a month: modelled, between 2 and 9.5, and the same on every run. */
export const hoursOf = (v: VolunteerSpec, monthIndex: number): number => 2 + ((v.n * 7 + monthIndex * 3) % 16) / 2

const areaOf = (v: VolunteerSpec) => ({ code: v.district, type: 'district', vintage: '2019' })

/** The entry the coordinator rejects, and the one corrected: to show both on record. */
export const REJECTED = { volunteerId: 'vol-03', month: '2016-07' }
export const CORRECTED = { volunteerId: 'vol-08', month: '2016-08', hours: 3 }
/** The peer supporter whose check is not clear, and is accepted on a risk assessment. */
const RISK_ASSESSED = 'vol-01'

/** A step that does the same for every volunteer, in order. */
const eachVolunteer = (
  timeline: Timeline,
  day: string,
  label: string,
  each: (v: VolunteerSpec, send: StepTools) => Promise<void>,
) =>
  timeline.at(day, label, async (s) => {
    for (const v of VOLUNTEERS) await each(v, s)
  })

const roles = (timeline: Timeline): void => {
  timeline.at('2016-02-01', 'the volunteer roles', async (s) => {
    for (const r of ROLES)
      await s.execute(
        volunteerRoles,
        {
          type: 'DefineRole',
          roleId: r.roleId,
          title: r.title,
          organisation: 'GB-LAE-CAM',
          regulatedActivity: r.regulatedActivity,
          dbsLevel: r.dbsLevel,
          minimumAge: r.minimumAge,
          training: r.training,
          supervision: r.supervision,
        },
        coordinator,
      )
  })
}

const joining = (timeline: Timeline): void => {
  const homes = new Map<string, string>()
  for (const l of lsoa2021Centroids()) if (!homes.has(l.district)) homes.set(l.district, l.code)
  const step = (day: string, label: string, each: Parameters<typeof eachVolunteer>[3]) =>
    eachVolunteer(timeline, day, label, each)

  step('2016-02-15', 'volunteers apply (modelled people)', async (v, s) => {
    await s.execute(
      volunteers,
      {
        type: 'Apply',
        volunteerId: v.volunteerId,
        on: s.day,
        name: `Volunteer ${pad(v.n)} (modelled)`,
        email: `${v.volunteerId}@example.org`,
        phone: `07700 900${String(v.n).padStart(3, '0')}`,
        dateOfBirth: `${1958 + ((v.n * 5) % 40)}-${pad(1 + (v.n % 12))}-${pad(1 + (v.n % 28))}`,
        homeLsoa: homes.get(v.district) ?? v.district,
      },
      coordinator,
    )
  })
  step('2016-02-22', 'references', async (v, s) => {
    await s.execute(
      volunteers,
      {
        type: 'RecordReference',
        volunteerId: v.volunteerId,
        on: s.day,
        refereeName: `Referee of volunteer ${pad(v.n)} (modelled)`,
        outcome: 'satisfactory',
      },
      coordinator,
    )
  })
  step('2016-02-29', 'approvals', async (v, s) => {
    await s.execute(volunteers, { type: 'Approve', volunteerId: v.volunteerId, on: s.day }, coordinator)
  })
  step('2016-03-14', 'DBS checks, where the role needs one', async (v, s) => {
    if (v.role.dbsLevel === 'none') return
    const notClear = v.volunteerId === RISK_ASSESSED
    await s.execute(
      volunteers,
      {
        type: 'RecordDbsCheck',
        volunteerId: v.volunteerId,
        on: s.day,
        checkId: `dbs-${v.volunteerId}`,
        certificateNumber: `0016${String(v.n).padStart(8, '0')}`,
        level: v.role.dbsLevel,
        issuedOn: '2016-03-07',
        clear: !notClear,
        updateService: v.n % 2 === 0,
        decision: notClear ? 'awaiting-assessment' : 'accepted',
        ...(v.role.dbsLevel === 'enhanced-barred' ? { barredLists: 'children' } : {}),
      },
      safeguarding,
    )
    if (notClear)
      await s.execute(
        volunteers,
        {
          type: 'RecordRiskAssessment',
          volunteerId: v.volunteerId,
          on: s.day,
          checkId: `dbs-${v.volunteerId}`,
          assessor: safeguarding.id,
          summary: 'An old, unrelated conviction; no risk to the people supported (modelled)',
          outcome: 'accepted',
        },
        safeguarding,
      )
  })
  step('2016-03-21', 'training', async (v, s) => {
    for (const course of v.role.training)
      await s.execute(
        volunteers,
        {
          type: 'CompleteTraining',
          volunteerId: v.volunteerId,
          on: s.day,
          course: course.course,
          completedOn: s.day,
          ...(course.validForMonths === undefined ? {} : { expiresOn: addMonthsTo(s.day, course.validForMonths) }),
          ...(course.accreditation === undefined ? {} : { accreditation: course.accreditation }),
        },
        coordinator,
      )
  })
  step('2016-04-04', 'placements, each in the volunteer’s district', async (v, s) => {
    await s.decide(
      placements,
      {
        type: 'Place',
        volunteerId: v.volunteerId,
        roleId: v.role.roleId,
        placementId: `${v.volunteerId}-${v.role.roleId}`,
        area: areaOf(v),
        startsOn: s.day,
        on: s.day,
      },
      coordinator,
    )
  })
}

const hoursAndCredits = (timeline: Timeline): void => {
  const step = (day: string, label: string, each: Parameters<typeof eachVolunteer>[3]) =>
    eachVolunteer(timeline, day, label, each)
  HOURS_MONTHS.forEach((month, i) => {
    const day = lastDay(month)
    step(day, `hours for ${month} (modelled)`, async (v, s) => {
      await s.decide(
        hours,
        {
          type: 'LogHours',
          volunteerId: v.volunteerId,
          placementId: `${v.volunteerId}-${v.role.roleId}`,
          entryId: `${v.volunteerId}-${month}`,
          date: day,
          hours: hoursOf(v, i),
          area: areaOf(v),
          on: s.day,
        },
        asVolunteer(v.volunteerId),
      )
    })
    const checked = addMonthsTo(`${month}-07`, 1)
    step(checked, `hours for ${month} verified, and Time Credits earned`, async (v, s) => {
      const entryId = `${v.volunteerId}-${month}`
      if (v.volunteerId === REJECTED.volunteerId && month === REJECTED.month) {
        await s.execute(
          timesheets,
          {
            type: 'RejectHours',
            volunteerId: v.volunteerId,
            entryId,
            on: s.day,
            reason: 'logged against the wrong walk (modelled)',
          },
          coordinator,
        )
        return
      }
      if (v.volunteerId === CORRECTED.volunteerId && month === CORRECTED.month)
        await s.execute(
          timesheets,
          {
            type: 'CorrectHours',
            volunteerId: v.volunteerId,
            entryId,
            hours: CORRECTED.hours,
            on: s.day,
            reason: 'the session was cut short (modelled)',
          },
          coordinator,
        )
      await s.execute(timesheets, { type: 'VerifyHours', volunteerId: v.volunteerId, entryId, on: s.day }, coordinator)
      await s.decide(earnings, { type: 'EarnCredits', volunteerId: v.volunteerId, entryId, on: s.day }, coordinator)
    })
  })

  timeline.at('2016-12-12', 'Time Credits spent, given to a community pot and gifted', async (s) => {
    for (const v of VOLUNTEERS.filter((x) => x.n % 3 === 0))
      await s.execute(
        timeCredits,
        {
          type: 'SpendCredits',
          volunteerId: v.volunteerId,
          credits: 4,
          on: s.day,
          at: 'a swim at a local leisure centre (modelled)',
        },
        coordinator,
      )
    for (const v of VOLUNTEERS.filter((x) => x.district === 'E07000010'))
      await s.execute(
        timeCredits,
        { type: 'DonateCredits', volunteerId: v.volunteerId, credits: 2, on: s.day, potId: 'fenland-community-pot' },
        coordinator,
      )
    await s.decide(
      gifts,
      { type: 'GiftCredits', volunteerId: 'vol-02', to: 'vol-07', credits: 3, on: s.day },
      coordinator,
    )
  })
}

export const volunteersHistory = (timeline: Timeline): void => {
  roles(timeline)
  joining(timeline)
  hoursAndCredits(timeline)
}
