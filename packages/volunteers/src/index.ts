/**
 * `@civic-ledger/volunteers`: roles, volunteers, safeguarding, placements, hours and time credits,
 * with personal data encrypted per person and erasable.
 *
 * Layout: a folder per aggregate (`role/`, `volunteer/`, `timesheet/`, `credits/`, each with
 * `events.ts`, `commands.ts`, `state.ts`, `decide.ts` and `aggregate.ts`), `decisions/` for rules
 * across streams, `rules/` for the pure safeguarding and hours rules they share, `read-models/`,
 * `workflows/` for what calls the ledger, `ids.ts` and `policy.ts`.
 */
export { timeCredits } from './credits/aggregate'
export type { CreditCommandInput } from './credits/commands'
export { AdjustCredits, CreditCommand, DonateCredits, SpendCredits } from './credits/commands'
export { earnCredits, withdrawalProblem } from './credits/decide'
export type { CreditEvent } from './credits/events'
export {
  creditEvents,
  CreditsAdjusted,
  CreditsEarned,
  CreditsGifted,
  CreditsReceived,
  CreditsSpent,
} from './credits/events'
export type { CreditState } from './credits/state'
export type { EarnCreditsCommandInput } from './decisions/earnings'
export { EarnCreditsCommand, earnings } from './decisions/earnings'
export type { GiftCreditsCommandInput } from './decisions/gifts'
export { GiftCreditsCommand, gifts } from './decisions/gifts'
export type { LogHoursCommandInput } from './decisions/hours'
export { hours, LogHoursCommand } from './decisions/hours'
export type { PlaceCommandInput } from './decisions/placement'
export { PlaceCommand, placementProblems, placements } from './decisions/placement'
export type { CheckIdBrand, EntryIdBrand, PlacementIdBrand, PotIdBrand, RoleIdBrand, VolunteerIdBrand } from './ids'
export { CheckId, EntryId, PlacementId, PotId, RoleId, VolunteerId } from './ids'
export { SAFEGUARDING_OFFICER, VOLUNTEER, VOLUNTEER_COORDINATOR, VOLUNTEER_MANAGER, volunteersPolicy } from './policy'
export type { ActiveDoc } from './read-models/active'
export { activeDocs, activeVolunteers } from './read-models/active'
export type { BalanceDoc, PotDoc } from './read-models/balances'
export { balanceDocs, potDocs, timeCreditBalances } from './read-models/balances'
export type { ComplianceDoc } from './read-models/compliance'
export { complianceDocs, safeguardingCompliance } from './read-models/compliance'
export type { EntryDoc, HoursBucketDoc } from './read-models/hours'
export { entryDocs, hoursBuckets, volunteerHours } from './read-models/hours'
export { volunteersPlugin } from './read-models/plugin'
export type { ComplianceReport, PublicHoursRow } from './read-models/queries'
export { createVolunteerQueries, SMALL_COUNT } from './read-models/queries'
export { volunteerRoles } from './role/aggregate'
export type { RoleCommandInput } from './role/commands'
export { DefineRole, RetireRole, RoleCommand } from './role/commands'
export type { RoleRules } from './role/decide'
export { roleProblems } from './role/decide'
export type { RoleDefinition, RoleEvent } from './role/events'
export { RequiredCourse, RoleDefined, roleEvents, RoleRetired } from './role/events'
export type { RoleState } from './role/state'
export { DAILY_CAP, hoursProblem } from './rules/hours'
export type { DbsCheckRecord, DbsRequirement, TrainingRecord, TrainingRequirement } from './rules/safeguarding'
export {
  ageOn,
  DBS_RENEWAL_MONTHS,
  DbsDecision,
  DbsLevel,
  dbsProblem,
  dbsValidUntil,
  Group,
  groupCovers,
  levelCovers,
  RegulatedActivity,
  trainingGaps,
} from './rules/safeguarding'
export { timesheets } from './timesheet/aggregate'
export type { TimesheetCommandInput } from './timesheet/commands'
export { CorrectHours, RejectHours, TimesheetCommand, VerifyHours } from './timesheet/commands'
export type { HoursEntry, PlacementDates } from './timesheet/decide'
export { logHours } from './timesheet/decide'
export type { TimesheetEvent } from './timesheet/events'
export { HoursCorrected, HoursLogged, HoursRejected, HoursVerified, timesheetEvents } from './timesheet/events'
export type { Entry, TimesheetState } from './timesheet/state'
export { volunteers } from './volunteer/aggregate'
export type { VolunteerCommandInput } from './volunteer/commands'
export { VolunteerCommand } from './volunteer/commands'
export { DBS_DETAILS_MONTHS } from './volunteer/decide'
export type { PlacementRole, VolunteerEvent } from './volunteer/events'
export {
  ConsentRecorded,
  DbsCheckRecorded,
  DbsDetailsPurged,
  GuardianConsentRecorded,
  PlacementEnded,
  ReferenceRecorded,
  RiskAssessmentRecorded,
  TrainingCompleted,
  VolunteerApplied,
  VolunteerApproved,
  volunteerEvents,
  VolunteerPlaced,
  VolunteerReinstated,
  VolunteerRejected,
  VolunteerSuspended,
} from './volunteer/events'
export type { Placement, VolunteerState } from './volunteer/state'
export { initialVolunteer } from './volunteer/state'
export { purgeDbsDetails } from './workflows/purge-dbs-details'
