// What changed: a facility's history (field by field, who and why, newest first) for staff, and
// the change feed (every create, update, status change and deletion in commit order) that
// third-party apps replay to keep a copy of the directory in sync.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError, problemResponses } from '../../http/problems.js'
import { ChangeAction } from '../../generated/prisma/enums.js'
import { presentStatusChange } from '../../facilities/presenter.js'
import { Nullable } from '../../facilities/schemas.js'
import { access } from '../../http/access.js'
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

const changeRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
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
      const changes = await fastify.facilities.statusChanges(id)
      if (changes === undefined) throw new ProblemError('not_found', `There is no facility with id ${id}`)
      reply.header('cache-control', 'no-cache')
      return { data: changes.map(presentStatusChange) }
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
      const history = await fastify.changeFeed.history(id, { before: cursor, limit })
      if (history === undefined) throw new ProblemError('not_found', `There is no facility with id ${id}`)
      const { changes, hasMore } = history
      reply.header('cache-control', 'private, no-cache')
      return {
        data: changes.map((change) => ({
          id: change.id,
          action: change.action,
          at: change.at.toISOString(),
          version: change.version,
          reason: change.reason,
          by: { client: change.client, actor: change.actor },
          fields: change.fields,
        })),
        page: { limit, nextCursor: hasMore ? (changes.at(-1)?.id ?? null) : null },
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
      const { changes, hasMore } = await fastify.changeFeed.after(after, limit)
      reply.header('cache-control', 'no-cache')
      return {
        data: changes.map((change) => ({
          cursor: change.id,
          action: change.action,
          facilityId: change.facilityId,
          version: change.version,
          at: change.at.toISOString(),
          reason: change.reason,
          fields: Object.fromEntries(change.fields.map((f) => [f.field, f.newValue])),
        })),
        page: { limit, nextCursor: changes.at(-1)?.id ?? after ?? '0', hasMore },
      }
    },
  )
}

export default changeRoutes
