/**
 * What each publishable package puts in its tarball, and what its manifest promises: only the
 * compiled code, its declarations, its data, README, LICENSE and package.json — no tests, test
 * fixtures or source maps — and dependencies that let the declarations type-check where installed.
 */
import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'

import test from 'ava'

import type { Manifest, Packed } from './packing'
import { pack, publishablePackages, ROOT, run } from './packing'

const packages = publishablePackages()
const listed = pack(packages, { dryRun: true })

/** Libraries whose types are part of the packages' public API: one copy, shared with the app. */
const PEERS = ['fp-ts', 'io-ts', 'rxjs']

const TEST_CODE = /(\.test\.|\.test-fixture\.|(^|\/)test-helpers\.|(^|\/)test-database\.)/

/** Why a packed file should not be there, or undefined if it belongs. */
const misplaced = (path: string): string | undefined => {
  if (TEST_CODE.test(path)) return 'test code'
  if (path.endsWith('.map')) return 'a source map (its sources are not shipped)'
  if (['package.json', 'README.md', 'LICENSE'].includes(path)) return undefined
  if (path.startsWith('data/')) return undefined
  if (/^dist\/.+(\.d\.ts|\.js)$/.test(path)) return undefined
  return 'not compiled code, declarations, data or docs'
}

test('every publishable package is packed', async (t) => {
  const names = (await listed).map((p) => p.name).sort()
  t.deepEqual(names, packages.map((p) => p.manifest.name).sort())
})

for (const { dir, manifest } of packages) {
  const tarball = async (): Promise<Packed> => {
    const found = (await listed).find((p) => p.name === manifest.name)
    if (found === undefined) throw new Error(`${manifest.name} was not packed`)
    return found
  }

  test(`${manifest.name}: the tarball holds only dist, data, README, LICENSE and package.json`, async (t) => {
    const files = (await tarball()).files.map((f) => f.path)
    const wrong = files.flatMap((path) => {
      const why = misplaced(path)
      return why === undefined ? [] : [`${path}: ${why}`]
    })
    t.deepEqual(wrong, [])
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
      t.true(files.includes(needed), `${needed} is missing`)
  })

  test(`${manifest.name}: the manifest says where it comes from and how to publish it`, (t) => {
    t.is(manifest.license, 'MIT')
    t.is(readFileSync(join(ROOT, 'packages', dir, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'))
    t.regex(manifest.repository?.url ?? '', /^git\+https:\/\/github\.com\/.+\.git$/)
    t.is(manifest.repository?.directory, `packages/${dir}`)
    t.regex(manifest.homepage ?? '', /^https:\/\//)
    t.deepEqual(manifest.publishConfig, { access: 'public' })
  })

  test(`${manifest.name}: fp-ts, io-ts and rxjs are peers with caret ranges`, (t) => {
    for (const name of PEERS) {
      t.false(name in (manifest.dependencies ?? {}), `${name} must be a peer dependency, not a dependency`)
      const range = manifest.peerDependencies?.[name]
      if (range === undefined) continue
      t.regex(range, /^\^\d+\.\d+\.\d+$/, `${name}: ${range}`)
      t.truthy(manifest.devDependencies?.[name], `${name} is also a devDependency, for the workspace`)
    }
  })

  test(`${manifest.name}: every module its code or declarations name is installed with it, types included`, async (t) => {
    const shipped = (await tarball()).files.map((f) => f.path).filter((p) => /\.(d\.ts|js)$/.test(p))
    const named = new Map<string, boolean>() // module → named by a declaration file
    for (const file of shipped) {
      const text = readFileSync(join(ROOT, 'packages', dir, file), 'utf8')
      for (const m of text.matchAll(/(?:from\s+|import\(\s*|require\(\s*|types=)['"]([^'".][^'"]*)['"]/g)) {
        const specifier = m[1] ?? ''
        if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '')) continue
        const name = packageName(specifier)
        named.set(name, named.get(name) === true || file.endsWith('.d.ts'))
      }
    }
    const installed = { ...manifest.dependencies, ...manifest.peerDependencies }
    const problems = [...named].flatMap(([name, inDeclarations]) => {
      const types = typesPackage(name)
      if (name === manifest.name) return []
      // A module of types only (geojson) is installed by its @types package.
      if (!(name in installed) && !(inDeclarations && types in installed))
        return [`${name} is named by the shipped code but is not a dependency`]
      if (!inDeclarations || types in installed || ownTypes(name)) return []
      return [`${name} ships no types: ${types} must be a dependency`]
    })
    t.deepEqual(problems, [])
  })
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageName = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

/** The DefinitelyTyped package for a module: `@types/pg`, `@types/scope__name`. */
const typesPackage = (name: string): string => `@types/${name.replace(/^@([^/]+)\//, '$1__')}`

/** Whether the installed module carries its own declarations. */
const ownTypes = (name: string): boolean => {
  if (name.startsWith('@types/')) return true
  const dir = join(ROOT, 'node_modules', name)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest & {
    readonly types?: string
    readonly typings?: string
  }
  return manifest.types !== undefined || manifest.typings !== undefined || existsSync(join(dir, 'index.d.ts'))
}

test('every package would publish, publicly (npm publish --dry-run)', async (t) => {
  const args = ['publish', '--dry-run', '--json', '--ignore-scripts', '--offline']
  const { stdout } = await run('npm', [...args, ...packages.flatMap(({ dir }) => ['-w', `packages/${dir}`])], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  })
  const published = JSON.parse(stdout) as Readonly<Record<string, { readonly id: string }>>
  t.deepEqual(
    Object.values(published)
      .map((p) => p.id)
      .sort(),
    packages.map(({ manifest }) => `${manifest.name}@${manifest.version}`).sort(),
  )
})
