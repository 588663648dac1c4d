/**
 * Versions and blue/green rebuilds: a new version builds beside the old one, which serves until
 * the new has caught up and takes over; indexes of a read model built from nothing wait until it
 * has.
 */
import type { ProjectionCheckpoint } from '../../port/read-model'
import { tableName, tablePrefix } from '../../port/read-model'
import { projectionContext } from '../context'
import type { Runtime, Worker } from './runtime'
import { CheckpointMoved } from './runtime'
import { now, update } from './status'
import type { ProjectionStatus } from './types'
import { ProjectionError } from './types'

/** Makes the indexes a read model built from nothing went without while it caught up. */
export const makeIndexes = async (rt: Runtime, worker: Worker): Promise<void> => {
  await rt.storage.transaction((tx) => projectionContext(worker.projection, tx).ensureCollections())
  worker.deferredIndexes.clear()
  worker.indexesPending = false
}

/** A building version that has caught up takes over: older versions and their tables go. */
export const takeOver = async (rt: Runtime, worker: Worker): Promise<void> => {
  const { name, version } = worker.projection
  await rt.storage.transaction(async (tx) => {
    const checkpoint = await tx.lockCheckpoint(name, version)
    if (checkpoint === undefined) throw new CheckpointMoved(undefined)
    for (const other of await tx.checkpoints(name)) {
      if (other.version === version) continue
      await tx.deleteCheckpoint(name, other.version)
      await tx.dropTables(tablePrefix(name, other.version))
    }
    await tx.saveCheckpoint({ ...checkpoint, stage: 'active', updatedAt: now(rt) })
  })
  worker.stage = 'active'
}

export const refresh = async (rt: Runtime, worker: Worker): Promise<void> => {
  const checkpoint = (await rt.storage.read((r) => r.checkpoints(worker.projection.name))).find(
    (c) => c.version === worker.projection.version,
  )
  if (checkpoint !== undefined && checkpoint.position > worker.position) {
    worker.position = checkpoint.position
    worker.stage = checkpoint.stage
    worker.documents?.clear()
  }
}

/**
 * The worker has reached the end of the log it follows: its read model gets the indexes it went
 * without, a new version takes over, and then — in one status — the position and `live`.
 */
export const arrive = async (rt: Runtime, worker: Worker, change: Partial<ProjectionStatus> = {}): Promise<void> => {
  if (worker.indexesPending) await makeIndexes(rt, worker)
  if (worker.stage === 'building') await takeOver(rt, worker)
  update(rt, worker, { ...change, state: 'live', attempts: 0 })
}

/** Creates (or finds) each projection's checkpoint and collections; a new version starts building. */
export const prepare = async (rt: Runtime, worker: Worker): Promise<void> => {
  const { name, version } = worker.projection
  const checkpoint = await rt.storage.transaction(async (tx) => {
    const kept = await tx.checkpoints(name)
    const newer = kept.find((c) => c.version > version)
    if (newer !== undefined)
      throw new ProjectionError(
        name,
        'newer-version',
        `version ${newer.version} is already kept here; this code has version ${version}. Deploy the newer code, or remove the newer read model first`,
      )
    const mine = kept.find((c) => c.version === version)
    const ctx = projectionContext(worker.projection, tx)
    // Collections are made on every start, so a release that declares a new one gets it. A read
    // model built from nothing gets its indexes once it has caught up: one sort of the finished
    // table costs less than keeping each index up to date through every write of the build.
    const fresh = mine === undefined || mine.position === 0
    await ctx.ensureCollections({ indexes: !fresh })
    worker.deferredIndexes.clear()
    if (fresh)
      for (const c of worker.projection.collections ?? [])
        if (c.indexes.length > 0) worker.deferredIndexes.add(tableName(name, version, c.name))
    worker.indexesPending = worker.deferredIndexes.size > 0
    if (mine !== undefined) return mine
    await worker.projection.setup?.(ctx)
    await ctx.flush()
    const created: ProjectionCheckpoint = {
      name,
      version,
      position: 0,
      stage: kept.some((c) => c.stage === 'active') ? 'building' : 'active',
      updatedAt: now(rt),
    }
    await tx.saveCheckpoint(created)
    return created
  })
  worker.position = checkpoint.position
  worker.stage = checkpoint.stage
  const parked = (await rt.storage.read((r) => r.parked(name, version))).length
  worker.parkedKnown = parked
  worker.documents?.clear()
  update(rt, worker, { parked })
}
