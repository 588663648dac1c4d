/**
 * Validating a 360Giving export before it is published: the package and grant schemas of the standard (1.4.3, the
 * copies in `data/360giving/`) with ajv's draft 2020-12 build and its formats, and the codelists a
 * `geoCodeType` and a `regrantType` are drawn from. Handles the two quirks of the published files:
 * their `$schema` is the `http://` address validators do not know, and the package schema refers to
 * the grant schema at its 1.4.2 address.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'

/** The copies of the 360Giving schemas and codelists (`dist/publishing/` → the package's `data/`). */
export const THREESIXTYGIVING_DIR = join(__dirname, '..', '..', 'data', '360giving')

const schema = (file: string): { readonly $id: string } & Record<string, unknown> => {
  const { $schema: _meta, ...rest } = JSON.parse(readFileSync(join(THREESIXTYGIVING_DIR, file), 'utf8')) as {
    readonly $id: string
  } & Record<string, unknown>
  return rest
}

/** The codes of a 360Giving codelist: the first field of each row after the header. */
export const codelist = (file: string): ReadonlySet<string> =>
  new Set(
    readFileSync(join(THREESIXTYGIVING_DIR, file), 'utf8')
      .split(/\r?\n/)
      .slice(1)
      .filter((line) => line.trim() !== '')
      .map((line) => line.slice(0, line.indexOf(',')).trim()),
  )

let validator: ReturnType<typeof compile> | undefined

const compile = () => {
  const grantSchema = schema('360-giving-schema.json')
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
  ajv.addVocabulary(['codelist', 'openCodelist', 'rollUp'])
  addFormats(ajv)
  ajv.addSchema(grantSchema)
  ajv.addSchema({ ...grantSchema, $id: grantSchema.$id.replace('/1.4.3/', '/1.4.2/') })
  return {
    validatePackage: ajv.compile(schema('360-giving-package-schema.json')),
    geoCodeTypes: codelist('360giving-codelist-geoCodeType.csv'),
    regrantTypes: codelist('360giving-codelist-regrantType.csv'),
  }
}

interface Exported {
  readonly grants?: ReadonlyArray<{
    readonly id?: string
    readonly regrantType?: string
    readonly beneficiaryLocation?: ReadonlyArray<{ readonly geoCodeType?: string | null }>
  }>
}

/**
 * Every way `data` fails the 360Giving package schema (with the grant schema) and the two codelists;
 * none when it is valid. The schemas are compiled on first use.
 */
export const threeSixtyGivingErrors = (data: unknown): ReadonlyArray<string> => {
  validator ??= compile()
  const { validatePackage, geoCodeTypes, regrantTypes } = validator
  const errors = validatePackage(data)
    ? []
    : (validatePackage.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
  const grants = (data as Exported).grants ?? []
  for (const grant of grants) {
    if (grant.regrantType !== undefined && !regrantTypes.has(grant.regrantType))
      errors.push(`${grant.id ?? '?'}: regrantType ${grant.regrantType} is not in the codelist`)
    for (const location of grant.beneficiaryLocation ?? [])
      if (typeof location.geoCodeType !== 'string' || !geoCodeTypes.has(location.geoCodeType))
        errors.push(`${grant.id ?? '?'}: geoCodeType ${String(location.geoCodeType)} is not in the codelist`)
  }
  return errors
}
