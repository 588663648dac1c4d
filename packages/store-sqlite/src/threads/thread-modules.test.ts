/**
 * The store's threads (the read-ahead's and a chain check's) start on demand, and a read is served
 * by the caller's own thread until they are ready: so they load only
 * what they use. Each thread's script is loaded here the way the thread loads it, in a fresh process, and nothing of the
 * kernel's index or its codec libraries may come with it.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

/** The modules a script's own `require` calls load (all of them, transitively), in a fresh process. */
const loadedBy = (script: string): ReadonlyArray<string> => {
  const source = readFileSync(script, 'utf8')
  const requests = [...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] as string)
  const program = `
    const { createRequire } = require('node:module')
    const load = createRequire(${JSON.stringify(script)})
    for (const request of ${JSON.stringify(requests)}) load(request)
    process.stdout.write(JSON.stringify(Object.keys(require.cache)))`
  return JSON.parse(execFileSync(process.execPath, ['-e', program], { encoding: 'utf8' })) as string[]
}

const kernelIndex = /[\\/]core[\\/]dist[\\/]index\.js$/
const codecLibraries = /[\\/]node_modules[\\/](io-ts|fp-ts|rxjs|tsyringe)[\\/]/

for (const script of ['read-ahead-worker.js', 'chain-check-worker.js']) {
  test(`${script} loads neither the kernel's index nor io-ts, fp-ts, rxjs or tsyringe`, (t) => {
    const loaded = loadedBy(join(__dirname, script))
    // The script's own imports are there: the check would catch a thread that loads the kernel.
    t.true(loaded.length > 0)
    t.deepEqual(
      loaded.filter((id) => kernelIndex.test(id) || codecLibraries.test(id)),
      [],
    )
  })
}

test('the check itself sees the kernel when a module does load it', (t) => {
  const loaded = loadedBy(join(__dirname, '..', 'rows.js'))
  t.true(loaded.some((id) => kernelIndex.test(id)))
  t.true(loaded.some((id) => codecLibraries.test(id)))
})
