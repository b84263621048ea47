// GET /v1/facilities: the resident search (text, nearby, filters, sorted and paged; JSON, GeoJSON
// or CSV).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Crs } from '../../domain/geo.js'
import { csvOfFacilities } from '../../facilities/csv.js'
import { documentOf } from '../../facilities/document.js'
import { distanceOf, presentFacility, presentListItem, type PresentationContext } from '../../facilities/presenter.js'
import { FacilityListItem } from '../../facilities/schemas.js'
import { SearchQuery } from '../../facilities/search/params.js'
import type { SearchHit } from '../../facilities/service.js'
import { access } from '../../http/access.js'
import { cacheHeaders, httpDate, lastModifiedHeader, notModified } from '../../http/caching.js'
import { languageHeaders, negotiateLanguage, setLanguage } from '../../http/language.js'
import { nextLinkHeader } from '../../http/paging.js'
import { problemResponses } from '../../http/problems.js'
import {
  FacilityFeatureCollection,
  FacilityPage,
  geoJsonOf,
  negotiateListFormat,
  pageSerializers,
  pickFields,
} from './facility-list-formats.js'
import { refuseUnknownArea, splitMultiValued } from './params.js'

const facilityRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const context = (request: FastifyRequest, crs: Crs): PresentationContext => ({
    language: negotiateLanguage(request.headers['accept-language']),
    crs,
    now: fastify.clock(),
  })

  /**
   * The rows of the hits, presented in the hits' order; a row deleted meanwhile is left out. The
   * search's own row has the list item's fields; the full records are read only for others.
   */
  async function presentHits(
    hits: SearchHit[],
    view: 'summary' | 'full',
    fields: readonly string[] | undefined,
    presentation: PresentationContext,
  ) {
    if (fields === undefined ? view === 'full' : fields.some((field) => !(field in FacilityListItem.properties))) {
      const records = new Map((await fastify.facilities.inFull(hits.map((hit) => hit.id))).map((r) => [r.id, r]))
      return hits.flatMap((hit) => {
        const record = records.get(hit.id)
        return record === undefined
          ? []
          : [{ ...presentFacility(record, presentation), ...(hit.distanceMeters === null ? {} : distanceOf(record, hit.distanceMeters)) }]
      })
    }
    return hits.map((hit) => presentListItem(hit.row, presentation, hit.distanceMeters))
  }

  fastify.get(
    '/facilities',
    {
      config: { keepAnswers: true },
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
      const format = negotiateListFormat(request.headers.accept)
      const { view, fields: asked, ...query } = request.query
      const fields = asked === undefined ? undefined : ['id', ...asked.filter((field) => field !== 'id')]
      const { limit, openNow } = query
      const presentation = context(request, query.crs)
      await refuseUnknownArea(fastify.areas, query.area)
      // The directory's last change is read before the rows, so it is never newer than they are (a
      // client that revalidates with If-Modified-Since would keep rows that miss a change).
      const lastChange = openNow === undefined ? await fastify.facilities.lastModified() : undefined
      const { hits: pageHits, nextCursor } = await fastify.facilities.searchPage(query, presentation.now)
      const items = await presentHits(pageHits, view, fields, presentation)

      if (nextCursor !== null) {
        const next = new URLSearchParams(request.url.split('?')[1] ?? '')
        next.set('cursor', nextCursor)
        reply.header('link', `</v1/facilities?${next.toString()}>; rel="next"`)
      }
      setLanguage(reply, presentation.language)
      // Opening hours make a response depend on the clock as well as on the data: then only the
      // ETag can tell whether it changed.
      const clockDependent = openNow !== undefined || items.some((item) => item.hours !== null)
      if (!clockDependent && lastChange !== undefined) reply.header('last-modified', httpDate(lastChange))
      const page = { limit, nextCursor }
      if (format === 'geojson') return reply.type('application/geo+json').send(geoJsonOf(items, page, fields))
      if (format === 'csv') {
        // Rows an import takes back as they are: each facility's document beside its summary.
        const records = new Map((await fastify.facilities.inFull(items.map((item) => item.id))).map((r) => [r.id, r]))
        const rows = items.flatMap((summary) => {
          const record = records.get(summary.id)
          return record === undefined ? [] : [{ document: documentOf(record), summary }]
        })
        return reply.type('text/csv; charset=utf-8').send(csvOfFacilities(rows, query.crs))
      }
      // A serializer of one's own leaves the charset off: it is set here as Fastify sets it.
      reply.type('application/json; charset=utf-8')
      if (fields !== undefined)
        return reply.serializer(pageSerializers.fields).send({ data: items.map((item) => pickFields(item, fields)), page })
      return reply.serializer(pageSerializers[view]).send({ data: items, page })
    },
  )
}

export default facilityRoutes
