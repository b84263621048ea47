// The resident search behind GET /v1/facilities: text (Chinese, pinyin, English, small typos),
// nearby and bounding box, filters, sorting and keyset paging, in one SQL query that runs the
// same on PGlite and PostgreSQL. Opening hours are evaluated in JavaScript (they depend on
// holiday calendars), so `openNow` filters candidates in batches after the SQL.
import type { Reader } from '../../db/database.js'
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js'
import type {
  AccessibilityFeature,
  AreaLevel,
  DateBasis,
  DatePrecision,
  FacilityCategory,
  FacilityStatus,
  LocationPrecision,
  Milestone,
} from '../../generated/prisma/enums.js'
import type { SummarySource } from '../presenter.js'
import { kindOfCategory } from '../../domain/categories.js'
import { synonymOf } from './synonyms.js'
import { normalizeSearch } from './text.js'
import { utcMidnight } from '../../domain/dates.js'
import { earthPointOf } from '../../domain/geo.js'

export const sorts = ['relevance', 'distance', 'name', 'openingDate', 'updatedAt'] as const
export type Sort = (typeof sorts)[number] | 'created'

/**
 * How `q` matches: `substring` (of a name, alias, pinyin or initials — indexed; or a word of the
 * synonym list) or, when nothing contains it, `fuzzy` (the text with two neighbouring letters
 * swapped back, or trigram word similarity, for typos).
 */
export type TextMode = 'substring' | 'fuzzy'

export interface SearchFilters {
  q?: string
  textMode?: TextMode
  near?: { lat: number; lng: number; radius: number }
  /** WGS-84 bounds. */
  bbox?: { minLng: number; minLat: number; maxLng: number; maxLat: number }
  categories?: FacilityCategory[]
  statuses?: FacilityStatus[]
  area?: string
  hasCapacity?: boolean
  /** Serves a person of this age: the published age range includes it (no range published: left out). */
  ageMonths?: number
  /** Has every one of these accessibility features. */
  accessibility?: AccessibilityFeature[]
  /** Opened (actual opening) entirely on or after this day. */
  openedAfter?: string
  /** Opened (actual opening) entirely before this day. */
  openedBefore?: string
  /** Not yet opened, and expected (or planned) to open entirely before this day. */
  openingBefore?: string
  delayed?: boolean
  updatedSince?: Date
  /** Only facilities that publish opening hours (what openNow can be decided for). */
  hasOpeningHours?: boolean
}

/** Sort value(s) and id of the last row of the previous page. */
export type SortKey = [string | number | null, string]

export interface SearchHit {
  id: string
  key: SortKey
  distanceMeters: number | null
  openingHours: string | null
  timeZone: string
  /** The columns a list item shows, read by the same query. */
  row: SummarySource
}

interface HitRow {
  id: string
  sort_key: unknown
  distance: number | null
  slug: string
  category: FacilityCategory
  name_zh: string
  name_en: string | null
  status: FacilityStatus
  status_effective_at: Date | string | null
  status_effective_edtf: string | null
  latitude: number | null
  longitude: number | null
  location_precision: LocationPrecision
  location_note_zh: string | null
  location_note_en: string | null
  opening_hours: string | null
  time_zone: string
  updated_at: Date | string
  area_id: string
  area_level: AreaLevel
  area_name_zh: string
  area_name_en: string
  dates:
    | {
        milestone: Milestone
        basis: DateBasis
        edtf: string
        precision: DatePrecision
        earliest: string
        latest: string
        sourceText: string | null
      }[]
    | string
}

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value))

function summarySourceOf(row: Omit<HitRow, 'sort_key' | 'distance'>): SummarySource {
  const dates = typeof row.dates === 'string' ? (JSON.parse(row.dates) as Exclude<HitRow['dates'], string>) : row.dates
  return {
    id: row.id,
    slug: row.slug,
    category: row.category,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    status: row.status,
    statusEffectiveAt: row.status_effective_at === null ? null : asDate(row.status_effective_at),
    statusEffectiveEdtf: row.status_effective_edtf,
    latitude: row.latitude,
    longitude: row.longitude,
    locationPrecision: row.location_precision,
    locationNoteZh: row.location_note_zh,
    locationNoteEn: row.location_note_en,
    openingHours: row.opening_hours,
    timeZone: row.time_zone,
    updatedAt: asDate(row.updated_at),
    area: { id: row.area_id, level: row.area_level, nameZh: row.area_name_zh, nameEn: row.area_name_en },
    dates: dates.map((date) => ({ ...date, earliest: utcMidnight(date.earliest), latest: utcMidnight(date.latest) })),
  }
}

