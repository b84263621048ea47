// What the HSDS profile reads, through the facility service the /v1 routes use
// (`fastify.facilities`: the search, the facet counts, full records) and the same presenter:
// never SQL of its own. Only services: every read here is limited to service categories, so a
// project can never appear in an HSDS answer.
import type { FastifyInstance } from 'fastify'
import type { FacilityCategory } from '../generated/prisma/enums.js'
import { presentFacility } from '../facilities/presenter.js'
import type { Facility } from '../facilities/schemas.js'
import type { SearchFilters, SearchHit, SortKey } from '../facilities/service.js'
import type { Language } from '../http/language.js'
import { serviceCategories } from './mapping.js'

export interface ServiceQuery {
  search?: string
  modifiedAfter?: Date
  /** Limits the service categories (from taxonomy filters); none = every service category. */
  categories?: FacilityCategory[]
  /** Only this facility (from an organization_id filter). */
  facilityId?: string
}

const batchSize = 1000

async function filtersOf(fastify: FastifyInstance, query: ServiceQuery): Promise<SearchFilters> {
  const filters: SearchFilters = {
    categories: query.categories ?? serviceCategories,
    ...(query.search === undefined ? {} : { q: query.search }),
    ...(query.modifiedAfter === undefined ? {} : { updatedSince: query.modifiedAfter }),
  }
  filters.textMode = await fastify.facilities.textModeFor(filters)
  return filters
}

/** Up to `limit` hits in creation order after a key (the service reads one more, to tell whether there is a next page). */
async function hitsAfter(
  fastify: FastifyInstance,
  filters: SearchFilters,
  limit: number,
  after: SortKey | undefined,
): Promise<SearchHit[]> {
  const hits = await fastify.facilities.search(filters, { sort: 'created', limit, after, now: fastify.clock() })
  return hits.slice(0, limit)
}

/** Facilities in full, presented in the language, in the order of the ids given. */
async function presented(fastify: FastifyInstance, ids: string[], language: Language): Promise<Facility[]> {
  if (ids.length === 0) return []
  const now = fastify.clock()
  const records = new Map((await fastify.facilities.inFull(ids)).map((row) => [row.id, row]))
  return ids.flatMap((id) => {
    const record = records.get(id)
    return record === undefined ? [] : [presentFacility(record, { language, crs: 'wgs84', now })]
  })
}

/**
 * One HSDS page (page numbers from 1) of services matching the query, in creation order, and how
 * many there are in all. HSDS pages by number: the rows before the page are walked by keyset in
 * batches, so a deep page costs reading the ids before it.
 */
export async function servicePage(
  fastify: FastifyInstance,
  query: ServiceQuery,
  paging: { page: number; perPage: number },
  language: Language,
): Promise<{ total: number; facilities: Facility[] }> {
  if (query.categories?.length === 0) return { total: 0, facilities: [] }
  const filters = await filtersOf(fastify, query)
  if (query.facilityId !== undefined) {
    const found = (await matchesFilters(fastify, filters, query.facilityId)) ? await presented(fastify, [query.facilityId], language) : []
    return { total: found.length, facilities: paging.page === 1 ? found : [] }
  }
  const counts = await fastify.facilities.facets(filters, { now: fastify.clock() })
  const total = counts.category.reduce((sum, entry) => sum + entry.count, 0)
  let after: SortKey | undefined
  let toSkip = (paging.page - 1) * paging.perPage
  if (toSkip >= total) return { total, facilities: [] }
  while (toSkip > 0) {
    const limit = Math.min(toSkip, batchSize)
    const batch = await hitsAfter(fastify, filters, limit, after)
    const last = batch.at(-1)
    if (last === undefined || batch.length < limit) return { total, facilities: [] }
    after = last.key
    toSkip -= batch.length
  }
  const hits = await hitsAfter(fastify, filters, paging.perPage, after)
  return {
    total,
    facilities: await presented(
      fastify,
      hits.map((hit) => hit.id),
      language,
    ),
  }
}

/** Whether one facility matches the filters (an organization_id combined with other filters). */
async function matchesFilters(fastify: FastifyInstance, filters: SearchFilters, facilityId: string): Promise<boolean> {
  let after: SortKey | undefined
  for (;;) {
    const batch = await hitsAfter(fastify, filters, batchSize, after)
    if (batch.some((hit) => hit.id === facilityId)) return true
    const last = batch.at(-1)
    if (last === undefined || batch.length < batchSize) return false
    after = last.key
  }
}

/** A service by its facility id; undefined when there is none, or it is a project. */
export async function serviceFacility(fastify: FastifyInstance, id: string, language: Language): Promise<Facility | undefined> {
  const [facility] = await presented(fastify, [id.toLowerCase()], language)
  return facility !== undefined && serviceCategories.includes(facility.category) ? facility : undefined
}

/**
 * The facility whose derived HSDS id (organization, location, …) this is: derived ids are
 * name-based hashes, so the services' ids are hashed until one matches.
 */
export async function facilityIdOfDerived(fastify: FastifyInstance, id: string, derive: (facilityId: string) => string) {
  const wanted = id.toLowerCase()
  const filters: SearchFilters = { categories: serviceCategories }
  let after: SortKey | undefined
  for (;;) {
    const batch = await hitsAfter(fastify, filters, batchSize, after)
    const hit = batch.find((candidate) => derive(candidate.id) === wanted)
    if (hit !== undefined) return hit.id
    const last = batch.at(-1)
    if (last === undefined || batch.length < batchSize) return undefined
    after = last.key
  }
}
