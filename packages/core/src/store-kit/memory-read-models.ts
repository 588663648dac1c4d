/**
 * Read-model storage in memory: for tests, examples, replays into a scratch store, and ledgers on
 * the in-memory event store. Transactions run one at a time and keep an undo log, so a transaction
 * that fails leaves nothing behind; reads wait for the running transaction, so they only ever see
 * committed state.
 */
import type { JsonObject } from '../kernel/json'
import { deepFreeze } from '../kernel/json'
import type {
  Condition,
  FindOptions,
  InlineHandler,
  ParkedEvent,
  ProjectionCheckpoint,
  ReadModelStorage,
  ReadModelTransaction,
} from '../port/read-model'
import { checkFieldName, checkFindLimit, checkTablePrefix, compareIds, matchesConditions } from '../port/read-model'

interface Table {
  readonly indexes: ReadonlyArray<string>
  readonly docs: Map<string, JsonObject>
}

/** Read-model storage that can also run inline projections for an in-memory event store. */
export interface MemoryReadModelStorage extends ReadModelStorage {
  readonly dialect: 'memory'
  /** The handler inline projections installed, for the in-memory event store to call. */
  inlineHandler(): InlineHandler | undefined
  /** Every table and its documents, ordered by name and id: for tests and inspection. */
  dump(): Readonly<Record<string, Readonly<Record<string, JsonObject>>>>
}

/** Serialises async work: each call starts when the previous one has settled. */
export const createMutex = (): (<A>(work: () => Promise<A>) => Promise<A>) => {
  let tail: Promise<unknown> = Promise.resolve()
  return <A>(work: () => Promise<A>): Promise<A> => {
    const run = tail.then(work, work)
    tail = run.catch(() => undefined)
    return run
  }
}

const key = (name: string, version: number): string => `${name}@${version}`

export const createMemoryReadModelStorage = (): MemoryReadModelStorage => {
  const tables = new Map<string, Table>()
  const checkpoints = new Map<string, ProjectionCheckpoint>()
  const parked = new Map<string, Map<number, ParkedEvent>>()
  const exclusive = createMutex()
  let inline: InlineHandler | undefined

  const table = (name: string): Table => {
    const found = tables.get(name)
    if (found === undefined) throw new Error(`read-model table ${name} does not exist`)
    return found
  }

  const run = async <A>(work: (tx: ReadModelTransaction) => Promise<A>): Promise<A> => {
    const undo: Array<() => void> = []
    /** Sets `map[k] = value` (or deletes it, for undefined), remembering how to put it back. */
    const set = <K, V>(map: Map<K, V>, k: K, value: V | undefined): void => {
      const had = map.has(k)
      const before = map.get(k)
      undo.push(() => (had ? map.set(k, before as V) : map.delete(k)))
      if (value === undefined) map.delete(k)
      else map.set(k, value)
    }
    const parkedOf = (name: string, version: number): Map<number, ParkedEvent> => {
      let entries = parked.get(key(name, version))
      if (entries === undefined) {
        entries = new Map()
        set(parked, key(name, version), entries)
      }
      return entries
    }
    const tx: ReadModelTransaction = {
      sql: undefined,
      ensureCollection: async (name, indexes) => {
        const fields = indexes.map((field) => checkFieldName(field, 'indexes'))
        if (!tables.has(name)) set(tables, name, { indexes: fields, docs: new Map() })
      },
      dropTables: async (prefix) => {
        checkTablePrefix(prefix)
        for (const name of [...tables.keys()]) if (name.startsWith(prefix)) set(tables, name, undefined)
      },
      getDocument: async (name, id) => table(name).docs.get(id),
      writeDocuments: async (name, puts, deletes) => {
        const docs = table(name).docs
        for (const [id, json] of puts) set(docs, id, deepFreeze(JSON.parse(json) as JsonObject))
        for (const id of deletes) set(docs, id, undefined)
      },
      findDocuments: async (name, where: ReadonlyArray<Condition>, options: FindOptions) => {
        for (const [field] of where) checkFieldName(field, 'where')
        const limit = checkFindLimit(options.limit)
        const after = options.after
        const out: Array<readonly [string, JsonObject]> = []
        for (const [id, doc] of table(name).docs)
          if ((after === undefined || compareIds(id, after) > 0) && matchesConditions(doc, where)) out.push([id, doc])
        out.sort(([a], [b]) => compareIds(a, b))
        return limit === undefined ? out : out.slice(0, limit)
      },
      checkpoints: async (name) =>
        [...checkpoints.values()].filter((c) => c.name === name).sort((a, b) => a.version - b.version),
      lockCheckpoint: async (name, version) => checkpoints.get(key(name, version)),
      saveCheckpoint: async (checkpoint) => {
        set(checkpoints, key(checkpoint.name, checkpoint.version), Object.freeze({ ...checkpoint }))
      },
      deleteCheckpoint: async (name, version) => {
        set(checkpoints, key(name, version), undefined)
        set(parked, key(name, version), undefined)
      },
      park: async (event) => {
        set(parkedOf(event.projection, event.version), event.position, Object.freeze({ ...event }))
      },
      parked: async (name, version) =>
        [...(parked.get(key(name, version))?.values() ?? [])].sort((a, b) => a.position - b.position),
      unpark: async (name, version, positions) => {
        const entries = parkedOf(name, version)
        for (const position of positions) set(entries, position, undefined)
      },
    }
    try {
      return await work(tx)
    } catch (error) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.()
      throw error
    }
  }

  return {
    dialect: 'memory',
    transaction: (work) => exclusive(() => run(work)),
    read: (work) => exclusive(() => run(work)),
    setInlineHandler: (handler) => {
      inline = handler
    },
    inlineHandler: () => inline,
    dump: () =>
      Object.fromEntries(
        [...tables.entries()]
          .sort(([a], [b]) => compareIds(a, b))
          .map(([name, t]) => [name, Object.fromEntries([...t.docs.entries()].sort(([a], [b]) => compareIds(a, b)))]),
      ),
  }
}
