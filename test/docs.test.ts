/**
 * The code in docs/ is real: each page's TypeScript blocks are compiled into one module (see
 * scripts/docs-snippets.mjs) and run here, so a page cannot drift from the library.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

const generated = join(__dirname, 'docs', 'generated')
const pages = readdirSync(generated).filter((f) => f.endsWith('.js'))

test('every page of docs/ with code has been compiled', (t) => {
  t.true(pages.includes('concepts.js'), `compiled pages: ${pages.join(', ')}`)
})

for (const page of pages) {
  test(`docs/${page.replace(/\.js$/, '.md')} runs`, async (t) => {
    // Each page checks its own claims with node:assert; running main() to the end is the test.
    const module = (await import(join(generated, page))) as { main?: () => Promise<void> }
    t.is(typeof module.main, 'function', 'the page must end by exporting main()')
    await t.notThrowsAsync(async () => module.main?.())
  })
}
