// Facilities as CSV rows, both ways: the CSV the search answers (Accept: text/csv) carries the
// columns an import reads, with the same names and meanings, so an exported file imported again
// changes nothing. The columns after those are for people reading the file (labels, distance,
// open now) and are skipped by an import.
import { stringify } from 'csv-stringify/sync'
import { type Crs, fromWgs84, toWgs84 } from '../domain/geo.js'
import type { FacilityDocument } from './document.js'
import type { FacilityListItem } from './schemas.js'

/** Columns an import reads; an import needs the four after the first two, and `id` or `external_id`. */
export const csvColumns = [
  'id',
  'external_id',
  'name_zh',
  'category',
  'area',
  'status',
  'slug',
  'name_en',
  'aliases',
  'description_zh',
  'description_en',
  'address_zh',
  'address_en',
  'lat',
  'lng',
  'crs',
  'location_precision',
  'location_note_zh',
  'location_note_en',
  'phone',
  'website',
  'opening_hours',
  'capacity_unit',
  'capacity_total',
  'capacity_available',
] as const
export type CsvColumn = (typeof csvColumns)[number]
export const requiredCsvColumns = ['name_zh', 'category', 'area', 'status'] as const

/** Columns of an export that an import skips: derived values, in the response language. */
export const exportOnlyCsvColumns = [
  'name',
  'category_label',
  'status_label',
  'area_name',
  'distance_m',
  'opening',
  'open_now',
  'updated_at',
] as const

/** Accepted by imports, written by no export: one note, filed by its script (rows.ts). */
export const legacyCsvColumns = ['location_note'] as const

/** What a row of the search's CSV is made of: the facility's document and its presented summary. */
export interface CsvSource {
  document: FacilityDocument
  summary: FacilityListItem
}

const joined = (values: readonly string[] | undefined) => (values === undefined || values.length === 0 ? '' : values.join('; '))

/**
 * The CSV of a list of facilities. Empty cells mean "not known", which an import reads as "leave
 * as it is"; so does a facility with several capacities, whose capacity cells stay empty (a row has
 * room for one).
 */
export function csvOfFacilities(items: CsvSource[], crs: Crs): string {
  const rows = items.map(({ document: d, summary: s }): Record<CsvColumn | (typeof exportOnlyCsvColumns)[number], string | number> => {
    const point = d.location === undefined ? undefined : fromWgs84(d.location, crs)
    const note = d.location?.note
    const capacity = d.capacity?.length === 1 ? d.capacity[0] : undefined
    return {
      id: s.id,
      external_id: d.externalId ?? '',
      name_zh: d.name.zh,
      category: d.category,
      area: d.area,
      status: d.status,
      slug: d.slug,
      name_en: d.name.en ?? '',
      aliases: joined(d.aliases),
      description_zh: d.description?.zh ?? '',
      description_en: d.description?.en ?? '',
      address_zh: d.address?.zh ?? '',
      address_en: d.address?.en ?? '',
      lat: point?.lat ?? '',
      lng: point?.lng ?? '',
      crs: point === undefined ? '' : crs === 'gcj02' ? 'GCJ02' : 'WGS84',
      location_precision: d.location?.precision ?? '',
      location_note_zh: typeof note === 'object' ? note.zh : '',
      location_note_en: typeof note === 'object' ? (note.en ?? '') : (note ?? ''),
      phone: d.phone ?? '',
      website: d.website ?? '',
      opening_hours: d.openingHours ?? '',
      capacity_unit: capacity?.unit ?? '',
      capacity_total: capacity?.total ?? '',
      capacity_available: capacity?.available ?? '',
      name: s.name,
      category_label: s.categoryLabel,
      status_label: s.statusLabel,
      area_name: s.area.name,
      distance_m: s.distanceMeters ?? '',
      opening: s.dates.opening?.actual?.edtf ?? s.dates.opening?.expected?.edtf ?? s.dates.opening?.planned?.edtf ?? '',
      open_now: s.hours === null ? '' : String(s.hours.openNow),
      updated_at: s.updatedAt,
    }
  })
  // A byte-order mark, so spreadsheet programs read the UTF-8 Chinese correctly.
  return `\uFEFF${stringify(rows, { header: true, columns: [...csvColumns, ...exportOnlyCsvColumns] })}`
}

export class CsvRowError extends Error {
  constructor(readonly errors: { field: string; message: string }[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '))
  }
}

/** A CSV row of an import: the facility it names (by id, else external id) and a merge patch of its document. */
export function patchOfCsvRow(cells: Record<string, string>): { id?: string; patch: Record<string, unknown> } {
  const given = (column: CsvColumn | (typeof legacyCsvColumns)[number]) => {
    const value = cells[column]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  const errors: { field: string; message: string }[] = []
  const number = (column: CsvColumn, field: string) => {
    const text = given(column)
    if (text === undefined) return undefined
    const value = Number(text)
    if (!Number.isFinite(value)) errors.push({ field, message: `${column} "${text}" is not a number` })
    return value
  }
  const lat = number('lat', '/location/lat')
  const lng = number('lng', '/location/lng')
  const total = number('capacity_total', '/capacity/0/total')
  const available = number('capacity_available', '/capacity/0/available')
  const crs = given('crs')?.toLowerCase() ?? 'wgs84'
  if (crs !== 'wgs84' && crs !== 'gcj02') errors.push({ field: '/location', message: `crs "${given('crs')}" is not WGS84 or GCJ02` })
  if (errors.length > 0) throw new CsvRowError(errors)
  const point = lat === undefined || lng === undefined ? { lat, lng } : toWgs84({ lat, lng }, crs as Crs)
  const noteZh = given('location_note_zh')
  const note = noteZh !== undefined ? { zh: noteZh, en: given('location_note_en') } : (given('location_note_en') ?? given('location_note'))
  const patch: Record<string, unknown> = {
    externalId: given('external_id'),
    slug: given('slug'),
    category: given('category'),
    name: { zh: given('name_zh'), en: given('name_en') },
    aliases: given('aliases')
      ?.split(/[;；]/)
      .map((alias) => alias.trim())
      .filter((alias) => alias !== ''),
    description: given('description_zh') === undefined ? undefined : { zh: given('description_zh'), en: given('description_en') },
    area: given('area'),
    address: given('address_zh') === undefined ? undefined : { zh: given('address_zh'), en: given('address_en') },
    status: given('status'),
    location:
      lat === undefined && lng === undefined
        ? undefined
        : { lat: point.lat, lng: point.lng, precision: given('location_precision') ?? 'exact', note },
    phone: given('phone'),
    website: given('website'),
    openingHours: given('opening_hours'),
    capacity: given('capacity_unit') === undefined ? undefined : [{ unit: given('capacity_unit'), total, available }],
  }
  // Undefined members (empty cells) leave the fields as they are.
  return { id: given('id')?.toLowerCase(), patch: JSON.parse(JSON.stringify(patch)) as Record<string, unknown> }
}
