// What changed: a facility's history (field by field, who and why, newest first) for staff, and
// the change feed (every create, update, status change and deletion in commit order) that
// third-party apps replay to keep a copy of the directory in sync.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError, problemResponses } from '../../http/problems.js'
import type { StatusChange as StatusChangeRow } from '../../generated/prisma/client.js'
import { ChangeAction } from '../../generated/prisma/enums.js'
import { Nullable, type StatusChange } from '../../facilities/schemas.js'
import { access } from '../../http/openapi.js'
import { FacilityParams } from './params.js'

const changeIdPattern = '^[0-9]{1,18}$'

const Action = Type.Enum(ChangeAction, {
  description: 'create; update (fields changed); status_change (at the moment it took effect); delete (the facility is gone).',
})

const FieldChange = Type.Object({
  field: Type.String({ description: 'A top-level field of FacilityInput.', examples: ['capacity'] }),
  oldValue: Type.Unknown({ description: 'null when the field was not set.' }),
  newValue: Type.Unknown({ description: 'null when the field was removed.' }),
})

const HistoryEntry = Type.Object(
  {
    id: Type.String({ description: 'The change id.' }),
    action: Action,
    at: Type.String({ format: 'date-time', description: 'When it took effect.' }),
    version: Type.Integer({ description: 'The facility version it made.' }),
    reason: Nullable(Type.String()),
    by: Type.Object({
      client: Nullable(Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() })),
      actor: Nullable(Type.String({ description: 'Who, when no API client did (seed, scheduler).' })),
    }),
    fields: Type.Array(FieldChange),
  },
  { $id: 'HistoryEntry' },
)

const ChangeEvent = Type.Object(
  {
    cursor: Type.String({ description: 'Pass as `after` to read the events that follow this one.' }),
    action: Action,
    facilityId: Type.String({ format: 'uuid' }),
    version: Type.Integer({ description: 'The facility version after this event.' }),
    at: Type.String({ format: 'date-time', description: 'When it took effect.' }),
    reason: Nullable(Type.String()),
    fields: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'The new values of the FacilityInput fields this event set (null: removed). A create carries every field; ' +
        'merging each event into your copy rebuilds the facility. Empty for a delete.',
    }),
  },
  { $id: 'ChangeEvent' },
)

export function presentStatusChange(change: StatusChangeRow): StatusChange {
  return {
    id: change.id,
    facilityId: change.facilityId,
    fromStatus: change.fromStatus,
    toStatus: change.toStatus,
    effectiveAt: change.effectiveAt?.toISOString() ?? null,
    reason: change.reason,
    state: change.appliedAt === null ? 'scheduled' : change.discardedReason === null ? 'applied' : 'discarded',
    discardedReason: change.discardedReason,
    recordedAt: change.recordedAt.toISOString(),
  }
}

const changeRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const prisma = () => fastify.db.prisma
  fastify.addSchema(HistoryEntry)
  fastify.addSchema(ChangeEvent)

  fastify.get(
    '/facilities/:id/status-changes',
    {
      schema: {
        tags: ['facilities'],
        operationId: 'listFacilityStatusChanges',
        summary: "A facility's statuses: those it has had, and those scheduled",
        description:
          'Newest first by the moment they take effect; scheduled changes (still to come) first of all. Status changes are ' +
          'made with POST on this path.',
        security: access.anyone,
        params: FacilityParams,
        response: {
          200: Type.Object({ data: Type.Array(Type.Ref('StatusChange')) }),
          ...problemResponses(400, 401, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id.toLowerCase()
      const facility = await prisma().facility.findUnique({ where: { id }, select: { deletedAt: true } })
      if (facility === null || facility.deletedAt !== null) throw new ProblemError('not_found', `There is no facility with id ${id}`)
      const changes = await prisma().statusChange.findMany({
        where: { facilityId: id },
        orderBy: [{ effectiveAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
      })
      reply.header('cache-control', 'no-cache')
      const scheduled = changes.filter((c) => c.appliedAt === null)
      return { data: [...scheduled, ...changes.filter((c) => c.appliedAt !== null)].map(presentStatusChange) }
    },
  )

  fastify.get(
    '/facilities/:id/history',
    {
      onRequest: fastify.requireRole('reader'),
      schema: {
        tags: ['facilities'],
        operationId: 'getFacilityHistory',
        summary: "A facility's changes, field by field, newest first",
        description:
          'Every change of the facility (deleted ones too): when, by which client, each field with its old and new value, and why. Needs any key.',
        security: access.role('reader'),
        params: FacilityParams,
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Entries per page.', examples: [20] }),
            cursor: Type.Optional(
              Type.String({ pattern: changeIdPattern, description: '`page.nextCursor` of the previous page.', examples: ['431'] }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('HistoryEntry')),
            page: Type.Object({ limit: Type.Integer(), nextCursor: Nullable(Type.String()) }),
          }),
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id.toLowerCase()
      const { limit, cursor } = request.query
      const facility = await prisma().facility.findUnique({ where: { id }, select: { id: true } })
      if (facility === null) throw new ProblemError('not_found', `There is no facility with id ${id}`)
      const changes = await prisma().change.findMany({
        where: { facilityId: id, ...(cursor === undefined ? {} : { id: { lt: BigInt(cursor) } }) },
        orderBy: { id: 'desc' },
        take: limit + 1,
        include: { fields: { orderBy: { field: 'asc' } }, client: { select: { id: true, name: true } } },
      })
      const page = changes.slice(0, limit)
      reply.header('cache-control', 'private, no-cache')
      return {
        data: page.map((change) => ({
          id: change.id.toString(),
          action: change.action,
          at: change.at.toISOString(),
          version: change.version,
          reason: change.reason,
          by: { client: change.client, actor: change.actor },
          fields: change.fields.map((f) => ({ field: f.field, oldValue: f.oldValue, newValue: f.newValue })),
        })),
        page: { limit, nextCursor: changes.length > limit ? (page.at(-1)?.id.toString() ?? null) : null },
      }
    },
  )

  fastify.get(
    '/changes',
    {
      schema: {
        tags: ['changes'],
        operationId: 'listChanges',
        summary: 'The change feed: every change to the directory, in commit order',
        description:
          'Start without `after` to replay everything since the beginning, then keep passing `page.nextCursor`. Events are in the ' +
          'order their writes committed, so a cursor never skips or repeats one, also while writes are happening. A scheduled ' +
          'status change appears when it takes effect. `page.nextCursor` is always set: at the end it is where to resume later.',
        security: access.anyone,
        querystring: Type.Object(
          {
            after: Type.Optional(
              Type.String({ pattern: changeIdPattern, description: 'A `cursor` or `page.nextCursor` from before.', examples: ['431'] }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Events per page.', examples: [100] }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(Type.Ref('ChangeEvent')),
            page: Type.Object({
              limit: Type.Integer(),
              nextCursor: Type.String({ description: 'Where to resume: the last event of this page (or `after`, when it is empty).' }),
              hasMore: Type.Boolean({ description: 'Whether more events follow right now.' }),
            }),
          }),
          ...problemResponses(400, 401, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { after, limit } = request.query
      const changes = await prisma().change.findMany({
        where: after === undefined ? {} : { id: { gt: BigInt(after) } },
        orderBy: { id: 'asc' },
        take: limit + 1,
        include: { fields: true },
      })
      const page = changes.slice(0, limit)
      reply.header('cache-control', 'no-cache')
      return {
        data: page.map((change) => ({
          cursor: change.id.toString(),
          action: change.action,
          facilityId: change.facilityId,
          version: change.version,
          at: change.at.toISOString(),
          reason: change.reason,
          fields: Object.fromEntries(change.fields.map((f) => [f.field, f.newValue])),
        })),
        page: { limit, nextCursor: page.at(-1)?.id.toString() ?? after ?? '0', hasMore: changes.length > limit },
      }
    },
  )
}

export default changeRoutes
