/**
 * The port's event filters as KurrentDB's server-side filters. KurrentDB filters `$all` on one
 * thing — stream names or event types, by prefixes or a regular expression — so the driver sends the
 * most selective one it can and checks every event it receives with core's `matchesFilter` and the
 * ledger's stream prefix: the server narrows, the client decides.
 *
 * - stream prefixes given → a stream-name filter on `<ledger>/<prefix>` for each;
 * - else event types given → an event-type filter on the types (as prefixes: `grants.GrantAwarded`
 *   also lets through `grants.GrantAwardedLate`, which the client then drops; so do events of the
 *   same types on other ledgers of the server);
 * - else → a stream-name filter on `<ledger>/`, the ledger's events and nothing else.
 */
import type { EventFilter } from '@civic-ledger/core'
import { matchesFilter } from '@civic-ledger/core/store-kit'
import type { Filter } from '@kurrent/kurrentdb-client'
import { eventTypeFilter, streamNameFilter } from '@kurrent/kurrentdb-client'

import type { LedgerNames } from './records'

export const serverFilter = (names: LedgerNames, filter: EventFilter | undefined): Filter => {
  if (filter?.streamPrefixes !== undefined)
    return streamNameFilter({ prefixes: filter.streamPrefixes.map((prefix) => names.stream(prefix)) })
  if (filter?.types !== undefined) return eventTypeFilter({ prefixes: [...filter.types] })
  return streamNameFilter({ prefixes: [names.streamPrefix] })
}

/** The client's check of what the server let through: the ledger's event, matching the port's filter. */
export const clientMatches = (
  filter: EventFilter | undefined,
  event: { readonly streamId: string; readonly type: string },
): boolean => matchesFilter(filter, event)
