/**
 * `@civic-ledger/cli`: the `civic-ledger` command. `run(argv, io)` is the whole program, for tests
 * and for hosts that embed it; the report registry is how other packages (`@civic-ledger/reporting`)
 * add reports.
 */
export { parseActor, showActor } from './actor'
export type { AsOf } from './commands/report'
export { parseAsOf } from './commands/report'
export type { GlobalOptions, Roles, Settings, ThreeSixtyGivingSettings } from './config'
export { CONFIG_FILE, DEFAULT_PLUGINS, DEFAULT_ROLES, DEFAULT_STORE, readConfig, resolveSettings } from './config'
export { CliError, ExitCode } from './exit-codes'
export type { Io, Output } from './io'
export { processIo } from './io'
export { cliPolicy } from './policy'
export { builtInReports, fundBudgets, grantsByFund } from './reports/grants'
export type { ReportData, ReportProducer, ReportRegistry, ReportSource } from './reports/registry'
export { isReportProducer, reportRegistry } from './reports/registry'
export { run } from './run'
export type { Cell, Column, Table } from './table'
export { renderCsv, renderText } from './table'
