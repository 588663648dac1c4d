/** `civic-ledger init`: makes an empty ledger where the store setting points, or says one is there. */
import { redactConnection } from '@civic-ledger/core'
import type { Command } from 'commander'

import { ExitCode } from '../exit-codes'
import { withStore } from '../session'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

export const initCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('init')
    .description('make an empty ledger at the store (a new SQLite file, or the tables of a PostgreSQL schema)')
    .addHelpText(
      'after',
      '\nA ledger already there is left as it is (exit 0). A file that is not a ledger is refused (exit 3).',
    )
    .action(
      act(wiring, async (context) => {
        const store = context.settings().store
        const head = await withStore(context, (s) => s.headPosition(), { create: true })
        context.result({ store: redactConnection(store), head, created: head === 0 }, () =>
          head === 0
            ? `ledger ready at ${redactConnection(store)}`
            : `${redactConnection(store)} is already a ledger (${head} events); left as it is`,
        )
        return ExitCode.ok
      }),
    )
}
