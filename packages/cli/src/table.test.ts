import test from 'ava'

import { parseAsOf } from './commands/report'
import { CliError } from './exit-codes'
import type { Table } from './table'
import { renderCsv, renderText } from './table'

const table: Table = {
  columns: [
    { key: 'fund', title: 'fund' },
    { key: 'pence', title: 'pence' },
    { key: 'note', title: 'note' },
  ],
  rows: [
    { fund: 'warm-spaces', pence: 400000, note: 'a, "quoted" note' },
    { fund: 'x', pence: 5, note: null },
  ],
}

test('text tables align their columns, numbers to the right', (t) => {
  t.is(
    renderText(table),
    [
      'fund          pence  note',
      '-----------  ------  ----------------',
      'warm-spaces  400000  a, "quoted" note',
      'x                 5',
      '',
    ].join('\n'),
  )
})

test('CSV quotes what needs quoting and ends lines with CRLF', (t) => {
  t.is(renderCsv(table), 'fund,pence,note\r\nwarm-spaces,400000,"a, ""quoted"" note"\r\nx,5,\r\n')
})

test('--as-of takes a position, a day (its end) or a time', (t) => {
  t.deepEqual(parseAsOf('87'), { position: 87 })
  t.deepEqual(parseAsOf('2026-03-31'), { recordedAt: '2026-03-31T23:59:59.999Z' })
  t.deepEqual(parseAsOf('2026-03-31T09:00:00.000Z'), { recordedAt: '2026-03-31T09:00:00.000Z' })
  for (const bad of ['yesterday', '2026-13-01', '-1', '1.5', ''])
    t.throws(() => parseAsOf(bad), { instanceOf: CliError, message: /--as-of/ })
})
