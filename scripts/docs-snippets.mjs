// Extracts the TypeScript code blocks of each page in docs/ into test/docs/generated/<page>.ts, one
// module per page with its blocks in order, so `tsc -b` type-checks the docs and test/docs.test.ts
// runs them. A block fenced as ```ts is compiled; ```text or ```sh blocks are not.
//
// The READMEs (the root's and each package's, which npm shows) are extracted too, into readme.ts
// and packages-<dir>-readme.ts. Their blocks are written as an app would write them, with top-level
// await: the imports are lifted to the module and each block's body runs, in its own scope, inside
// the module's main(). A block fenced as ```ts compile-only (one that needs a server, or registers
// tests) is type-checked but not run.
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

const readmes = [
  ['README.md', 'readme'],
  ...readdirSync(join(root, 'packages')).map((dir) => [join('packages', dir, 'README.md'), `packages-${dir}-readme`]),
]
const IMPORT = /^import (?:[^'\n]|\n(?!\n))*?from '[^']+'\n|^import '[^']+'\n/gm
for (const [page, name] of readmes) {
  let text
  try {
    text = readFileSync(join(root, page), 'utf8')
  } catch {
    continue
  }
  const blocks = [...text.matchAll(/^```ts( compile-only)?\n([\s\S]*?)^```$/gm)]
  if (blocks.length === 0) continue
  const imports = new Set()
  const bodies = blocks.map((m, i) => {
    const code = m[2].replace(IMPORT, (line) => {
      imports.add(line.trimEnd())
      return ''
    })
    const body = code.trim().replace(/^/gm, '    ')
    const label = `  // --- ${page}, block ${i + 1} ---`
    return m[1] === undefined
      ? `${label}\n  {\n${body}\n  }`
      : `${label} (compile-only)\n  {\n    const compileOnly = async (): Promise<void> => {\n${body.replace(/^/gm, '  ')}\n    }\n    void compileOnly\n  }`
  })
  writeFileSync(
    join(out, `${name}.ts`),
    `// Generated from ${page}: edit the page, not this file.\n${[...imports].join('\n')}\n\nexport const main = async (): Promise<void> => {\n${bodies.join('\n')}\n}\n`,
  )
}
