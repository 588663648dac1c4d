/**
 * Sends a few commands to an Innovation Fund application on a fresh SQLite ledger file, shows what
 * each one returned, and prints the stream as it was stored.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

import type { CommandError } from '@civic-ledger/core'
import { createLedger, isLeft, rolePolicy } from '@civic-ledger/core'
import { sqliteStoreProvider } from '@civic-ledger/store-sqlite'

import { applications } from './application'

/** The example's own ledger file, made anew on each run. */
const LEDGER = resolve(process.env['CIVIC_LEDGER_QUICKSTART_DB'] ?? 'var/quickstart.db')

const applicant = { id: 'hunts-forum-1', organisation: 'Hunts Forum of Voluntary Organisations', role: 'applicant' }
const officer = { id: 'officer-7', organisation: 'GB-LAE-CAM', role: 'grants-officer' }

const describe = (error: CommandError): string => {
  switch (error._tag) {
    case 'Rejected':
      return `rejected (${error.code}): ${error.message}`
    case 'InvalidCommand':
      return `invalid: ${error.problems.join('; ')}`
    default:
      return `${error._tag}: ${error.message}`
  }
}

export const main = async (log: (line: string) => void = console.log): Promise<void> => {
  mkdirSync(dirname(LEDGER), { recursive: true })
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${LEDGER}${suffix}`, { force: true })
  const ledger = await createLedger({
    store: `sqlite:${LEDGER}`,
    storeProviders: [sqliteStoreProvider],
    policy: rolePolicy({
      'grants.application': {
        DraftApplication: ['applicant'],
        SubmitApplication: ['applicant'],
        DecideApplication: ['grants-officer'],
      },
    }),
  })
  const id = 'ramsey-repair-cafe'
  const steps: ReadonlyArray<readonly [string, unknown, unknown]> = [
    [
      'draft',
      {
        type: 'DraftApplication',
        applicationId: id,
        applicant: 'Ramsey Repair Café',
        idea: 'A monthly repair café in the Great Whyte community centre',
        requested: { amount: 450_000, currency: 'GBP' },
      },
      { actor: applicant },
    ],
    ['submit', { type: 'SubmitApplication', applicationId: id }, { actor: applicant }],
    ['submit again', { type: 'SubmitApplication', applicationId: id }, { actor: applicant }],
    [
      'award by the applicant',
      { type: 'DecideApplication', applicationId: id, outcome: 'awarded', reason: '' },
      { actor: applicant },
    ],
    ['a malformed command', { type: 'SubmitApplication', applicationId: '' }, { actor: applicant }],
    [
      'award by an officer',
      { type: 'DecideApplication', applicationId: id, outcome: 'awarded', reason: 'Strong community support' },
      { actor: officer },
    ],
  ]
  for (const [what, command, context] of steps) {
    const result = await ledger.execute(applications, command, context)()
    log(
      isLeft(result)
        ? `${what.padEnd(24)} → ${describe(result.left)}`
        : `${what.padEnd(24)} → ok, stream ${result.right.streamId} at revision ${result.right.revision}`,
    )
  }
  log('')
  log(`the stream grants.application-${id} in ${LEDGER}:`)
  for await (const event of ledger.events.readStream(`grants.application-${id}`)) {
    log(
      `  #${event.revision} @${event.position} ${event.type} v${event.schemaVersion} by ${event.metadata.actor.role} ${JSON.stringify(event.data)}`,
    )
  }
  await ledger.close()
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
