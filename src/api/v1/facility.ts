// GET /v1/facilities/{id}: one facility or project in full.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { access } from '../../http/access.js'
import { cacheHeaders, facilityETagHeader, httpDate, lastModifiedHeader, notModified } from '../../http/caching.js'
import { languageHeaders } from '../../http/language.js'
import { problemResponses } from '../../http/problems.js'
import { presentedFacility } from './facility-reply.js'
import { crsParameter, FacilityParams } from './params.js'

const facilityRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/facilities/:id',
    {
      config: { keepAnswers: true },
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

export default facilityRoute
