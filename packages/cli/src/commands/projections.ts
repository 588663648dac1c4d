/**
 * `civic-ledger projections list|rebuild <name>`. A rebuild drops the projection's read model, its
 * checkpoints and parked events (every version kept), and builds it again from the start of the
 * log, showing how far it has got; the read model is empty until it has.
 */
import type { EventStore, ReadModelStorage } from '@civic-ledger/core'
import type { Command } from 'commander'

import type { CommandContext } from '../context'
import { CliError, ExitCode } from '../exit-codes'
import { settle, withLedger } from '../session'
import { renderText } from '../table'
import type { Wiring } from '../wiring'
import { act } from '../wiring'
import { listProjections, statusTable } from './status'

/** The table prefix of one projection version, as core names its tables. */
const tablePrefix = (name: string, version: number): string => `rm_${name.replace(/-/g, '_')}_v${version}__`

/** Drops every kept version of `name`: its tables, checkpoint and parked events, in one transaction. */
export const resetProjection = async (storage: ReadModelStorage, name: string): Promise<number> =>
  storage.transaction(async (tx) => {
    const kept = await tx.checkpoints(name)
    for (const checkpoint of kept) {
      const parked = await tx.parked(name, checkpoint.version)
      if (parked.length > 0)
        await tx.unpark(
          name,
          checkpoint.version,
          parked.map((p) => p.position),
        )
      await tx.dropTables(tablePrefix(name, checkpoint.version))
      await tx.deleteCheckpoint(name, checkpoint.version)
    }
    return kept.length
  })

const rebuild = async (context: CommandContext, name: string, store: EventStore): Promise<ExitCode> => {
  const names = (await context.plugins()).flatMap((p) => p.projections.map((x) => x.name))
  if (!names.includes(name))
    throw new CliError(ExitCode.usage, `no projection is named ${name} (known: ${names.join(', ')})`)
  if (store.readModels === undefined)
    throw new CliError(ExitCode.usage, 'this store keeps no read models of its own: there is nothing to rebuild')
  await resetProjection(store.readModels, name)
  return withLedger(
    context,
    async (ledger) => {
      context.progress.start(await ledger.events.headPosition(), `rebuild ${name}`)
      const [status] = await settle(ledger, {
        timeoutMs: 24 * 3_600_000,
        names: [name],
        onProgress: (done) => context.progress.update(done),
      })
      context.progress.stop()
      if (status === undefined) throw new CliError(ExitCode.internal, `projection ${name} did not run`)
      context.result(status, () =>
        status.state === 'halted'
          ? `projection ${name} halted while rebuilding:\n${renderText(statusTable([status]))}`
          : `projection ${name} rebuilt: version ${status.version}, at position ${status.position}, ${status.parked} parked`,
      )
      return status.state === 'halted' ? ExitCode.failed : ExitCode.ok
    },
    { store },
  )
}

export const projectionsCommand = (program: Command, wiring: Wiring): void => {
  const group = program.command('projections').description('list the projections, or rebuild one from the log')
  listProjections(group, wiring)
  group
    .command('rebuild')
    .description("drop a projection's read model and build it again from the start of the log")
    .argument('<name>', 'the projection, as `projections list` names it')
    .addHelpText(
      'after',
      '\nStop applications that read this read model first: it is empty until the rebuild has caught up.\nExit 7 if the projection halts while rebuilding.',
    )
    .action(
      act(wiring, async (context, [name]) => {
        const store = await context.openStore()
        try {
          return await rebuild(context, name ?? '', store)
        } finally {
          await store.close()
        }
      }),
    )
}
