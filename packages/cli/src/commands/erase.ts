/**
 * `civic-ledger erase <subjectId> --reason TEXT`: erases a data subject through the policy
 * (`privacy.subject` / `EraseSubject`): records `privacy.SubjectErased`, deletes their key, waits for
 * the projections to remove their rows, and purges the store's files.
 */
import type { Command } from 'commander'
import * as E from 'fp-ts/Either'

import { commandFailure } from '../errors'
import { CliError, ExitCode } from '../exit-codes'
import { withLedger } from '../session'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

export const eraseCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('erase')
    .description('erase a data subject: delete their key, remove their rows from read models, purge the files')
    .argument('<subjectId>', 'the subject, e.g. a volunteer id')
    .requiredOption('--reason <text>', 'why (recorded; no personal data here)')
    .option('--timeout <seconds>', 'how long to wait for projections to pass the erasure (default 30)')
    .addHelpText(
      'after',
      "\nNeeds an actor whose role the config's roles.erase lists (default data-protection-officer); exit 6 if\n" +
        'refused. Erasing twice is harmless. Exit 7 if the erasure is recorded but a projection has not yet\n' +
        'passed it (halted, or parked it): run erase again once it has, to purge.',
    )
    .action(
      act<{ reason: string; timeout?: string }>(wiring, async (context, [subject = ''], options) => {
        if (options.reason.trim() === '') throw new CliError(ExitCode.usage, '--reason: an erasure must say why')
        const seconds = options.timeout === undefined ? 30 : Number(options.timeout)
        if (!Number.isFinite(seconds) || seconds < 0)
          throw new CliError(ExitCode.usage, `--timeout: ${JSON.stringify(options.timeout)} is not a number of seconds`)
        const actor = context.actor('erase')
        return withLedger(context, async (ledger) => {
          const erased = await ledger.privacy.erase(subject, options.reason, { actor }, { timeoutMs: seconds * 1000 })()
          if (E.isLeft(erased)) throw commandFailure(erased.left)
          const outcome = erased.right
          context.result({ subject, ...outcome }, () =>
            [
              outcome.recorded ? `erased ${subject}` : `${subject} was erased already: nothing new recorded`,
              outcome.complete
                ? 'every projection has removed their rows and the store is purged'
                : `not yet complete: waiting for ${outcome.waitingFor.join(', ') || 'the store to purge'}; run erase again once they move on`,
            ].join('\n'),
          )
          return outcome.complete ? ExitCode.ok : ExitCode.failed
        })
      }),
    )
}
