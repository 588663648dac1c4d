/**
 * Values for an io-ts codec, made by walking the codec: often valid (so a command gets past
 * decoding to its decider, and is sometimes accepted), often hostile (extra keys, own `__proto__`
 * keys, lone surrogates, strings of a million characters, nesting a thousand deep, NaN, holes…).
 *
 * Valid values come from the codec's shape; a refinement or brand (`EntityId`, `IsoDate`, an ONS
 * code) draws from a pool of candidates, each kept only where the codec itself says it is one, so
 * the pool needs no table of which field takes what. Hostile values are mutations applied to a
 * valid value at any node, so they reach every depth of every command.
 */
import { PersonalType } from '@civic-ledger/core'
import fc from 'fast-check'

// --- the codec walk ---

/** The part of an io-ts codec the walk reads. */
interface CodecNode {
  readonly _tag?: string
  readonly name?: string
  readonly type?: unknown
  readonly types?: ReadonlyArray<unknown>
  readonly props?: Readonly<Record<string, unknown>>
  readonly value?: unknown
  readonly keys?: Readonly<Record<string, unknown>>
  readonly domain?: unknown
  readonly codomain?: unknown
  readonly is?: (u: unknown) => boolean
}

/** Candidate values for refinements, strings and numbers. */
export interface Pools {
  readonly strings: ReadonlyArray<string>
  readonly numbers: ReadonlyArray<number>
  /** Values seen under a field of this name (in the life played first): the likeliest to name what exists. */
  readonly byField: ReadonlyMap<string, ReadonlyArray<unknown>>
  /** Well-formed values that are risky as keys of a plain object: `constructor`, `toString`… */
  readonly risky: ReadonlyArray<string>
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The fields of several objects as one (an intersection's members). */
const merge = (parts: ReadonlyArray<unknown>): unknown => {
  if (!parts.every(isPlainObject)) return parts[parts.length - 1]
  const out: Record<string, unknown> = {}
  for (const part of parts) for (const [key, value] of Object.entries(part)) out[key] = value
  return out
}

/**
 * An arbitrary of values `codec` is meant to accept. Refinements draw from `pools` (what the codec
 * accepts of them), sometimes from their base codec (which the refinement will mostly refuse).
 * Throws on a codec it does not know, so a new kind of codec is not silently fuzzed less.
 */
export const validArbitrary = (codec: unknown, pools: Pools, at = '(root)', field?: string): fc.Arbitrary<unknown> => {
  const c = codec as CodecNode
  if (codec instanceof PersonalType) return validArbitrary(codec.inner, pools, at, field)
  switch (c._tag) {
    case 'ReadonlyType':
    case 'ExactType':
      return validArbitrary(c.type, pools, at, field)
    case 'RefinementType':
    case 'StringType':
    case 'NumberType':
      return leafArbitrary(c, pools, at, field)
    case 'InterfaceType':
    case 'StrictType':
    case 'PartialType': {
      const model = Object.fromEntries(
        Object.entries(c.props ?? {}).map(([key, inner]) => [key, validArbitrary(inner, pools, `${at}.${key}`, key)]),
      )
      return c._tag === 'PartialType'
        ? fc.record(model, { requiredKeys: [], noNullPrototype: true })
        : fc.record(model, { noNullPrototype: true })
    }
    case 'IntersectionType':
      return fc.tuple(...(c.types ?? []).map((m, i) => validArbitrary(m, pools, `${at}&${i}`, field))).map(merge)
    case 'UnionType':
      return fc.oneof(...(c.types ?? []).map((m, i) => validArbitrary(m, pools, `${at}|${i}`, field)))
    case 'LiteralType':
      return fc.constant(c.value)
    case 'KeyofType':
      return fc.constantFrom(...Object.keys(c.keys ?? {}))
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return fc.array(validArbitrary(c.type, pools, `${at}[]`, field), { maxLength: 3 })
    case 'TupleType':
      return fc.tuple(...(c.types ?? []).map((m, i) => validArbitrary(m, pools, `${at}[${i}]`, field)))
    case 'DictionaryType':
      return fc.dictionary(
        validArbitrary(c.domain, pools, `${at}{key}`) as fc.Arbitrary<string>,
        validArbitrary(c.codomain, pools, `${at}{}`, field),
        { maxKeys: 3, noNullPrototype: true },
      )
    case 'BooleanType':
      return fc.boolean()
    case 'NullType':
      return fc.constant(null)
    case 'UndefinedType':
    case 'VoidType':
      return fc.constant(undefined)
    case 'UnknownType':
    case 'AnyType':
      return fc.jsonValue({ maxDepth: 2 })
    default: {
      // A codec made with `new t.Type` (a brand with a descriptive name): candidates it accepts,
      // sometimes any short string.
      if (c._tag === undefined && typeof c.is === 'function') {
        const accepted = acceptedOf(c, [
          ...(field === undefined ? [] : (pools.byField.get(field) ?? [])),
          ...pools.strings,
        ])
        return accepted.length > 0
          ? fc.oneof(
              { arbitrary: fc.constantFrom(...accepted), weight: 8 },
              { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
            )
          : fc.string({ maxLength: 20 })
      }
      throw new Error(`${at}: no arbitrary for a ${c._tag ?? typeof codec} codec (${c.name ?? '?'})`)
    }
  }
}

/** What the codec itself accepts of some candidates. */
const acceptedOf = (codec: CodecNode, candidates: ReadonlyArray<unknown>): ReadonlyArray<unknown> =>
  candidates.filter((v) => codec.is?.(v) === true)

/**
 * A string, a number or a refinement of one (a brand): mostly candidates the codec accepts — those
 * seen under the same field name first — sometimes anything of its base type.
 */
const leafArbitrary = (c: CodecNode, pools: Pools, at: string, field: string | undefined): fc.Arbitrary<unknown> => {
  const choices: Array<fc.WeightedArbitrary<unknown>> = []
  const add = (values: ReadonlyArray<unknown>, weight: number): void => {
    if (values.length > 0) choices.push({ arbitrary: fc.constantFrom(...values), weight })
  }
  add(acceptedOf(c, field === undefined ? [] : (pools.byField.get(field) ?? [])), 12)
  add(acceptedOf(c, [...pools.strings, ...pools.numbers]), 6)
  add(acceptedOf(c, pools.risky), 2)
  const base = c._tag === 'RefinementType' ? (c.type as CodecNode) : c
  if (base._tag === 'RefinementType' || base._tag === 'StringType' || base._tag === 'NumberType')
    choices.push({
      arbitrary:
        base._tag === 'RefinementType'
          ? leafArbitrary(base, pools, at, field)
          : base._tag === 'StringType'
            ? fc.string({ maxLength: 12 })
            : fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double()),
      weight: 1,
    })
  else choices.push({ arbitrary: validArbitrary(base, pools, at, field), weight: 1 })
  return fc.oneof(...choices)
}

// --- hostile values ---

const nest = (depth: number, asArray: boolean): unknown => {
  let value: unknown = asArray ? [] : {}
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value }
  return value
}

const sparse = (): unknown => {
  const holes: unknown[] = []
  holes.length = 3
  holes[1] = 'E01018107'
  return holes
}

/** A million characters: a long one that is well formed, and one that is not. */
const MILLION = 1_000_000

/** Values no field should take, or that test a field's edges. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    -0,
    1e308,
    -1e308,
    2 ** 53,
    2 ** 53 + 2,
    Number.MIN_VALUE,
    1e21,
    -1,
    0,
    0.5,
    24.000001,
    true,
    false,
    null,
    undefined,
    '',
    ' ',
    '\t\n',
    '\u0000',
    '\uD800',
    'a\uDC00b',
    '\uDBFF\uDBFF',
    '\u202Eevil',
    'a/b',
    '../../etc/passwd',
    "x'); DROP TABLE events; --",
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'E01018107\u0000',
    'e01018107',
    ' E01018107',
    '2024-02-30',
    '2024-05-01T00:00:00Z',
    '9999-12-31',
    '0000-01-01',
    BigInt(7),
  ),
  fc
    .constantFrom(
      () => ({}),
      () => [],
      () => [null],
      () => Object.create(null) as unknown,
      () => JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
      () => JSON.parse('{"constructor":{"prototype":{"polluted":true}}}') as unknown,
      () => JSON.parse('{"prototype":{"polluted":true},"type":"Apply"}') as unknown,
      () => new Date(0),
      sparse,
    )
    .map((make) => make()),
  fc.integer({ min: 201, max: 600 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 201, max: 600 }).map((n) => `Long ${'name '.repeat(n / 5)}`),
  fc.constantFrom('Q', 'z', '7').map((ch) => ch.repeat(MILLION)),
  fc.constant(`E01018107${'9'.repeat(MILLION)}`),
  fc.integer({ min: 1_000, max: 3_000 }).chain((depth) => fc.boolean().map((asArray) => nest(depth, asArray))),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 8 }),
)

/** Keys a codec never names; `__proto__`, `constructor` and `prototype` are made own keys. */
export const extraKey: fc.Arbitrary<string> = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'tenant',
  'extra',
  'Type',
  'type ',
  '',
  '\uD800',
  'k'.repeat(300),
  'K'.repeat(MILLION),
)

