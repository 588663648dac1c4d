/**
 * A projection's SQL on PostgreSQL, held to its own tables. Each statement is checked before it
 * runs: one statement of an allowed kind (core's `checkSqlStatement`, sent with the extended
 * protocol, which takes exactly one); for queries and writes, its plan (`EXPLAIN (VERBOSE, FORMAT
 * JSON)`, which runs nothing) must scan and modify only relations of the ledger's schema whose
 * names start with the projection version's prefix (and may read the catalogue tables that
 * describe the schema's structure, as `sqlite_schema` can be read on SQLite), and call none of the functions that run SQL
 * of their own, read files or change settings; `CREATE` and `DROP` run in a savepoint and are
 * undone if they made or removed anything not the projection's own, or a foreign key to another
 * table. Reads run in the store's read-only transactions, so `access: 'read'` cannot write.
 *
 * What the check cannot see is SQL a function runs inside itself: functions that do so
 * (`query_to_xml`, `ts_stat`, `dblink`, …) are refused by name, and no statement may create a
 * function, trigger or view. A plan's check is kept per statement text.
 */
import type { SqlHandle, SqlValue } from '@civic-ledger/core'
import type { SqlScope } from '@civic-ledger/core/store-kit'
import { checkSqlStatement, isSchemaStatement, outOfScope } from '@civic-ledger/core/store-kit'
import type { PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg'

/** Functions that run SQL given as text, touch files or the server, or change settings. */
const REFUSED_FUNCTION =
  /^(?:query_to_xml\w*|cursor_to_xml\w*|table_to_xml\w*|schema_to_xml\w*|database_to_xml\w*|ts_stat|dblink\w*|pg_stat_\w+|pg_read_\w+|pg_ls_\w+|pg_stat_file|pg_file_\w+|lo_\w+|set_config|setval|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_promote|pg_create_\w+|pg_drop_\w+|pg_logical_\w+|pg_replication_\w+|pg_backup_\w+|pg_notify|pg_advisory_\w+|pg_try_advisory_\w+|pg_sleep\w*|xpath\w*|xmlparse|pg_import_system_collations|pg_nextoid)$/

/** Identifiers written as calls, `name(` or `schema.name(`, in a plan's or statement's text. */
const calledNames = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(/([A-Za-z_][A-Za-z0-9_$]*)"?\s*\(/g)].map((m) => (m[1] ?? '').toLowerCase())

interface PlanNode {
  readonly 'Relation Name'?: string
  readonly Schema?: string
  readonly 'Function Name'?: string
  readonly Plans?: ReadonlyArray<PlanNode>
  readonly [key: string]: unknown
}

/**
 * Catalogue tables that describe the schema's structure, as `sqlite_schema` does on SQLite: a
 * projection may read them to see its own tables and indexes. Statistics (`pg_statistic`, which
 * holds sample values of every column), roles and activity are not among them.
 */
const STRUCTURE = new Set([
  'pg_class',
  'pg_namespace',
  'pg_index',
  'pg_attribute',
  'pg_attrdef',
  'pg_type',
  'pg_constraint',
  'pg_tablespace',
  'pg_am',
  'pg_depend',
  'pg_inherits',
  'pg_sequence',
  'pg_collation',
])

interface Touched {
  readonly schema: string | undefined
  readonly name: string
  readonly write: boolean
}

/** Every relation a plan reads or writes, with its schema. */
const relationsOf = (node: PlanNode, into: Touched[]): void => {
  if (typeof node['Relation Name'] === 'string')
    into.push({ schema: node.Schema, name: node['Relation Name'], write: node['Node Type'] === 'ModifyTable' })
  for (const child of node.Plans ?? []) relationsOf(child, into)
}

const isOwn = (schema: string, scope: SqlScope, r: Touched): boolean =>
  (r.schema === schema && r.name.startsWith(scope.prefix)) ||
  (r.schema === 'pg_catalog' && !r.write && STRUCTURE.has(r.name))

const refuseCalls = (scope: SqlScope, text: string): void => {
  const refused = calledNames(text).find((name) => REFUSED_FUNCTION.test(name))
  if (refused !== undefined) throw outOfScope(scope, `calls ${refused}, which reaches beyond its tables`)
}

interface Relation {
  readonly name: string
  readonly kind: string
  readonly owner: string
}

const relationsSql = `
  SELECT c.relname AS name, c.relkind AS kind, coalesce(t.relname, s.relname, c.relname) AS owner
  FROM pg_class c
  LEFT JOIN pg_index i ON i.indexrelid = c.oid
  LEFT JOIN pg_class t ON t.oid = i.indrelid
  LEFT JOIN pg_depend d ON d.objid = c.oid AND c.relkind = 'S' AND d.deptype = 'a'
  LEFT JOIN pg_class s ON s.oid = d.refobjid
  WHERE c.relnamespace = $1::regnamespace`

/** A SQL handle on `client`, inside a transaction with the ledger's schema on the search path. */
export const scopedSqlOn = (client: PoolClient, schema: string, scope: SqlScope): SqlHandle => {
  const checked = new Set<string>()
  // `queryMode: 'extended'` (in pg, not yet in its types): one statement, even without parameters.
  const run = <R extends QueryResultRow>(text: string, values: ReadonlyArray<SqlValue>): Promise<QueryResult<R>> =>
    client.query<R>({ text, values: values as unknown[], queryMode: 'extended' } as QueryConfig)

  const checkPlan = async (text: string, values: ReadonlyArray<SqlValue>): Promise<void> => {
    if (checked.has(text)) return
    refuseCalls(scope, text)
    const [row] = (
      await run<{ 'QUERY PLAN': ReadonlyArray<{ Plan: PlanNode }> }>(`EXPLAIN (VERBOSE, FORMAT JSON) ${text}`, values)
    ).rows
    const plans = row?.['QUERY PLAN'] ?? []
    refuseCalls(scope, JSON.stringify(plans))
    const relations: Touched[] = []
    for (const { Plan } of plans) relationsOf(Plan, relations)
    const foreign = relations.find((r) => !isOwn(schema, scope, r))
    if (foreign !== undefined)
      throw outOfScope(scope, `reaches ${foreign.schema ?? '?'}.${foreign.name}, which is not its own`)
    if (checked.size > 500) checked.clear()
    checked.add(text)
  }

  const changingSchema = async <R extends QueryResultRow>(
    text: string,
    values: ReadonlyArray<SqlValue>,
  ): Promise<QueryResult<R>> => {
    refuseCalls(scope, text)
    const snapshot = async (): Promise<Map<string, Relation>> =>
      new Map((await client.query<Relation>(relationsSql, [schema])).rows.map((r) => [`${r.kind}:${r.name}`, r]))
    const before = await snapshot()
    await client.query('SAVEPOINT civic_ledger_scoped_sql')
    try {
      const result = await run<R>(text, values)
      const after = await snapshot()
      const changed = [...after.values()]
        .filter((r) => !before.has(`${r.kind}:${r.name}`))
        .concat([...before.values()].filter((r) => !after.has(`${r.kind}:${r.name}`)))
      for (const r of changed)
        if (!['r', 'i', 'S'].includes(r.kind) || !r.name.startsWith(scope.prefix) || !r.owner.startsWith(scope.prefix))
          throw outOfScope(scope, `would create or drop ${r.name}`)
      const references = await client.query<{ name: string }>(
        `SELECT f.relname AS name FROM pg_constraint k
         JOIN pg_class f ON f.oid = k.confrelid JOIN pg_class c ON c.oid = k.conrelid
         WHERE k.connamespace = $1::regnamespace AND k.contype = 'f' AND left(c.relname, length($2)) = $2`,
        [schema, scope.prefix],
      )
      const outside = references.rows.find((r) => !r.name.startsWith(scope.prefix))
      if (outside !== undefined) throw outOfScope(scope, `would make a foreign key to ${outside.name}`)
      await client.query('RELEASE SAVEPOINT civic_ledger_scoped_sql')
      return result
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT civic_ledger_scoped_sql')
      await client.query('RELEASE SAVEPOINT civic_ledger_scoped_sql')
      throw error
    }
  }

  const statement = async <R extends QueryResultRow>(
    text: string,
    values: ReadonlyArray<SqlValue>,
  ): Promise<QueryResult<R>> => {
    checkSqlStatement(text, scope.access)
    if (isSchemaStatement(text)) return changingSchema<R>(text, values)
    await checkPlan(text, values)
    return run<R>(text, values)
  }

  return {
    dialect: 'postgres',
    query: async <Row extends object>(text: string, params: ReadonlyArray<SqlValue> = []) =>
      (await statement(text, params)).rows as unknown as Row[],
    execute: async (text, params = []) => (await statement(text, params)).rowCount ?? 0,
  }
}
