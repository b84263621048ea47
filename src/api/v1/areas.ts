import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Area } from '../../generated/prisma/client.js'
import { AreaLevel } from '../../generated/prisma/enums.js'
import { problemResponses } from '../../http/problems.js'
import { cacheHeaders, notModified } from '../../http/caching.js'
import { access } from '../../http/openapi.js'

/** Recursive: each area holds its child areas. */
const AreaNode = Type.Object(
  {
    id: Type.String({ description: 'Stable id, as taken by the `area` filter of the search.', examples: ['pinghu'] }),
    level: Type.Enum(AreaLevel),
    name: Type.Object({ 'zh-Hans': Type.String({ examples: ['平湖街道'] }), en: Type.String({ examples: ['Pinghu Subdistrict'] }) }),
    children: Type.Array(Type.Ref('AreaNode')),
  },
  { $id: 'AreaNode', description: 'An administrative area and the areas within it.' },
)

interface AreaNode {
  id: string
  level: Area['level']
  name: { 'zh-Hans': string; en: string }
  children: AreaNode[]
}

function buildTree(areas: Area[]): AreaNode[] {
  const nodes = new Map<string, AreaNode>(
    areas.map((area) => [area.id, { id: area.id, level: area.level, name: { 'zh-Hans': area.nameZh, en: area.nameEn }, children: [] }]),
  )
  const roots: AreaNode[] = []
  for (const area of areas) {
    const node = nodes.get(area.id)
    if (node === undefined) continue
    const parent = area.parentId === null ? undefined : nodes.get(area.parentId)
    ;(parent?.children ?? roots).push(node)
  }
  return roots
}

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
      const areas = await fastify.db.prisma.area.findMany({ orderBy: { id: 'asc' } })
      return { data: buildTree(areas) }
    },
  )
}

export default areaRoutes
