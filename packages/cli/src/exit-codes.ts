/**
 * Exit codes: each outcome a script may want to tell apart has its own, documented in docs/cli.md.
 */

export const ExitCode = {
  /** Done; for `verify`, the ledger is sound. */
  ok: 0,
  /** The ledger (or an export being imported) is not sound: verify names the event or seal. */
  unsound: 1,
  /** Bad usage: an unknown command or option, a malformed argument, actor or config file. */
  usage: 2,
  /** The ledger cannot be opened: no such file, not a ledger, a newer schema, a server that does not answer. */
  cannotOpen: 3,
  /** The ledger is locked by another process for longer than `--wait`. */
  locked: 4,
  /** The ledger (or its directory) is read-only. */
  readOnly: 5,
  /** The policy refused the actor. */
  forbidden: 6,
  /** The ledger opened but the work failed: a projection halted, a report or export could not be made, … */
  failed: 7,
  /** A fault in the program itself. */
  internal: 70,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** An error the program reports in one line, with the exit code it ends with. */
export class CliError extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options)
    this.name = 'CliError'
  }
}

/** Bad usage: exit 2. */
export const usage = (message: string): CliError => new CliError(ExitCode.usage, message)
