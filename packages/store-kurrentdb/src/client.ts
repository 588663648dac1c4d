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
  multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult>
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterableIterator<ResolvedEvent>
  readAll(options?: ReadAllOptions): AsyncIterableIterator<AllStreamResolvedEvent>
  subscribeToAll(options?: SubscribeToAllOptions): AllStreamSubscription
  dispose(): Promise<void>
}

/** The real client is one (checked by the compiler). */
export const asKurrentClient = (client: KurrentDBClient): KurrentClient => client
