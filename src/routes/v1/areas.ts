import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Area } from '../../generated/prisma/client.js'
import { AreaLevel } from '../../generated/prisma/enums.js'

/** Recursive: each area holds its child areas. */
const AreaNode = Type.Object(
  {
    id: Type.String({ examples: ['pinghu'] }),
    level: Type.Enum(AreaLevel),
    name: Type.Object({ 'zh-Hans': Type.String(), en: Type.String() }),
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
    areas.map((area) => [
      area.id,
      { id: area.id, level: area.level, name: { 'zh-Hans': area.nameZh, en: area.nameEn }, children: [] },
    ]),
  )
  const roots: AreaNode[] = []
  for (const area of areas) {
    const node = nodes.get(area.id)!
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
        summary: 'The tree of administrative areas',
        description: 'City → district → street → community, each with its children, ordered by id.',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('AreaNode')) }), 400: Type.Ref('Problem') },
      },
    },
    async () => {
      const areas = await fastify.db.prisma.area.findMany({ orderBy: { id: 'asc' } })
      return { data: buildTree(areas) }
    },
  )
}

export default areaRoutes
