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

/** The page a generated module comes from: docs/<page>.md, README.md or packages/<dir>/README.md. */
const source = (page: string): string => {
  const name = page.replace(/\.js$/, '')
  if (name === 'readme') return 'README.md'
  const pkg = /^packages-(.+)-readme$/.exec(name)
  return pkg === null ? `docs/${name}.md` : `packages/${pkg[1]}/README.md`
}

for (const page of pages) {
  test(`${source(page)} runs`, async (t) => {
    // Each page checks its own claims with node:assert; running main() to the end is the test.
    const module = (await import(join(generated, page))) as { main?: () => Promise<void> }
    t.is(typeof module.main, 'function', 'the page must end by exporting main()')
    await t.notThrowsAsync(async () => module.main?.())
  })
}
