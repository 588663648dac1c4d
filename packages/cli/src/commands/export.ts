/**
 * `civic-ledger export --format ndjson|360giving --out FILE`: the whole ledger (or a range) as a
 * portable NDJSON export with its closing seal — personal fields encrypted, or with `--disclose`
 * decrypted through the policy — or the awarded grants as a 360Giving package.
 */
import type { KeyObject } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream, existsSync, unlinkSync, writeFileSync } from 'node:fs'

import type { EventStore } from '@civic-ledger/core'
import { exportLines } from '@civic-ledger/core'
import { exportThreeSixtyGiving } from '@civic-ledger/grants'
import type { Command } from 'commander'
import * as E from 'fp-ts/Either'

import type { CommandContext } from '../context'
import { commandFailure } from '../errors'
import { CliError, ExitCode } from '../exit-codes'
import { outputFile, privateKeyFile } from '../files'
import { settle, withLedger, withStore } from '../session'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

export interface ExportCliOptions {
  readonly format: string
  readonly out: string
  readonly force?: boolean
  readonly from?: string
  readonly to?: string
  readonly sign?: string
  readonly disclose?: boolean
  readonly reason?: string
  readonly prefix?: string
  readonly publisherName?: string
  readonly publisherId?: string
  readonly license?: string
  readonly scheme?: string
  readonly issued?: string
}

const positionOption = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new CliError(ExitCode.usage, `${name}: ${JSON.stringify(value)} is not a position (a whole number ≥ 1)`)
  return n
}

/** Writes the export line by line, with a progress bar over the positions. */
const writeNdjson = async (
  context: CommandContext,
  store: EventStore,
  out: string,
  range: { readonly fromPosition?: number; readonly toPosition?: number; readonly signingKey?: KeyObject },
): Promise<{ readonly events: number; readonly position: number }> => {
  const head = range.toPosition ?? (await store.headPosition())
  const stream = createWriteStream(out, { flags: 'w' })
  await once(stream, 'open')
  let events = -1
  let position = 0
  context.progress.start(head, 'export')
  try {
    for await (const line of exportLines(store, range)) {
      events++
      if (line.startsWith('{"data":')) position = (JSON.parse(line) as { readonly position: number }).position
      if (events % 1000 === 0) context.progress.update(position)
      if (!stream.write(`${line}\n`)) await once(stream, 'drain')
    }
  } finally {
    stream.end()
    await once(stream, 'finish')
    context.progress.stop()
  }
  return { events: Math.max(0, events - 1), position }
}

const ndjson = async (context: CommandContext, options: ExportCliOptions, out: string): Promise<ExitCode> => {
  const fromPosition = positionOption(options.from, '--from')
  const toPosition = positionOption(options.to, '--to')
  const signingKey = options.sign === undefined ? undefined : privateKeyFile(context.io.cwd, options.sign)
  const range = {
    ...(fromPosition === undefined ? {} : { fromPosition }),
    ...(toPosition === undefined ? {} : { toPosition }),
    ...(signingKey === undefined ? {} : { signingKey }),
  }
  if (options.disclose === true) {
    if (options.reason === undefined || options.reason.trim() === '')
      throw new CliError(ExitCode.usage, '--disclose needs --reason: a disclosure must say why it is made')
    const actor = context.actor('export --disclose')
    return withLedger(context, async (ledger) => {
      if (existsSync(out)) unlinkSync(out) // --force: the disclosed export refuses to overwrite
      const written = await ledger.audit.exportDisclosed(out, options.reason ?? '', { actor }, range)()
      if (E.isLeft(written)) throw commandFailure(written.left)
      context.result(
        { file: out, events: written.right.events, seal: written.right.seal, disclosed: true },
        () => `exported ${written.right.events} events with personal data disclosed (recorded) to ${out}`,
      )
      return ExitCode.ok
    })
  }
  return withStore(context, async (store) => {
    const { events, position } = await writeNdjson(context, store, out, range)
    context.result(
      { file: out, events, position, disclosed: false },
      () => `exported ${events} events (up to position ${position}) to ${out}`,
    )
    return ExitCode.ok
  })
}

