/**
 * The Cambridgeshire example ledger, for the CLI, reports and tests: the history as a function
 * (`buildCambridgeshireLedger`), the ledger it expects (`openExampleLedger`), the whole run
 * (`runExample`), the facts read back, the digest and the summary.
 */
export type { Digest } from './digest'
export { historyDigest } from './digest'
export type { ExampleOptions, ExamplePaths, ExampleResult } from './example'
export { auditor, GIVING_FILE, givingOptions, LEDGER_FILE, PUBLISHED_ON, runExample, SEAL_FILE } from './example'
export type { DistrictFacts, Facts } from './facts'
export { readFacts } from './facts'
export { SCHEME_ID } from './history/areas'
export { FUNDS, GRANT_STORIES } from './history/grant-stories'
export type { BuildOptions, Built } from './history/index'
export { buildCambridgeshireLedger, cambridgeshireTimeline } from './history/index'
export { BOARD_MEMBERS, BOARDS, HISTORY_ENDS } from './history/partnerships'
export type { Actor, SettableClock, Step, StepTools } from './history/timeline'
export { HistoryStepRefused, Timeline } from './history/timeline'
export { CORRECTED, DISTRICTS, HOURS_MONTHS, hoursOf, REJECTED, ROLES, VOLUNTEERS } from './history/volunteers'
export type { ExampleLedger } from './ledger'
export { AUDITOR, deterministicIds, examplePlugins, examplePolicy, openExampleLedger } from './ledger'
export { pounds, summaryLines } from './summary'
