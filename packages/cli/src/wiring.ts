/**
 * How a command's action reaches its handler: commander's arguments become a `CommandContext`, the
 * positional arguments and the command's own options, and the handler's exit code is kept for `run`.
 */
import type { Command } from 'commander'

import type { CommandContext, CommonOptions } from './context'
import { commandContext } from './context'
import type { ExitCode } from './exit-codes'
import type { Io } from './io'

export interface Wiring {
  readonly io: Io
  readonly finish: (code: ExitCode) => void
}

export type Handler<O> = (context: CommandContext, args: ReadonlyArray<string>, options: O) => Promise<ExitCode>

/** The action commander calls: builds the context from the global and local options, runs the handler. */
export const act =
  <O>(wiring: Wiring, handler: Handler<O>) =>
  async (...params: ReadonlyArray<unknown>): Promise<void> => {
    const command = params[params.length - 1] as Command
    const context = commandContext(wiring.io, command.optsWithGlobals<CommonOptions>())
    const args = params
      .slice(0, -2)
      .flatMap((a) => (Array.isArray(a) ? (a as ReadonlyArray<string>) : typeof a === 'string' ? [a] : []))
    wiring.finish(await handler(context, args, command.opts<O & object>()))
  }
