/**
 * `@civic-ledger/volunteers`: roles, volunteers, safeguarding, placements, hours and time credits,
 * with personal data encrypted per person and erasable.
 */
export { DBS_RENEWAL_MONTHS, DbsLevel, ageOn, dbsProblem, levelCovers, trainingGaps } from './safeguarding'
export type { DbsCheckRecord, TrainingRecord } from './safeguarding'
export {
  RegulatedActivity,
  RoleCommand,
  RoleDefined,
  RoleDefinition,
  RoleRetired,
  roleEvents,
  roleProblems,
  volunteerRoles,
} from './role'
export type { RoleEvent, RoleState } from './role'
export {
  ConsentRecorded,
  DBS_DETAILS_MONTHS,
  DbsCheckRecorded,
  DbsDetailsPurged,
  GuardianConsentRecorded,
  PlacementEnded,
  ReferenceRecorded,
  TrainingCompleted,
  VolunteerApplied,
  VolunteerApproved,
  VolunteerCommand,
  VolunteerPlaced,
  VolunteerReinstated,
  VolunteerRejected,
  VolunteerSuspended,
  initialVolunteer,
  placementProblems,
  purgeDbsDetails,
  volunteerEvents,
  volunteers,
} from './volunteer'
export type { Placement, VolunteerCommandInput, VolunteerEvent, VolunteerState } from './volunteer'
export {
  HoursCorrected,
  HoursLogged,
  HoursRejected,
  HoursVerified,
  TimesheetCommand,
  hoursProblem,
  timesheetEvents,
  timesheets,
} from './timesheet'
export type { Entry, TimesheetCommandInput, TimesheetEvent, TimesheetState } from './timesheet'
export {
  CreditCommand,
  CreditsAdjusted,
  CreditsEarned,
  CreditsGifted,
  CreditsSpent,
  creditEvents,
  timeCredits,
} from './credits'
export type { CreditCommandInput, CreditEvent, CreditState } from './credits'
export {
  SMALL_COUNT,
  activeDocs,
  activeVolunteers,
  balanceDocs,
  complianceDocs,
  createVolunteerQueries,
  entryDocs,
  hoursBuckets,
  safeguardingCompliance,
  timeCreditBalances,
  volunteerHours,
  volunteersPlugin,
} from './read-models'
export type {
  ActiveDoc,
  BalanceDoc,
  ComplianceDoc,
  ComplianceReport,
  EntryDoc,
  HoursBucketDoc,
  PublicHoursRow,
} from './read-models'
export { SAFEGUARDING_OFFICER, VOLUNTEER, VOLUNTEER_COORDINATOR, VOLUNTEER_MANAGER, volunteersPolicy } from './policy'
