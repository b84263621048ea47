// API keys for admins (the console's key administration): list, create (the key shown once),
// revoke (its staff sessions end with it). Through fastify.clients; only a key's hash is stored.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ApiClient } from '../../clients/keys.js'
import { Category, Nullable } from '../../facilities/schemas.js'
import { access } from '../../http/access.js'
import { requireMediaType } from '../../http/media-types.js'
import { ProblemError, problemResponses } from '../../http/problems.js'
import { uuidPattern } from './params.js'

const Role = Type.Enum(['reader', 'editor', 'admin'])

const Client = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    role: Role,
    keyPrefix: Type.String({ description: 'The first characters of the key, to recognise it.', examples: ['lk_q1w2e3r4'] }),
    areas: Type.Array(Type.String(), { description: 'An editor limited to these areas (and those within them); empty: all.' }),
    categories: Type.Array(Category, { description: 'An editor limited to these categories; empty: all.' }),
    rateLimitPerMinute: Nullable(Type.Integer(), { description: "Its own budget; null: its role's." }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Nullable(Type.String({ format: 'date-time' }), { description: 'To the minute.' }),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'ApiClient', additionalProperties: false },
)

const NewClientInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Who or what holds the key.', examples: ['禾花社区工作站'] }),
    role: Role,
    areas: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 50, uniqueItems: true })),
    categories: Type.Optional(Type.Array(Category, { uniqueItems: true })),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
)

const presentClient = (client: ApiClient) => ({
  id: client.id,
  name: client.name,
  role: client.role,
  keyPrefix: client.keyPrefix,
  areas: client.areaIds,
  categories: client.categories,
  rateLimitPerMinute: client.rateLimitPerMinute,
  createdAt: client.createdAt.toISOString(),
  lastUsedAt: client.lastUsedAt?.toISOString() ?? null,
  revokedAt: client.revokedAt?.toISOString() ?? null,
})

const clientRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(Client)
  const admin = fastify.requireRole('admin')

  fastify.get(
    '/clients',
    {
      onRequest: admin,
      schema: {
        tags: ['clients'],
        operationId: 'listClients',
        summary: 'Every API key: prefix, role, scope, last use, revoked (admin)',
        description: 'Never the keys themselves: only their hash is kept. lastUsedAt is brought up to date once a minute at most.',
        security: access.role('admin'),
        response: {
          200: {
            description: 'Newest first',
            content: { 'application/json': { schema: Type.Object({ items: Type.Array(Type.Ref('ApiClient')) }) } },
          },
          ...problemResponses(401, 403, 429, 503),
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store')
      return { items: (await fastify.clients.list()).map(presentClient) }
    },
  )

  fastify.post(
    '/clients',
    {
      onRequest: admin,
      preValidation: requireMediaType('application/json'),
      schema: {
        tags: ['clients'],
        operationId: 'createClient',
        summary: 'Create an API key (admin): the key is in this answer only',
        description: 'Only a hash of the key is kept: it cannot be shown again. Scope (areas, categories) limits an editor.',
        security: access.role('admin'),
        body: NewClientInput,
        response: {
          201: {
            description: 'Created',
            content: {
              'application/json': {
                schema: Type.Object({
                  client: Type.Ref('ApiClient'),
                  key: Type.String({ description: 'The key itself (lk_…): store it now, it is never shown again.' }),
                }),
              },
            },
          },
          ...problemResponses(400, 401, 403, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { name, role, areas = [], categories = [], rateLimitPerMinute } = request.body
      const unknown: string[] = []
      for (const area of areas) if (!(await fastify.areas.exists(area))) unknown.push(area)
      if (unknown.length > 0) {
        throw new ProblemError(
          'validation_failed',
          `Unknown area: ${unknown.join(', ')}`,
          unknown.map((area) => ({
            in: 'body' as const,
            name: `/areas/${areas.indexOf(area)}`,
            message: `there is no area ${area}; GET /v1/areas lists them`,
          })),
        )
      }
      const { client, key } = await fastify.clients.create({ name, role, areaIds: areas, categories, rateLimitPerMinute })
      reply.header('cache-control', 'no-store')
      return reply.code(201).send({ client: presentClient(client), key })
    },
  )

  fastify.post(
    '/clients/:id/revoke',
    {
      onRequest: admin,
      schema: {
        tags: ['clients'],
        operationId: 'revokeClient',
        summary: 'Revoke an API key (admin): it stops working at once, and its staff sessions end',
        description: 'A revoked key cannot be restored: create a new one. Its history stays attributed to it.',
        security: access.role('admin'),
        params: Type.Object({ id: Type.String({ pattern: uuidPattern, description: 'The client id.' }) }),
        response: {
          200: {
            description: 'Revoked (again, if it already was: the first moment stays)',
            content: { 'application/json': { schema: Type.Ref('ApiClient') } },
          },
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const revoked = await fastify.clients.revoke(request.params.id.toLowerCase(), fastify.clock())
      if (revoked === null) throw new ProblemError('not_found', `There is no client ${request.params.id}`)
      reply.header('cache-control', 'no-store')
      return presentClient(revoked)
    },
  )
}

export default clientRoutes
