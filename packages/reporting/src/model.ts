/**
 * What a report is, as data: named tables of cells, maps and bar charts drawn from those cells, the
 * notes a reader needs, where in the ledger it stands (position, seal, scheme versions), and for each
 * figure the events it was computed from. Renderers (HTML, CSV, JSON) read only this.
 */

// --- where a figure comes from ---

/**
 * Some of the events of one stream, as of the report's position: those of `types` (all when
 * omitted) whose data has every field of `where` equal to the value given. A cell keeps these picks,
 * never copies of the events; the events are read from the stream by id when explained.
 */
export interface EventPick {
  readonly stream: string
  readonly types?: ReadonlyArray<string>
  readonly where?: Readonly<Record<string, string | number | boolean>>
}

/** One event behind a figure: where it sits in the ledger, what it is, when and by whom. */
export interface EventRef {
  readonly stream: string
  readonly revision: number
  readonly position: number
  readonly type: string
  readonly recordedAt: string
  /** The actor: `id (role, organisation)`. */
  readonly who: string
}

// --- tables ---

/** One figure or label of a table. */
export interface Cell {
  /** Unique within the report: `<table>/<row>/<column>`. */
  readonly id: string
  /** The figure (null for a suppressed figure or a blank). Money is whole pence. */
  readonly value: number | string | boolean | null
  /** The figure as a reader sees it: `£1,200.00`, `83%`, `<5`. */
  readonly text: string
  /** The key of the evidence (in `ReportData.evidence`) listing the events behind it; absent for labels. */
  readonly evidence?: string
  /** Why the figure or its evidence is not shown, e.g. `fewer than 5 people`. */
  readonly withheld?: string
}

export interface Column {
  readonly id: string
  readonly label: string
  readonly kind: 'label' | 'count' | 'money' | 'number' | 'percent' | 'date' | 'text'
}

export interface Table {
  readonly id: string
  readonly title: string
  readonly columns: ReadonlyArray<Column>
  /** Each row: its key and a cell per column, in column order. */
  readonly rows: ReadonlyArray<{ readonly key: string; readonly cells: ReadonlyArray<Cell> }>
  readonly note?: string
}

// --- maps and charts ---

/** A map: one shape per area of a boundary layer, coloured by a figure or by a category. */
export interface MapSpec {
  readonly id: string
  readonly title: string
  /**
   * The shapes: LSOAs or wards of the shipped boundaries, districts or service delivery areas made
   * by merging LSOAs (their shared edges dissolved).
   */
  readonly layer: 'lsoa' | 'ward' | 'district' | 'service-delivery-area'
  /** For a merged layer: which LSOAs make each area. */
  readonly groups?: Readonly<Record<string, ReadonlyArray<string>>>
  readonly areas: ReadonlyArray<{
    readonly code: string
    readonly name: string
    /** A figure for a choropleth, or a category's name. */
    readonly value: number | string | null
    readonly text: string
    /** The cell the area's figure is (its evidence is that cell's). */
    readonly cell?: string
    /** Drawn with a heavy outline, e.g. a tie or an override. */
    readonly marked?: boolean
  }>
  readonly legend: string
  /** How the legend reads figures: money in pence shown as pounds, shares as percentages. */
  readonly unit?: 'money' | 'count' | 'number' | 'percent'
  /** What the heavy outline means, when areas are marked. */
  readonly marked?: string
}

/** A bar chart: groups of bars, each bar a cell of a table. */
export interface BarChart {
  readonly id: string
  readonly title: string
  readonly series: ReadonlyArray<{ readonly id: string; readonly label: string }>
  readonly groups: ReadonlyArray<{
    readonly label: string
    /** One per series, in series order: the cell each bar draws. */
    readonly bars: ReadonlyArray<{ readonly cell: string; readonly value: number; readonly text: string }>
  }>
  readonly unit: 'money' | 'count' | 'number'
}

// --- the report ---

/** Where in the ledger a report stands, and what it was built on. */
export interface ReportBasis {
  /** The position of the last event included. */
  readonly position: number
  /** The recorded time asked for, when the report was asked for as of a time. */
  readonly recordedAt?: string
  /** The latest seal at or before the position, if any. */
  readonly seal?: { readonly position: number; readonly root: string; readonly sealedAt: string }
  /** Each service delivery area scheme version the figures use, e.g. `cambs-pboro-sda v1 (modelled)`. */
  readonly schemes: ReadonlyArray<string>
  /** The day "due", "expiring" and "overdue" are judged on (ISO date). */
  readonly day: string
}

export interface ReportData {
  readonly name: string
  readonly title: string
  readonly basis: ReportBasis
  readonly notes: ReadonlyArray<string>
  readonly tables: ReadonlyArray<Table>
  readonly maps: ReadonlyArray<MapSpec>
  readonly charts: ReadonlyArray<BarChart>
  /** The events behind each figure, by evidence key; cells with the same events share a key. */
  readonly evidence: Readonly<Record<string, ReadonlyArray<EventRef>>>
}

/** The events a cell of a report was computed from. */
export interface Explanation {
  readonly report: string
  readonly cell: Cell
  readonly position: number
  readonly events: ReadonlyArray<EventRef>
}
