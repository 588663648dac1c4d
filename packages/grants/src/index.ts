/**
 * `@civic-ledger/grants`: funds, rounds, applications, awards, payments and monitoring, published as
 * 360Giving.
 *
 * Layout (see docs/contexts.md): a folder per aggregate (`fund/`, `application/`), `decisions/`
 * across an application and its fund (`drafts`, `submissions`, `awards`, `variations`,
 * `closures`), `rules/`, `read-models/`, `policy.ts`, `ids.ts`.
 */
export { applications } from './application/aggregate'
export type { ApplicationCommandInput } from './application/commands'
export {
  AcceptMonitoring,
  ApplicationCommand,
  ApprovePayment,
  AssignAssessor,
  CancelPayment,
  DeclareConflict,
  DeclineApplication,
  MakePayment,
  OfferGrant,
  RecordRepayment,
  RejectVariation,
  RequestVariation,
  RequireMonitoring,
  ReturnMonitoring,
  SchedulePayment,
  ScoreApplication,
  SignGrantAgreement,
  SubmitMonitoring,
  WithdrawApplication,
} from './application/commands'
export { isGrant, pendingVariation } from './application/decide'
export type { ApplicationEvent } from './application/events'
export type { PaymentKind, RequirementKind, Score } from './application/events'
export {
  AgreementSigned,
  ApplicationDeclined,
  ApplicationDrafted,
  applicationEvents,
  ApplicationScored,
  ApplicationSubmitted,
  ApplicationWithdrawn,
  AssessorAssigned,
  ConflictDeclared,
  GrantAwarded,
  GrantClosed,
  GrantOffered,
  MonitoringAccepted,
  MonitoringRequired,
  MonitoringReturned,
  MonitoringSubmitted,
  PaymentApproved,
  PaymentCancelled,
  PaymentMade,
  PaymentScheduled,
  RepaymentRecorded,
  VariationApproved,
  VariationRejected,
  VariationRequested,
} from './application/events'
export type {
  ApplicationRecord,
  ApplicationState,
  ApplicationStatus,
  Assessor,
  Payment,
  Requirement,
  Variation,
} from './application/state'
export { awaitingDecision, TERMINAL, unscheduled } from './application/state'
export { councillors } from './councillor/aggregate'
export type { CouncillorCommandInput } from './councillor/commands'
export { CouncillorCommand, EndTerm, RecordTerm, RegisterCouncillor } from './councillor/commands'
export type { CouncillorEvent } from './councillor/events'
export { councillorEvents, CouncillorRegistered, TermEnded, TermRecorded } from './councillor/events'
export type { CouncillorRecord, CouncillorState, Term } from './councillor/state'
export { covers, termOn } from './councillor/state'
export type { AwardGrantCommandInput } from './decisions/awards'
export { AwardGrantCommand, awards } from './decisions/awards'
export type { CloseGrantCommandInput } from './decisions/closures'
export { CloseGrantCommand, closures } from './decisions/closures'
export type { DraftApplicationCommandInput } from './decisions/drafts'
export { DraftApplicationCommand, drafts } from './decisions/drafts'
export type { SubmitApplicationCommandInput } from './decisions/submissions'
export { submissions, SubmitApplicationCommand } from './decisions/submissions'
export type { ApproveVariationCommandInput } from './decisions/variations'
export { ApproveVariationCommand, variations } from './decisions/variations'
export { funds } from './fund/aggregate'
export type { FundCommandInput } from './fund/commands'
export { AddStream, ChangeBudget, DefineFund, FundCommand, OpenRound } from './fund/commands'
export { limitsFor, limitsProblem } from './fund/decide'
export type { FundEvent } from './fund/events'
export {
  BudgetChanged,
  Eligibility,
  FundCommitted,
  FundDefined,
  fundEvents,
  FundReleased,
  Limits,
  RegrantType,
  RoundOpened,
  StreamAdded,
} from './fund/events'
export type { FundRecord, FundState, Round } from './fund/state'
export { remaining } from './fund/state'
export type { FundIdBrand, RoundIdBrand, StreamIdBrand } from './ids'
export type {
  ApplicationIdBrand,
  AssessorIdBrand,
  PaymentIdBrand,
  RepaymentIdBrand,
  RequirementIdBrand,
  VariationIdBrand,
} from './ids'
export type { CouncillorIdBrand } from './ids'
export {
  ApplicationId,
  AssessorId,
  FundId,
  PaymentId,
  RepaymentId,
  RequirementId,
  RoundId,
  StreamId,
  VariationId,
} from './ids'
export { CouncillorId, NO_COUNCILLOR } from './ids'
export { APPLICANT, ASSESSOR, FINANCE_OFFICER, GRANTS_OFFICER, grantsPolicy, PANEL_MEMBER } from './policy'
export type { AreaInfo, LocationProblem, ThreeSixtyGivingLocation } from './publishing/locations'
export { beneficiaryLocations, GEO_CODE_TYPES, geoCodeTypeOf, substitutes } from './publishing/locations'
export type { SchemeChoice } from './publishing/lookups'
export { areaLookup, exportThreeSixtyGiving, organisationLookup, publishingInput } from './publishing/lookups'
export type {
  PublishingInput,
  PublishingOptions,
  PublishingProblem,
  ThreeSixtyGivingDates,
  ThreeSixtyGivingGrant,
  ThreeSixtyGivingOrganisation,
  ThreeSixtyGivingPackage,
  ThreeSixtyGivingPublisher,
  ThreeSixtyGivingTransaction,
} from './publishing/package'
export { organisationIdentifier, poundsOf, threeSixtyGivingGrant, threeSixtyGivingPackage } from './publishing/package'
export type { FundPublishingDoc, GrantPublishingDoc, MoneyMoved, PublishingStatus } from './publishing/projection'
export { fundPublishingDocs, grantPublishing, grantPublishingDocs } from './publishing/projection'
export { codelist, THREESIXTYGIVING_DIR, threeSixtyGivingErrors } from './publishing/validate'
export type { FundDoc } from './read-models/funds'
export type { FundedGrant } from './read-models/funds'
export { fundDocs, fundPositions } from './read-models/funds'
export { fundedGrants } from './read-models/funds'
export type { MonitoredGrant, MonitoringReturn, RequirementDoc, RequirementStatus } from './read-models/monitoring'
export { grantMonitoring, isOverdue, monitoredGrants, requirementDocs } from './read-models/monitoring'
export { grantsPlugin } from './read-models/plugin'
export type { AreaTotals, BudgetPosition, FundBreakdown, GrantQueries } from './read-models/queries'
export { createGrantQueries } from './read-models/queries'
export type { RegisterDates, RegisterEntry, RegisterPayment, RegisterRequirement } from './read-models/register'
export { grantsRegister, registerDocs } from './read-models/register'
export type { Dimension, GrantFigures, GrantTotals } from './read-models/totals'
export { grantTotals, lineDocs, totalDocs } from './read-models/totals'