const threeSixtyGiving = async (context: CommandContext, options: ExportCliOptions, out: string): Promise<ExitCode> => {
  const defaults = context.settings().threeSixtyGiving
  const prefix = options.prefix ?? defaults.prefix
  const name = options.publisherName ?? defaults.publisherName
  const identifier = options.publisherId ?? defaults.publisherId
  const schemeId = options.scheme ?? defaults.schemeId
  if (prefix === undefined || name === undefined || identifier === undefined)
    throw new CliError(
      ExitCode.usage,
      '360giving needs --prefix, --publisher-name and --publisher-id (or threeSixtyGiving in the config file)',
    )
  return withLedger(context, async (ledger) => {
    const statuses = await settle(ledger, { timeoutMs: 120_000 })
    const halted = statuses.find((s) => s.state === 'halted')
    if (halted !== undefined)
      throw new CliError(
        ExitCode.failed,
        `projection ${halted.name} is halted: ${halted.lastError?.message ?? 'see status'}`,
      )
    const exported = await exportThreeSixtyGiving(ledger.projections, {
      prefix,
      publisher: { name, identifier },
      license: options.license ?? defaults.license ?? 'https://creativecommons.org/licenses/by/4.0/',
      ...(options.issued === undefined ? {} : { issued: options.issued }),
      ...(schemeId === undefined ? {} : { scheme: { schemeId } }),
    })
    if (E.isLeft(exported))
      throw new CliError(
        ExitCode.failed,
        `cannot publish: ${exported.left.map((p) => (p.grant === undefined ? p.message : `${p.grant}: ${p.message}`)).join('; ')}`,
      )
    writeFileSync(out, `${JSON.stringify(exported.right, null, 2)}\n`)
    context.result(
      { file: out, grants: exported.right.grants.length },
      () => `published ${exported.right.grants.length} grant(s) as 360Giving to ${out}`,
    )
    return ExitCode.ok
  })
}

export const exportCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('export')
    .description('export the ledger as NDJSON (with its closing seal), or its grants as 360Giving')
    .requiredOption('--format <format>', 'ndjson or 360giving')
    .requiredOption('--out <file>', 'the file to write')
    .option('--force', 'replace --out if it exists')
    .option('--from <position>', 'ndjson: the first position (default 1)')
    .option('--to <position>', 'ndjson: the last position (default the head)')
    .option('--sign <key>', 'ndjson: sign the closing seal with this Ed25519 private key (PEM)')
    .option(
      '--disclose',
      'ndjson: decrypt personal fields (needs a role that may disclose; recorded; cannot be imported)',
    )
    .option('--reason <text>', 'ndjson: why personal data is disclosed (required with --disclose)')
    .option('--prefix <prefix>', '360giving: the publisher prefix without 360G- (ids are 360G-<prefix>-<ref>)')
    .option('--publisher-name <name>', "360giving: the publisher's name")
    .option('--publisher-id <id>', "360giving: the publisher's org id, e.g. GB-LAE-CAM")
    .option('--license <uri>', '360giving: the licence (default CC BY 4.0)')
    .option('--scheme <schemeId>', '360giving: the service delivery area scheme applications name areas of')
    .option('--issued <date>', '360giving: the day the package is issued')
    .addHelpText(
      'after',
      '\nAn NDJSON export keeps personal fields encrypted and needs no role. --disclose needs an actor whose role\n' +
        "the config's roles.disclose lists (default data-protection-officer) and records who and why (exit 6 if refused).\n" +
        '360giving options may be given in the config file under threeSixtyGiving. Exit 7 if the grants cannot be published.',
    )
    .action(
      act<ExportCliOptions>(wiring, async (context, _args, options) => {
        if (options.format !== 'ndjson' && options.format !== '360giving')
          throw new CliError(ExitCode.usage, `--format: ${JSON.stringify(options.format)} is not ndjson or 360giving`)
        const out = outputFile(context.io.cwd, options.out, options.force === true)
        return options.format === 'ndjson' ? ndjson(context, options, out) : threeSixtyGiving(context, options, out)
      }),
    )
}
