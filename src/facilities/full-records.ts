// Facilities in full — for GET /v1/facilities/{id}, view=full lists and the NDJSON export, one
// query for all three. PostgreSQL builds each row with its area, dates, capacity and citations as
// one JSON value, which is far cheaper than materialising rows and relations through Prisma Client.
import { Prisma, type PrismaClient } from '../generated/prisma/client.js'
import type { FullSource } from './presenter.js'

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] }

type RecordJson = Json<Omit<FullSource, 'dates' | 'capacities'>> & {
  dates: Json<FullSource['dates'][number]>[]
  capacities: Json<FullSource['capacities'][number]>[]
}

const day = (text: string) => new Date(`${text.slice(0, 10)}T00:00:00Z`)
const instant = (text: string) => new Date(text)
const maybe = (text: string | null) => (text === null ? null : instant(text))

function sourceOf(row: RecordJson): FullSource {
  return {
    ...row,
    statusEffectiveAt: maybe(row.statusEffectiveAt),
    updatedAt: instant(row.updatedAt),
    verifiedAt: maybe(row.verifiedAt),
    createdAt: instant(row.createdAt),
    dates: row.dates.map((d) => ({ ...d, earliest: day(d.earliest), latest: day(d.latest) })),
    capacities: row.capacities.map((c) => ({ ...c, asOf: instant(c.asOf) })),
  }
}

/** Not-deleted facilities in id order: those with the given ids, or a batch after an id. */
export async function readFullRecords(
  prisma: PrismaClient,
  select: { ids: string[] } | { after: string | undefined; limit: number },
): Promise<FullSource[]> {
  const which =
    'ids' in select
      ? Prisma.sql`AND f.id = ANY(ARRAY[${select.ids.length === 0 ? Prisma.sql`NULL` : Prisma.join(select.ids)}]::uuid[])`
      : select.after === undefined
        ? Prisma.empty
        : Prisma.sql`AND f.id > CAST(${select.after} AS uuid)`
  const limit = 'ids' in select ? select.ids.length : select.limit
  const rows = await prisma.$queryRaw<{ facility: string }[]>`
    SELECT json_build_object(
      'id', f.id, 'slug', f.slug, 'externalId', f.external_id, 'category', f.category,
      'nameZh', f.name_zh, 'nameEn', f.name_en, 'aliases', f.aliases,
      'descriptionZh', f.description_zh, 'descriptionEn', f.description_en,
      'status', f.status, 'statusEffectiveAt', f.status_effective_at, 'statusEffectiveEdtf', f.status_effective_edtf,
      'addressZh', f.address_zh, 'addressEn', f.address_en, 'latitude', f.latitude, 'longitude', f.longitude,
      'locationPrecision', f.location_precision, 'locationNote', f.location_note, 'geometry', f.geometry,
      'elderCareTier', f.elder_care_tier, 'ageMinMonths', f.age_min_months, 'ageMaxMonths', f.age_max_months,
      'accessibility', f.accessibility, 'openingHours', f.opening_hours, 'timeZone', f.time_zone,
      'phone', f.phone, 'website', f.website, 'attributes', f.attributes, 'verifiedAt', f.verified_at,
      'version', f.version, 'createdAt', f.created_at, 'updatedAt', f.updated_at,
      'area', json_build_object('id', a.id, 'level', a.level, 'nameZh', a.name_zh, 'nameEn', a.name_en),
      'dates', (SELECT coalesce(json_agg(json_build_object('milestone', d.milestone, 'basis', d.basis,
          'edtf', d.edtf, 'precision', d.precision, 'earliest', d.earliest, 'latest', d.latest,
          'sourceText', d.source_text)), '[]') FROM facility_date d WHERE d.facility_id = f.id),
      'capacities', (SELECT coalesce(json_agg(json_build_object('unit', c.unit, 'total', c.total,
          'available', c.available, 'asOf', c.as_of) ORDER BY c.unit), '[]') FROM capacity c WHERE c.facility_id = f.id),
      'citations', (SELECT coalesce(json_agg(json_build_object('quote', ci.quote, 'source',
          json_build_object('id', s.id, 'title', s.title, 'publishedOn', s.published_on)) ORDER BY ci.id), '[]')
        FROM citation ci JOIN source s ON s.id = ci.source_id WHERE ci.facility_id = f.id)
    )::text AS facility
    FROM facility f JOIN area a ON a.id = f.area_id
    WHERE f.deleted_at IS NULL ${which}
    ORDER BY f.id
    LIMIT ${limit}`
  return rows.map((row) => sourceOf(JSON.parse(row.facility) as RecordJson))
}