export const earthRadiusMeters = 6_371_008.8

/** The search's point on the unit sphere (earthPointOf), to compare with the facilities' earth_point. */
function earthPointSql(lat: number, lng: number) {
  const [x, y, z] = earthPointOf(lat, lng)
  return Prisma.sql`cube(ARRAY[${x}::float8, ${y}::float8, ${z}::float8])`
}

/**
 * The chord between a facility and the point: it grows with the distance on the ground, and the
 * GiST index on earth_point orders by it ("nearest first") without reading the whole circle.
 */
const chordSql = (lat: number, lng: number) => Prisma.sql`(f.earth_point <-> ${earthPointSql(lat, lng)})`

/** Metres on the ground (great circle) ↔ the chord of the unit sphere. */
export const chordOfMeters = (meters: number) => 2 * Math.sin(meters / (2 * earthRadiusMeters))
const metersSql = (chord: Prisma.Sql) => Prisma.sql`(2 * ${earthRadiusMeters}::float8 * asin(least(${chord} / 2, 1)))`

/**
 * Cheap enough to compute for every match: a whole-word match ranks first, then a word that
 * starts with the text, then the name itself (search_text's first word) starting with it; fuzzy
 * matches by similarity.
 */
function relevanceSql(q: string, mode: TextMode): Prisma.Sql {
  if (mode === 'fuzzy') {
    // A swap of two neighbouring letters found back ranks like the text it should have been.
    const swapped = transpositionsOf(q).map((variant) => substringScoreSql(variant))
    const best = swapped.length === 0 ? Prisma.sql`0` : Prisma.sql`GREATEST(${Prisma.join(swapped)})`
    return Prisma.sql`(${best} + word_similarity(${q}, f.search_text) + ${serviceBonusSql} + ${shorterNameBonusSql})::float8`
  }
  return Prisma.sql`(${substringScoreSql(q)} + ${serviceBonusSql} + ${shorterNameBonusSql})::float8`
}

/**
 * Among names the text matches equally, the shorter one first: more of it is what was asked for
 * ("shenda" finds 深大城际 before 深大城际宝龙站). Under 0.01, so it only ever breaks ties.
 */
const shorterNameBonusSql = Prisma.sql`(0.005 / char_length(f.name_zh))`

function substringScoreSql(q: string): Prisma.Sql {
  return Prisma.sql`(CASE WHEN f.search_text LIKE ${`% ${q} %`} THEN 2 ELSE 0 END
    + CASE WHEN f.search_text LIKE ${`% ${q}%`} THEN 1 ELSE 0 END
    + CASE WHEN f.search_text LIKE ${` ${q}%`} THEN 1 ELSE 0 END)`
}

/**
 * Between matches that score the same, a place people use (a service) comes before a project that
 * only mentions it: less than any step of the score, so it never lifts a weaker match.
 */
export const serviceCategories = (Object.keys(kindOfCategory) as FacilityCategory[]).filter((c) => kindOfCategory[c] === 'service')
const serviceBonusSql = Prisma.sql`(CASE WHEN f.category = ANY(ARRAY[${Prisma.join(serviceCategories)}]::"FacilityCategory"[]) THEN 0.5 ELSE 0 END)`

/** The text with each pair of neighbouring characters swapped (huanna → huanan), for short texts. */
export function transpositionsOf(q: string): string[] {
  const characters = [...q]
  if (characters.length < 3 || characters.length > 30) return []
  const variants = new Set<string>()
  for (let i = 0; i + 1 < characters.length; i += 1) {
    if (characters[i] === characters[i + 1]) continue
    const swapped = [...characters]
    ;[swapped[i], swapped[i + 1]] = [swapped[i + 1] as string, swapped[i] as string]
    variants.add(swapped.join(''))
  }
  return [...variants]
}

