/**
 * The program: `run(argv, io)` parses the arguments with commander, runs the command, and resolves
 * to the exit code; every error becomes one line on stderr. The binary (`bin.ts`) only calls it
 * with the process's own io.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { Command, CommanderError } from 'commander'

import { deadLettersCommand } from './commands/dead-letters'
import { eraseCommand } from './commands/erase'
import { exportCommand } from './commands/export'
import { historyCommand } from './commands/history'
import { importCommand } from './commands/import'
import { initCommand } from './commands/init'
import { projectionsCommand } from './commands/projections'
import { reportCommand } from './commands/report'
import { sealCommand } from './commands/seal'
import { statusCommand } from './commands/status'
import { verifyCommand } from './commands/verify'
import { describeFailure } from './errors'
import { ExitCode } from './exit-codes'
import type { Io } from './io'
import type { Wiring } from './wiring'

const version = (): string =>
  (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { readonly version: string }).version

const EXIT_CODES = `
Exit codes:
  0  done (verify: the ledger is sound)
  1  the ledger, or an export being imported, is not sound
  2  bad usage: unknown command or option, malformed argument, actor or config file
  3  cannot open: no ledger at the store, not a ledger, a missing or unreadable input file, server unreachable
  4  the ledger is locked by another process (longer than --wait)
  5  the ledger is read-only
  6  the policy refused the actor
  7  the work failed: a projection halted, a report or export could not be made, an erasure is incomplete
 70  a fault in civic-ledger itself

The store is --store, else CIVIC_LEDGER_STORE, else "store" in civic-ledger.config.json, else
sqlite:./civic-ledger.db. The actor is --actor, else CIVIC_LEDGER_ACTOR, else "actor" in the config.
See docs/cli.md.`

/** The program, its commands wired to `wiring`. */
export const program = (io: Io, wiring: Wiring): Command => {
  const root = new Command('civic-ledger')
    .description("Civic Ledger from the command line: a council's community-resilience ledger")
    .version(version(), '-V, --version')
    .option('--store <url>', 'the ledger: sqlite:./file.db or postgres://user@host/db?schema=name')
    .option('--config <file>', 'the config file (default ./civic-ledger.config.json)')
    .option('--actor <id:organisation:role>', 'who acts, for seal, erase and disclosure')
    .option('--json', 'print results as JSON, for scripts')
    .option('--no-progress', 'draw no progress bars (none are drawn when stderr is not a terminal)')
    .option('--wait <seconds>', "how long to wait for another process's lock on the ledger (default 5)")
    .option('--verbose', 'print projection failures as they happen')
    .addHelpText('after', EXIT_CODES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`civic-ledger: ${text.replace(/^error: /, '').trimEnd()}\n`),
    })
  for (const add of [
    initCommand,
    statusCommand,
    projectionsCommand,
    deadLettersCommand,
    reportCommand,
    historyCommand,
    sealCommand,
    verifyCommand,
    exportCommand,
    importCommand,
    eraseCommand,
  ])
    add(root, wiring)
  // Every subcommand reports errors and exits as the root does.
  const configure = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput(root.configureOutput()).showSuggestionAfterError(true)
      configure(sub)
    }
  }
  configure(root)
  return root
}

/** Runs the program on `argv` (the arguments after the program's name); resolves to the exit code. */
export const run = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
  let code: number = ExitCode.ok
  const wiring: Wiring = { io, finish: (c) => (code = c) }
  try {
    await program(io, wiring).parseAsync([...argv], { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end well; every other parse error is bad usage (commander wrote the line).
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return ExitCode.ok
      if (error.code === 'commander.help') return ExitCode.usage
      return ExitCode.usage
    }
    const { code: exit, message } = describeFailure(error)
    io.stderr.write(`civic-ledger: ${message}\n`)
    if (
      exit === ExitCode.internal &&
      error instanceof Error &&
      error.stack !== undefined &&
      io.env['CIVIC_LEDGER_DEBUG'] === '1'
    )
      io.stderr.write(`${error.stack}\n`)
    return exit
  }
}
