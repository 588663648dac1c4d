/**
 * Host queries of read models: always the serving version, looked up in the same read as the
 * documents.
 */
import { InvalidArgumentError } from '../../kernel/errors'
import type { CollectionDefinition, ReadCollection, ReadModelReader, SqlHandle } from '../../port/read-model'
import { nameProblem, tableName, tablePrefix } from '../../port/read-model'
import { readCollection } from '../context'
import type { Runtime } from './runtime'

/** The version queries should read: the active one, else this runner's. */
export const activeVersion = async (rt: Runtime, name: string, reader: ReadModelReader): Promise<number> => {
  const kept = await reader.checkpoints(name)
  const active = kept.find((c) => c.stage === 'active')
  if (active !== undefined) return active.version
  const worker = rt.workers.get(name)
  if (worker !== undefined) return worker.projection.version
  throw new InvalidArgumentError('projection', `no read model named ${name} is kept here`)
}

export const query = <Doc extends object, K extends keyof Doc & string>(
  rt: Runtime,
  projection: string | { readonly name: string },
  collection: CollectionDefinition<Doc, K>,
): ReadCollection<Doc, K> => {
  const name = typeof projection === 'string' ? projection : projection.name
  // The serving version is looked up in the same read as the documents: a swap cannot fall between.
  const run = <A>(work: (c: ReadCollection<Doc, K>) => Promise<A>): Promise<A> =>
    rt.storage.read(async (reader) =>
      work(readCollection(reader, { name, version: await activeVersion(rt, name, reader) }, collection)),
    )
  return {
    get: (id) => run((c) => c.get(id)),
    find: (where, findOptions) => run((c) => c.find(where, findOptions)),
    entries: (where, findOptions) => run((c) => c.entries(where, findOptions)),
  }
}

export const sql = async <A>(
  rt: Runtime,
  projection: string | { readonly name: string },
  work: (handle: SqlHandle, table: (local: string) => string) => Promise<A>,
): Promise<A> => {
  const name = typeof projection === 'string' ? projection : projection.name
  return rt.storage.read(async (reader) => {
    const version = await activeVersion(rt, name, reader)
    const scoped = reader.scopedSql?.({ prefix: tablePrefix(name, version), access: 'read' })
    if (scoped === undefined)
      throw new InvalidArgumentError('sql', `the ${rt.storage.dialect} read-model store has no SQL`)
    return work(scoped, (local) => {
      const problem = nameProblem(local, 'table')
      if (problem !== undefined) throw new InvalidArgumentError('table', problem)
      return tableName(name, version, local)
    })
  })
}
