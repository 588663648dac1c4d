/**
 * The shape of the code, checked on the TypeScript sources (type-only imports included) by
 * `npm run layers`, which `npm test` runs:
 *
 * - core's folders are layers, each importing only those before it:
 *   kernel ← events ← port ← store-kit ← commands | projections | audit | memory ← privacy ← ledger
 *   (the four in one rank do not import each other; core's entry files may import any of them);
 * - no cycles anywhere;
 * - stores import core only; domain packages import core, and areas where they need geography
 *   (grants also partnerships, for organisation identifiers); reporting imports core and the four
 *   contexts;
 * - a package reaches another only through that package's published entry points.
 *
 * Tests, contract suites and test-only programs are held to no cycles and the entry points only.
 */
const CORE_LAYERS = [
  ['kernel'],
  ['events'],
  ['port'],
  ['store-kit'],
  ['commands', 'projections', 'audit', 'memory'],
  ['privacy'],
  ['ledger'],
]

const CORE = '^packages/core/src/'
/** Tests and the programs and support only tests use (children, their line protocol): not the package's code. */
const TESTS = '(\\.test|\\.test-fixture|-writer|-child|child-protocol)\\.ts$'

/** For each core layer: it may not import a layer after its rank, nor another layer of its rank. */
const layerRules = CORE_LAYERS.flatMap((rank, i) =>
  rank.map((layer) => {
    const forbidden = [...CORE_LAYERS.slice(i + 1).flat(), ...rank.filter((other) => other !== layer)]
    return {
      name: `core-layer-${layer}`,
      comment: `core/${layer} may import only ${CORE_LAYERS.slice(0, i).flat().join(', ') || 'nothing of core'}`,
      severity: 'error',
      from: { path: `${CORE}${layer}/`, pathNot: TESTS },
      to: { path: `${CORE}(${forbidden.join('|')})/` },
    }
  }),
)

/** Which packages each package's sources may import (besides itself and npm packages). */
const ALLOWED = {
  core: [],
  testing: ['core'],
  'store-sqlite': ['core'],
  'store-postgres': ['core'],
  'store-kurrentdb': ['core'],
  areas: ['core'],
  volunteers: ['core', 'areas'],
  partnerships: ['core', 'areas'],
  grants: ['core', 'areas', 'partnerships'],
  reporting: ['core', 'areas', 'partnerships', 'grants', 'volunteers'],
  // the command line may use every other package
  cli: [
    'core',
    'store-sqlite',
    'store-postgres',
    'store-kurrentdb',
    'areas',
    'volunteers',
    'partnerships',
    'grants',
    'reporting',
  ],
}

const packageRules = Object.entries(ALLOWED).map(([name, allowed]) => ({
  name: `package-${name}`,
  comment: `${name} may import ${allowed.length === 0 ? 'no other package' : allowed.join(', ')} only`,
  severity: 'error',
  from: { path: `^packages/${name}/src/`, pathNot: TESTS },
  to: { path: '^packages/', pathNot: [`^packages/${name}/`, ...allowed.map((a) => `^packages/${a}/`)] },
}))

/** The files a package publishes as entry points (its `exports`), compiled. */
const ENTRY_POINTS =
  '^packages/[^/]+/dist/(index|port/chain|store-kit/index|projections/index|audit/index|privacy/index)\\.(d\\.ts|js)$'

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'a cycle, type-only imports included, makes the layers meaningless',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    ...packageRules,
    {
      name: 'entry-points-only',
      comment: 'a package is reached through its published entry points, never its internals',
      severity: 'error',
      from: { path: '^(packages/([^/]+)|test|examples)/' },
      to: { path: '^packages/', pathNot: ['^packages/$2/', ENTRY_POINTS] },
    },
    {
      name: 'no-sources-of-other-packages',
      comment: 'another package is used as built, through its entry points',
      severity: 'error',
      from: { path: '^(packages/([^/]+)|test|examples)/' },
      to: { path: '^packages/[^/]+/src/', pathNot: '^packages/$2/src/' },
    },
  ],
  options: {
    // Sources are cruised; another package is reached as built (its dist), and not followed.
    doNotFollow: { path: ['node_modules', '^(packages|examples)/[^/]+/dist/'] },
    exclude: { path: '^test/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.d.ts', '.js'],
      mainFields: ['types', 'main'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
