/**
 * What SQL a projection's handle may run (RELIABILITY "Security"): the statements of its own read
 * model, and nothing beside. A plug-in's `ctx.sql` may read and write its own version's tables; a
 * host's `projections.sql` may only read them. The key table, the event log and another
 * projection's tables are out of reach on every store.
 *
 * This module holds the check every store shares — one statement, of an allowed kind — and the
 * scope a store enforces on top of it: SQLite by the tables each compiled statement opens,
 * PostgreSQL by the relations and functions of its plan (see each store).
 */
import { InvalidArgumentError } from '../kernel/errors'

// --- model ---

/** The tables a scoped SQL handle reaches: one projection version's, read or written. */
export interface SqlScope {
  /** The table prefix of the projection version, as `tablePrefix` makes it. */
  readonly prefix: string
  readonly access: 'read' | 'write'
}

/** The kinds of statement a scope allows, by their first keywords. */
const READS = new Set(['SELECT', 'WITH', 'VALUES'])
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE'])

// --- checks ---

/** The statement's words in upper case, after any leading comments, up to the first `(`. */
const leadingWords = (text: string, count: number): ReadonlyArray<string> => {
  let rest = text
  for (;;) {
    const trimmed = rest.replace(/^\s+/, '')
    if (trimmed.startsWith('--'))
      rest = trimmed.slice(trimmed.indexOf('\n') < 0 ? trimmed.length : trimmed.indexOf('\n'))
    else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/')
      rest = end < 0 ? '' : trimmed.slice(end + 2)
    } else {
      rest = trimmed
      break
    }
  }
  return rest
    .split(/[\s(]+/)
    .slice(0, count)
    .map((word) => word.toUpperCase())
}

/**
 * What is wrong with `text` as a statement of `access`, or undefined: reads are `SELECT`, `WITH`
 * and `VALUES`; writes add `INSERT`, `UPDATE`, `DELETE`, `REPLACE`, `CREATE TABLE`, `CREATE
 * [UNIQUE] INDEX` and `DROP TABLE | INDEX`. Anything else — transactions, `PRAGMA`, `ATTACH`, `SET`,
 * triggers, views, functions, `CREATE TABLE … AS` — is refused: each could reach past the scope or
 * outlive the statement.
 */
export const sqlStatementProblem = (text: unknown, access: SqlScope['access']): string | undefined => {
  if (typeof text !== 'string' || text.trim().length === 0) return 'a statement is required'
  if (text.length > 100_000) return 'a statement is limited to 100,000 characters'
  const [first = '', second = '', third = ''] = leadingWords(text, 3)
  if (READS.has(first)) return undefined
  const allowed =
    access === 'write'
      ? 'SELECT, WITH, VALUES, INSERT, UPDATE, DELETE, REPLACE, CREATE TABLE | INDEX, DROP TABLE | INDEX'
      : 'SELECT, WITH, VALUES'
  const kind = first === 'CREATE' || first === 'DROP' ? `${first} ${second.slice(0, 20)}` : first.slice(0, 20)
  const refused = `${kind || 'these'} statements are not allowed here (allowed: ${allowed})`
  if (access === 'read') return refused
  if (WRITES.has(first)) return undefined
  if (first === 'CREATE' && (second === 'TABLE' || second === 'INDEX' || (second === 'UNIQUE' && third === 'INDEX')))
    return second === 'TABLE' && /\bAS\s*(\(|SELECT\b|WITH\b|VALUES\b)/i.test(text)
      ? 'CREATE TABLE … AS is not allowed here: create the table, then INSERT … SELECT'
      : undefined
  if (first === 'DROP' && (second === 'TABLE' || second === 'INDEX')) return undefined
  return refused
}

/** Refuses a statement that `access` does not allow, with an `InvalidArgumentError` naming why. */
export const checkSqlStatement = (text: unknown, access: SqlScope['access']): string => {
  const problem = sqlStatementProblem(text, access)
  if (problem !== undefined) throw new InvalidArgumentError('sql', problem)
  return text as string
}

/** True when the statement may change the schema, so the store checks what it created or dropped. */
export const isSchemaStatement = (text: string): boolean => {
  const [first = ''] = leadingWords(text, 1)
  return first === 'CREATE' || first === 'DROP'
}

/** The refusal of a statement that reaches beyond its scope. */
export const outOfScope = (scope: SqlScope, what: string): InvalidArgumentError =>
  new InvalidArgumentError(
    'sql',
    `the statement ${what}: a projection's SQL reaches only its own tables (${scope.prefix}…)${scope.access === 'read' ? ', and here only reads them' : ''}`,
  )
