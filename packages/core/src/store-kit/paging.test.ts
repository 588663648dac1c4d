/**
 * The page cursor, over dense keys (as a stream's revisions and the log's positions are): walking it
 * visits exactly the keys of the range, in order, capped at maxCount, whatever the page size.
 */
import test from 'ava'
import fc from 'fast-check'

import { keyRangeCursor, pagedIterable, pagesOf } from './paging'

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

/** Pages of `sizes`, numbered in order; fetched asynchronously when `async`. */
const source = (sizes: ReadonlyArray<number>, async: boolean) => {
  let n = 0
  let k = 0
  const next = (): ReadonlyArray<number> | undefined => {
    const size = sizes[k++]
    return size === undefined ? undefined : Array.from({ length: size }, () => ++n)
  }
  return pagedIterable<number>(async ? () => Promise.resolve(next()) : next)
}

const items = async (iterable: AsyncIterable<number>): Promise<number[]> => {
  const seen: number[] = []
  for await (const item of iterable) seen.push(item)
  return seen
}

test('property: item by item and page by page give the same items, fetched either way', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 8 }), fc.boolean(), async (sizes, async) => {
      const total = sizes.reduce((a, b) => a + b, 0)
      const expected = Array.from({ length: total }, (_, i) => i + 1)
      t.deepEqual(await items(source(sizes, async)), expected)
      const pages: number[][] = []
      for await (const page of source(sizes, async).pages()) pages.push([...page])
      t.deepEqual(pages.flat(), expected)
      t.true(pages.every((page) => page.length > 0))
      const runs: number[][] = []
      for await (const run of pagesOf(source(sizes, async), 2)) runs.push([...run])
      t.deepEqual(runs.flat(), expected)
    }),
  )
})

test('a failing fetch ends the iteration with its error, either way', async (t) => {
  for (const async of [false, true]) {
    let calls = 0
    const failing = pagedIterable<number>(() => {
      calls++
      if (calls === 2) {
        if (async) return Promise.reject(new Error('the disk went away'))
        throw new Error('the disk went away')
      }
      return [calls]
    })
    const seen: number[] = []
    await t.throwsAsync(
      async () => {
        for await (const item of failing) seen.push(item)
      },
      { message: 'the disk went away' },
    )
    t.deepEqual(seen, [1])
    await t.throwsAsync(async () => {
      for await (const page of pagedIterable<number>(() => Promise.reject(new Error('no'))).pages())
        t.fail(String(page))
    })
  }
})

test('pagesOf groups the items of an iterable that has no pages of its own', async (t) => {
  async function* numbers() {
    for (let i = 1; i <= 5; i++) yield i
  }
  const runs: number[][] = []
  for await (const run of pagesOf(numbers(), 2)) runs.push([...run])
  t.deepEqual(runs, [[1, 2], [3, 4], [5]])
})
