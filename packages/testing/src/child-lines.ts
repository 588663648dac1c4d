/**
 * Talking to a child process that may be killed at any moment: fault tests start a writer, kill it
 * mid-append, and must know exactly what it had been told. The child writes one JSON object a line
 * to stdout synchronously, so a line the parent has read was written before the kill; the parent
 * splits what it reads back into lines. A seeded random source lets a failing run be repeated.
 */
import { writeSync } from 'node:fs'

/** Writes `line` as one line of JSON to stdout, synchronously (a full non-blocking pipe is retried). */
export const writeJsonLine = (line: unknown): void => {
  const buffer = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8')
  let offset = 0
  while (offset < buffer.length) {
    try {
      offset += writeSync(1, buffer, offset, buffer.length - offset)
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EAGAIN') throw error
    }
  }
}

/**
 * A listener for a child's stdout chunks that calls `onLine` with each complete line parsed as
 * JSON; a trailing partial line is kept for the next chunk, and blank lines are skipped.
 */
export const jsonLineReader = <Line>(onLine: (line: Line) => void): ((chunk: Buffer | string) => void) => {
  let rest = ''
  return (chunk) => {
    rest += chunk.toString()
    let newline = rest.indexOf('\n')
    while (newline >= 0) {
      const text = rest.slice(0, newline)
      rest = rest.slice(newline + 1)
      if (text.trim().length > 0) onLine(JSON.parse(text) as Line)
      newline = rest.indexOf('\n')
    }
  }
}

/** Numbers in [0, 1) from a 32-bit seed (mulberry32): the same seed gives the same sequence. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A whole number in [low, high], drawn from `random`. */
export const between = (random: () => number, low: number, high: number): number =>
  low + Math.floor(random() * (high - low + 1))
