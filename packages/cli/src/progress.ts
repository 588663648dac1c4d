/**
 * Progress bars for long work (rebuild, verify, import, export): drawn on stderr when it is a
 * terminal, and not at all when output is piped, with `--json`, or with `--no-progress`.
 */
import { SingleBar } from 'cli-progress'

import type { Output } from './io'

export interface Progress {
  /** Starts (or restarts) the bar at 0 of `total`, with a label. */
  start(total: number, label: string): void
  /** Sets how much is done; a value above the total raises the total. */
  update(value: number): void
  stop(): void
}

const silent: Progress = { start: () => undefined, update: () => undefined, stop: () => undefined }

/** A bar on `stream` if it is a terminal and bars are wanted; otherwise one that draws nothing. */
export const progressOn = (stream: Output, wanted: boolean): Progress => {
  if (!wanted || stream.isTTY !== true) return silent
  let bar: SingleBar | undefined
  let total = 0
  return {
    start: (of, label) => {
      bar?.stop()
      total = Math.max(1, of)
      bar = new SingleBar({
        stream: stream as unknown as NodeJS.WritableStream,
        format: `${label.padEnd(12)} [{bar}] {percentage}% | {value}/{total}`,
        hideCursor: true,
        clearOnComplete: true,
        barsize: 30,
      })
      bar.start(total, 0)
    },
    update: (value) => {
      if (bar === undefined) return
      if (value > total) {
        total = value
        bar.setTotal(total)
      }
      bar.update(value)
    },
    stop: () => {
      bar?.stop()
      bar = undefined
    },
  }
}
