import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { stringify } from 'csv-stringify/sync'
import fastJson from 'fast-json-stringify'
import { categoryLabels } from '../../domain/categories.js'
import { statusLabels } from '../../domain/lifecycle.js'
import { evaluateOpeningHours } from '../../domain/opening-hours.js'
import { ProblemError, problemResponses } from '../../http/problems.js'
import type { Crs } from '../../domain/geo.js'
import { languageHeaders, negotiateLanguage, pick, setLanguage } from '../../http/language.js'
import { decodeCursor, encodeCursor, nextLinkHeader } from '../../http/paging.js'
import { cacheHeaders, facilityETagHeader, httpDate, lastModifiedHeader, notModified } from '../../http/caching.js'
import { presentFacility, presentSummary, type PresentationContext } from '../../facilities/presenter.js'
import { fetchFullRecords } from '../../facilities/records.js'
import { FacetQuery, SearchQuery, multiValued, parseFilters, parseSort } from '../../facilities/search/params.js'
import {
  facetCandidates,
  facetCounts,
  isSortValueOf,
  resolveTextMode,
  searchFacilities,
  type SearchHit,
  type SortKey,
} from '../../facilities/search/query.js'
import { Facility, FacilitySummary, Nullable } from '../../facilities/schemas.js'
import type { Database } from '../../db/database.js'
import { access } from '../../http/openapi.js'
import { presentedFacility } from './facility-reply.js'
import { FacilityParams, uuidPattern } from './params.js'

const isUuid = (value: string) => new RegExp(uuidPattern).test(value)

const Page = Type.Object({
  limit: Type.Integer({ description: 'The page size asked for.' }),
  nextCursor: Nullable(Type.String(), { description: 'Cursor of the next page; null on the last page.' }),
})

const FacilityPage = Type.Object({
  data: Type.Array(Type.Union([Type.Ref('Facility'), Type.Ref('FacilitySummary')]), {
    description: 'List items (`view=summary`) or full records (`view=full`).',
  }),
  page: Page,
})

/**
 * The JSON page of each view, serialized by a schema of its own: the document's anyOf of the two
 * views makes the serializer validate every item against each of them first (a fifth of a
 * search's CPU); the route knows which view it answers.
 */
const pageSerializers = {
  summary: fastJson(Type.Object({ data: Type.Array(FacilitySummary), page: Page })),
  full: fastJson(Type.Object({ data: Type.Array(Facility), page: Page })),
}

const FacilityFeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Type.String(),
        geometry: Nullable(
          Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }) }),
        ),
        properties: Type.Object({}, { additionalProperties: true }),
      }),
    ),
    page: Page,
  },
  { description: 'GeoJSON (RFC 7946). Coordinates are [lng, lat] in `crs`; properties are the list item.' },
)

const Facet = Type.Array(
  Type.Object({
    value: Type.String({ description: 'The value to filter by.' }),
    label: Type.String({ description: 'In the response language.' }),
    count: Type.Integer({ minimum: 1 }),
  }),
  { description: 'Most frequent first.' },
)

const crsParameter = (what: string) =>
  Type.Enum(['wgs84', 'gcj02'], { default: 'wgs84', description: `Coordinate system of ${what}: GCJ-02 is what Chinese map SDKs use.` })

