// The performance targets a benchmark measured, handed to `npm run bench` (bench/run.mjs), which
// puts every benchmark's into one table at the top of docs/performance.md's generated section.
//
// A benchmark run on its own prints its figures as before; run by bench/run.mjs, BENCH_TARGETS names
// a file and each target measured is appended to it as one line of JSON:
//
//   { bench, name, measured, target, at, unit, floors: [{ value, name }] }
//
//   at      'least' (measured ≥ target) or 'most' (measured ≤ target)
//   unit    '×' (a ratio), '%' (a share), 'n' (a rate or count), 'frames'
//   floors  the same measure taken in the same run by the least work it allows — the minimal bare
//           driver, the same with the one guarantee of the port that costs most, a store that checks
//           nothing, the runner with empty projections — so a missed target shows whether any
//           design could have met it here, and what keeping a guarantee costs
import { appendFileSync } from 'node:fs'

/** Whether `measured` meets `target`. */
export const meets = ({ measured, target, at }) => (at === 'most' ? measured <= target : measured >= target)

/** Appends the targets `bench` measured to BENCH_TARGETS' file, if it names one; NaN figures are left out. */
export const recordTargets = (bench, targets) => {
  const file = process.env.BENCH_TARGETS
  if (file === undefined || file === '') return
  const lines = targets
    .filter((t) => Number.isFinite(t.measured))
    .map((t) =>
      JSON.stringify({ bench, at: 'least', ...t, floors: (t.floors ?? []).filter((f) => Number.isFinite(f.value)) }),
    )
  if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`)
}

/** A figure in its unit: 2.51×, 75%, 21,784, 3.72. */
export const shown = (value, unit) =>
  unit === '%'
    ? `${(value * 100).toFixed(0)}%`
    : unit === 'n'
      ? Math.round(value).toLocaleString('en-GB')
      : unit === 'frames'
        ? value.toFixed(2)
        : `${value.toFixed(2)}×`
