import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError } from '../../errors.js'
import { presentFacility, presentSummary } from '../../facilities/presenter.js'
import { findFacility, listFacilities } from '../../facilities/repository.js'
import { Category, Status } from '../../facilities/schemas.js'
import { decodeCursor, encodeCursor } from '../../paging.js'

const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
const isUuid = (value: string) => new RegExp(uuidPattern).test(value)

const problems = {
  400: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
} as const

const ListQuery = Type.Object(
  {
    category: Type.Optional(Type.Enum(Category.enum, { description: 'Only facilities of this category.' })),
    status: Type.Optional(Type.Enum(Status.enum, { description: 'Only facilities with this status.' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1–100.' }),
    cursor: Type.Optional(
      Type.String({ maxLength: 500, description: 'The `nextCursor` of the previous page, to get the next one.' }),
    ),
  },
  { additionalProperties: false },
)

const facilityRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/facilities',
    {
      schema: {
        tags: ['facilities'],
        operationId: 'listFacilities',
        summary: 'List facilities and projects',
        description:
          'Facilities in a stable order, a page at a time. Follow `page.nextCursor` (or the `Link: rel="next"` header) ' +
          'to the next page; rows added between pages are neither skipped nor repeated.',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('FacilitySummary')),
            page: Type.Object({
              limit: Type.Integer(),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Cursor of the next page; null on the last page.',
              }),
            }),
          }),
          400: problems[400],
        },
      },
    },
    async (request, reply) => {
      const { limit, cursor, ...filters } = request.query
      const after = cursor === undefined ? undefined : decodeCursor(cursor, filters, isUuid).after
      const { rows, hasMore } = await listFacilities(fastify.db.prisma, { ...filters, limit, after })
      const last = rows.at(-1)
      const nextCursor = hasMore && last !== undefined ? encodeCursor({ after: last.id }, filters) : null
      if (nextCursor !== null) {
        const next = new URLSearchParams({
          ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)),
          limit: String(limit),
          cursor: nextCursor,
        })
        reply.header('link', `</v1/facilities?${next.toString()}>; rel="next"`)
      }
      return { data: rows.map(presentSummary), page: { limit, nextCursor } }
    },
  )

  fastify.get(
    '/facilities/:id',
    {
      schema: {
        tags: ['facilities'],
        operationId: 'getFacility',
        summary: 'One facility or project, in full',
        params: Type.Object({ id: Type.String({ pattern: uuidPattern, description: 'The facility id (UUID).' }) }),
        response: { 200: Type.Ref('Facility'), ...problems },
      },
    },
    async (request) => {
      const row = await findFacility(fastify.db.prisma, request.params.id.toLowerCase())
      if (row === null) throw new ProblemError('not_found', `There is no facility with id ${request.params.id}`)
      return presentFacility(row)
    },
  )
}

export default facilityRoutes
