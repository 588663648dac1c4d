/**
 * The actor the CLI acts as: `id:organisation:role`. Organisation ids may hold colons
 * (`local:ramsey-good-neighbours`), so the id is the first part and the role the last.
 */
import type { Actor } from '@civic-ledger/core'

import { usage } from './exit-codes'

const ACTOR_SHAPE = 'id:organisation:role, e.g. dpo-1:GB-LAE-CAM:data-protection-officer'

/** Reads `id:organisation:role`; a usage error (exit 2) naming the shape otherwise. */
export const parseActor = (text: string, from = '--actor'): Actor => {
  const parts = text.split(':')
  const id = parts[0]?.trim() ?? ''
  const role = parts.length >= 3 ? (parts[parts.length - 1]?.trim() ?? '') : ''
  const organisation = parts.slice(1, -1).join(':').trim()
  if (parts.length < 3 || id === '' || role === '' || organisation === '')
    throw usage(`${from}: ${JSON.stringify(text)} is not an actor; expected ${ACTOR_SHAPE}`)
  return { id, organisation, role } as Actor
}

/** An actor as the config file may give it: the same text, or `{ id, organisation, role }`. */
export const actorFromConfig = (value: unknown, file: string): Actor => {
  if (typeof value === 'string') return parseActor(value, `${file}: actor`)
  if (typeof value === 'object' && value !== null) {
    const { id, organisation, role } = value as Record<string, unknown>
    if (typeof id === 'string' && typeof organisation === 'string' && typeof role === 'string')
      return parseActor(`${id}:${organisation}:${role}`, `${file}: actor`)
  }
  throw usage(`${file}: actor must be ${ACTOR_SHAPE}, or { "id", "organisation", "role" }`)
}

/** How an actor is written back: `id:organisation:role`. */
export const showActor = (actor: Actor): string => `${actor.id}:${actor.organisation}:${actor.role}`
