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
export { councillors } from './councillor/aggregate'
export type { CouncillorCommandInput } from './councillor/commands'
export { CouncillorCommand, EndTerm, RecordTerm, RegisterCouncillor } from './councillor/commands'
export type { CouncillorEvent } from './councillor/events'
export { councillorEvents, CouncillorRegistered, TermEnded, TermRecorded } from './councillor/events'
export type { CouncillorRecord, CouncillorState, Term } from './councillor/state'
export { covers, termOn } from './councillor/state'
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
export type { CouncillorIdBrand } from './ids'
export { FundId, RoundId, StreamId } from './ids'
export { ApplicationId } from './ids'
export { CouncillorId, NO_COUNCILLOR } from './ids'
export type { FundDoc } from './read-models/funds'
export { fundDocs, fundPositions } from './read-models/funds'
export { grantsPlugin } from './read-models/plugin'
