/**
 * A projection's SQL on SQLite, held to its own tables. Each statement is checked before it runs:
 * one statement of an allowed kind (core's `checkSqlStatement`); read-only where the scope reads
 * (SQLite's own verdict on the compiled statement); and every b-tree the compiled program opens,
 * clears or destroys — listed by `EXPLAIN` with its root page — must be a table or index of the
 * projection version's prefix in the main database. Reading the schema table is allowed, writing
 * it only by `CREATE` and `DROP`, whose effect is compared before and after inside a savepoint and
 * undone if it touched anything else. So neither the key table, the events nor another
 * projection's rows can be read or changed through the handle, whatever SQL a plug-in writes.
 *
 * A statement's check is kept until the schema changes, so a plug-in that runs the same SQL for
 * every event pays for `EXPLAIN` once.
 */
import type { SqlHandle, SqlValue } from '@civic-ledger/core'
import type { SqlScope } from '@civic-ledger/core/store-kit'
import { checkSqlStatement, isSchemaStatement, outOfScope } from '@civic-ledger/core/store-kit'
import type { Database } from 'better-sqlite3'

interface Op {
  readonly opcode: string
  readonly p1: number
  readonly p2: number
  readonly p3: number
  readonly p4: unknown
  readonly p5: number
}

/** OPFLAG_P2ISREG: the root page is in a register, a b-tree the statement itself created. */
const P2_IS_REGISTER = 0x10
const SCHEMA_ROOT = 1

const bindable = (value: SqlValue): string | number | bigint | Buffer | null =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value

/** Root pages of the scope's tables and their indexes. */
const ownPages = (db: Database, prefix: string): Set<number> =>
  new Set(
    db
      .prepare<[number, string], { rootpage: number }>(
        "SELECT rootpage FROM sqlite_schema WHERE type IN ('table', 'index') AND substr(tbl_name, 1, ?) = ?",
      )
      .all(prefix.length, prefix)
      .map((row) => row.rootpage),
  )

/** Each b-tree the compiled statement touches: its root page and database, and whether it writes. */
const touched = (ops: ReadonlyArray<Op>): ReadonlyArray<{ root: number | 'new'; db: number; write: boolean }> =>
  ops.flatMap((op) => {
    switch (op.opcode) {
      case 'OpenRead':
      case 'ReopenIdx':
      case 'OpenWrite':
        return [
          {
            root: (op.p5 & P2_IS_REGISTER) !== 0 ? ('new' as const) : op.p2,
            db: op.p3,
            write: op.opcode === 'OpenWrite',
          },
        ]
      case 'Clear':
        return [{ root: op.p1, db: op.p2, write: true }]
      case 'Destroy':
        return [{ root: op.p1, db: op.p3, write: true }]
      default:
        return []
    }
  })

/** The schema's objects, to compare before and after a `CREATE` or `DROP`. */
const schemaObjects = (db: Database): Map<string, { type: string; table: string }> =>
  new Map(
    db
      .prepare<[], { type: string; name: string; tbl_name: string }>('SELECT type, name, tbl_name FROM sqlite_schema')
      .all()
      .map((row) => [`${row.type}:${row.name}`, { type: row.type, table: row.tbl_name }]),
  )

/** A SQL handle on `db` that runs only what `scope` allows. */
export const scopedSqlOn = (db: Database, scope: SqlScope): SqlHandle => {
  /** Statements already checked, with the schema version they were checked at. */
  const checked = new Map<string, number>()
  const schemaVersion = (): number => db.pragma('schema_version', { simple: true }) as number

  const check = (text: string, params: ReadonlyArray<SqlValue>): void => {
    checkSqlStatement(text, scope.access)
    const version = schemaVersion()
    if (checked.get(text) === version) return
    const statement = db.prepare(text)
    if (scope.access === 'read' && !statement.readonly) throw outOfScope(scope, 'writes')
    const own = ownPages(db, scope.prefix)
    const schema = isSchemaStatement(text)
    // Bound as the statement will be: better-sqlite3 wants every parameter, though EXPLAIN reads none.
    const program = db.prepare<unknown[], Op>(`EXPLAIN ${text}`).all(...params.map(bindable))
    for (const target of touched(program)) {
      if (target.db !== 0) throw outOfScope(scope, 'reaches another database (temp or attached)')
      if (target.root === 'new') continue
      if (target.root === SCHEMA_ROOT && (!target.write || schema)) continue
      if (!own.has(target.root))
        throw outOfScope(scope, target.write ? 'writes a table of another owner' : 'reads a table of another owner')
    }
    if (checked.size > 500) checked.clear()
    checked.set(text, version)
  }

  /** Runs a `CREATE` or `DROP` in a savepoint, and undoes it if it changed anything not its own. */
  const changingSchema = <A>(run: () => A): A => {
    const before = schemaObjects(db)
    db.exec('SAVEPOINT civic_ledger_scoped_sql')
    try {
      const result = run()
      const after = schemaObjects(db)
      const changed = [...after.entries()]
        .filter(([key]) => !before.has(key))
        .concat([...before.entries()].filter(([key]) => !after.has(key)))
      for (const [key, { type, table }] of changed) {
        const name = key.slice(key.indexOf(':') + 1)
        const ownName = name.startsWith(scope.prefix) || name.startsWith('sqlite_autoindex_')
        if ((type !== 'table' && type !== 'index') || !ownName || !table.startsWith(scope.prefix))
          throw outOfScope(scope, `would create or drop ${type} ${name}`)
      }
      db.exec('RELEASE civic_ledger_scoped_sql')
      return result
    } catch (error) {
      db.exec('ROLLBACK TO civic_ledger_scoped_sql')
      db.exec('RELEASE civic_ledger_scoped_sql')
      throw error
    }
  }

  return {
    dialect: 'sqlite',
    query: async <Row extends object>(text: string, params: ReadonlyArray<SqlValue> = []) => {
      check(text, params)
      const run = (): Row[] => db.prepare<unknown[], Row>(text).all(...params.map(bindable))
      return isSchemaStatement(text) ? changingSchema(run) : run()
    },
    execute: async (text, params = []) => {
      check(text, params)
      const run = (): number => db.prepare(text).run(...params.map(bindable)).changes
      return isSchemaStatement(text) ? changingSchema(run) : run()
    },
  }
}
