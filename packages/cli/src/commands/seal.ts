/**
 * `civic-ledger seal --out FILE [--sign KEY]`: seals the ledger at its head, through the policy
 * (`audit.ledger` / `SealLedger`), and writes the seal file to keep away from the ledger.
 */
import { writeFileSync } from 'node:fs'

import type { Command } from 'commander'
import * as E from 'fp-ts/Either'

import { commandFailure } from '../errors'
import { CliError, ExitCode } from '../exit-codes'
import { outputFile, privateKeyFile } from '../files'
import { withLedger } from '../session'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

export const sealCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('seal')
    .description('seal the ledger at its head and write the seal file')
    .requiredOption('--out <file>', 'where to write the seal file (keep it away from the ledger)')
    .option('--sign <key>', 'sign the seal with this Ed25519 private key (PEM)')
    .option('--force', 'replace --out if it exists')
    .addHelpText(
      'after',
      "\nNeeds an actor (--actor) whose role the config's roles.seal lists (default: auditor); the seal\n" +
        'event records who sealed. Exit 6 if the policy refuses.',
    )
    .action(
      act<{ out: string; sign?: string; force?: boolean }>(wiring, async (context, _args, options) => {
        const actor = context.actor('seal')
        const out = outputFile(context.io.cwd, options.out, options.force === true)
        const signingKey = options.sign === undefined ? undefined : privateKeyFile(context.io.cwd, options.sign)
        return withLedger(context, async (ledger) => {
          const sealed = await ledger.audit.seal({ actor }, signingKey === undefined ? {} : { signingKey })()
          if (E.isLeft(sealed)) throw commandFailure(sealed.left)
          const { seal } = sealed.right
          try {
            writeFileSync(out, sealed.right.file)
          } catch (error) {
            throw new CliError(
              ExitCode.failed,
              `sealed at position ${seal.position} (recorded in the ledger), but ${out} could not be written: ${error instanceof Error ? error.message : String(error)}`,
            )
          }
          context.result(
            { file: out, seal, recordedAt: sealed.right.recordedAt },
            () =>
              `sealed ${seal.events} events in ${seal.streams} streams at position ${seal.position}${seal.signature === undefined ? '' : ', signed'}: root ${seal.root}\nseal file: ${out}`,
          )
          return ExitCode.ok
        })
      }),
    )
}
