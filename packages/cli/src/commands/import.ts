/**
 * `civic-ledger import FILE`: imports an NDJSON export into the ledger at the store (made if it does
 * not exist), after checking the whole file — a tampered, truncated or reordered export is refused,
 * naming the line, and nothing is written. The projections then catch up.
 */
import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'

import { importLedger, InvalidArgumentError } from '@civic-ledger/core'
import type { Command } from 'commander'

import type { CommandContext } from '../context'
import { oneLine } from '../errors'
import { CliError, ExitCode } from '../exit-codes'
import { inputFile, publicKeyFile } from '../files'
import { settle, withLedger, withStore } from '../session'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

const collect = (value: string, previous: ReadonlyArray<string> = []): ReadonlyArray<string> => [...previous, value]

/** The export's lines, read afresh on each pass, with the bytes read reported for the progress bar. */
const linesOf = (file: string, onBytes: (bytes: number, pass: number) => void) => {
  let pass = 0
  return () => {
    pass++
    const current = pass
    const input = createReadStream(file, { encoding: 'utf8' })
    let bytes = 0
    input.on('data', (chunk) => {
      bytes += Buffer.byteLength(chunk)
      onBytes(bytes, current)
    })
    return createInterface({ input, crlfDelay: Infinity })
  }
}

/** Why an import was refused, as an exit code: the file is not an export (3), cannot go here (7), or is unsound (1). */
const refusal = (file: string, error: InvalidArgumentError): CliError => {
  const message = `${file}: refused, nothing imported: ${oneLine(error.message)}`
  if (/^export line 1$/.test(error.argument) && /an export header/.test(error.problem))
    return new CliError(ExitCode.cannotOpen, `${file}: is not a Civic Ledger export (${oneLine(error.problem)})`)
  if (/target's log ends at|disclosed export/.test(error.problem)) return new CliError(ExitCode.failed, message)
  return new CliError(ExitCode.unsound, message)
}

const importFile = async (context: CommandContext, path: string, keys: ReadonlyArray<string>): Promise<ExitCode> => {
  const file = inputFile(context.io.cwd, path, 'an export')
  const trustedKeys = keys.map((k) => publicKeyFile(context.io.cwd, k))
  const size = statSync(file).size
  let shownPass = 0
  const summary = await withStore(
    context,
    async (store) => {
      try {
        return await importLedger(
          store,
          linesOf(file, (bytes, pass) => {
            if (pass !== shownPass) {
              shownPass = pass
              context.progress.start(size, pass === 1 ? 'check' : 'import')
            }
            context.progress.update(bytes)
          }),
          { trustedKeys },
        )
      } catch (error) {
        if (error instanceof InvalidArgumentError && error.argument.startsWith('export line'))
          throw refusal(file, error)
        throw error
      } finally {
        context.progress.stop()
      }
    },
    { create: true },
  )
  // The read models are built now, so the first command after an import does not wait for them.
  await withLedger(context, async (ledger) => {
    context.progress.start(summary.events, 'projections')
    await settle(ledger, { timeoutMs: 24 * 3_600_000, onProgress: (done) => context.progress.update(done) })
    context.progress.stop()
  })
  context.result(
    { file, events: summary.events, seal: summary.seal },
    () => `imported ${summary.events} events from ${file}; its closing seal (root ${summary.seal.root}) matches`,
  )
  return ExitCode.ok
}

export const importCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('import')
    .description('import an NDJSON export into the ledger (an empty one, or one that ends where the export starts)')
    .argument('<file>', 'the export, as `export --format ndjson` writes it')
    .option(
      '--public-key <file>',
      'an Ed25519 public key (PEM): the closing seal must be signed by it (repeatable)',
      collect,
    )
    .addHelpText(
      'after',
      '\nThe whole file is checked before anything is written. Exit 1 if it is tampered with, truncated or\n' +
        'reordered (naming the line), 3 if it is not an export, 7 if it does not continue this ledger.',
    )
    .action(
      act<{ publicKey?: ReadonlyArray<string> }>(wiring, async (context, [file = ''], options) =>
        importFile(context, file, options.publicKey ?? []),
      ),
    )
}
