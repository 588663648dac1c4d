// Writes the "Events" section of each docs/domain/<context>.md from the codecs of the context's
// plug-in: every event type it records, with each field, its type, whether it is optional and
// whether it is personal (encrypted per subject, erasable). The section sits between
// `<!-- events:begin -->` and `<!-- events:end -->`. With --check it writes nothing and exits 1 when
// a page differs from its codecs, naming the page; the test run calls it so.
//
// Reads the built packages (run `npm run build` first).
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import * as prettier from 'prettier'

const root = new URL('..', import.meta.url).pathname
const require = createRequire(import.meta.url)
const t = require('io-ts')
const { PersonalType } = require(join(root, 'packages/core/dist/index.js'))

const CONTEXTS = ['areas', 'grants', 'partnerships', 'volunteers']
const BEGIN = '<!-- events:begin -->'
const END = '<!-- events:end -->'

const isObject = (c) => c instanceof t.InterfaceType || c instanceof t.PartialType || c instanceof t.StrictType

/** Sees through codecs that do not change a value's shape. */
const unwrap = (codec) => {
  let c = codec
  while (c instanceof t.ReadonlyType || c instanceof t.ExactType) c = c.type
  return c
}

/** The fields of an object codec (or an intersection of them), flattened into dotted paths. */
const fieldsOf = (codec, prefix = '', optional = false) => {
  const c = unwrap(codec)
  if (c instanceof t.IntersectionType) return c.types.flatMap((m) => fieldsOf(m, prefix, optional))
  if (!isObject(c)) return undefined
  return Object.entries(c.props).flatMap(([key, inner]) =>
    describe(`${prefix}${key}`, inner, optional || c instanceof t.PartialType),
  )
}

const typeName = (codec) => {
  const c = unwrap(codec)
  if (c instanceof t.KeyofType)
    return Object.keys(c.keys)
      .map((k) => `\`${k}\``)
      .join(', ')
  if (c instanceof t.LiteralType) return `\`${String(c.value)}\``
  if (c instanceof t.UnionType) return c.types.map(typeName).join(' or ')
  return c.name
}

/** One row per leaf field: nested objects become `a.b`, arrays of objects `a[].b`. */
const describe = (path, codec, optional) => {
  let c = unwrap(codec)
  let personal = false
  if (c instanceof PersonalType) {
    personal = true
    c = unwrap(c.inner)
  }
  const nested = fieldsOf(c, `${path}.`, false)
  if (nested !== undefined && !personal) return nested.map((f) => ({ ...f, optional: f.optional || optional }))
  if (c instanceof t.ArrayType || c instanceof t.ReadonlyArrayType) {
    const items = fieldsOf(c.type, `${path}[].`, false)
    if (items !== undefined) return items.map((f) => ({ ...f, optional: f.optional || optional }))
    return [{ path, type: `list of ${typeName(c.type)}`, optional, personal }]
  }
  return [{ path, type: typeName(c), optional, personal }]
}

const escape = (text) => text.replaceAll('|', '\\|')

const section = (plugin) => {
  const lines = [
    BEGIN,
    '## Events',
    '',
    `Generated from the codecs of \`${plugin.name}\`'s plug-in by \`scripts/domain-events.mjs\`; the test run fails when this`,
    'section and the codecs differ. *Personal* fields are encrypted with the subject’s key and read as `Erased` after erasure.',
  ]
  for (const definition of [...plugin.events].sort((a, b) => a.type.localeCompare(b.type))) {
    const subject =
      definition.subject === undefined
        ? ''
        : ` — subject \`${definition.subject}\`${definition.subjectPart === undefined ? '' : `, part \`${definition.subjectPart}\``}`
    lines.push('', `### \`${definition.type}\`${subject}`, '', '| field | type | notes |', '| --- | --- | --- |')
    for (const f of fieldsOf(definition.codec) ?? [])
      lines.push(
        `| \`${f.path}\` | ${escape(f.type)} | ${[f.optional ? 'optional' : '', f.personal ? 'personal' : ''].filter(Boolean).join(', ')} |`,
      )
  }
  lines.push('', END)
  return lines.join('\n')
}

const check = process.argv.includes('--check')
const drifted = []
for (const context of CONTEXTS) {
  const module = require(join(root, 'packages', context, 'dist', 'index.js'))
  const plugin = Object.values(module).find((v) => v?.name === context && Array.isArray(v?.events))
  if (plugin === undefined) throw new Error(`@civic-ledger/${context} exports no plug-in named ${context}`)
  const page = join(root, 'docs', 'domain', `${context}.md`)
  const text = readFileSync(page, 'utf8')
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (begin < 0 || end < begin) {
    drifted.push(`docs/domain/${context}.md has no ${BEGIN} … ${END} section`)
    continue
  }
  const written = `${text.slice(0, begin)}${section(plugin)}${text.slice(end + END.length)}`
  // The page is kept as Prettier writes it, so `format:check` and this check agree.
  const options = (await prettier.resolveConfig(page)) ?? {}
  const next = await prettier.format(written, { ...options, filepath: page })
  if (next === text) continue
  if (check) drifted.push(`docs/domain/${context}.md: its Events section differs from the codecs`)
  else writeFileSync(page, next)
}
if (drifted.length > 0) {
  console.error(`${drifted.join('\n')}\nRun \`npm run build && npm run docs:events\` and commit the pages.`)
  process.exit(1)
}
