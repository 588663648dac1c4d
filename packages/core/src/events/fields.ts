/**
 * What a codec names, checked against what a value carries. io-ts object codecs let keys they do
 * not name pass through, and a decider that copies a command into an event would then write them
 * into the permanent log, where erasure cannot reach them. `unknownFields` finds every such key, at
 * any depth, so a command that carries one is refused before it is decided.
 */
import * as t from 'io-ts'

import { PersonalType } from './personal'

type Path = ReadonlyArray<string>

const isObjectCodec = (codec: unknown): codec is t.InterfaceType<t.Props> | t.PartialType<t.Props> =>
  codec instanceof t.InterfaceType || codec instanceof t.PartialType || codec instanceof t.StrictType

/** Sees through codecs that check what their inner codec checks (readonly, exact, refinements, personal). */
const unwrap = (codec: unknown): unknown => {
  let current = codec
  for (;;) {
    if (current instanceof t.ReadonlyType || current instanceof t.ExactType || current instanceof t.RefinementType)
      current = (current as { readonly type: unknown }).type
    else if (current instanceof PersonalType) current = current.inner
    else return current
  }
}

/** The fields an object codec (or an intersection of them) names, each with its codec. */
const propsOf = (codec: unknown): Map<string, unknown> | undefined => {
  const c = unwrap(codec)
  if (isObjectCodec(c)) return new Map(Object.entries(c.props))
  if (c instanceof t.IntersectionType) {
    const all = new Map<string, unknown>()
    for (const member of c.types as ReadonlyArray<unknown>) {
      const props = propsOf(member)
      if (props === undefined) return undefined
      for (const [key, inner] of props) if (!all.has(key)) all.set(key, inner)
    }
    return all
  }
  return undefined
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const walk = (codec: unknown, value: unknown, at: Path, found: string[]): void => {
  const c = unwrap(codec)
  const props = propsOf(c)
  if (props !== undefined) {
    if (!isRecord(value)) return
    for (const key of Object.keys(value)) {
      if (props.has(key)) walk(props.get(key), value[key], [...at, key], found)
      else found.push([...at, key].join('.'))
    }
    return
  }
  if (c instanceof t.UnionType) {
    // The member the value decodes as is the one whose fields count.
    const member = (c.types as ReadonlyArray<t.Decoder<unknown, unknown>>).find((m) => m.decode(value)._tag === 'Right')
    if (member !== undefined) walk(member, value, at, found)
    return
  }
  if (c instanceof t.ArrayType || c instanceof t.ReadonlyArrayType) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(c.type, item, [...at, String(i)], found))
    return
  }
  if (c instanceof t.DictionaryType && isRecord(value))
    for (const [key, item] of Object.entries(value)) walk(c.codomain, item, [...at, key], found)
}

/**
 * The paths (`role.note`, `parties.0.extra`) of every key `value` carries that `codec` does not
 * name, at any depth; `[]` when there is none. A union is followed into the member the value
 * decodes as; records and arrays into each item. `__proto__` and `constructor` are keys like any
 * other: an object made by `JSON.parse` may carry them as its own.
 */
export const unknownFields = (codec: unknown, value: unknown): ReadonlyArray<string> => {
  const found: string[] = []
  walk(codec, value, [], found)
  return found
}

/**
 * The values of the literal `type` field of a union of object codecs (a command union's type
 * names), in order; `[]` when the codec has none.
 */
export const typeNames = (codec: unknown): ReadonlyArray<string> => {
  const c = unwrap(codec)
  if (c instanceof t.UnionType) return (c.types as ReadonlyArray<unknown>).flatMap((m) => typeNames(m))
  const type = propsOf(c)?.get('type')
  const literal = unwrap(type)
  return literal instanceof t.LiteralType && typeof literal.value === 'string' ? [literal.value] : []
}
