/**
 * A place index (stream `areas.place-index-<id>`): for one LSOA vintage, every area reachable from
 * those LSOAs through the ledger's geography releases — LSOAs, wards of any vintage, parishes,
 * MSOAs, county divisions, districts, counties, health areas, regions — each mapped to the LSOAs it
 * contains, so a rule about areas of any kind can be decided on LSOAs (`lsoasOf`).
 *
 * One door: `placeIndexes`, a decision across the index and each release the command names (read,
 * never written), so the index is made from what the releases' streams hold, never from the caller.
 * The index's stream (`placeIndexStream`) takes no command of its own; other contexts read it in
 * their own decisions with `streamOf(placeIndexStream, id)`. `CURRENT_PLACE_INDEX` is the id the
 * reference-data workflow builds, and the one grants reads unless an application names another.
 */
import type { StreamAggregate } from '@civic-ledger/core'
import { defineDecision, reject, streamOf } from '@civic-ledger/core'
import { map } from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'

import type { ReleaseEvent } from '../release/events'
import { releaseEvents } from '../release/events'
import type { BuildPlaceIndex } from './commands'
import { PlaceIndexCommand } from './commands'
import { decidePlaceIndex } from './decide'
import type { PlaceIndexEvent } from './events'
import { placeIndexEvents } from './events'
import type { PlaceIndexState, ReleaseContents } from './state'
import { evolvePlaceIndex, evolveReleaseContents, initialPlaceIndex, initialReleaseContents } from './state'

/** The id of the place index built from the shipped reference data, and read by default. */
export const CURRENT_PLACE_INDEX = 'current'

/** A place index's stream, for decisions that read it (it takes no command of its own). */
export const placeIndexStream: StreamAggregate<PlaceIndexEvent, PlaceIndexState> = {
  context: 'areas',
  name: 'place-index',
  events: placeIndexEvents,
  decider: {
    initialState: initialPlaceIndex,
    evolve: evolvePlaceIndex,
    decide: () => reject('no-commands', 'a place index is built through placeIndexes'),
  },
}

/**
 * A geography release's stream as a place index reads it: every area set and lookup, where the
 * release's own decider keeps only whether it is imported. Read, never written.
 */
export const releaseContents: StreamAggregate<ReleaseEvent, ReleaseContents> = {
  context: 'areas',
  name: 'release',
  events: releaseEvents,
  decider: {
    initialState: initialReleaseContents,
    evolve: evolveReleaseContents,
    decide: () => reject('no-commands', 'a release is imported through geographyReleases'),
  },
}

/** The name of the stream of the `i`th release a build names. */
const releaseKey = (i: number): `release-${number}` => `release-${i}`

/** The streams a place index build decides on: the index, and each release it names as `release-<i>`. */
export type PlaceIndexStreams = {
  readonly index: ReturnType<typeof streamOf<PlaceIndexEvent, PlaceIndexState>>
} & {
  readonly [key: `release-${number}`]: ReturnType<typeof streamOf<ReleaseEvent, ReleaseContents>>
}

/** Build a place index: decided on the index and every release the command names. */
export const placeIndexes = defineDecision({
  context: 'areas',
  name: 'place-index',
  commands: PlaceIndexCommand,
  streams: (command: BuildPlaceIndex): PlaceIndexStreams => ({
    index: streamOf(placeIndexStream, command.indexId),
    ...Object.fromEntries(command.releases.map((id, i) => [releaseKey(i), streamOf(releaseContents, id)])),
  }),
  decide: (command, states) =>
    pipe(
      decidePlaceIndex(
        command,
        states.index,
        command.releases.map((_, i) => states[releaseKey(i)]),
      ),
      map((events) => ({ index: events })),
    ),
})
