/**
 * A council app installs Civic Ledger as npm would give it to them: every publishable package is
 * packed, the tarballs are installed into a fresh app outside the workspace (from the local npm
 * cache only: `--offline`), and the app (test/packaging/consumer-app) is type-checked as strict
 * `nodenext` TypeScript with the libraries' own declarations checked too (`skipLibCheck: false`),
 * run as ESM, and run again as a CommonJS script. Each opens a SQLite ledger, sends commands to the
 * volunteers context and reads the results back.
 *
 * It fails when a shipped .d.ts names a module whose types are not installed with the package,
 * when a consumer cannot read a result without importing fp-ts itself, when a package needs a file
 * it does not ship, or when ESM or CommonJS cannot load a package.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

import test from 'ava'

import type { Manifest } from './packing'
import { lockfileFor, pack, publishablePackages, ROOT, run } from './packing'

const APP = join(ROOT, 'test', 'packaging', 'consumer-app')

test('a council app installs the packed packages, type-checks, and runs as ESM and as CommonJS', async (t) => {
  t.timeout(10 * 60_000)
  const dir = mkdtempSync(join(tmpdir(), 'civic-ledger-consumer-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const tarballs = join(dir, 'tarballs')
  const app = join(dir, 'app')
  mkdirSync(tarballs)
  cpSync(APP, app, { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source) })

  const packages = publishablePackages()
  const packed = await pack(packages, { destination: tarballs })
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Manifest
  const ours = packed.map(({ name, filename }) => ({
    name,
    dir: packages.find((p) => p.manifest.name === name)?.dir ?? name,
    tarball: join(tarballs, filename),
    spec: `file:../tarballs/${filename}`,
  }))
  const dependencies = { ...manifest.dependencies, ...Object.fromEntries(ours.map((p) => [p.name, p.spec])) }
  const installing = { ...manifest, dependencies }
  writeFileSync(join(app, 'package.json'), JSON.stringify(installing, null, 2))
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lockfileFor(installing, ours), null, 2))

  // Offline: the lockfile names every version (the workspace's), so nothing but the npm cache that
  // installing the workspace filled is read. Install scripts are skipped, so better-sqlite3's
  // native addon (the same pinned version) is copied from the workspace rather than compiled again.
  await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: app,
    maxBuffer: 64 * 1024 * 1024,
  })
  const release = join('build', 'Release')
  const workspaceAddon = join(dirname(require.resolve('better-sqlite3/package.json')), release, 'better_sqlite3.node')
  mkdirSync(join(app, 'node_modules', 'better-sqlite3', release), { recursive: true })
  copyFileSync(workspaceAddon, join(app, 'node_modules', 'better-sqlite3', release, 'better_sqlite3.node'))

  const tsc = await run(
    process.execPath,
    [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    {
      cwd: app,
    },
  ).catch((error: Error & { stdout?: string }) => {
    throw new Error(`the app does not type-check:\n${error.stdout ?? error.message}`)
  })
  t.is(tsc.stdout, '')
  const esm = await run(process.execPath, ['dist/main.js'], { cwd: app })
  t.regex(esm.stdout, /council app \(ESM\): ok/)
  const cjs = await run(process.execPath, ['check.cjs'], { cwd: app })
  t.regex(cjs.stdout, /council app \(CommonJS\): ok/)
})
