/**
 * The API reference is complete. TypeDoc reads each publishable package's entry point, as
 * `npm run docs:api` does, and validates what it finds: the test fails listing each public export
 * without a doc comment, and each type the public API names that its package does not export, so an
 * app reading the reference never meets an undocumented or unreachable name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test from 'ava'
import type * as TypeDoc from 'typedoc' with { 'resolution-mode': 'import' }

import { publishablePackages, ROOT } from './packing'

const packages = publishablePackages()

/** The validation warnings TypeDoc gives for the packages' public API, sorted. */
const validate = async (): Promise<ReadonlyArray<string>> => {
  // TypeDoc is an ES module; the tests are CommonJS, so it is imported dynamically.
  const td: typeof TypeDoc = await import('typedoc')
  const entryPoints = packages.map(({ dir }) => join(ROOT, 'packages', dir, 'src', 'index.ts'))
  // One program of every package's sources, each package importing the others' sources, so a type
  // one package names from another links to its page; type errors are the build's to report.
  const config = mkdtempSync(join(tmpdir(), 'civic-ledger-api-docs-'))
  try {
    writeFileSync(
      join(config, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'Node16',
          moduleResolution: 'Node16',
          target: 'ES2022',
          lib: ['ES2023'],
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          noEmit: true,
          paths: {
            '@civic-ledger/core/chain': [join(ROOT, 'packages', 'core', 'src', 'port', 'chain.ts')],
            '@civic-ledger/core/store-kit': [join(ROOT, 'packages', 'core', 'src', 'store-kit', 'index.ts')],
            '@civic-ledger/*': [join(ROOT, 'packages', '*', 'src', 'index.ts')],
          },
        },
        files: entryPoints,
      }),
    )
    const warnings = new Set<string>()
    class Collector extends td.Logger {
      override log(message: string, level: (typeof td.LogLevel)[keyof typeof td.LogLevel]): void {
        if (level === td.LogLevel.Warn || level === td.LogLevel.Error) warnings.add(message)
      }
    }
    const app = await td.Application.bootstrap({
      entryPoints,
      entryPointStrategy: td.EntryPointStrategy.Resolve,
      tsconfig: join(config, 'tsconfig.json'),
      basePath: ROOT,
      readme: 'none',
      skipErrorChecking: true,
      excludePrivate: true,
      excludeInternal: true,
      // the exports themselves, and the functions they hold
      requiredToBeDocumented: ['Variable', 'Function', 'Class', 'Interface', 'TypeAlias', 'Enum', 'Namespace'],
      packagesRequiringDocumentation: packages.map(({ manifest }) => manifest.name),
      validation: { notExported: false, notDocumented: true, invalidLink: false },
    })
    app.logger = new Collector()
    const project = await app.convert()
    if (project === undefined) return [...warnings, 'TypeDoc could not convert the packages']
    app.validate(project)
    // TypeDoc asks for the exports of the project's own package only; each package is its own.
    app.options.setValue('validation', { notExported: true, notDocumented: false, invalidLink: false })
    for (const { manifest } of packages) {
      project.packageName = manifest.name
      app.validate(project)
    }
    return [...warnings].map((w) => w.replaceAll(/packages\/[a-z-]+\/src\./g, '')).sort()
  } finally {
    rmSync(config, { recursive: true, force: true })
  }
}

const found = validate()

test('every public export has a doc comment', async (t) => {
  const undocumented = (await found).filter((w) => !w.includes('is referenced by'))
  t.deepEqual(undocumented, [], `exports without a doc comment:\n${undocumented.join('\n')}`)
})

test('every type the public API names is exported', async (t) => {
  const unexported = (await found).filter((w) => w.includes('is referenced by'))
  t.deepEqual(unexported, [], `types referenced but not exported:\n${unexported.join('\n')}`)
})
