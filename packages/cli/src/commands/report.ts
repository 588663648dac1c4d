/**
 * `civic-ledger report [name] [--format table|csv|json|html] [--as-of DATE|TIME|POSITION]`: a report
 * from the live read models, or from a replay of the log up to a point into memory (the live read
 * models are not touched). Without a name, lists the reports.
 */
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

import { isIsoDate, isIsoDateTime, replayProjections } from '@civic-ledger/core'
import type { Command } from 'commander'

import type { CommandContext } from '../context'
import { CliError, ExitCode } from '../exit-codes'
import { boardReport, boardReports, explainCell, isBoardReport } from '../reports/boards'
import { builtInReports } from '../reports/grants'
import type { ReportData, ReportProducer, ReportRegistry, ReportSource } from '../reports/registry'
import { isReportProducer, reportRegistry } from '../reports/registry'
import { settle, withLedger, withStore } from '../session'
import { renderCsv, renderText } from '../table'
import type { Wiring } from '../wiring'
import { act } from '../wiring'

/** The point a report is replayed to (`--as-of`): a position of the log, or a recorded time. */
export type AsOf = { readonly position: number } | { readonly recordedAt: string }

/** `--as-of`: a position (a whole number), a day (its end, UTC) or a time. */
export const parseAsOf = (text: string): AsOf => {
  if (/^\d+$/.test(text)) {
    const position = Number(text)
    if (Number.isSafeInteger(position)) return { position }
  }
  if (isIsoDate(text)) return { recordedAt: `${text}T23:59:59.999Z` }
  if (isIsoDateTime(text)) return { recordedAt: text }
  throw new CliError(
    ExitCode.usage,
    `--as-of: ${JSON.stringify(text)} is not a position, a day (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ)`,
  )
}

const FORMATS = ['table', 'csv', 'json', 'html'] as const
type Format = (typeof FORMATS)[number]

/** The reports of the config's modules, beside the built-in ones. */
export const loadReports = async (context: CommandContext): Promise<ReportRegistry> => {
  const extra: ReportProducer[] = []
  for (const specifier of context.settings().reports) {
    let module: { readonly reports?: unknown }
    try {
      const file = createRequire(resolve(context.io.cwd, 'noop.js')).resolve(specifier)
      module = (await import(pathToFileURL(file).href)) as { readonly reports?: unknown }
    } catch (error) {
      throw new CliError(
        ExitCode.usage,
        `reports ${specifier}: cannot be loaded (${error instanceof Error ? error.message : String(error)})`,
      )
    }
    if (!Array.isArray(module.reports) || !module.reports.every(isReportProducer))
      throw new CliError(
        ExitCode.usage,
        `reports ${specifier}: does not export \`reports\`, a list of report producers`,
      )
    extra.push(...(module.reports as ReadonlyArray<ReportProducer>))
  }
  return reportRegistry([...builtInReports, ...extra])
}

const produce = async (context: CommandContext, producer: ReportProducer, asOf: AsOf | undefined) => {
  if (asOf === undefined)
    return withLedger(context, async (ledger) => {
      const names = producer.projections.map((p) => p.name)
      const statuses = await settle(ledger, { timeoutMs: 60_000, names })
      const halted = statuses.find((s) => s.state === 'halted')
      if (halted !== undefined)
        throw new CliError(
          ExitCode.failed,
          `projection ${halted.name} is halted: ${halted.lastError?.message ?? 'see status'}`,
        )
      const source: ReportSource = {
        query: (p, c) => ledger.projections.query(p, c),
        // Where the report stands: the least position of what it reads (the head if it reads no projection).
        position:
          statuses.length === 0 ? await ledger.events.headPosition() : Math.min(...statuses.map((s) => s.position)),
      }
      return { data: await producer.produce(source), source }
    })
  return withStore(context, async (store) => {
    const replay = await replayProjections({ store, projections: producer.projections, until: asOf })
    const source: ReportSource = { query: replay.query, position: replay.position, asOf }
    return { data: await producer.produce(source), source }
  })
}

