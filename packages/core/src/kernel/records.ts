/**
 * State kept as plain records, keyed by ids a command names. `record[id]` is not safe for that: an
 * id such as `constructor` or `valueOf` — well-formed, and accepted — reads a member of
 * `Object.prototype` from a record that has no such key, and a rule would find a placement or an
 * entry that was never recorded. `own` reads a record's own keys only.
 */

/** The values that appear more than once in `values`, each once, in the order they repeat. */
export const duplicates = (values: ReadonlyArray<string>): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const value of values) (seen.has(value) ? repeated : seen).add(value)
  return [...repeated]
}

/** The value `record` holds under `key` itself, or undefined; never one it inherits. */
export const own = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined
