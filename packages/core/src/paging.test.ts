/**
 * The page cursor, over dense keys (as a stream's revisions and the log's positions are): walking it
 * visits exactly the keys of the range, in order, capped at maxCount, whatever the page size.
 */
import test from 'ava'
import fc from 'fast-check'
import { keyRangeCursor } from './paging'

/** Walks the cursor over keys 1..size, as a store would over its rows. */
const walk = (cursor: ReturnType<typeof keyRangeCursor>, size: number): number[] => {
  const seen: number[] = []
  for (let page = cursor.next(); page !== undefined; page = cursor.next()) {
    const keys: number[] = []
    const step = page.backwards ? -1 : 1
    for (
      let k = page.backwards ? Math.min(page.high, size) : Math.max(page.low, 1);
      keys.length < page.limit;
      k += step
    ) {
      if (k < Math.max(page.low, 1) || k > Math.min(page.high, size)) break
      keys.push(k)
    }
    seen.push(...keys)
    cursor.advance(keys.length, keys[keys.length - 1])
  }
  return seen
}

test('property: the pages visit exactly the keys of the range, in order, up to maxCount', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 1, max: 70 }),
      fc.integer({ min: 1, max: 70 }),
      fc.integer({ min: 1, max: 9 }),
      fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }),
      fc.boolean(),
      (size, a, b, batchSize, maxCount, backwards) => {
        const [low, high] = a <= b ? [a, b] : [b, a]
        const all: number[] = []
        for (let k = low; k <= Math.min(high, size); k++) all.push(k)
        if (backwards) all.reverse()
        const expected = all.slice(0, maxCount ?? all.length)
        t.deepEqual(walk(keyRangeCursor({ low, high, backwards, batchSize, maxCount }), size), expected)
      },
    ),
  )
})
