/**
 * Helpers commands share: running work on a ledger or store and always closing it, and letting
 * the projections settle — each caught up or halted — before reporting on them.
 */
import type { EventStore, Ledger, ProjectionStatus } from '@civic-ledger/core'

import type { CommandContext } from './context'

/** Runs `work` on the ledger, closing it whatever happens. */
export const withLedger = async <A>(
  context: CommandContext,
  work: (ledger: Ledger) => Promise<A>,
  options: { readonly create?: boolean; readonly store?: EventStore } = {},
): Promise<A> => {
  const ledger = await context.openLedger(options)
  try {
    return await work(ledger)
  } finally {
    await ledger.close()
  }
}

/** Runs `work` on the store alone, closing it whatever happens. */
export const withStore = async <A>(
  context: CommandContext,
  work: (store: EventStore) => Promise<A>,
  options: { readonly create?: boolean } = {},
): Promise<A> => {
  const store = await context.openStore(options)
  try {
    return await work(store)
  } finally {
    await store.close()
  }
}

const settled = (s: ProjectionStatus, head: number): boolean =>
  s.state === 'halted' || s.state === 'stopped' || (s.state === 'live' && s.position >= head)

/**
 * Waits until every projection has caught up with the head as it was on the call, or halted, or
 * `timeoutMs` has passed; reports progress as the least position reached. Returns the statuses.
 */
export const settle = async (
  ledger: Ledger,
  options: {
    readonly timeoutMs: number
    readonly names?: ReadonlyArray<string>
    readonly onProgress?: (done: number, head: number) => void
  },
): Promise<ReadonlyArray<ProjectionStatus>> => {
  const head = await ledger.events.headPosition()
  const names = options.names ?? ledger.projections.names
  const until = Date.now() + options.timeoutMs
  for (;;) {
    const statuses = names.map((name) => ledger.projections.status(name))
    options.onProgress?.(Math.min(head, ...statuses.map((s) => s.position)), head)
    if (statuses.every((s) => settled(s, head)) || Date.now() >= until) return statuses
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
