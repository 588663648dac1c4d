/**
 * Each package's README is its page on the registry, read where the repository is not: it names the
 * package, says how to install it with its peer dependencies, opens with an example in TypeScript
 * (compiled and run by test/docs.test.ts), and links only to absolute addresses — a relative link
 * that works on GitHub is broken on the registry — with every link into the repository naming a
 * file or folder that exists.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

import { publishablePackages, ROOT } from './packing'

/** Where the repository's files are read on the web: the URL the manifests name, on `main`. */
const REPOSITORY = 'https://github.com/civic-ledger/civic-ledger'

/**
 * Packages whose first example needs a server or registers tests, so it is only type-checked
 * (fenced as ```ts compile-only).
 */
const COMPILE_ONLY = new Set(['store-postgres', 'store-kurrentdb', 'testing'])

/** Every link target in a Markdown page: inline links and images, reference definitions, HTML. */
const linkTargets = (markdown: string): ReadonlyArray<string> => {
  const outsideCode = markdown.replace(/^(\s*)```[\s\S]*?^\1```$/gm, '')
  return [
    ...[...outsideCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? ''),
    ...[...outsideCode.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? ''),
    ...[...outsideCode.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1] ?? ''),
  ]
}

/** Why a link would not work on the registry, or undefined if it does. */
const brokenLink = (target: string): string | undefined => {
  if (target.startsWith('#')) return undefined
  if (!/^(https?:|mailto:)/.test(target)) return 'is relative: it works on GitHub only'
  if (!target.startsWith(`${REPOSITORY}/`)) return undefined
  const inRepo = /^https:\/\/github\.com\/civic-ledger\/civic-ledger\/(?:blob|tree)\/main\/([^#?]+)/.exec(target)
  if (inRepo === null)
    return /\/(issues|pulls|releases)(\/|$)/.test(target) ? undefined : 'is not a blob/main or tree/main address'
  const path = decodeURIComponent(inRepo[1] ?? '').replace(/\/$/, '')
  return existsSync(join(ROOT, path)) ? undefined : `names ${path}, which is not in the repository`
}

test('a relative link or one to a missing file is caught', (t) => {
  t.truthy(brokenLink('../../docs/cli.md'))
  t.truthy(brokenLink('data/README.md'))
  t.truthy(brokenLink(`${REPOSITORY}/blob/main/docs/no-such-page.md`))
  t.is(brokenLink(`${REPOSITORY}/blob/main/docs/cli.md`), undefined)
  t.is(brokenLink(`${REPOSITORY}/tree/main/packages/core#readme`), undefined)
  t.is(brokenLink('https://www.npmjs.com/package/@kurrent/kurrentdb-client'), undefined)
  t.deepEqual(linkTargets('[a](docs/a.md) ![b](./b.png "B")\n[c]: ../c.md\n<img src="d.svg">\n```sh\n[x](y)\n```'), [
    'docs/a.md',
    './b.png',
    '../c.md',
    'd.svg',
  ])
})

for (const { dir, manifest } of publishablePackages()) {
  const readme = readFileSync(join(ROOT, 'packages', dir, 'README.md'), 'utf8')

  test(`${manifest.name}'s README links only to absolute addresses that exist`, (t) => {
    const broken = linkTargets(readme).flatMap((target) => {
      const why = brokenLink(target)
      return why === undefined ? [] : [`${target} ${why}`]
    })
    t.deepEqual(broken, [])
  })

  test(`${manifest.name}'s README names it, installs it with its peers, and shows it in TypeScript`, (t) => {
    t.true(readme.startsWith(`# ${manifest.name}\n`), 'the first line is the package name')
    const install = [...readme.matchAll(/^npm install .*$/gm)].map((m) => m[0]).join('\n')
    t.true(install.includes(manifest.name), `install line: ${install}`)
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((p) => p !== 'ava')
    const peerLine = readme.split('\n').find((line) => line.includes('peer dependencies')) ?? ''
    const named = (peer: string): boolean => install.includes(peer) || peerLine.includes(peer)
    t.deepEqual(
      peers.filter((p) => !named(p)),
      [],
      'every required peer dependency is in the install line',
    )
    const fence = COMPILE_ONLY.has(dir) ? /^```ts( compile-only)?$/m : /^```ts$/m
    t.regex(readme, fence, 'an example in a ```ts block, which the docs test compiles and runs')
  })
}
