/**
 * `civic-ledger status` and `civic-ledger projections list`: the log's head and last seal, and each
 * projection's version, state, position, lag, parked events and last error, once the projections
 * have caught up (or halted) in this process.
 */
import type { Ledger, ProjectionStatus } from '@civic-ledger/core'
import { redactConnection, SEALS_STREAM } from '@civic-ledger/core'
import type { Command } from 'commander'

import type { CommandContext } from '../context'
import { CliError, ExitCode } from '../exit-codes'
import { settle, withLedger } from '../session'
import type { Table } from '../table'
import { renderText } from '../table'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

export interface LastSeal {
  readonly position: number
  readonly sealedAt: string
  readonly by: string
}

/** The last seal recorded in the ledger, if any. */
export const lastSeal = async (ledger: Ledger): Promise<LastSeal | undefined> => {
  for await (const event of ledger.events.readStream(SEALS_STREAM, { direction: 'backwards' })) {
    const upTo = (event.data as { readonly position?: unknown }).position
    return {
      position: typeof upTo === 'number' ? upTo : event.position,
      sealedAt: event.recordedAt,
      by: `${event.metadata.actor.id} (${event.metadata.actor.role})`,
    }
  }
  return undefined
}

const lastErrorOf = (s: ProjectionStatus): string =>
  s.lastError === undefined ? '' : `at ${s.lastError.position} (${s.lastError.streamId}): ${s.lastError.message}`

/** The projections' statuses as a table. */
export const statusTable = (statuses: ReadonlyArray<ProjectionStatus>): Table => ({
  columns: [
    { key: 'name', title: 'projection' },
    { key: 'version', title: 'version', align: 'right' },
    { key: 'state', title: 'state' },
    { key: 'position', title: 'position', align: 'right' },
    { key: 'lag', title: 'lag', align: 'right' },
    { key: 'parked', title: 'parked', align: 'right' },
    { key: 'lastError', title: 'last error' },
  ],
  rows: statuses.map((s) => ({
    name: s.name,
    version: s.version,
    state: s.stage === 'building' ? `${s.state} (building)` : s.state,
    position: s.position,
    lag: s.lag,
    parked: s.parked,
    lastError: lastErrorOf(s),
  })),
})

const timeoutOf = (text: string | undefined): number => {
  const seconds = text === undefined ? 60 : Number(text)
  if (!Number.isFinite(seconds) || seconds < 0 || text?.trim() === '')
    throw new CliError(ExitCode.usage, `--timeout: ${JSON.stringify(text)} is not a number of seconds ≥ 0`)
  return seconds * 1000
}

const statusOf = async (
  context: CommandContext,
  timeout: string | undefined,
): Promise<{
  readonly head: number
  readonly seal: LastSeal | undefined
  readonly statuses: ReadonlyArray<ProjectionStatus>
}> => {
  const timeoutMs = timeoutOf(timeout) // read before anything is opened
  return withLedger(context, async (ledger) => {
    const statuses = await settle(ledger, { timeoutMs })
    return { head: await ledger.events.headPosition(), seal: await lastSeal(ledger), statuses }
  })
}

const TIMEOUT_HELP = 'seconds to let projections catch up before reporting (default 60)'

export const statusCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('status')
    .description(
      "the ledger's head and last seal, and each projection's state, position, lag, parked events and last error",
    )
    .option('--timeout <seconds>', TIMEOUT_HELP)
    .addHelpText(
      'after',
      '\nProjections run in this process first, until each has caught up or halted, so the states are current.',
    )
    .action(
      act<{ timeout?: string }>(wiring, async (context, _args, options) => {
        const { head, seal, statuses } = await statusOf(context, options.timeout)
        const store = redactConnection(context.settings().store)
        context.result({ store, head, lastSeal: seal ?? null, projections: statuses }, () =>
          [
            `store      ${store}`,
            `head       ${head}`,
            `last seal  ${seal === undefined ? 'none' : `at position ${seal.position}, ${seal.sealedAt}, by ${seal.by}`}`,
            `parked     ${statuses.reduce((n, s) => n + s.parked, 0)}`,
            '',
            renderText(statusTable(statuses)),
          ].join('\n'),
        )
        return ExitCode.ok
      }),
    )
}

/** `projections list`, for the `projections` command group. */
export const listProjections = (group: Command, wiring: Wiring): void => {
  group
    .command('list')
    .description("each projection's version, state, position, lag, parked events and last error")
    .option('--timeout <seconds>', TIMEOUT_HELP)
    .action(
      act<{ timeout?: string }>(wiring, async (context, _args, options) => {
        const { statuses } = await statusOf(context, options.timeout)
        context.result(statuses, () => renderText(statusTable(statuses)))
        return ExitCode.ok
      }),
    )
}
