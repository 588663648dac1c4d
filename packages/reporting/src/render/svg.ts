/**
 * Maps and bar charts as inline SVG, drawn on the server with d3-geo and d3-scale: no script, font
 * or tile is needed to show them. Each shape and bar links to the list of events behind its figure.
 */
import { geoPath, geoTransverseMercator } from 'd3-geo'
import { scaleLinear, scaleOrdinal, scaleQuantize } from 'd3-scale'
import type { FeatureCollection } from 'geojson'

import { money, percent } from '../format'
import type { Shape } from '../geography'
import { ATTRIBUTION, boundaries, mergedShape } from '../geography'
import type { BarChart, MapSpec } from '../model'

/** Escapes text for HTML and SVG. */
export const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const BLUES = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c']
const CATEGORIES = [
  '#66c2a5',
  '#fc8d62',
  '#8da0cb',
  '#e78ac3',
  '#a6d854',
  '#ffd92f',
  '#e5c494',
  '#b3b3b3',
  '#1b9e77',
  '#d95f02',
  '#7570b3',
  '#e7298a',
]
const NONE = '#e0e0e0'

const shapesOf = (spec: MapSpec): ReadonlyArray<{ readonly area: MapSpec['areas'][number]; readonly shape: Shape }> => {
  const { lsoas, wards } = boundaries()
  return spec.areas.flatMap((area) => {
    const shape =
      spec.layer === 'lsoa'
        ? lsoas.get(area.code)
        : spec.layer === 'ward'
          ? wards.get(area.code)
          : mergedShape(area.code, area.name, spec.groups?.[area.code] ?? [])
    return shape === undefined ? [] : [{ area, shape }]
  })
}

/** A map as SVG: `href(cell)` gives the link for an area's figure. */
export const mapSvg = (
  spec: MapSpec,
  href: (cell: string) => string | undefined,
  width = 640,
  height = 520,
): string => {
  const drawn = shapesOf(spec)
  const collection: FeatureCollection = { type: 'FeatureCollection', features: drawn.map((d) => d.shape) }
  // Transverse Mercator about 2°W: the British National Grid's projection, near enough for a county.
  const projection = geoTransverseMercator()
    .rotate([2, 0])
    .fitExtent(
      [
        [8, 8],
        [width - 8, height - 8],
      ],
      collection,
    )
  const path = geoPath(projection).digits(1)
  const numeric = drawn.every((d) => d.area.value === null || typeof d.area.value === 'number')
  const numbers = drawn.flatMap((d) => (typeof d.area.value === 'number' ? [d.area.value] : []))
  const max = Math.max(0, ...numbers)
  const min = Math.min(0, ...numbers)
  const classes = scaleQuantize<string>()
    .domain([min, max === min ? min + 1 : max])
    .range(BLUES)
  const categories = [...new Set(drawn.flatMap((d) => (typeof d.area.value === 'string' ? [d.area.value] : [])))]
  const category = scaleOrdinal<string, string>().domain(categories).range(CATEGORIES)
  const fill = (value: MapSpec['areas'][number]['value']): string =>
    value === null ? 'url(#withheld)' : typeof value === 'number' ? classes(value) : category(value)
  const shapes = drawn
    .map(({ area, shape }) => {
      const link = area.cell === undefined ? undefined : href(area.cell)
      const d = path(shape) ?? ''
      const title = `<title>${escape(`${area.name}: ${area.text}`)}</title>`
      const el = `<path class="area${area.marked === true ? ' marked' : ''}" data-code="${escape(area.code)}" d="${d}" fill="${fill(area.value)}">${title}</path>`
      return link === undefined ? el : `<a href="${escape(link)}">${el}</a>`
    })
    .join('')
  const legend = numeric
    ? BLUES.map((colour, i) => {
        const [lo = 0, hi = 0] = classes.invertExtent(colour)
        return `<g transform="translate(0,${i * 18})"><rect width="14" height="14" fill="${colour}" stroke="#888"/><text x="20" y="11">${escape(`${inUnit(spec.unit, lo)} – ${inUnit(spec.unit, hi)}`)}</text></g>`
      }).join('') +
      `<g transform="translate(0,${BLUES.length * 18})"><rect width="14" height="14" fill="url(#withheld)" stroke="#888"/><text x="20" y="11">withheld or no value</text></g>`
    : categories
        .map(
          (c, i) =>
            `<g transform="translate(0,${i * 18})"><rect width="14" height="14" fill="${category(c)}" stroke="#888"/><text x="20" y="11">${escape(c)}</text></g>`,
        )
        .join('')
  const legendRows = numeric ? BLUES.length + 1 : categories.length
  const marked =
    spec.marked === undefined || !drawn.some((d) => d.area.marked === true)
      ? ''
      : `<g transform="translate(0,${legendRows * 18 + 6})"><rect width="14" height="14" fill="none" stroke="#000" stroke-width="2"/><text x="20" y="11">${escape(spec.marked)}</text></g>`
  const legendHeight = (legendRows + 2) * 18
  return `<figure class="map" id="map-${escape(spec.id)}"><figcaption>${escape(spec.title)}</figcaption>
<svg class="map" data-areas="${drawn.length}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escape(spec.title)}">
<defs><pattern id="withheld" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${NONE}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern></defs>
<g class="shapes">${shapes}</g></svg>
<svg class="legend" width="320" height="${legendHeight}" role="img" aria-label="legend">${legend}${marked}</svg>
<p class="legend-title">${escape(spec.legend)}</p>
<p class="attribution">${escape(ATTRIBUTION)}</p></figure>`
}

