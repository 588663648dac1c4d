/**
 * `@civic-ledger/grants`: funds, rounds, applications, awards, payments and monitoring, published as
 * 360Giving. This first part holds funds: streams, rounds with their limits, eligibility and the
 * budget.
 *
 * Layout (see docs/contexts.md): a folder per aggregate (`fund/`), `ids.ts`.
 */
export { applications } from './application/aggregate'
export type { ApplicationCommandInput } from './application/commands'
export { ApplicationCommand } from './application/commands'
export type { ApplicationEvent } from './application/events'
export {
  ApplicationDeclined,
  ApplicationDrafted,
  applicationEvents,
  ApplicationSubmitted,
  ApplicationWithdrawn,
  GrantAwarded,
} from './application/events'
export type { ApplicationRecord, ApplicationState, ApplicationStatus } from './application/state'
export type { AwardGrantCommandInput } from './decisions/awards'
export { AwardGrantCommand, awards } from './decisions/awards'
export type { DraftApplicationCommandInput } from './decisions/drafts'
export { DraftApplicationCommand, drafts } from './decisions/drafts'
export { funds } from './fund/aggregate'
export type { FundCommandInput } from './fund/commands'
export { AddStream, ChangeBudget, DefineFund, FundCommand, OpenRound } from './fund/commands'
export { limitsFor, limitsProblem } from './fund/decide'
export type { FundEvent } from './fund/events'
export { BudgetChanged, Eligibility, FundDefined, fundEvents, Limits, RoundOpened, StreamAdded } from './fund/events'
export { FundCommitted } from './fund/events'
export type { FundRecord, FundState, Round } from './fund/state'
export { remaining } from './fund/state'
export type { FundIdBrand, RoundIdBrand, StreamIdBrand } from './ids'
export type { ApplicationIdBrand } from './ids'
export { FundId, RoundId, StreamId } from './ids'
export { ApplicationId } from './ids'
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
