/**
 * `@civic-ledger/partnerships`: the organisations that work together, the boards they sit on, the
 * agreements they sign, and the programmes, pilots, delivery plans and posts the boards oversee.
 *
 * Layout (see docs/contexts.md): a folder per aggregate (`organisation/`, `board/`, `agreement/`,
 * `programme/`), `decisions/` for rules across streams, `rules/` for identifiers, `read-models/`,
 * `workflows/`, `ids.ts` and `policy.ts`.
 */
export { agreements } from './agreement/aggregate'
export type { AgreementCommandInput } from './agreement/commands'
export { AgreementCommand } from './agreement/commands'
export { dataSharingGaps } from './agreement/decide'
export type { AgreementEvent } from './agreement/events'
export {
  AgreementDrafted,
  agreementEvents,
  AgreementFinalised,
  AgreementInForce,
  AgreementKind,
  AgreementReviewed,
  AgreementSigned,
  AgreementTerminated,
  AgreementVaried,
  DataSharingTermsSet,
  LawfulBasis,
} from './agreement/events'
export type { AgreementRecord, AgreementState } from './agreement/state'
export { boards } from './board/aggregate'
export type { BoardCommandInput } from './board/commands'
export { BoardCommand } from './board/commands'
export type { BoardEvent } from './board/events'
export {
  BoardDefined,
  boardEvents,
  DecisionRecorded,
  MeetingHeld,
  MemberAdmitted,
  MemberWithdrawn,
  Position,
  ReportSubmitted,
  RepresentativeAppointed,
  RepresentativeStoodDown,
  SeatDefined,
  TermsOfReferenceAmended,
} from './board/events'
export type { ActiveBoard, BoardDefinition, BoardState, Representative, Seat } from './board/state'
export type { AdmitMemberCommandInput } from './decisions/admissions'
export { admissions, AdmitMemberCommand } from './decisions/admissions'
export type { AgreeDeliveryPlanCommandInput } from './decisions/delivery-plan-agreements'
export { AgreeDeliveryPlanCommand, deliveryPlanAgreements } from './decisions/delivery-plan-agreements'
export type { DefinePostCommandInput } from './decisions/post-definitions'
export { DefinePostCommand, postDefinitions } from './decisions/post-definitions'
export type { DissolveIntoCommandInput } from './decisions/successions'
export { DissolveIntoCommand, successions } from './decisions/successions'
export { deliveryPlans } from './delivery-plan/aggregate'
export type { DeliveryPlanCommandInput } from './delivery-plan/commands'
export { DeliveryPlanCommand } from './delivery-plan/commands'
export type { DeliveryPlanEvent } from './delivery-plan/events'
export {
  DeliveryPlanAgreed,
  DeliveryPlanClosed,
  deliveryPlanEvents,
  Priority,
  ProgressRecorded,
} from './delivery-plan/events'
export type { DeliveryPlanState } from './delivery-plan/state'
export type {
  AgreementIdBrand,
  BoardIdBrand,
  DecisionIdBrand,
  ItemIdBrand,
  MeetingIdBrand,
  OrgIdBrand,
  PlanIdBrand,
  PostIdBrand,
  ProgrammeIdBrand,
  RepresentativeIdBrand,
  SeatIdBrand,
} from './ids'
export {
  AgreementId,
  BoardId,
  DecisionId,
  ItemId,
  MeetingId,
  OrgId,
  PlanId,
  PostId,
  ProgrammeId,
  RepresentativeId,
  SeatId,
} from './ids'
export { organisations } from './organisation/aggregate'
export type { OrganisationCommandInput } from './organisation/commands'
export type { GssCodeBrand } from './organisation/commands'
export { GssCode, OrganisationCommand } from './organisation/commands'
export type { OrganisationEvent } from './organisation/events'
export {
  OrganisationDissolved,
  organisationEvents,
  OrganisationRegistered,
  OrganisationRenamed,
  OrganisationType,
  PredecessorRecorded,
} from './organisation/events'
export type { OrganisationState } from './organisation/state'
export {
  AUTHORISED_SIGNATORY,
  BOARD_SECRETARY,
  PARTNERSHIP_OFFICER,
  partnershipsPolicy,
  PROGRAMME_LEAD,
} from './policy'
export { posts } from './post/aggregate'
export type { PostCommandInput } from './post/commands'
export { PostCommand } from './post/commands'
export type { PostEvent } from './post/events'
export { PostDefined, postEvents, PostFilled, PostVacated } from './post/events'
export type { PostState } from './post/state'
export { programmes } from './programme/aggregate'
export type { ProgrammeCommandInput } from './programme/commands'
export { ProgrammeCommand } from './programme/commands'
export type { ProgrammeEvent } from './programme/events'
export {
  ActionPlanned,
  ActionStatus,
  ActionUpdated,
  LearningRecorded,
  MilestoneReached,
  MilestoneSet,
  PilotEnded,
  PilotStarted,
  ProgrammeDefined,
  programmeEvents,
  ThemeAdded,
  WorkstreamAdded,
} from './programme/events'
export type { ProgrammeRecord, ProgrammeState } from './programme/state'
export type { AgreementDoc } from './read-models/agreements'
export { agreementDocs, agreementStatus } from './read-models/agreements'
export type { PlanDoc, PostDoc } from './read-models/places'
export { placeCoverage, planDocs, postDocs } from './read-models/places'
export { partnershipsPlugin } from './read-models/plugin'
export type { ActionDoc, MilestoneDoc, ThemeDoc, WorkstreamDoc } from './read-models/programmes'
export { actionDocs, milestoneDocs, programmeTracker, themeDocs, workstreamDocs } from './read-models/programmes'
export type { BoardRegister, PartnershipQueries, ReportDue, ReviewDue } from './read-models/queries'
export type { AreaCoverage } from './read-models/queries'
export { createPartnershipQueries } from './read-models/queries'
export type { AppointmentDoc, BoardDoc, DecisionDoc, MembershipDoc, OrganisationDoc } from './read-models/register'
export {
  appointmentDocs,
  boardDocs,
  decisionDocs,
  membershipDocs,
  organisationDocs,
  partnershipRegister,
} from './read-models/register'
export { isLocalOrgId, ORG_ID_SCHEMES, orgIdProblem } from './rules/org-id'
export type { CouncilRow } from './workflows/councils'
export { councilRows, COUNCILS_FILE, PARTNERSHIPS_DATA_DIR, registerCouncils } from './workflows/councils'