// --- mutations ---

type Path = ReadonlyArray<string | number>

/** Every node of a value, with its path; at most `limit`, breadth first, so deep values stay cheap. */
const nodesOf = (root: unknown, limit = 400): ReadonlyArray<{ readonly path: Path; readonly value: unknown }> => {
  const out: Array<{ readonly path: Path; readonly value: unknown }> = []
  const queue: Array<{ readonly path: Path; readonly value: unknown }> = [{ path: [], value: root }]
  while (queue.length > 0 && out.length < limit) {
    const node = queue.shift() as { readonly path: Path; readonly value: unknown }
    out.push(node)
    const { path, value } = node
    if (Array.isArray(value)) {
      for (let i = 0; i < Math.min(value.length, 20); i++)
        if (i in value) queue.push({ path: [...path, i], value: value[i] as unknown })
    } else if (typeof value === 'object' && value !== null)
      for (const key of Object.keys(value).slice(0, 20))
        queue.push({ path: [...path, key], value: (value as Record<string, unknown>)[key] })
  }
  return out
}

/** A shallow copy that keeps own keys as own keys (`__proto__` included) and holes as holes. */
const copyOf = (value: object): Record<string | number, unknown> => {
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    copy.length = value.length
    for (const key of Object.keys(value)) copy[Number(key)] = (value as unknown[])[Number(key)]
    return copy as unknown as Record<number, unknown>
  }
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>
  for (const key of Reflect.ownKeys(value))
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(value, key) as PropertyDescriptor)
  return copy
}

