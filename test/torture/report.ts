/**
 * The torture run's report: the table printed at the end of a run, and docs/reliability.md, which
 * publishes the figures with the machine and the command that produced them.
 */
import type { PhaseResult } from './phase'
import { passed } from './phase'

/** A phase that was asked for and did not run, and why. */
export interface NotRun {
  readonly store: string
  readonly phase: string
  readonly reason: string
}

/** Where and how a run was made. */
export interface RunRecord {
  readonly command: string
  readonly startedAt: string
  readonly seconds: number
  readonly size: 'short' | 'full'
  readonly seed: number
  readonly kills: number
  readonly machine: ReadonlyArray<readonly [string, string]>
  readonly results: ReadonlyArray<PhaseResult>
  readonly notRun: ReadonlyArray<NotRun>
  /** Personal values and keys the run used, and how often any appeared in its output. */
  readonly leakScan: { readonly secrets: number; readonly matches: number; readonly outputBytes: number }
}

const figure = (value: number): string => (Number.isInteger(value) ? value.toLocaleString('en-GB') : String(value))

const countsText = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .map(([name, value]) => `${name} ${figure(value)}`)
    .join(', ')

const classificationText = (result: PhaseResult): string => {
  const c = result.classification
  if (c === undefined) return ''
  return (
    Object.entries(c.counts)
      .map(([name, value]) => `${name} ${figure(value)}`)
      .join(', ') +
    `, torn batches ${c.tornBatches}, broken "not written" ${c.writtenDespiteNotWritten}, ` +
    `position gaps ${c.positionGaps}, revision gaps ${c.revisionGaps}`
  )
}

/** The table printed at the end of a run: one row a phase, then the leak scan. */
export const table = (record: RunRecord): string => {
  const rows = [
    ...record.results.map((r) => [
      r.store,
      r.phase,
      `${r.seconds} s`,
      passed(r) ? 'pass' : 'FAIL',
      [countsText(r.counts), classificationText(r)].filter((text) => text !== '').join('; '),
    ]),
    ...record.notRun.map((n) => [n.store, n.phase, '-', 'not run', n.reason]),
    [
      'output',
      'personal values and keys in the run’s output',
      '-',
      record.leakScan.matches === 0 ? 'pass' : 'FAIL',
      `${record.leakScan.matches} matches of ${record.leakScan.secrets} secrets in ${figure(record.leakScan.outputBytes)} bytes`,
    ],
  ]
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length)))
  const lines = rows.map((row) =>
    [...row.slice(0, 4).map((cell, i) => cell.padEnd(widths[i] ?? 0)), row[4] ?? ''].join('  '),
  )
  const failing = record.results.flatMap((r) =>
    r.invariants.filter((i) => !i.held).map((i) => `  FAILED ${r.store} / ${r.phase}: ${i.name}: ${i.detail}`),
  )
  return [...lines, ...failing].join('\n')
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** docs/reliability.md for a run. */
export const reliabilityPage = (record: RunRecord): string => {
  const failedPhases = record.results.filter((r) => !passed(r)).length
  const out: string[] = []
  out.push(
    '# Reliability figures',
    '',
    'Counts from the torture run (`npm run torture`), which checks the invariants of the reliability',
    'notes under load and faults on every store it can reach, and publishes what it found here. It is',
    'not part of `npm test`; a short version of every phase is (`test/torture/*.int.test.ts`). This',
    'page is written by the run: rerun it rather than editing the figures.',
    '',
    '## This run',
    '',
    '| | |',
    '|---|---|',
    `| Command | \`${escapeCell(record.command)}\` |`,
    `| Date | ${record.startedAt} |`,
    `| Size | ${record.size} |`,
    `| Seed | ${record.seed} (pass \`--seed ${record.seed}\` to repeat) |`,
    `| SQLite kills asked for | ${figure(record.kills)} |`,
    `| Duration | ${figure(record.seconds)} s |`,
    `| Phases | ${record.results.length} run, ${failedPhases} failed, ${record.notRun.length} not run |`,
    `| Personal values and keys found in the run’s output | ${record.leakScan.matches} (searched for ${record.leakScan.secrets} values in ${figure(record.leakScan.outputBytes)} bytes) |`,
    '',
    '## The machine',
    '',
    '| | |',
    '|---|---|',
    ...record.machine.map(([name, value]) => `| ${name} | ${escapeCell(value)} |`),
    '',
    '## Summary',
    '',
    '| Store | Phase | Seconds | Result |',
    '|---|---|---:|---|',
    ...record.results.map(
      (r) =>
        `| ${r.store} | ${escapeCell(r.phase)} | ${r.seconds} | ${passed(r) ? 'every invariant held' : '**failed**'} |`,
    ),
    ...record.notRun.map((n) => `| ${n.store} | ${escapeCell(n.phase)} | – | not run: ${escapeCell(n.reason)} |`),
    '',
  )
  for (const r of record.results) {
    out.push(`## ${r.store}: ${r.phase}`, '', '| Figure | Count |', '|---|---:|')
    for (const [name, value] of Object.entries(r.counts)) out.push(`| ${escapeCell(name)} | ${figure(value)} |`)
    const c = r.classification
    if (c !== undefined) {
      for (const [name, value] of Object.entries(c.counts)) out.push(`| events ${name} | ${figure(value)} |`)
      out.push(
        `| torn batches | ${c.tornBatches} |`,
        `| failures saying "not written" that were written | ${c.writtenDespiteNotWritten} |`,
        `| position gaps | ${c.positionGaps} |`,
        `| revision gaps | ${c.revisionGaps} |`,
      )
    }
    out.push('', '| Invariant | Held | Checked |', '|---|---|---|')
    for (const i of r.invariants)
      out.push(`| ${escapeCell(i.name)} | ${i.held ? 'yes' : '**no**'} | ${escapeCell(i.detail)} |`)
    out.push('')
  }
  out.push(
    '## Reading the figures',
    '',
    '- **acknowledged-present**: the append returned success and the event is at the position returned.',
    '- **lost**: the append returned success and the event is missing or elsewhere. Must be 0.',
    '- **duplicated**: an event id stored more than once. Must be 0.',
    '- **unexpected**: a stored event no operation of the run sent. Must be 0.',
    '- **recovered**: the append failed or its writer was killed before the reply, and the event is',
    '  stored whole — committed before the kill, or written by a resend with the same ids.',
    '- **absent**: the append failed or its writer was killed, and none of its events is stored.',
    '- **torn batches**: operations partly stored. Must be 0.',
    '- **not on the disk after repair** (SQLite, file system read-only mid-batch): appends acknowledged',
    '  while ext4 was turning read-only whose events were gone once it was repaired. ext4 can answer',
    '  a sync as done as it turns read-only and then drop the pages it never wrote (traced:',
    '  `fsync() = 0`, the frames absent after the remount). Under `synchronous=FULL` the store reads',
    "  ext4's error count for the ledger's disk after every commit and tells the caller the outcome is",
    '  unknown when it has moved; any acknowledgement that still slipped through would be counted',
    '  here, apart from **lost**. Every append acknowledged before the error was raised must be',
    '  present.',
    '',
  )
  return out.join('\n')
}
