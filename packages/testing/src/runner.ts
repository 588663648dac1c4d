/**
 * The little a contract suite or a spec needs of a test runner, so that `@civic-ledger/testing`
 * works under ava (the default), `node:test`, or any runner that can register a named async test.
 * Neither ava nor `node:test` is loaded until a suite registers its first test with it.
 */
import assert from 'node:assert/strict'

import type { TestFn } from 'ava'

// --- model ---

/** A test's body: it passes by resolving and fails by throwing. */
export type TestBody = () => Promise<void>

/** Registers named tests with a test runner. */
export interface TestRunner {
  /** Registers a test that may run concurrently with others. */
  readonly test: (title: string, body: TestBody) => void
  /** Registers a test that runs alone (stores that share one database or file between cases). */
  readonly serial: (title: string, body: TestBody) => void
}

/** The assertions the specs use: ava's `t`, or {@link nodeAssertions} under any other runner. */
export interface Assertions {
  /** Fails the test. */
  readonly fail: (message?: string) => void
  /** Asserts `actual` is `expected` (`Object.is`). */
  readonly is: <A>(actual: A, expected: A, message?: string) => void
  /** Asserts `actual` deeply equals `expected`. */
  readonly deepEqual: <A>(actual: A, expected: A, message?: string) => void
}

// --- runners ---

/** ava, required on first use so that importing this package never loads it. */
const ava = (): TestFn =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('ava') as { readonly default: TestFn }).default

/** ava's runner: the default of every suite. */
export const avaRunner: TestRunner = {
  test: (title, body) =>
    ava()(title, async (t) => {
      await body()
      t.pass()
    }),
  serial: (title, body) =>
    ava().serial(title, async (t) => {
      await body()
      t.pass()
    }),
}

type NodeTest = (title: string, options: { readonly concurrency?: boolean }, body: TestBody) => unknown

/** `node:test`'s runner, for apps that do not use ava. */
export const nodeTestRunner: TestRunner = {
  test: (title, body) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    void (require('node:test') as { readonly test: NodeTest }).test(title, { concurrency: true }, body)
  },
  serial: (title, body) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    void (require('node:test') as { readonly test: NodeTest }).test(title, {}, body)
  },
}

// --- assertions ---

/** Assertions on `node:assert/strict`, for specs run under a runner other than ava. */
export const nodeAssertions: Assertions = {
  fail: (message) => assert.fail(message),
  is: (actual, expected, message) => assert.strictEqual(actual, expected, message),
  deepEqual: (actual, expected, message) => assert.deepStrictEqual(actual, expected, message),
}
