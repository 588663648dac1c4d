/**
 * The boundaries maps are drawn from: the shipped LSOA (2021) and ward (2025) polygons, read once,
 * and areas made of LSOAs (districts, service delivery areas) merged through a topology so that the
 * edges their LSOAs share are dissolved, not drawn.
 *
 * Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains
 * OS data © Crown copyright and database right.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { merge } from 'topojson-client'
import { topology } from 'topojson-server'
import type { GeometryCollection, Topology } from 'topojson-specification'

/** Where the package's boundary files are (`dist/` → the package's `data/`). */
export const DATA_DIR = join(__dirname, '..', 'data')
export const LSOA_FILE = 'cambs_pboro_lsoa21_boundaries_simplified.geojson'
export const WARD_FILE = 'cambs_pboro_ward25_boundaries_simplified.geojson'

/** The attribution the boundaries' licence asks for, shown under every map. */
export const ATTRIBUTION =
  'Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right.'

export type Shape = Feature<
  Polygon | MultiPolygon,
  { readonly code: string; readonly name: string; readonly district: string }
>

interface Layers {
  readonly lsoas: ReadonlyMap<string, Shape>
  readonly wards: ReadonlyMap<string, Shape>
  readonly topology: Topology
}

let layers: Layers | undefined

const read = (file: string, code: string, name: string): ReadonlyMap<string, Shape> => {
  const collection = JSON.parse(readFileSync(join(DATA_DIR, file), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon,
    Record<string, string>
  >
  return new Map(
    collection.features.map((f) => {
      const props = f.properties
      const shape: Shape = {
        type: 'Feature',
        id: props[code] ?? '',
        geometry: f.geometry,
        properties: { code: props[code] ?? '', name: props[name] ?? '', district: props['LADCD'] ?? '' },
      }
      return [shape.properties.code, shape] as const
    }),
  )
}

/** The shipped boundaries, read on first use. */
export const boundaries = (): Layers => {
  if (layers !== undefined) return layers
  const lsoas = read(LSOA_FILE, 'LSOA21CD', 'LSOA21NM')
  const wards = read(WARD_FILE, 'WD25CD', 'WD25NM')
  const all: FeatureCollection = { type: 'FeatureCollection', features: [...lsoas.values()] }
  layers = { lsoas, wards, topology: topology({ lsoas: all }) }
  return layers
}

/** The district (GSS code) each LSOA of 2021 lies in, from the boundary file. */
export const districtOfLsoa = (lsoa: string): string | undefined => boundaries().lsoas.get(lsoa)?.properties.district

/** The districts of Cambridgeshire and Peterborough, by GSS code. */
export const DISTRICTS: Readonly<Record<string, string>> = {
  E07000008: 'Cambridge',
  E07000009: 'East Cambridgeshire',
  E07000010: 'Fenland',
  E07000011: 'Huntingdonshire',
  E07000012: 'South Cambridgeshire',
  E06000031: 'Peterborough',
}

/** One shape made of LSOAs, their shared edges dissolved; undefined when none of them is known. */
export const mergedShape = (code: string, name: string, lsoas: ReadonlyArray<string>): Shape | undefined => {
  const { topology: topo } = boundaries()
  const wanted = new Set(lsoas)
  const collection = topo.objects['lsoas'] as GeometryCollection
  const geometries = collection.geometries.filter((g) => wanted.has(String(g.id)))
  if (geometries.length === 0) return undefined
  const geometry = merge(topo, geometries as Parameters<typeof merge>[1])
  return { type: 'Feature', id: code, geometry, properties: { code, name, district: '' } }
}
