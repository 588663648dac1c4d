/**
 * What every command is handed: the process's io, the global options, the settings (read once,
 * when a command first needs them), and the ways to open the ledger and to print a result.
 */
import type { Actor, EventStore, Ledger, LedgerPlugin } from '@civic-ledger/core'

import type { GlobalOptions, Settings } from './config'
import { resolveSettings } from './config'
import { CliError, ExitCode } from './exit-codes'
import type { Io } from './io'
import { loadPlugins, openLedger, openStore } from './open'
import type { Progress } from './progress'
import { progressOn } from './progress'

/** The options every command takes (see `run.ts`). */
export interface CommonOptions extends GlobalOptions {
  readonly json?: boolean
  readonly progress?: boolean
  readonly wait?: string
  readonly verbose?: boolean
}

export interface CommandContext {
  readonly io: Io
  /** Results as JSON on stdout, for scripts. */
  readonly json: boolean
  readonly progress: Progress
  readonly settings: () => Settings
  readonly plugins: () => Promise<ReadonlyArray<LedgerPlugin>>
  /** The store alone (no projections); a missing `sqlite:` file is refused unless `create`. */
  readonly openStore: (options?: { readonly create?: boolean }) => Promise<EventStore>
  /** The ledger with its plug-ins and policy; `store` to run it on a store already open. */
  readonly openLedger: (options?: { readonly create?: boolean; readonly store?: EventStore }) => Promise<Ledger>
  /** The actor, or a usage error saying what needs one and how to give it. */
  readonly actor: (forWhat: string) => Actor
  /** Writes a line (or lines) to stdout. */
  readonly print: (text: string) => void
  /** Writes `value` as JSON with `--json`, else the text `human` gives. */
  readonly result: (value: unknown, human: () => string) => void
}

/** Seconds to milliseconds, for `--wait`. */
const waitMsOf = (wait: string | undefined): number => {
  if (wait === undefined) return 5_000
  const seconds = Number(wait)
  if (!Number.isFinite(seconds) || seconds < 0 || wait.trim() === '')
    throw new CliError(ExitCode.usage, `--wait: ${JSON.stringify(wait)} is not a number of seconds ≥ 0`)
  return Math.round(seconds * 1000)
}

export const commandContext = (io: Io, options: CommonOptions): CommandContext => {
  let settings: Settings | undefined
  let plugins: Promise<ReadonlyArray<LedgerPlugin>> | undefined
  const json = options.json === true
  const waitMs = waitMsOf(options.wait)
  const get = (): Settings => (settings ??= resolveSettings(options, io))
  const print = (text: string): void => {
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  const context: CommandContext = {
    io,
    json,
    progress: progressOn(io.stderr, options.progress !== false && !json),
    settings: get,
    plugins: () => (plugins ??= loadPlugins(get(), io)),
    openStore: (open = {}) => openStore(get(), { mustExist: open.create !== true, waitMs }),
    openLedger: async (open = {}) =>
      openLedger(
        get(),
        { mustExist: open.create !== true, waitMs },
        { verbose: options.verbose === true, io },
        await context.plugins(),
        open.store,
      ),
    actor: (forWhat) => {
      const actor = get().actor
      if (actor === undefined)
        throw new CliError(
          ExitCode.usage,
          `${forWhat} needs an actor: give --actor id:organisation:role, CIVIC_LEDGER_ACTOR, or "actor" in the config file`,
        )
      return actor
    },
    print,
    result: (value, human) => print(json ? JSON.stringify(value, null, 2) : human()),
  }
  return context
}
