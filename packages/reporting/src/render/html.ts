/**
 * Reports as one self-contained HTML page: styles inline, maps and charts as inline SVG, no script,
 * font, image or tile fetched from anywhere. Every figure links to an anchor listing the events it
 * was computed from; a footer under each report names its ledger position, seal and scheme versions.
 */
import { ATTRIBUTION } from '../geography'
import type { Cell, ReportData, Table } from '../model'
import { barChartSvg, escape, mapSvg } from './svg'

/** What the page says about itself. */
export interface PageMeta {
  readonly title: string
  /** Who or what produced it, e.g. `civic-ledger report`, shown in the page's header. */
  readonly producedBy?: string
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1b1b1b;margin:0;background:#fafafa}
header.page{background:#0b3d5c;color:#fff;padding:16px 24px}header.page h1{margin:0;font-size:22px}
nav{padding:8px 24px;background:#e8eef2}nav a{margin-right:16px;color:#0b3d5c}
main{padding:0 24px 24px;max-width:1400px}section.report{background:#fff;border:1px solid #ddd;margin:20px 0;padding:16px 20px}
h2{margin-top:0;color:#0b3d5c}h3{margin:20px 0 6px}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f3f5}td.n{text-align:right;font-variant-numeric:tabular-nums}td a{color:#0b3d5c;text-decoration:none;border-bottom:1px dotted #0b3d5c}
td.withheld{color:#666;font-style:italic}
.figures{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg.map path.area{stroke:#fff;stroke-width:.4}svg.map path.area.marked{stroke:#000;stroke-width:1.4}svg.map a:hover path{opacity:.75}
svg text{font:11px system-ui,sans-serif;fill:#333}svg.chart text.group{font-weight:600}
.legend-title,.attribution{font-size:11px;color:#555;margin:2px 0;max-width:640px}
.notes li{margin:2px 0}.table-note{font-size:12px;color:#555}
details.evidence summary{cursor:pointer;font-weight:600}.evidence section{margin:8px 0;padding:4px 0;border-top:1px solid #eee}
.evidence section:target{background:#fff6d5}.evidence table{font-size:12px}
footer.basis{font-size:12px;color:#444;border-top:1px solid #ddd;margin-top:12px;padding-top:6px}
footer.page{padding:12px 24px;font-size:12px;color:#555}
.scroll{max-height:420px;overflow:auto;border:1px solid #eee;display:inline-block}`

/** The anchor of a report's evidence list. */
export const evidenceAnchor = (report: string, key: string): string => `ev-${report}-${key}`

const numeric = new Set(['count', 'money', 'number', 'percent'])

const cellHtml = (report: ReportData, cell: Cell, kind: string): string => {
  const cls = [numeric.has(kind) ? 'n' : '', cell.withheld === undefined ? '' : 'withheld'].filter(Boolean).join(' ')
  const text = escape(cell.text)
  const title = cell.withheld === undefined ? '' : ` title="${escape(cell.withheld)}"`
  const body =
    cell.evidence === undefined
      ? text
      : `<a href="#${evidenceAnchor(report.name, cell.evidence)}" title="the events behind this figure">${text || '·'}</a>`
  return `<td id="${escape(`${report.name}:${cell.id}`)}"${cls === '' ? '' : ` class="${cls}"`}${title}>${body}</td>`
}

const tableHtml = (report: ReportData, table: Table): string => {
  const head = table.columns.map((c) => `<th>${escape(c.label)}</th>`).join('')
  const rows = table.rows
    .map((r) => `<tr>${r.cells.map((c, i) => cellHtml(report, c, table.columns[i]?.kind ?? 'text')).join('')}</tr>`)
    .join('\n')
  const long = table.rows.length > 25
  return `<h3>${escape(table.title)}</h3>${long ? '<div class="scroll">' : ''}<table data-table="${escape(table.id)}"><thead><tr>${head}</tr></thead><tbody>
${rows}</tbody></table>${long ? '</div>' : ''}${table.note === undefined ? '' : `<p class="table-note">${escape(table.note)}</p>`}`
}

const evidenceHtml = (report: ReportData): string => {
  const sections = Object.entries(report.evidence)
    .map(([key, events]) => {
      const rows = events
        .map(
          (e) =>
            `<tr><td>${escape(e.stream)}</td><td class="n">${e.revision}</td><td class="n">${e.position}</td><td>${escape(e.type)}</td><td>${escape(e.recordedAt)}</td><td>${escape(e.who)}</td></tr>`,
        )
        .join('')
      return `<section id="${evidenceAnchor(report.name, key)}"><strong>${events.length} event${events.length === 1 ? '' : 's'}</strong>${
        events.length === 0
          ? ''
          : `<table><thead><tr><th>Stream</th><th>Revision</th><th>Position</th><th>Type</th><th>Recorded</th><th>Who</th></tr></thead><tbody>${rows}</tbody></table>`
      }</section>`
    })
    .join('\n')
  return `<details class="evidence" open><summary>The events behind each figure</summary>${sections}</details>`
}

const basisHtml = (report: ReportData): string => {
  const b = report.basis
  const parts = [
    `Ledger position ${b.position}${b.recordedAt === undefined ? '' : ` (as of ${escape(b.recordedAt)})`}`,
    b.seal === undefined
      ? 'no seal at or before it'
      : `seal at position ${b.seal.position}, root ${escape(b.seal.root)}, sealed ${escape(b.seal.sealedAt)}`,
    b.schemes.length === 0 ? 'no service delivery area scheme used' : `scheme ${b.schemes.map(escape).join(', ')}`,
    `dues judged on ${escape(b.day)}`,
  ]
  return `<footer class="basis">${parts.join(' · ')}</footer>`
}

const reportHtml = (report: ReportData): string => {
  const href = (cellId: string): string | undefined => {
    const cell = report.tables.flatMap((t) => t.rows.flatMap((r) => r.cells)).find((c) => c.id === cellId)
    return cell?.evidence === undefined ? undefined : `#${evidenceAnchor(report.name, cell.evidence)}`
  }
  const figures = [...report.maps.map((m) => mapSvg(m, href)), ...report.charts.map((c) => barChartSvg(c, href))]
  return `<section class="report" id="report-${escape(report.name)}" data-report="${escape(report.name)}">
<h2>${escape(report.title)}</h2>
${report.notes.length === 0 ? '' : `<ul class="notes">${report.notes.map((n) => `<li>${escape(n)}</li>`).join('')}</ul>`}
${figures.length === 0 ? '' : `<div class="figures">${figures.join('\n')}</div>`}
${report.tables.map((t) => tableHtml(report, t)).join('\n')}
${evidenceHtml(report)}
${basisHtml(report)}
</section>`
}

/** One self-contained page of the reports given. */
export const renderHtml = (reports: ReadonlyArray<ReportData>, meta: PageMeta): string => `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escape(meta.title)}</title><style>${STYLE}</style></head>
<body><header class="page"><h1>${escape(meta.title)}</h1>${meta.producedBy === undefined ? '' : `<div>${escape(meta.producedBy)}</div>`}</header>
<nav>${reports.map((r) => `<a href="#report-${escape(r.name)}">${escape(r.title)}</a>`).join('')}</nav>
<main>${reports.map(reportHtml).join('\n')}</main>
<footer class="page">${escape(ATTRIBUTION)} Boundaries simplified; registration counts marked "modelled" are modelled, not NHS data.</footer>
</body></html>
`
