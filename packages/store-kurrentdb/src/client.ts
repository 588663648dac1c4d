/**
 * The part of `@kurrent/kurrentdb-client` the driver uses, typed from the client's own declarations,
 * so the driver's logic can be tested against recorded responses of exactly the client's shapes.
 */
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendStreamRequest,
  KurrentDBClient,
  MultiAppendResult,
  ReadAllOptions,
  ReadStreamOptions,
  ResolvedEvent,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client'

/** What the driver calls on a client. */
export interface KurrentClient {
  /** Appends to several streams atomically, each at its expected revision. */
  multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult>
  /** Reads one stream. */
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterableIterator<ResolvedEvent>
  /** Reads the server's whole log. */
  readAll(options?: ReadAllOptions): AsyncIterableIterator<AllStreamResolvedEvent>
  /** Follows the server's whole log. */
  subscribeToAll(options?: SubscribeToAllOptions): AllStreamSubscription
  /** Closes the client's connections. */
  dispose(): Promise<void>
}

/** The real client is one (checked by the compiler). */
export const asKurrentClient = (client: KurrentDBClient): KurrentClient => client
