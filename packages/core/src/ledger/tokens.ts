/**
 * The dependency-injection tokens, all in one place. Interfaces have no runtime form, so each is a
 * symbol branded with the type it resolves to.
 */
import type { Policy } from '../commands/policy'
import type { Clock, IdGenerator } from '../kernel/clock'
import type { EventStore } from '../port/event-store'
import type { KeyStore } from '../port/privacy'
import type { AnyProjection } from '../projections/projection'
import type { ProjectionRunner } from '../projections/runner/types'

/** A symbol that resolves to a `T`. */
export type Token<T> = symbol & { readonly __resolves?: T }

const token = <T>(name: string): Token<T> => Symbol.for(`civic-ledger.${name}`)

/**
 * The tokens a ledger registers its services under in its container, for plug-ins and trusted code
 * that resolve them with `ledger.resolve(Tokens.Clock)`.
 */
export const Tokens = {
  EventStore: token<EventStore>('EventStore'),
  Policy: token<Policy>('Policy'),
  Clock: token<Clock>('Clock'),
  IdGenerator: token<IdGenerator>('IdGenerator'),
  /** Registered once per projection plug-in; resolve all with `resolveAll`. */
  Projection: token<AnyProjection>('Projection'),
  /** The ledger's projection runner. */
  ProjectionRunner: token<ProjectionRunner>('ProjectionRunner'),
  KeyStore: token<KeyStore>('KeyStore'),
} as const
