// Facilities in full — for GET /v1/facilities/{id}, view=full lists, the NDJSON export and the
// residents' facility pages (by slug), one query for all of them. The facility's own columns come back typed; its area, dates, capacity and
// citations come along as JSON, so one statement reads everything without materialising relations
// through Prisma Client.
import { Prisma } from '../generated/prisma/client.js'
import type { Reader } from '../db/database.js'
import { utcMidnight } from '../domain/dates.js'
import type { FullSource } from './presenter.js'

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] }

type RecordRow = Omit<FullSource, 'dates' | 'capacities'> & {
  dates: Json<FullSource['dates'][number]>[]
  capacities: Json<FullSource['capacities'][number]>[]
}

function sourceOf(row: RecordRow): FullSource {
  // Most facilities have no dates and no capacity: their empty arrays are kept as they are.
  return Object.assign(row, {
    dates: row.dates.length === 0 ? [] : row.dates.map((d) => ({ ...d, earliest: utcMidnight(d.earliest), latest: utcMidnight(d.latest) })),
    capacities: row.capacities.length === 0 ? [] : row.capacities.map((c) => ({ ...c, asOf: new Date(c.asOf) })),
  })
}
type Selection = { ids: string[] } | { slug: string } | { after: string | undefined; limit: number }

/**
 * How rows are read: through the driver outside a transaction (Database.readRows: reading
 * 100,000 full records through Prisma cost 1.8 s of the server's CPU, through node-postgres
 * 1.2 s), through the transaction's Prisma client inside one (PGlite would wait for the
 * transaction to end before the driver's query ran).
 */
export type RowReader = <Row>(query: Prisma.Sql, options?: { statement?: string }) => Promise<Row[]>

export const transactionReader =
  (tx: Prisma.TransactionClient): RowReader =>
  <Row>(query: Prisma.Sql) =>
    tx.$queryRaw<Row[]>(query)

/** Not-deleted facilities in id order: those with the given ids, or a batch after an id. */
export async function readFullRecords(read: RowReader, select: Selection): Promise<FullSource[]> {
  // One id is GET /v1/facilities/{id}, the most frequent read there is; its text is always the same.
  const statement =
    'ids' in select && select.ids.length === 1
      ? 'facility-full-record-by-id'
      : 'slug' in select
        ? 'facility-full-record-by-slug'
        : undefined
  return (await read<RecordRow>(fullRecordsSql(select), { statement })).map(sourceOf)
}

/** A batch of not-deleted facilities after an id, in id order, each handed to `visit` as it is read (the export). */
export function eachFullRecord(
  eachRow: Reader['eachRow'],
  select: { after: string | undefined; limit: number },
  visit: (record: FullSource) => void,
): Promise<void> {
  return eachRow<RecordRow>(fullRecordsSql(select), (row) => visit(sourceOf(row)))
}

function fullRecordsSql(select: Selection): Prisma.Sql {
  const which =
    'slug' in select
      ? Prisma.sql`AND f.slug = ${select.slug}`
      : 'ids' in select
        ? Prisma.sql`AND f.id = ANY(ARRAY[${select.ids.length === 0 ? Prisma.sql`NULL` : Prisma.join(select.ids)}]::uuid[])`
        : select.after === undefined
          ? Prisma.empty
          : Prisma.sql`AND f.id > CAST(${select.after} AS uuid)`
  const limit = 'slug' in select ? 1 : 'ids' in select ? select.ids.length : select.limit
  // Typed columns rather than one JSON object per row: building and parsing that JSON cost
  // PostgreSQL 30 µs a row, more than the whole rest of the query.
  return Prisma.sql`
    SELECT f.id, f.slug, f.external_id AS "externalId", f.category,
      f.name_zh AS "nameZh", f.name_en AS "nameEn", f.aliases,
      f.description_zh AS "descriptionZh", f.description_en AS "descriptionEn",
      f.status, f.status_effective_at AS "statusEffectiveAt", f.status_effective_edtf AS "statusEffectiveEdtf",
      f.address_zh AS "addressZh", f.address_en AS "addressEn", f.latitude, f.longitude,
      f.location_precision AS "locationPrecision", f.location_note_zh AS "locationNoteZh", f.location_note_en AS "locationNoteEn", f.geometry,
      f.elder_care_tier AS "elderCareTier", f.age_min_months AS "ageMinMonths", f.age_max_months AS "ageMaxMonths",
      f.accessibility::text[] AS accessibility, f.opening_hours AS "openingHours", f.time_zone AS "timeZone",
      f.phone, f.website, f.attributes, f.provenance, f.verified_at AS "verifiedAt",
      f.version, f.created_at AS "createdAt", f.updated_at AS "updatedAt",
      json_build_object('id', a.id, 'level', a.level, 'nameZh', a.name_zh, 'nameEn', a.name_en) AS area,
      (SELECT coalesce(json_agg(json_build_object('milestone', d.milestone, 'basis', d.basis,
          'edtf', d.edtf, 'precision', d.precision, 'earliest', d.earliest, 'latest', d.latest,
          'sourceText', d.source_text)), '[]') FROM facility_date d WHERE d.facility_id = f.id) AS dates,
      (SELECT coalesce(json_agg(json_build_object('unit', c.unit, 'total', c.total,
          'available', c.available, 'asOf', c.as_of) ORDER BY c.unit), '[]') FROM capacity c WHERE c.facility_id = f.id) AS capacities,
      (SELECT coalesce(json_agg(json_build_object('quote', ci.quote, 'source',
          json_build_object('id', s.id, 'title', s.title, 'publishedOn', s.published_on)) ORDER BY ci.id), '[]')
        FROM citation ci JOIN source s ON s.id = ci.source_id WHERE ci.facility_id = f.id) AS citations
    FROM facility f JOIN area a ON a.id = f.area_id
    WHERE f.deleted_at IS NULL ${which}
    ORDER BY f.id
    LIMIT ${limit}`
}
