// Extracts the TypeScript code blocks of each page in docs/ into test/docs/generated/<page>.ts, one
// module per page with its blocks in order, so `tsc -b` type-checks the docs and test/docs.test.ts
// runs them. A block fenced as ```ts is compiled; ```text or ```sh blocks are not.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const out = join(root, 'test', 'docs', 'generated')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

for (const page of readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'))) {
  const text = readFileSync(join(root, 'docs', page), 'utf8')
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1])
  if (blocks.length === 0) continue
  const name = page.replace(/\.md$/, '')
  const body = blocks.map((b, i) => `// --- docs/${page}, block ${i + 1} ---\n${b}`).join('\n')
  writeFileSync(join(out, `${name}.ts`), `// Generated from docs/${page}: edit the page, not this file.\n${body}`)
}
