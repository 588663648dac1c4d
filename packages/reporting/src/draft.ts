/**
 * A report as its producer builds it: cells that keep the picks of their events. `finishReport`
 * reads the picked events as of the report's position, gives every figure its evidence key and
 * leaves the picks behind, so what a report holds is the figures and the events' coordinates.
 */
import type { RecordedEvent } from '@civic-ledger/core'

import type { EvidenceLog } from './evidence'
import { eventsOf, evidenceKey, streamReader } from './evidence'
import type { BarChart, Cell, Column, EventPick, EventRef, MapSpec, ReportBasis, ReportData, Table } from './model'

// --- model ---

export interface DraftCell {
  readonly value: Cell['value']
  readonly text: string
  /** The events behind the figure; a label has none. */
  readonly picks?: ReadonlyArray<EventPick>
  readonly withheld?: string
}

export interface DraftTable {
  readonly id: string
  readonly title: string
  readonly columns: ReadonlyArray<Column>
  readonly rows: ReadonlyArray<{ readonly key: string; readonly cells: Readonly<Record<string, DraftCell>> }>
  readonly note?: string
}

export interface DraftReport {
  readonly name: string
  readonly title: string
  readonly basis: ReportBasis
  readonly notes: ReadonlyArray<string>
  readonly tables: ReadonlyArray<DraftTable>
  readonly maps: ReadonlyArray<MapSpec>
  readonly charts: ReadonlyArray<BarChart>
}

// --- constructors ---

/** A label: text with no events behind it. */
export const label = (text: string): DraftCell => ({ value: text, text })

/** A figure and the events it was computed from. */
export const figure = (value: Cell['value'], text: string, picks: ReadonlyArray<EventPick>): DraftCell => ({
  value,
  text,
  picks,
})

/** A cell's id: `<table>/<row>/<column>`. */
export const cellId = (table: string, row: string, column: string): string => `${table}/${row}/${column}`

// --- finishing ---

/** The report with each figure's events read (as of its position) and keyed, and its picks dropped. */
export const finishReport = async (log: EvidenceLog, draft: DraftReport): Promise<ReportData> => {
  const read: (stream: string) => Promise<ReadonlyArray<RecordedEvent>> = streamReader(log, draft.basis.position)
  const evidence: Record<string, ReadonlyArray<EventRef>> = {}
  const tables: Table[] = []
  for (const table of draft.tables) {
    const rows: Array<Table['rows'][number]> = []
    for (const row of table.rows) {
      const cells: Cell[] = []
      for (const column of table.columns) {
        const draftCell = row.cells[column.id] ?? label('')
        const id = cellId(table.id, row.key, column.id)
        const base = {
          id,
          value: draftCell.value,
          text: draftCell.text,
          ...(draftCell.withheld === undefined ? {} : { withheld: draftCell.withheld }),
        }
        if (draftCell.picks === undefined || draftCell.withheld !== undefined) {
          cells.push(base)
          continue
        }
        const events = await eventsOf(draftCell.picks, read)
        const key = evidenceKey(events)
        evidence[key] = events
        cells.push({ ...base, evidence: key })
      }
      rows.push({ key: row.key, cells })
    }
    tables.push({
      id: table.id,
      title: table.title,
      columns: table.columns,
      rows,
      ...(table.note === undefined ? {} : { note: table.note }),
    })
  }
  return {
    name: draft.name,
    title: draft.title,
    basis: draft.basis,
    notes: draft.notes,
    tables,
    maps: draft.maps,
    charts: draft.charts,
    evidence,
  }
}

/** Every cell of a report, by id. */
export const cellsOf = (report: Pick<ReportData, 'tables'>): ReadonlyMap<string, Cell> =>
  new Map(report.tables.flatMap((t) => t.rows.flatMap((r) => r.cells.map((c) => [c.id, c] as const))))
