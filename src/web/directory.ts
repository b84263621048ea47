// What the residents' pages read, through the services the JSON API reads through
// (`fastify.facilities`, `fastify.areas`): a page shows what the API would answer for the same
// question, presented by the same presenter.
import type { FastifyInstance } from 'fastify'
import { categories, kindOfCategory } from '../domain/categories.js'
import { presentFacility, presentListItem } from '../facilities/presenter.js'
import type { Facility, FacilityListItem } from '../facilities/schemas.js'
import type { SearchQuery } from '../facilities/search/params.js'
import type { Language } from '../http/language.js'
import { ProblemError } from '../http/problems.js'

export const projectCategories = categories.filter((category) => kindOfCategory[category] === 'project')
export const serviceCategories = categories.filter((category) => kindOfCategory[category] === 'service')

export interface Results {
  items: FacilityListItem[]
  nextCursor: string | null
  fuzzy: boolean
  /** How many facilities match in all (every page)… */
  total: number
  /** …or at least, when more than the page counts to match. */
  totalAtLeast: boolean
}

/** Results pages count matches up to this many: beyond it, "more than 1,000" says enough. */
export const countCap = 1000

export type Area = Awaited<ReturnType<FastifyInstance['areas']['all']>>[number]
export type StatusChange = NonNullable<Awaited<ReturnType<FastifyInstance['facilities']['statusChanges']>>>[number]

export function directory(fastify: FastifyInstance) {
  return {
    async search(query: Omit<SearchQuery, 'view'>, language: Language, options: { count?: boolean } = {}): Promise<Results> {
      if (query.area !== undefined && !(await fastify.areas.exists(query.area))) {
        throw new ProblemError('validation_failed', 'Invalid query parameter: area', [
          { in: 'query', name: 'area', message: `there is no area with id ${query.area}` },
        ])
      }
      const now = fastify.clock()
      const page = await fastify.facilities.searchPage(query, now)
      const context = { language, crs: query.crs, now }
      const items = page.hits.map((hit) => presentListItem(hit.row, context, hit.distanceMeters))
      let total = { count: items.length, atLeast: false }
      // Only a list longer than a page needs counting.
      if (options.count === true && (page.nextCursor !== null || query.cursor !== undefined)) {
        total = await fastify.facilities.countMatches(page.filters, { openNow: query.openNow, now, cap: countCap })
      }
      return {
        items,
        nextCursor: page.nextCursor,
        fuzzy: page.filters.textMode === 'fuzzy',
        total: total.count,
        totalAtLeast: total.atLeast,
      }
    },

    async facility(slug: string, language: Language): Promise<Facility | null> {
      const record = await fastify.facilities.bySlug(slug)
      return record === undefined ? null : presentFacility(record, { language, crs: 'wgs84', now: fastify.clock() })
    },

    /** Its status changes that happened or are scheduled (discarded ones left out), scheduled first. */
    async statusChanges(facilityId: string): Promise<StatusChange[]> {
      return ((await fastify.facilities.statusChanges(facilityId)) ?? []).filter((change) => change.discardedReason === null)
    },

    areas: (): Promise<Area[]> => fastify.areas.all(),

    /** The documents facts are quoted from, by id. */
    async sources(): Promise<Map<string, { title: string; publishedOn: string | null }>> {
      return new Map((await fastify.areas.sources()).map((source) => [source.id, source]))
    },

    /** A community or street a resident typed, with the approximate centre to measure from; null if none. */
    place: (text: string) => fastify.areas.place(text),
  }
}
