/**
 * Packs the publishable packages (`packages/*`, not the private examples or tests) as npm would
 * publish them, for the packaging tests.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

export const run = promisify(execFile)

/** The repository's root, from test/dist/packaging. */
export const ROOT = join(__dirname, '..', '..', '..')

export interface Manifest {
  readonly name: string
  readonly version: string
  readonly private?: boolean
  readonly license?: string
  readonly files?: ReadonlyArray<string>
  readonly repository?: { readonly type: string; readonly url: string; readonly directory?: string }
  readonly homepage?: string
  readonly publishConfig?: { readonly access?: string }
  readonly dependencies?: Readonly<Record<string, string>>
  readonly devDependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
}

export interface PublishablePackage {
  /** Its folder under packages/. */
  readonly dir: string
  readonly manifest: Manifest
}

/** Every package under packages/ that is not private. */
export const publishablePackages = (): ReadonlyArray<PublishablePackage> =>
  readdirSync(join(ROOT, 'packages'))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
    }))
    .filter(({ manifest }) => manifest.private !== true)

/** One entry of `npm pack --json`. */
export interface Packed {
  readonly name: string
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

/** Packs each package into `destination` (or, with `dryRun`, only lists what it would pack). */
export const pack = async (
  packages: ReadonlyArray<PublishablePackage>,
  options: { readonly destination?: string; readonly dryRun?: boolean },
): Promise<ReadonlyArray<Packed>> => {
  const args = ['pack', '--json', '--ignore-scripts', ...packages.flatMap(({ dir }) => ['-w', `packages/${dir}`])]
  if (options.destination !== undefined) args.push('--pack-destination', options.destination)
  if (options.dryRun === true) args.push('--dry-run')
  const { stdout } = await run('npm', args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
  return JSON.parse(stdout) as ReadonlyArray<Packed>
}

// --- an offline install ---

interface LockEntry {
  readonly version?: string
  readonly resolved?: string
  readonly integrity?: string
  readonly link?: boolean
  readonly dependencies?: Readonly<Record<string, string>>
  readonly optionalDependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>
  readonly [field: string]: unknown
}

/** The installed name at the end of a lockfile path (`a/node_modules/@s/b` → `@s/b`). */
const nameAt = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)

/**
 * A lockfile for an app that depends on packed packages (by `file:` tarball) and on third-party
 * packages, with every third-party version taken from the workspace's own lockfile. An install
 * from it needs only the npm cache that installing the workspace filled: npm reads no registry
 * metadata when the lockfile names each version, its tarball and its integrity.
 */
export const lockfileFor = (
  app: Manifest,
  packed: ReadonlyArray<{
    readonly name: string
    readonly dir: string
    readonly tarball: string
    readonly spec: string
  }>,
): object => {
  const workspace = (
    JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      readonly packages: Readonly<Record<string, LockEntry>>
    }
  ).packages
  const ours = new Map(packed.map((p) => [p.name, p]))
  const out: Record<string, LockEntry> = {}
  out[''] = {
    name: app.name,
    version: app.version,
    dependencies: app.dependencies ?? {},
    devDependencies: app.devDependencies ?? {},
  }

  // Where a workspace path lands in the app: packages/x/… → node_modules/@civic-ledger/x/….
  const place = (path: string): string => {
    const match = /^packages\/([^/]+)/.exec(path)
    const pkg = match === null ? undefined : packed.find((p) => p.dir === match[1])
    return pkg === undefined ? path : path.replace(/^packages\/[^/]+/, `node_modules/${pkg.name}`)
  }
  /** Node's lookup, in the workspace: from `from`, up to the root's node_modules. */
  const resolve = (from: string, name: string): string | undefined => {
    const own = ours.get(name)
    if (own !== undefined) return `packages/${own.dir}`
    for (
      let dir = from;
      ;
      dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : ''
    ) {
      const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`
      if (workspace[candidate] !== undefined && workspace[candidate].link !== true) return candidate
      if (dir === '') return undefined
    }
  }
  const visit = (from: string, needs: Readonly<Record<string, string>>, optional: ReadonlySet<string>): void => {
    for (const name of Object.keys(needs)) {
      const path = resolve(from, name)
      if (path === undefined) {
        if (optional.has(name)) continue
        throw new Error(`${name} (needed by ${from || 'the app'}) is not in the workspace's lockfile`)
      }
      const target = place(path)
      if (out[target] !== undefined) continue
      const own = ours.get(name)
      const entry =
        own !== undefined ? tarballEntry(own.dir, own.tarball, own.spec) : registryEntry(path, workspace[path] ?? {})
      out[target] = entry
      const peersOptional = Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional === true)
      const skip = new Set([...Object.keys(entry.optionalDependencies ?? {}), ...peersOptional.map(([n]) => n)])
      visit(path, { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }, skip)
    }
  }
  visit('', { ...app.dependencies, ...app.devDependencies }, new Set())
  return { name: app.name, version: app.version, lockfileVersion: 3, requires: true, packages: out }
}

const registryEntry = (path: string, entry: LockEntry): LockEntry => {
  const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry
  const name = nameAt(path)
  const resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop() ?? name}-${entry.version ?? ''}.tgz`
  return { ...rest, resolved: entry.resolved ?? resolved }
}

const tarballEntry = (dir: string, tarball: string, spec: string): LockEntry => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest & {
    readonly bin?: Readonly<Record<string, string>>
    readonly engines?: Readonly<Record<string, string>>
  }
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
  const entry: Record<string, unknown> = { version: manifest.version, resolved: spec, integrity }
  for (const field of ['license', 'dependencies', 'peerDependencies', 'bin', 'engines'] as const)
    if (manifest[field] !== undefined) entry[field] = manifest[field]
  return entry
}
