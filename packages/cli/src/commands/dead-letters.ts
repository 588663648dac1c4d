/**
 * `civic-ledger dead-letters list|retry|discard`: the events projections with the dead-letter policy
 * parked, applied again once the cause is fixed, or removed.
 */
import type { Command } from 'commander'

import { CliError, ExitCode } from '../exit-codes'
import { withLedger } from '../session'
import { renderText } from '../table'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

const knownProjection = (names: ReadonlyArray<string>, name: string): string => {
  if (!names.includes(name))
    throw new CliError(ExitCode.usage, `no projection is named ${name} (known: ${names.join(', ')})`)
  return name
}

export const deadLettersCommand = (program: Command, wiring: Wiring): void => {
  const group = program.command('dead-letters').description('events parked by projections: list, retry or discard them')
  group
    .command('list')
    .description('the parked events of every projection, or of one')
    .option('--projection <name>', 'only this projection')
    .action(
      act<{ projection?: string }>(wiring, async (context, _args, options) =>
        withLedger(context, async (ledger) => {
          const names =
            options.projection === undefined
              ? ledger.projections.names
              : [knownProjection(ledger.projections.names, options.projection)]
          const parked = (await Promise.all(names.map((n) => ledger.projections.parked(n)))).flat()
          context.result(parked, () =>
            parked.length === 0
              ? 'no parked events'
              : renderText({
                  columns: [
                    { key: 'projection', title: 'projection' },
                    { key: 'position', title: 'position' },
                    { key: 'streamId', title: 'stream' },
                    { key: 'revision', title: 'revision' },
                    { key: 'type', title: 'type' },
                    { key: 'parkedAt', title: 'parked at' },
                    { key: 'reason', title: 'reason' },
                  ],
                  rows: parked.map((p) => ({ ...p })),
                }),
          )
          return ExitCode.ok
        }),
      ),
    )
  group
    .command('retry')
    .description("apply a projection's parked events again, stream by stream; a stream that fails again stays parked")
    .argument('<projection>', 'the projection')
    .option('--stream <streamId>', 'only this stream')
    .addHelpText('after', '\nExit 7 if any stream fails again.')
    .action(
      act<{ stream?: string }>(wiring, async (context, [projection], options) =>
        withLedger(context, async (ledger) => {
          const name = knownProjection(ledger.projections.names, projection ?? '')
          const retry = await ledger.projections.retryParked(name, options.stream)
          context.result(retry, () =>
            [
              `${retry.retried} parked event(s) of ${name} applied`,
              ...retry.failed.map((f) => `still parked: ${f.streamId}: ${f.message}`),
            ].join('\n'),
          )
          return retry.failed.length === 0 ? ExitCode.ok : ExitCode.failed
        }),
      ),
    )
  group
    .command('discard')
    .description('remove a parked event without applying it')
    .argument('<projection>', 'the projection')
    .argument('<position>', "the parked event's position")
    .addHelpText('after', '\nExit 7 if that event is not parked.')
    .action(
      act(wiring, async (context, [projection, position]) => {
        const at = Number(position)
        if (!Number.isSafeInteger(at) || at < 1)
          throw new CliError(
            ExitCode.usage,
            `position: ${JSON.stringify(position)} is not a position (a whole number ≥ 1)`,
          )
        return withLedger(context, async (ledger) => {
          const name = knownProjection(ledger.projections.names, projection ?? '')
          const discarded = await ledger.projections.discardParked(name, at)
          context.result({ projection: name, position: at, discarded }, () =>
            discarded ? `discarded the event at ${at} parked by ${name}` : `${name} has no event parked at ${at}`,
          )
          return discarded ? ExitCode.ok : ExitCode.failed
        })
      }),
    )
}