const asOfText = (source: ReportSource): string =>
  source.asOf === undefined
    ? `at position ${source.position}`
    : 'recordedAt' in source.asOf
      ? `as recorded by ${source.asOf.recordedAt} (position ${source.position})`
      : `as of position ${source.position}`

const render = (format: Format, producer: ReportProducer, data: ReportData, source: ReportSource): string => {
  switch (format) {
    case 'table':
      return `${data.title}, ${asOfText(source)}\n\n${renderText(data)}`
    case 'csv':
      return renderCsv(data)
    case 'json':
      return JSON.stringify(
        {
          report: producer.name,
          title: data.title,
          position: source.position,
          asOf: source.asOf ?? null,
          columns: data.columns,
          rows: data.rows,
        },
        null,
        2,
      )
    case 'html':
      if (producer.html === undefined)
        throw new CliError(
          ExitCode.usage,
          `report ${producer.name} has no HTML form: HTML reports come with @civic-ledger/reporting; use --format table, csv or json`,
        )
      return producer.html(data, source)
    default: {
      const never: never = format
      return never
    }
  }
}

export const reportCommand = (program: Command, wiring: Wiring): void => {
  program
    .command('report')
    .description(
      'print a report from the read models, now or as it stood at a past point; without a name, list the reports',
    )
    .argument('[name]', 'the report')
    .option('--format <format>', `${FORMATS.join(', ')} (html only for reports that render it)`, 'table')
    .option('--as-of <point>', 'replay the log up to a position, a day (YYYY-MM-DD, its end in UTC) or a time')
    .option(
      '--explain <cell>',
      'list the events one figure of a board report was computed from (e.g. funds/innovate/amountAwarded)',
    )
    .addHelpText(
      'after',
      '\nA report --as-of a past point is replayed into memory: the live read models are not touched.\n' +
        'Board reports (with maps in html): sda-review, grants, volunteering, partnerships, area-profile.\n' +
        'Built-in tables: grants-by-fund, fund-budgets. Modules listed in the config file\'s "reports" add more.',
    )
    .action(
      act<{ format: string; asOf?: string; explain?: string }>(wiring, async (context, [name], options) => {
        const format = options.format as Format
        if (!FORMATS.includes(format))
          throw new CliError(
            ExitCode.usage,
            `--format: ${JSON.stringify(options.format)} is not one of ${FORMATS.join(', ')}`,
          )
        const asOf = options.asOf === undefined ? undefined : parseAsOf(options.asOf)
        const registry = await loadReports(context)
        if (name === undefined) {
          const list = [
            ...boardReports(),
            ...[...registry.values()].map((p) => ({ name: p.name, description: p.description })),
          ]
          context.result(list, () =>
            renderText({
              columns: [
                { key: 'name', title: 'report' },
                { key: 'description', title: 'what it shows' },
              ],
              rows: list,
            }),
          )
          return ExitCode.ok
        }
        if (isBoardReport(name) && !registry.has(name)) {
          const explain = options.explain
          if (explain !== undefined) {
            const { text, json } = await withLedger(context, (ledger) => explainCell(ledger, name, explain, asOf))
            context.result(json, () => text)
            return ExitCode.ok
          }
          context.print(
            await withLedger(context, (ledger) => boardReport(ledger, name, context.json ? 'json' : format, asOf)),
          )
          return ExitCode.ok
        }
        if (options.explain !== undefined)
          throw new CliError(
            ExitCode.usage,
            `--explain: report ${name} is a table without evidence; board reports explain their figures`,
          )
        const producer = registry.get(name)
        if (producer === undefined)
          throw new CliError(ExitCode.usage, `no report is named ${name} (known: ${[...registry.keys()].join(', ')})`)
        const { data, source } = await produce(context, producer, asOf)
        context.print(render(context.json ? 'json' : format, producer, data, source))
        return ExitCode.ok
      }),
    )
}