/** Places the synonym list says the query stands for (a category, an attribute). */
function synonymSql(q: string): Prisma.Sql | undefined {
  const synonym = synonymOf(q)
  if (synonym === undefined) return undefined
  const conditions: Prisma.Sql[] = []
  if (synonym.categories !== undefined) {
    conditions.push(Prisma.sql`f.category = ANY(ARRAY[${Prisma.join([...synonym.categories])}]::"FacilityCategory"[])`)
  }
  if (synonym.attributes !== undefined) conditions.push(Prisma.sql`f.attributes @> ${JSON.stringify(synonym.attributes)}::jsonb`)
  return conditions.length === 0 ? undefined : Prisma.join(conditions, ' OR ')
}

function whereSql(filters: SearchFilters): Prisma.Sql[] {
  const where: Prisma.Sql[] = [Prisma.sql`f.deleted_at IS NULL`]
  if (filters.q !== undefined) {
    const q = normalizeSearch(filters.q)
    // One and two characters are too short for trigrams; they are matched as whole words, which
    // search_text holds for every Chinese character and character pair (search/text.ts).
    let text: Prisma.Sql
    if ([...q].length < 3) text = Prisma.sql`f.search_text LIKE ${`% ${q} %`}`
    else if (filters.textMode === 'fuzzy') {
      const swapped = transpositionsOf(q).map((variant) => Prisma.sql`f.search_text LIKE ${`%${variant}%`}`)
      text = Prisma.join([Prisma.sql`${q} <% f.search_text`, ...swapped], ' OR ')
    } else text = Prisma.sql`f.search_text LIKE ${`%${q}%`}`
    const synonym = filters.textMode === 'fuzzy' ? undefined : synonymSql(q)
    where.push(synonym === undefined ? Prisma.sql`(${text})` : Prisma.sql`(${text} OR ${synonym})`)
  }
  if (filters.ageMonths !== undefined) {
    // Only places that publish their ages: one without says nothing about a two-year-old.
    where.push(
      Prisma.sql`(f.age_min_months IS NOT NULL OR f.age_max_months IS NOT NULL)`,
      Prisma.sql`coalesce(f.age_min_months <= ${filters.ageMonths}, true)`,
      Prisma.sql`coalesce(f.age_max_months >= ${filters.ageMonths}, true)`,
    )
  }
  if (filters.accessibility !== undefined && filters.accessibility.length > 0) {
    where.push(Prisma.sql`f.accessibility @> ARRAY[${Prisma.join(filters.accessibility)}]::"AccessibilityFeature"[]`)
  }
  if (filters.near !== undefined) {
    const { lat, lng, radius } = filters.near
    // The GiST index narrows to the cube around the circle; the chord decides.
    const chord = chordOfMeters(radius)
    where.push(
      Prisma.sql`f.earth_point <@ cube_enlarge(${earthPointSql(lat, lng)}, ${chord}::float8, 3)`,
      Prisma.sql`${chordSql(lat, lng)} <= ${chord}::float8`,
    )
  }
  if (filters.bbox !== undefined) {
    const { minLng, minLat, maxLng, maxLat } = filters.bbox
    where.push(Prisma.sql`f.geo_point <@ box(point(${minLng}::float8, ${minLat}::float8), point(${maxLng}::float8, ${maxLat}::float8))`)
  }
  // Arrays are spelled out value by value: the PGlite adapter cannot bind an array parameter.
  if (filters.categories !== undefined) {
    where.push(Prisma.sql`f.category = ANY(ARRAY[${Prisma.join(filters.categories)}]::"FacilityCategory"[])`)
  }
  if (filters.statuses !== undefined) {
    where.push(Prisma.sql`f.status = ANY(ARRAY[${Prisma.join(filters.statuses)}]::"FacilityStatus"[])`)
  }
  if (filters.area !== undefined) {
    where.push(Prisma.sql`f.area_id IN (
      WITH RECURSIVE tree AS (
        SELECT id FROM area WHERE id = ${filters.area}
        UNION ALL SELECT a.id FROM area a JOIN tree ON a.parent_id = tree.id)
      SELECT id FROM tree)`)
  }
  if (filters.hasCapacity !== undefined) {
    const exists = Prisma.sql`EXISTS (SELECT 1 FROM capacity c WHERE c.facility_id = f.id AND c.available > 0)`
    where.push(filters.hasCapacity ? exists : Prisma.sql`NOT ${exists}`)
  }
  if (filters.openedAfter !== undefined) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM facility_date d WHERE d.facility_id = f.id
      AND d.milestone = 'opening' AND d.basis = 'actual' AND d.earliest >= CAST(${filters.openedAfter} AS date))`)
  }
  if (filters.openedBefore !== undefined) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM facility_date d WHERE d.facility_id = f.id
      AND d.milestone = 'opening' AND d.basis = 'actual' AND d.latest < CAST(${filters.openedBefore} AS date))`)
  }
  if (filters.openingBefore !== undefined) {
    where.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM facility_date d WHERE d.facility_id = f.id
        AND d.milestone = 'opening' AND d.basis = 'actual')
      AND (SELECT d.latest FROM facility_date d WHERE d.facility_id = f.id AND d.milestone = 'opening'
        ORDER BY CASE d.basis WHEN 'expected' THEN 0 ELSE 1 END LIMIT 1) < CAST(${filters.openingBefore} AS date)`)
  }
  if (filters.delayed !== undefined) {
    const delayed = Prisma.sql`EXISTS (SELECT 1 FROM facility_date p JOIN facility_date l
      ON l.facility_id = p.facility_id AND l.milestone = p.milestone
      WHERE p.facility_id = f.id AND p.basis = 'planned'
      AND l.basis = (SELECT CASE WHEN bool_or(x.basis = 'actual') THEN 'actual'::"DateBasis" ELSE 'expected'::"DateBasis" END
        FROM facility_date x WHERE x.facility_id = p.facility_id AND x.milestone = p.milestone AND x.basis <> 'planned')
      AND l.latest > p.latest)`
    where.push(filters.delayed ? delayed : Prisma.sql`NOT ${delayed}`)
  }
  if (filters.hasOpeningHours === true) where.push(Prisma.sql`f.opening_hours IS NOT NULL`)
  if (filters.updatedSince !== undefined) {
    where.push(Prisma.sql`f.updated_at >= ${filters.updatedSince}`)
  }
  return where
}

interface Ordering {
  /** The sort value of a row (null-able), selected as sort_key. */
  value: Prisma.Sql
  /** Its SQL type, to read a cursor's value back. */
  type: 'float8' | 'text' | 'date' | 'timestamptz'
  descending: boolean
}

/** `band`: added to the distance sort's chord (approximate locations, nearestHits). */
function orderingOf(sort: Sort, filters: SearchFilters, band = 0): Ordering {
  switch (sort) {
    case 'relevance': {
      const q = normalizeSearch(filters.q ?? '')
      return { value: relevanceSql(q, filters.textMode ?? 'substring'), type: 'float8', descending: true }
    }
    case 'distance': {
      const chord = chordSql(filters.near?.lat ?? 0, filters.near?.lng ?? 0)
      return { value: band === 0 ? chord : Prisma.sql`(${band}::float8 + ${chord})`, type: 'float8', descending: false }
    }
    case 'name':
      return { value: Prisma.sql`f.name_pinyin`, type: 'text', descending: false }
    case 'openingDate':
      return { value: Prisma.sql`f.opening_on`, type: 'date', descending: false }
    case 'updatedAt':
      return { value: Prisma.sql`f.updated_at`, type: 'timestamptz', descending: true }
    case 'created':
      return { value: Prisma.sql`NULL::text`, type: 'text', descending: false }
  }
}

/**
 * Keyset condition "after the last row of the previous page" for (sort value, id), where null
 * sort values come last in either direction.
 */
function afterSql(ordering: Ordering, [value, id]: SortKey): Prisma.Sql {
  const v = Prisma.sql`(${ordering.value})`
  const idAfter = Prisma.sql`f.id > CAST(${id} AS uuid)`
  if (value === null) return Prisma.sql`(${v} IS NULL AND ${idAfter})`
  const last = Prisma.sql`CAST(${value} AS ${Prisma.raw(ordering.type)})`
  const beyond = ordering.descending ? Prisma.sql`${v} < ${last}` : Prisma.sql`${v} > ${last}`
  return Prisma.sql`(${beyond} OR (${v} = ${last} AND ${idAfter}) OR ${v} IS NULL)`
}

/** Whether a cursor's sort value can be one this sort produced (a cursor is client input). */
export function isSortValueOf(sort: Sort, value: unknown): boolean {
  if (value === null) return true
  switch (orderingOf(sort, {}).type) {
    case 'float8':
      return typeof value === 'number' && Number.isFinite(value)
    case 'text':
      return typeof value === 'string' && value.length <= 1000
    case 'date':
    case 'timestamptz':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value))
  }
}

const keyValue = (value: unknown): string | number | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString()
      : typeof value === 'number'
        ? value
        : String(value)

/**
 * A page of hits. Read through the driver (db.readRows), not Prisma: a list page is the API's
 * most frequent read, and Prisma's conversion of its rows cost more than the rest of the work.
 */
export async function searchFacilities(
  db: Reader,
  filters: SearchFilters,
  options: { sort: Sort; limit: number; after?: SortKey },
): Promise<SearchHit[]> {
  if (options.sort === 'distance' && filters.near !== undefined) return nearestHits(db, filters, options)
  const bands = options.sort === 'relevance' ? relevanceBands(filters) : undefined
  if (bands === undefined) return selectHits(db, filters, whereSql(filters), options)

  // A common word ("youeryuan") matches a fifth of the directory, and sorting every match by
  // relevance is what made such a search slow. Only the top band (the text starts a word) has
  // scores worth sorting; the rest all score the same, so they are read in id order, which the
  // primary key gives without a sort. A cursor's score says which band it stopped in.
  const { after, limit } = options
  const hits: SearchHit[] = []
  if (after === undefined || after[0] !== bands.bottomScore) {
    hits.push(...(await selectHits(db, filters, [...whereSql(filters), bands.top], options)))
  }
  if (hits.length < limit) {
    const bottom = [...whereSql(filters), Prisma.sql`NOT (${bands.top})`]
    if (after !== undefined && after[0] === bands.bottomScore) bottom.push(Prisma.sql`f.id > CAST(${after[1]} AS uuid)`)
    hits.push(...(await selectHits(db, filters, bottom, { sort: 'created', limit: limit - hits.length })))
  }
  return hits.map((hit) => (hit.key[0] === null ? { ...hit, key: [bands.bottomScore, hit.key[1]] } : hit))
}

/**
 * A cursor's distance key past this is in the second band: the chord of the unit sphere is at most
 * 2, so an approximate location's key is this plus its chord. The key is compared as it is, never
 * taken apart (in floating point, band + chord − band is not the chord: a small chord vanishes),
 * so the SQL and the read index both add the band to the chord in float8 and compare sums.
 */
export const approximateBand = 10

/**
 * Nearest first — among exact locations. A facility placed approximately (the centre of its area,
 * because no one knows its site) has no distance worth ranking: one placeholder point would
 * otherwise be "the nearest" for everyone close to it. Those come after every exact location
 * within the radius, ordered by their rough distance and marked approximate.
 */
async function nearestHits(db: Reader, filters: SearchFilters, options: { sort: Sort; limit: number; after?: SortKey }) {
  const { after, limit } = options
  const exact = Prisma.sql`f.location_precision = 'exact'`
  const hits: SearchHit[] = []
  const inSecondBand = after !== undefined && typeof after[0] === 'number' && after[0] >= approximateBand
  if (!inSecondBand) hits.push(...(await selectHits(db, filters, [...whereSql(filters), exact], options)))
  if (hits.length < limit) {
    const second = await selectHits(
      db,
      filters,
      [...whereSql(filters), Prisma.sql`NOT (${exact})`],
      { sort: 'distance', limit: limit - hits.length, ...(inSecondBand && { after }) },
      approximateBand,
    )
    hits.push(...second)
  }
  return hits
}

/**
 * For substring matches: the condition of the top band, and the one score every match below it
 * has (see relevanceSql): for a long text, not starting any word scores 0; for a one- or
 * two-character word, not starting the name scores 3.
 */
function relevanceBands(filters: SearchFilters): { top: Prisma.Sql; bottomScore: number } | undefined {
  if (filters.q === undefined || filters.textMode === 'fuzzy') return undefined
  const q = normalizeSearch(filters.q)
  return [...q].length < 3
    ? { top: Prisma.sql`f.search_text LIKE ${` ${q}%`}`, bottomScore: 3 }
    : { top: Prisma.sql`f.search_text LIKE ${`% ${q}%`}`, bottomScore: 0 }
}

/** What a list item shows of a facility (f) and its area (a), dates as JSON. */
const listItemColumns = Prisma.sql`f.id::text AS id, f.slug, f.category::text AS category, f.name_zh, f.name_en,
      f.status::text AS status, f.status_effective_at, f.status_effective_edtf, f.latitude, f.longitude,
      f.location_precision::text AS location_precision, f.location_note_zh, f.location_note_en, f.opening_hours, f.time_zone,
      f.updated_at, a.id AS area_id, a.level::text AS area_level, a.name_zh AS area_name_zh,
      a.name_en AS area_name_en,
      (SELECT coalesce(json_agg(json_build_object('milestone', d.milestone, 'basis', d.basis, 'edtf', d.edtf,
          'precision', d.precision, 'earliest', d.earliest, 'latest', d.latest, 'sourceText', d.source_text)), '[]')
        FROM facility_date d WHERE d.facility_id = f.id)::text AS dates`

/** A hit as an index found it: which facility, its sort key and distance, without the columns it shows. */
export type IndexedHit = Pick<SearchHit, 'id' | 'key' | 'distanceMeters'>

/** What a hit shows of its facility. */
export type ListItem = Omit<SearchHit, 'id' | 'key' | 'distanceMeters'>

/** The list items of facilities, read by primary key; a deleted facility has none. */
export async function listItemsOf(db: Reader, ids: string[]): Promise<Map<string, ListItem>> {
  if (ids.length === 0) return new Map()
  // One array parameter, so the text is the same for any number of ids: PostgreSQL keeps it
  // parsed and planned per connection (a nearby search from a new point reads most of its page here).
  const rows = await db.readRows<Omit<HitRow, 'sort_key' | 'distance'>>(
    Prisma.sql`SELECT ${listItemColumns}
    FROM facility f JOIN area a ON a.id = f.area_id
    WHERE f.id = ANY(CAST(${ids} AS uuid[])) AND f.deleted_at IS NULL`,
    { statement: 'facility-list-items-by-id' },
  )
  return new Map(rows.map((row) => [row.id, { openingHours: row.opening_hours, timeZone: row.time_zone, row: summarySourceOf(row) }]))
}

async function selectHits(
  db: Reader,
  filters: SearchFilters,
  where: Prisma.Sql[],
  options: { sort: Sort; limit: number; after?: SortKey },
  band = 0,
): Promise<SearchHit[]> {
  const ordering = orderingOf(options.sort, filters, band)
  if (options.after !== undefined) where.push(afterSql(ordering, options.after))
  const near = filters.near
  const distance = near === undefined ? Prisma.sql`NULL::float8` : metersSql(chordSql(near.lat, near.lng))
  const direction = ordering.descending ? Prisma.sql`DESC` : Prisma.sql`ASC`
  let nearest = Prisma.empty
  if (options.sort === 'distance' && near !== undefined) {
    // The index gives rows nearest first, but not in (distance, id) order, which paging needs
    // when two facilities are equally far (one building): the index finds how far the page
    // reaches, and the page is every match within that reach, sorted.
    const chord = chordSql(near.lat, near.lng)
    nearest = Prisma.sql`WITH nearest AS MATERIALIZED (SELECT ${chord} AS chord FROM facility f
      WHERE ${Prisma.join(where, ' AND ')} ORDER BY ${chord} LIMIT ${options.limit})`
    const reach = Prisma.sql`(SELECT max(chord) FROM nearest)`
    where.push(
      Prisma.sql`f.earth_point <@ cube_enlarge(${earthPointSql(near.lat, near.lng)}, ${reach}, 3)`,
      Prisma.sql`${chord} <= ${reach}`,
    )
  }
  // One round trip: the hits and what their list items show (the area, the dates as JSON).
  // A date is read as the instant of its midnight in UTC (drivers turn a bare date into a Date at
  // their own local midnight), and the rows are still ordered by the date itself, which the index
  // on opening_on gives (ordered by the converted value they were sorted whole: 1.3 → 189 ms).
  const isDate = ordering.type === 'date'
  const sortKey = isDate ? Prisma.sql`(${ordering.value})::timestamp AT TIME ZONE 'UTC'` : ordering.value
  const orderBy = isDate ? ordering.value : Prisma.sql`sort_key`
  const rows = await db.readRows<HitRow>(Prisma.sql`${nearest} SELECT ${sortKey} AS sort_key,
      ${distance} AS distance, ${listItemColumns}
    FROM facility f JOIN area a ON a.id = f.area_id
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${orderBy} ${direction} NULLS LAST, f.id ASC
    LIMIT ${options.limit}`)
  return rows.map((row) => ({
    id: row.id,
    key: [keyValue(row.sort_key), row.id],
    distanceMeters: row.distance === null ? null : Math.round(Number(row.distance)),
    openingHours: row.opening_hours,
    timeZone: row.time_zone,
    row: summarySourceOf(row),
  }))
}

/** Substring matching when anything contains the text; otherwise fuzzy, to forgive a typo. */
export async function resolveTextMode(prisma: PrismaClient, filters: SearchFilters): Promise<TextMode> {
  if (filters.q === undefined || [...normalizeSearch(filters.q)].length < 3) return 'substring'
  const rows = await prisma.$queryRaw<unknown[]>`SELECT 1 FROM facility f
    WHERE ${Prisma.join(whereSql({ ...filters, textMode: 'substring' }), ' AND ')} LIMIT 1`
  return rows.length > 0 ? 'substring' : 'fuzzy'
}

/** Where search hits come from: the SQL (sqlSearcher), or an index that falls back on it. */
export interface Searcher {
  /** A page of hits, as searchFacilities answers it. */
  hits(filters: SearchFilters, options: { sort: Sort; limit: number; after?: SortKey }): Promise<SearchHit[]>
  /** Whether text matches as a substring, or (nothing contains it) fuzzily. */
  textMode(filters: SearchFilters): Promise<TextMode>
  /** How many facilities match, counted up to cap + 1 (so more than `cap` can be told). */
  count(filters: SearchFilters, cap: number): Promise<number>
}

export const sqlSearcher = (db: Reader): Searcher => ({
  hits: (filters, options) => searchFacilities(db, filters, options),
  textMode: (filters) => resolveTextMode(db.prisma, filters),
  count: (filters, cap) => matchCount(db.prisma, filters, cap),
})

/** Counts by category, status and area for the filters (each facet ignores nothing else). */
export async function facetCounts(prisma: PrismaClient, filters: SearchFilters) {
  const where = Prisma.join(whereSql(filters), ' AND ')
  const [categories, statuses, areas] = await Promise.all([
    prisma.$queryRaw<{ value: string; count: bigint }[]>`SELECT f.category::text AS value, count(*) AS count
      FROM facility f WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`,
    prisma.$queryRaw<{ value: string; count: bigint }[]>`SELECT f.status::text AS value, count(*) AS count
      FROM facility f WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`,
    prisma.$queryRaw<{ value: string; count: bigint }[]>`SELECT f.area_id AS value, count(*) AS count
      FROM facility f WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`,
  ])
  const plain = (rows: { value: string; count: bigint }[]) => rows.map((row) => ({ value: row.value, count: Number(row.count) }))
  return { category: plain(categories), status: plain(statuses), area: plain(areas) }
}

/**
 * How many facilities match, counted up to `cap` + 1 and no further: a results page says "more
 * than 1,000" rather than counting 20,000 matches of a common word for every page view.
 */
export async function matchCount(prisma: PrismaClient, filters: SearchFilters, cap: number): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM facility f
    WHERE ${Prisma.join(whereSql(filters), ' AND ')} LIMIT ${cap + 1}) matches`
  return row?.n ?? 0
}

/** The facilities matching the filters, with what facet counts need when hours must be evaluated. */
export async function facetCandidates(prisma: PrismaClient, filters: SearchFilters) {
  const rows = await prisma.$queryRaw<
    { category: string; status: FacilityStatus; area_id: string; opening_hours: string | null; time_zone: string }[]
  >`SELECT f.category::text AS category, f.status::text AS status, f.area_id, f.opening_hours, f.time_zone
    FROM facility f WHERE ${Prisma.join(whereSql({ ...filters, hasOpeningHours: true }), ' AND ')}`
  return rows.map((row) => ({
    category: row.category,
    status: row.status,
    areaId: row.area_id,
    openingHours: row.opening_hours,
    timeZone: row.time_zone,
  }))
}
