import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { areaTree } from '../../areas/directory.js'
import { AreaLevel } from '../../generated/prisma/enums.js'
import { problemResponses } from '../../http/problems.js'
import { cacheHeaders, notModified } from '../../http/caching.js'
import { access } from '../../http/access.js'

/** Recursive: each area holds its child areas. */
const AreaNode = Type.Object(
  {
    id: Type.String({ description: 'Stable id, as taken by the `area` filter of the search.', examples: ['pinghu'] }),
    level: Type.Enum(AreaLevel),
    name: Type.Object({ 'zh-Hans': Type.String({ examples: ['平湖街道'] }), en: Type.String({ examples: ['Pinghu Subdistrict'] }) }),
    facts: Type.Array(
      Type.Object({
        text: Type.Object({ 'zh-Hans': Type.String({ examples: ['市级儿童友好社区'] }), en: Type.String() }),
        source: Type.String({ description: 'The id of the source (a facility citation names its title).', examples: ['pinghu-2022-10'] }),
        quote: Type.String({ description: 'The sentence of the source, verbatim.', examples: ['平湖社区获评市级儿童友好社区'] }),
      }),
      { description: 'What the sources say about the area itself (an award, a first), each with its sentence.' },
    ),
    children: Type.Array(Type.Ref('AreaNode')),
  },
  { $id: 'AreaNode', description: 'An administrative area and the areas within it.' },
)

const areaRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(AreaNode)

  fastify.get(
    '/areas',
    {
      schema: {
        tags: ['areas'],
        operationId: 'listAreas',
        security: access.anyone,
        summary: 'The tree of administrative areas',
        description: 'City → district → street → community, each with its children, ordered by id.',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: {
          200: {
            description: 'The areas, from the city down',
            headers: cacheHeaders,
            content: { 'application/json': { schema: Type.Object({ data: Type.Array(Type.Ref('AreaNode')) }) } },
          },
          304: notModified,
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async () => {
      return { data: areaTree(await fastify.areas.all()) }
    },
  )
}

export default areaRoutes