const inUnit = (unit: MapSpec['unit'], n: number): string =>
  unit === 'money' ? money(Math.round(n)) : unit === 'percent' ? percent(n) : format(n)

const format = (n: number): string =>
  new Intl.NumberFormat('en-GB', { maximumFractionDigits: n < 10 ? 2 : 0 }).format(n)

/**
 * A grouped horizontal bar chart as SVG; each bar links to its figure's events. Each group's label
 * stands on its own line above its bars, so a long label never runs into them.
 */
export const barChartSvg = (chart: BarChart, href: (cell: string) => string | undefined, width = 640): string => {
  const barHeight = 14
  const labelHeight = 16
  const groupHeight = labelHeight + chart.series.length * barHeight + 12
  const height = chart.groups.length * groupHeight + 30
  const max = Math.max(1, ...chart.groups.flatMap((g) => g.bars.map((b) => b.value)))
  const x = scaleLinear()
    .domain([0, max])
    .range([0, width - 110])
  const colours = ['#9ecae1', '#3182bd', '#08519c', '#fd8d3c']
  const groups = chart.groups
    .map((g, i) => {
      const bars = g.bars
        .map((b, j) => {
          const link = href(b.cell)
          const w = Math.max(b.value > 0 ? 1 : 0, x(b.value))
          const y = labelHeight + j * barHeight
          const rect = `<rect class="bar" x="0" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 2}" fill="${colours[j % colours.length]}"><title>${escape(`${g.label} — ${chart.series[j]?.label ?? ''}: ${b.text}`)}</title></rect><text x="${w + 4}" y="${y + 10}">${escape(b.text)}</text>`
          return link === undefined ? rect : `<a href="${escape(link)}">${rect}</a>`
        })
        .join('')
      return `<g transform="translate(0,${i * groupHeight + 24})"><text x="0" y="${labelHeight - 4}" class="group">${escape(g.label)}</text>${bars}</g>`
    })
    .join('')
  const key = chart.series
    .map(
      (s, j) =>
        `<g transform="translate(${j * 120},0)"><rect width="12" height="12" fill="${colours[j % colours.length]}"/><text x="16" y="10">${escape(s.label)}</text></g>`,
    )
    .join('')
  return `<figure class="chart" id="chart-${escape(chart.id)}"><figcaption>${escape(chart.title)}</figcaption>
<svg class="chart" data-bars="${chart.groups.reduce((s, g) => s + g.bars.length, 0)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escape(chart.title)}">${key}${groups}</svg></figure>`
}
