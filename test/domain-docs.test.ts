/**
 * Each docs/domain/<context>.md lists every event type its context records, with each field, as
 * scripts/domain-events.mjs writes it from the codecs: a page that differs from the codecs fails here.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import test from 'ava'

const root = join(__dirname, '..', '..')

test('the Events section of every docs/domain page matches its context’s codecs', (t) => {
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'domain-events.mjs'), '--check'], {
    cwd: root,
    encoding: 'utf8',
  })
  t.is(run.status, 0, run.stderr)
})