/** Sets an own, enumerable member, even one named `__proto__`. */
const define = (target: object, key: string | number, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** `root` with `change` made to a copy of the container at `path` (copied along the way). */
const changeAt = (
  root: unknown,
  path: Path,
  change: (container: Record<string | number, unknown>) => void,
): unknown => {
  if (typeof root !== 'object' || root === null) return root
  const copy = copyOf(root)
  const [head, ...rest] = path
  if (head === undefined) change(copy)
  else define(copy, head, changeAt(copy[head], rest, change))
  return copy
}

/** `root` with the node at `path` replaced. */
const replaceAt = (root: unknown, path: Path, value: unknown): unknown => {
  if (path.length === 0) return value
  const parent = path.slice(0, -1)
  const key = path[path.length - 1] as string | number
  return changeAt(root, parent, (container) => define(container, key, value))
}

export type MutationKind = 'replace' | 'delete' | 'extraKey' | 'sparse' | 'flood' | 'retype'

export interface Mutation {
  readonly kind: MutationKind
  /** Which node, taken modulo the number of candidate nodes. */
  readonly pick: number
  readonly value: unknown
  readonly key: string
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>(
    'replace',
    'replace',
    'replace',
    'delete',
    'extraKey',
    'sparse',
    'flood',
    'retype',
  ),
  pick: fc.nat(),
  value: hostileValue,
  key: extraKey,
})