/** Splits comma-separated values of the multi-valued parameters before validation. */
async function splitMultiValued(request: FastifyRequest) {
  const query = request.query as Record<string, unknown>
  for (const name of multiValued) {
    const value = query[name]
    if (value === undefined) continue
    query[name] = (Array.isArray(value) ? value : [value]).flatMap((item) =>
      String(item)
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
  }
}

type Format = 'json' | 'geojson' | 'csv'

const formats = { 'application/json': 'json', 'application/geo+json': 'geojson', 'text/csv': 'csv' } as const

/**
 * The representation the client prefers (RFC 9110 §12.5.1): each offered type gets the quality of
 * the most specific range that matches it; the highest wins, ties going to the order above.
 */
function negotiateFormat(accept: string | undefined): Format {
  if (accept === undefined || accept.trim() === '') return 'json'
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined)
    return { range: range.trim(), q: q === undefined ? 1 : Number(q) }
  })
  let best: { format: Format; q: number } | undefined
  for (const [type, format] of Object.entries(formats)) {
    const [major] = type.split('/')
    const match =
      ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === `${major}/*`) ?? ranges.find((r) => r.range === '*/*')
    if (match !== undefined && match.q > 0 && (best === undefined || match.q > best.q)) best = { format, q: match.q }
  }
  if (best === undefined) {
    throw new ProblemError('not_acceptable', 'This endpoint answers application/json, application/geo+json or text/csv')
  }
  return best.format
}

const csvColumns = [
  'id',
  'slug',
  'name',
  'name_zh',
  'name_en',
  'category',
  'category_label',
  'status',
  'status_label',
  'area',
  'lat',
  'lng',
  'crs',
  'location_precision',
  'distance_m',
  'opening',
  'open_now',
  'updated_at',
] as const

function csvOf(items: FacilitySummary[]): string {
  const rows = items.map(
    (item): Record<(typeof csvColumns)[number], string | number> => ({
      id: item.id,
      slug: item.slug,
      name: item.name,
      name_zh: item.names['zh-Hans'],
      name_en: item.names.en ?? '',
      category: item.category,
      category_label: item.categoryLabel,
      status: item.status,
      status_label: item.statusLabel,
      area: item.area.name,
      lat: item.location?.lat ?? '',
      lng: item.location?.lng ?? '',
      crs: item.location?.crs ?? '',
      location_precision: item.location?.precision ?? '',
      distance_m: item.distanceMeters ?? '',
      opening: item.dates.opening?.actual?.edtf ?? item.dates.opening?.expected?.edtf ?? item.dates.opening?.planned?.edtf ?? '',
      open_now: item.hours === null ? '' : String(item.hours.openNow),
      updated_at: item.updatedAt,
    }),
  )
  // A byte-order mark, so spreadsheet programs read the UTF-8 Chinese correctly.
  return `\uFEFF${stringify(rows, { header: true, columns: [...csvColumns] })}`
}

function geoJsonOf(items: FacilitySummary[], page: { limit: number; nextCursor: string | null }) {
  return {
    type: 'FeatureCollection' as const,
    features: items.map(({ location, ...properties }) => ({
      type: 'Feature' as const,
      id: properties.id,
      geometry: location === null ? null : { type: 'Point' as const, coordinates: [location.lng, location.lat] },
      properties: { ...properties, ...(location === null ? {} : { locationPrecision: location.precision, crs: location.crs }) },
    })),
    page,
  }
}

/**
 * One page of hits (and one more, to tell whether there is a next page). With openNow the SQL
 * cannot decide, so candidates are read in batches and their hours evaluated here.
 */
async function findPage(
  db: Database,
  filters: ReturnType<typeof parseFilters>,
  options: { sort: ReturnType<typeof parseSort>; limit: number; after?: SortKey; openNow?: boolean; now: Date },
): Promise<SearchHit[]> {
  if (options.openNow === undefined) {
    return searchFacilities(db, filters, { sort: options.sort, limit: options.limit + 1, after: options.after })
  }
  const wanted = options.limit + 1
  const batchSize = 200
  const hits: SearchHit[] = []
  let after = options.after
  for (;;) {
    const batch = await searchFacilities(db, { ...filters, hasOpeningHours: true }, { sort: options.sort, limit: batchSize, after })
    for (const hit of batch) {
      if (hit.openingHours === null) continue
      const { openNow } = evaluateOpeningHours(hit.openingHours, { timeZone: hit.timeZone, now: options.now })
      if (openNow === options.openNow) hits.push(hit)
      if (hits.length === wanted) return hits
    }
    const last = batch.at(-1)
    if (batch.length < batchSize || last === undefined) return hits
    after = last.key
  }
}

const facilityRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const prisma = () => fastify.db.prisma

  const context = (request: FastifyRequest, crs: Crs): PresentationContext => ({
    language: negotiateLanguage(request.headers['accept-language']),
    crs,
    now: fastify.clock(),
  })

  /** The rows of the hits, presented in the hits' order; a row deleted meanwhile is left out. */
  async function presentHits(hits: SearchHit[], view: 'summary' | 'full', presentation: PresentationContext) {
    if (view === 'full') {
      const records = new Map((await fetchFullRecords(fastify.db, { ids: hits.map((hit) => hit.id) })).map((r) => [r.id, r]))
      return hits.flatMap((hit) => {
        const record = records.get(hit.id)
        return record === undefined
          ? []
          : [{ ...presentFacility(record, presentation), ...(hit.distanceMeters === null ? {} : { distanceMeters: hit.distanceMeters }) }]
      })
    }
    return hits.map((hit) => presentSummary(hit.row, presentation, hit.distanceMeters))
  }

  /** An unknown area is a mistake in the request, not an empty result. */
  async function checkArea(area: string | undefined) {
    if (area === undefined || (await prisma().area.findUnique({ where: { id: area } })) !== null) return
    throw new ProblemError('validation_failed', 'Invalid query parameter: area', [
      { in: 'query', name: 'area', message: `there is no area with id ${area}; GET /v1/areas lists them` },
    ])
  }

  /** The directory's last change (deletions included): the Last-Modified of any list. */
  async function directoryLastModified(): Promise<string | undefined> {
    // Raw: Prisma's aggregate wraps the table in a subquery that cannot use the updated_at index.
    const [row] = await prisma().$queryRaw<{ last: Date | null }[]>`SELECT max(updated_at) AS last FROM facility`
    return row?.last == null ? undefined : httpDate(new Date(row.last))
  }

  fastify.get(
    '/facilities',
    {
      preValidation: splitMultiValued,
      schema: {
        tags: ['facilities'],
        operationId: 'searchFacilities',
        security: access.anyone,
        summary: 'Search facilities and projects',
        description:
          'Text, nearby, bounding box and filters, sorted and paged. Follow `page.nextCursor` (or the `Link: rel="next"` ' +
          'header) to the next page: in the default order rows added between pages are neither skipped nor repeated. ' +
          'Answers JSON, GeoJSON (`Accept: application/geo+json`) or CSV (`Accept: text/csv`).',
        querystring: SearchQuery,
        response: {
          200: {
            description: 'A page of facilities',
            headers: { ...cacheHeaders, ...lastModifiedHeader, ...languageHeaders, ...nextLinkHeader },
            content: {
              'application/json': { schema: FacilityPage },
              'application/geo+json': { schema: FacilityFeatureCollection },
              'text/csv': { schema: Type.String({ description: 'UTF-8 with a byte-order mark; one row per facility.' }) },
            },
          },
          304: notModified,
          ...problemResponses(400, 401, 406, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const format = negotiateFormat(request.headers.accept)
      const { limit, cursor, view, sort: _sort, openNow, ...filterQuery } = request.query
      const filters = parseFilters(filterQuery)
      const sort = parseSort(request.query, filters)
      await checkArea(filters.area)
      const fingerprinted = { ...filterQuery, openNow, sort }
      const position =
        cursor === undefined ? undefined : decodeCursor(cursor, fingerprinted, (key) => isSortKey(key) && isSortValueOf(sort, key[0]))
      const after = position?.after as SortKey | undefined
      const presentation = context(request, filters.crs)
      const pageOptions = { sort, limit, after, openNow, now: presentation.now }
      // Text matches substrings unless nothing contains it (then fuzzily, for a typo); a first page
      // with substring hits answers that question without asking the database separately.
      filters.textMode = position?.mode === 'fuzzy' ? 'fuzzy' : 'substring'
      let hits = await findPage(fastify.db, filters, pageOptions)
      if (hits.length === 0 && position === undefined && (await resolveTextMode(prisma(), filters)) === 'fuzzy') {
        filters.textMode = 'fuzzy'
        hits = await findPage(fastify.db, filters, pageOptions)
      }
      const pageHits = hits.slice(0, limit)
      const last = pageHits.at(-1)
      const nextCursor =
        hits.length > limit && last !== undefined
          ? encodeCursor({ after: last.key, ...(filters.textMode === 'fuzzy' ? { mode: 'fuzzy' } : {}) }, fingerprinted)
          : null

      const items = await presentHits(pageHits, view, presentation)

      if (nextCursor !== null) {
        const next = new URLSearchParams(request.url.split('?')[1] ?? '')
        next.set('cursor', nextCursor)
        reply.header('link', `</v1/facilities?${next.toString()}>; rel="next"`)
      }
      setLanguage(reply, presentation.language)
      // Opening hours make a response depend on the clock as well as on the data: then only the
      // ETag can tell whether it changed.
      const clockDependent = openNow !== undefined || items.some((item) => item.hours !== null)
      const lastModified = clockDependent ? undefined : await directoryLastModified()
      if (lastModified !== undefined) reply.header('last-modified', lastModified)
      const page = { limit, nextCursor }
      if (format === 'geojson') return reply.type('application/geo+json').send(geoJsonOf(items, page))
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(csvOf(items))
      // A serializer of one's own leaves the charset off: it is set here as Fastify sets it.
      return reply.type('application/json; charset=utf-8').serializer(pageSerializers[view]).send({ data: items, page })
    },
  )

  fastify.get(
    '/facilities/facets',
    {
      preValidation: splitMultiValued,
      schema: {
        tags: ['facilities'],
        operationId: 'getFacilityFacets',
        security: access.anyone,
        summary: 'Counts by category, status and area for a search',
        description: 'Takes the same filters as the search; each count is of facilities matching all of them.',
        querystring: FacetQuery,
        response: {
          200: {
            description: 'The counts',
            headers: { ...cacheHeaders, ...languageHeaders },
            content: {
              'application/json': {
                schema: Type.Object({
                  total: Type.Integer({ description: 'Facilities matching the filters.' }),
                  category: Facet,
                  status: Facet,
                  area: Facet,
                }),
              },
            },
          },
          304: notModified,
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { openNow, ...filterQuery } = request.query
      const filters = parseFilters(filterQuery)
      await checkArea(filters.area)
      filters.textMode = await resolveTextMode(prisma(), filters)
      const language = negotiateLanguage(request.headers['accept-language'])
      let counts: Awaited<ReturnType<typeof facetCounts>>
      if (openNow === undefined) {
        counts = await facetCounts(prisma(), filters)
      } else {
        const now = fastify.clock()
        const candidates = await facetCandidates(prisma(), filters)
        counts = countBy(
          candidates.filter(
            (c) => c.openingHours !== null && evaluateOpeningHours(c.openingHours, { timeZone: c.timeZone, now }).openNow === openNow,
          ),
        )
      }
      const areas = new Map((await prisma().area.findMany()).map((area) => [area.id, area]))
      setLanguage(reply, language)
      return {
        total: counts.category.reduce((sum, entry) => sum + entry.count, 0),
        category: counts.category.map((entry) => ({
          ...entry,
          label: pick(categoryLabels[entry.value as keyof typeof categoryLabels], language),
        })),
        status: counts.status.map((entry) => ({
          ...entry,
          label: pick(statusLabels[entry.value as keyof typeof statusLabels], language),
        })),
        area: counts.area.map((entry) => {
          const area = areas.get(entry.value)
          return { ...entry, label: area === undefined ? entry.value : pick({ zh: area.nameZh, en: area.nameEn }, language) }
        }),
      }
    },
  )

  fastify.get(
    '/facilities/export.ndjson',
    {
      schema: {
        tags: ['facilities'],
        operationId: 'exportFacilities',
        security: access.anyone,
        summary: 'Every facility, in full, one JSON object per line',
        description:
          'Streamed and unpaginated (application/x-ndjson), in creation order; deleted facilities are left out. ' +
          'Use the change feed to stay in sync afterwards.',
        querystring: Type.Object({ crs: crsParameter('the locations') }, { additionalProperties: false }),
        response: {
          200: {
            description: 'NDJSON: one Facility (as GET /v1/facilities/{id} answers it) per line',
            headers: {
              'Cache-Control': { type: 'string', examples: ['public, max-age=300'], 'x-required': true },
              ...languageHeaders,
            },
            // Sent as a stream of those lines.
            content: {
              'application/x-ndjson': { schema: Type.Unsafe<Readable>(Type.String({ description: 'Lines of JSON, each a Facility.' })) },
            },
          },
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const presentation = context(request, request.query.crs)
      const batch = (after: string | undefined) => fetchFullRecords(fastify.db, { after, limit: 1000 })
      // The first batch is read before anything is sent, so a database that does not answer is a
      // 503 rather than a cut-off download.
      const first = await batch(undefined)
      // Keyset batches, the next one read while this one is written: memory stays flat and the
      // database and the presentation work side by side.
      async function* lines() {
        let rows = first
        for (;;) {
          const last = rows.at(-1)
          if (last === undefined) return
          const next = batch(last.id)
          // A client that hangs up leaves this read behind: its failure must not go unhandled.
          next.catch(() => undefined)
          // Bytes, not one joined string: each line is encoded once, and the socket writes them as they are.
          yield Buffer.concat(rows.map((row) => Buffer.from(`${JSON.stringify(presentFacility(row, presentation))}\n`)))
          rows = await next
        }
      }
      setLanguage(reply, presentation.language)
      reply.header('cache-control', 'public, max-age=300')
      return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines()))
    },
  )

  fastify.get(
    '/facilities/:id',
    {
      schema: {
        tags: ['facilities'],
        operationId: 'getFacility',
        security: access.anyone,
        summary: 'One facility or project, in full',
        description:
          'With its dates (planned, expected, actual; delayed or not), capacity, opening hours and whether it is open now, ' +
          'and the source sentences it comes from. A deleted facility is a 404.',
        params: FacilityParams,
        querystring: Type.Object({ crs: crsParameter('the location') }, { additionalProperties: false }),
        response: {
          200: {
            description: 'The facility',
            headers: { ...cacheHeaders, ...facilityETagHeader, ...lastModifiedHeader, ...languageHeaders },
            content: { 'application/json': { schema: Type.Ref('Facility') } },
          },
          304: notModified,
          ...problemResponses(400, 401, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const facility = await presentedFacility(fastify, request, reply, request.params.id, request.query.crs)
      if (facility.hours === null) reply.header('last-modified', httpDate(new Date(facility.updatedAt)))
      return facility
    },
  )
}

function isSortKey(value: unknown): value is SortKey {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (value[0] === null || typeof value[0] === 'string' || typeof value[0] === 'number') &&
    typeof value[1] === 'string' &&
    isUuid(value[1])
  )
}

function countBy(candidates: { category: string; status: string; areaId: string }[]) {
  const tally = (key: 'category' | 'status' | 'areaId') => {
    const counts = new Map<string, number>()
    for (const candidate of candidates) counts.set(candidate[key], (counts.get(candidate[key]) ?? 0) + 1)
    return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
  }
  return { category: tally('category'), status: tally('status'), area: tally('areaId') }
}

export default facilityRoutes
