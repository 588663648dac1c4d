/**
 * `@civic-ledger/testing` without ava: the contract suites and a decider spec run under
 * `node:test` (node-test-contract.test-fixture.ts), in a process of their own that never loads ava.
 */
import { join } from 'node:path'

import test from 'ava'

import { run } from './packing'

test('the contract suites run under node:test, and ava is never loaded', async (t) => {
  t.timeout(5 * 60_000)
  const fixture = join(__dirname, 'node-test-contract.test-fixture.js')
  const { stdout } = await run(process.execPath, ['--test-reporter=tap', fixture], { maxBuffer: 16 * 1024 * 1024 })
  t.regex(stdout, /^# fail 0$/m)
  t.regex(stdout, /^ok \d+ - memory under node:test · optimistic concurrency: /m)
  t.regex(stdout, /^ok \d+ - memory under node:test · projections: /m)
  t.regex(stdout, /^ok \d+ - ava was never loaded$/m)
  const passed = Number(/^# pass (\d+)$/m.exec(stdout)?.[1] ?? 0)
  t.true(passed > 40, `${passed} tests passed under node:test`)
})