/** Applies a mutation; `typeNames` are the command types a `retype` may put in place of the right one. */
export const applyMutation = (root: unknown, m: Mutation, typeNames: ReadonlyArray<string>): unknown => {
  const nodes = nodesOf(root)
  const objects = nodes.filter((n) => isPlainObject(n.value))
  const arrays = nodes.filter((n) => Array.isArray(n.value))
  const members = nodes.filter((n) => n.path.length > 0)
  const pick = <A>(list: ReadonlyArray<A>): A | undefined => list[m.pick % Math.max(1, list.length)]
  switch (m.kind) {
    case 'replace': {
      const node = pick(nodes)
      return node === undefined ? root : replaceAt(root, node.path, m.value)
    }
    case 'delete': {
      const node = pick(members)
      if (node === undefined) return root
      const key = node.path[node.path.length - 1] as string | number
      return changeAt(root, node.path.slice(0, -1), (container) => {
        delete container[key]
      })
    }
    case 'extraKey': {
      const node = pick(objects)
      return node === undefined ? root : changeAt(root, node.path, (container) => define(container, m.key, m.value))
    }
    case 'sparse': {
      const node = pick(arrays)
      if (node === undefined) return root
      return changeAt(root, node.path, (container) => {
        const array = container as unknown as unknown[]
        // A hole where an item was, or holes past the end.
        if (array.length > 0 && m.pick % 2 === 0) Reflect.deleteProperty(array, m.pick % array.length)
        else array.length += 1 + (m.pick % 3)
      })
    }
    case 'flood': {
      const node = pick(arrays)
      if (node === undefined) return root
      const item = (node.value as unknown[])[0] ?? m.value
      const flooded = Array.from({ length: 2_000 }, (_, i) => (i % 2 === 0 ? item : m.value))
      return replaceAt(root, node.path, flooded)
    }
    case 'retype': {
      if (!isPlainObject(root)) return root
      const own = typeof root['type'] === 'string' ? root['type'] : ''
      const choices: ReadonlyArray<unknown> = [
        ...typeNames,
        own.toLowerCase(),
        own.toUpperCase(),
        `${own} `,
        '',
        'constructor',
        '__proto__',
        42,
        null,
        m.value,
      ]
      return changeAt(root, [], (container) => define(container, 'type', choices[m.pick % choices.length]))
    }
  }
}

// --- looking at inputs ---

/**
 * Every string in a value, keys included, without recursion (values nest thousands deep) and
 * without visiting any node twice.
 */
export const stringsIn = (root: unknown): ReadonlyArray<string> => {
  const out: string[] = []
  const seen = new Set<object>()
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value === 'string') out.push(value)
    else if (typeof value === 'object' && value !== null && !seen.has(value)) {
      seen.add(value)
      for (const key of Object.keys(value)) {
        out.push(key)
        stack.push((value as Record<string, unknown>)[key])
      }
    }
  }
  return out
}

/** A short, readable account of a value for a failure report: long strings and deep nests summarised. */
export const summarise = (value: unknown, depth = 0): string => {
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.length > 48 ? value.slice(0, 24) : value)
    return value.length > 48 ? `${shown}…(${value.length} chars)` : shown
  }
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value)
  if (typeof value !== 'object' || value === null) return String(value)
  if (value instanceof Date) return `Date(${value.getTime()})`
  if (depth >= 6) return Array.isArray(value) ? '[…deeper…]' : '{…deeper…}'
  if (Array.isArray(value)) {
    const shown: string[] = []
    for (let i = 0; i < Math.min(value.length, 6); i++)
      shown.push(i in value ? summarise(value[i], depth + 1) : '<hole>')
    return `[${shown.join(', ')}${value.length > 6 ? `, …(${value.length} items)` : ''}]`
  }
  const proto = Object.getPrototypeOf(value) === null ? 'null-prototype ' : ''
  const keys = Object.keys(value)
  const shown = keys
    .slice(0, 12)
    .map((k) => `${summarise(k)}: ${summarise((value as Record<string, unknown>)[k], depth + 1)}`)
  return `${proto}{${shown.join(', ')}${keys.length > 12 ? `, …(${keys.length} keys)` : ''}}`
}
