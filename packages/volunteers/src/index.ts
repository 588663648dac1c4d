/**
 * `@civic-ledger/volunteers`: roles, volunteers, safeguarding, placements, hours and time credits,
 * with personal data encrypted per person and erasable.
 */
export type { CreditCommandInput, CreditEvent, CreditState } from './credits'
export {
  CreditCommand,
  creditEvents,
  CreditsAdjusted,
  CreditsEarned,
  CreditsGifted,
  CreditsSpent,
  earnCredits,
  timeCredits,
} from './credits'
export type { EarnCreditsCommandInput } from './earnings'
export { EarnCreditsCommand, earnings } from './earnings'
export type { LogHoursCommandInput } from './hours'
export { hours, LogHoursCommand } from './hours'
export type { PlaceCommandInput } from './placement'
export { PlaceCommand, placements } from './placement'
export { SAFEGUARDING_OFFICER, VOLUNTEER, VOLUNTEER_COORDINATOR, VOLUNTEER_MANAGER, volunteersPolicy } from './policy'
export type {
  ActiveDoc,
  BalanceDoc,
  ComplianceDoc,
  ComplianceReport,
  EntryDoc,
  HoursBucketDoc,
  PublicHoursRow,
} from './read-models'
export {
  activeDocs,
  activeVolunteers,
  balanceDocs,
  complianceDocs,
  createVolunteerQueries,
  entryDocs,
  hoursBuckets,
  safeguardingCompliance,
  SMALL_COUNT,
  timeCreditBalances,
  volunteerHours,
  volunteersPlugin,
} from './read-models'
export type { RoleEvent, RoleState } from './role'
export {
  RegulatedActivity,
  RoleCommand,
  RoleDefined,
  RoleDefinition,
  roleEvents,
  roleProblems,
  RoleRetired,
  volunteerRoles,
} from './role'
export type { DbsCheckRecord, TrainingRecord } from './safeguarding'
export { ageOn, DBS_RENEWAL_MONTHS, DbsLevel, dbsProblem, levelCovers, trainingGaps } from './safeguarding'
export type {
  Entry,
  HoursEntry,
  PlacementDates,
  TimesheetCommandInput,
  TimesheetEvent,
  TimesheetState,
} from './timesheet'
export {
  HoursCorrected,
  HoursLogged,
  hoursProblem,
  HoursRejected,
  HoursVerified,
  logHours,
  TimesheetCommand,
  timesheetEvents,
  timesheets,
} from './timesheet'
export type { Placement, VolunteerCommandInput, VolunteerEvent, VolunteerState } from './volunteer'
export {
  ConsentRecorded,
  DBS_DETAILS_MONTHS,
  DbsCheckRecorded,
  DbsDetailsPurged,
  GuardianConsentRecorded,
  initialVolunteer,
  PlacementEnded,
  placementProblems,
  PlacementRole,
  purgeDbsDetails,
  ReferenceRecorded,
  TrainingCompleted,
  VolunteerApplied,
  VolunteerApproved,
  VolunteerCommand,
  volunteerEvents,
  VolunteerPlaced,
  VolunteerReinstated,
  VolunteerRejected,
  volunteers,
  VolunteerSuspended,
} from './volunteer'
