/**
 * `civic-ledger verify [--seal FILE…] [--public-key FILE…] [--require-signatures]`: recomputes every
 * chain and seal; exit 0 when the ledger is sound, 1 naming the first failing event or seal.
 */
import type { EventStore, VerifyReport } from '@civic-ledger/core'
import { verifyLedger } from '@civic-ledger/core'
import type { Command } from 'commander'

import type { CommandContext } from '../context'
import { ExitCode } from '../exit-codes'
import { publicKeyFile, sealFile } from '../files'
import { withStore } from '../session'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

/** The store with its log reads counted, for the progress bar. */
const counted = (store: EventStore, onEvent: () => void): EventStore =>
  Object.assign(Object.create(store) as EventStore, {
    readAll: async function* (...args: Parameters<EventStore['readAll']>) {
      for await (const event of store.readAll(...args)) {
        onEvent()
        yield event
      }
    },
  })

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

const human = (report: VerifyReport): string => {
  const counts = `${report.events} events in ${report.streams} streams; ${report.ledgerSeals} seal(s) in the ledger, ${report.sealFiles} seal file(s)`
  if (report.ok) return `sound: ${counts}`
  const failure = report.failure
  const event = failure?.event
  return [
    `unsound (${failure?.problem ?? 'unknown'}): ${failure?.message ?? ''}`,
    ...(event === undefined
      ? []
      : [`first failing event: ${event.streamId}@${event.revision} (position ${event.position})`]),
    ...(failure?.range === undefined
      ? []
      : [`the change lies after position ${failure.range.after}, up to ${failure.range.upTo}`]),
    ...(report.events === 0 ? [] : [`checked: ${counts}`]),
  ].join('\n')
}

const verify = async (
  context: CommandContext,
  options: { seal?: ReadonlyArray<string>; publicKey?: ReadonlyArray<string>; requireSignatures?: boolean },
): Promise<ExitCode> => {
  const sealFiles = (options.seal ?? []).map((f) => sealFile(context.io.cwd, f))
  const trustedKeys = (options.publicKey ?? []).map((f) => publicKeyFile(context.io.cwd, f))
  return withStore(context, async (store) => {
    const head = await store.headPosition()
    let seen = 0
    context.progress.start(head, 'verify')
    const report = await verifyLedger(
      counted(store, () => {
        seen++
        if (seen % 1000 === 0) context.progress.update(Math.min(seen, head))
      }),
      { sealFiles, trustedKeys, requireSignatures: options.requireSignatures === true },
    )
    context.progress.update(head)
    context.progress.stop()
    context.result(report, () => human(report))
    return report.ok ? ExitCode.ok : ExitCode.unsound
  })
}

export const verifyCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('verify')
    .description('recompute every hash chain and seal; name the first event or seal that fails')
    .option('--seal <file>', 'a seal file kept elsewhere, which the ledger must match (repeatable)', collect)
    .option('--public-key <file>', 'an Ed25519 public key (PEM) trusted to sign seals (repeatable)', collect)
    .option('--require-signatures', 'every seal, in the ledger or a file, must be signed by a trusted key')
    .addHelpText('after', '\nExit 0 when the ledger is sound, 1 when it is not (naming the event or seal).')
    .action(
      act<{ seal?: ReadonlyArray<string>; publicKey?: ReadonlyArray<string>; requireSignatures?: boolean }>(
        wiring,
        async (context, _args, options) => verify(context, options),
      ),
    )
}
