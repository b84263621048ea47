// GET /v1/facilities/facets: counts by category, status and area for the filters of a search.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { categoryLabels } from '../../domain/categories.js'
import { statusLabels } from '../../domain/lifecycle.js'
import { FacetQuery, parseFilters } from '../../facilities/search/params.js'
import { access } from '../../http/access.js'
import { cacheHeaders, notModified } from '../../http/caching.js'
import { languageHeaders, negotiateLanguage, pick, setLanguage } from '../../http/language.js'
import { problemResponses } from '../../http/problems.js'
import { refuseUnknownArea, splitMultiValued } from './params.js'

const Facet = Type.Array(
  Type.Object({
    value: Type.String({ description: 'The value to filter by.' }),
    label: Type.String({ description: 'In the response language.' }),
    count: Type.Integer({ minimum: 1 }),
  }),
  { description: 'Most frequent first.' },
)

const facetRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/facilities/facets',
    {
      config: { keepAnswers: true },
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
      await refuseUnknownArea(fastify.areas, filters.area)
      filters.textMode = await fastify.facilities.textModeFor(filters)
      const language = negotiateLanguage(request.headers['accept-language'])
      const counts = await fastify.facilities.facets(filters, { openNow, now: fastify.clock() })
      const areas = new Map((await fastify.areas.all()).map((area) => [area.id, area]))
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
}

export default facetRoutes
