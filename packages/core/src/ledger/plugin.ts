/**
 * Projection plug-ins as modules: a package or file that exports a `plugin` object (made with
 * `definePlugin`), which `createLedger` — and the CLI config — can load by name or path. Also
 * `registerProjection`, for apps that register plug-ins on a container themselves.
 */
import { createRequire } from 'node:module'
import { isAbsolute, resolve as resolvePath } from 'node:path'
import { pathToFileURL } from 'node:url'

import type { DependencyContainer } from 'tsyringe'

import type { AnyEventDefinition } from '../events/event'
import { InvalidArgumentError } from '../kernel/errors'
import { nameProblem } from '../port/read-model'
import type { AnyProjection } from '../projections/projection'
import { checkProjection } from '../projections/projection'
import { Tokens } from './tokens'

const PLUGIN_MARK = 'civic-ledger.plugin/1'

/** A set of projections (and the event definitions they read) shipped together. */
export interface LedgerPlugin {
  readonly format: typeof PLUGIN_MARK
  /** Kebab-case, for messages and listings. */
  readonly name: string
  readonly projections: ReadonlyArray<AnyProjection>
  /** Event types the plug-in knows, so a ledger can check what its projections handle. */
  readonly events: ReadonlyArray<AnyEventDefinition>
}

/**
 * Makes a plug-in object, checking every projection in it.
 *
 * @example
 * // grants-dashboard.ts
 * export const plugin = definePlugin({ name: 'grants-dashboard', projections: [awardsByFund] })
 */
export const definePlugin = (definition: {
  readonly name: string
  readonly projections: ReadonlyArray<AnyProjection>
  readonly events?: ReadonlyArray<AnyEventDefinition>
}): LedgerPlugin => {
  const problem = nameProblem(definition.name, 'projection')
  if (problem !== undefined) throw new InvalidArgumentError('plugin.name', problem.replace('projection', 'plug-in'))
  if (!Array.isArray(definition.projections) || definition.projections.length === 0)
    throw new InvalidArgumentError(`plugin ${definition.name}.projections`, 'must list at least one projection')
  definition.projections.forEach((p, i) => checkProjection(p, `plugin ${definition.name}.projections[${i}]`))
  return Object.freeze({
    format: PLUGIN_MARK,
    name: definition.name,
    projections: Object.freeze(definition.projections.slice()),
    events: Object.freeze([...(definition.events ?? [])]),
  })
}

/**
 * Whether a value is a plug-in made by `definePlugin`: what `loadPlugin` checks a module's `plugin`
 * export is.
 */
export const isLedgerPlugin = (value: unknown): value is LedgerPlugin =>
  typeof value === 'object' && value !== null && (value as { format?: unknown }).format === PLUGIN_MARK

/**
 * Loads the plug-in a module exports as `plugin`. `specifier` is a package name (resolved from
 * `from`, default the working directory) or a path to a file (relative to `from`).
 */
export const loadPlugin = async (specifier: string, from: string = process.cwd()): Promise<LedgerPlugin> => {
  if (typeof specifier !== 'string' || specifier.length === 0)
    throw new InvalidArgumentError('plugin', 'must be a package name or a file path')
  const base = resolvePath(from)
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier)
  let file: string
  try {
    file = createRequire(resolvePath(base, 'noop.js')).resolve(looksLikePath ? resolvePath(base, specifier) : specifier)
  } catch (cause) {
    throw new InvalidArgumentError(`plugin ${specifier}`, `cannot be found from ${base}: ${String(cause)}`)
  }
  let loaded: unknown
  try {
    loaded = await import(pathToFileURL(file).href)
  } catch (cause) {
    throw new InvalidArgumentError(
      `plugin ${specifier}`,
      `failed to load: ${cause instanceof Error ? cause.message : String(cause)}`,
    )
  }
  const exported = (loaded as { readonly plugin?: unknown } | undefined)?.plugin
  if (!isLedgerPlugin(exported))
    throw new InvalidArgumentError(`plugin ${specifier}`, 'does not export a `plugin` made with definePlugin')
  return exported
}

/**
 * Registers a projection on a container, for `createLedger({ container })` to run. Refuses a
 * malformed projection, and a second projection of the same name, at once.
 */
export const registerProjection = (container: DependencyContainer, projection: AnyProjection): void => {
  const checked = checkProjection(projection)
  const existing = container.isRegistered(Tokens.Projection, true)
    ? container.resolveAll<AnyProjection>(Tokens.Projection)
    : []
  if (existing.some((p) => p.name === checked.name))
    throw new InvalidArgumentError('projection.name', `a projection named ${checked.name} is already registered`)
  container.register(Tokens.Projection, { useValue: checked })
}
