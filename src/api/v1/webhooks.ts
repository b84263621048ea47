// Webhook subscriptions (admin): subscribe a URL to events, optionally only some categories and
// areas; its signing secret is in the creation's answer only. Each subscription's delivery log,
// and redelivery of one event or of everything since a moment. Through fastify.webhooks.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Category, Nullable } from '../../facilities/schemas.js'
import { access } from '../../http/access.js'
import { requireMediaType } from '../../http/media-types.js'
import { ProblemError, problemResponses } from '../../http/problems.js'
import { WebhookEventTypeSchema } from '../../webhooks/events.js'
import type { WebhookDelivery, WebhookSubscription } from '../../webhooks/service.js'
import { urlRefusal } from '../../webhooks/targets.js'
import { uuidPattern } from './params.js'

const Subscription = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    url: Type.String({ description: 'Where deliveries are posted.' }),
    description: Nullable(Type.String()),
    events: Type.Array(WebhookEventTypeSchema, { description: 'The event types it receives.' }),
    categories: Type.Array(Category, { description: 'Only facilities of these categories; empty: all.' }),
    areas: Type.Array(Type.String(), { description: 'Only facilities in these areas (and those within them); empty: all.' }),
    enabled: Type.Boolean({ description: 'A disabled subscription keeps its events queued; they are sent once it is enabled.' }),
    disabledReason: Nullable(Type.String(), { description: 'Why it was disabled (by an admin, or deliveries that kept failing).' }),
    disabledAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'WebhookSubscription', additionalProperties: false },
)

const DeliveryStatus = Type.Enum(['pending', 'succeeded', 'failed'], {
  description: 'pending: not yet answered 2xx (retrying); succeeded; failed: retried for about a day without success.',
})

const Delivery = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]+$' }),
    eventId: Type.String({
      format: 'uuid',
      description: 'The webhook-id header of every attempt: the same for every attempt and redelivery.',
    }),
    type: WebhookEventTypeSchema,
    facilityId: Type.String({ format: 'uuid' }),
    status: DeliveryStatus,
    attempts: Type.Integer({ minimum: 0 }),
    responseStatus: Nullable(Type.Integer(), { description: "The receiver's status code at the last attempt; null: no answer." }),
    lastError: Nullable(Type.String(), { description: 'Why the last attempt failed.' }),
    createdAt: Type.String({ format: 'date-time', description: 'When the event was queued (its change committed).' }),
    lastAttemptAt: Nullable(Type.String({ format: 'date-time' })),
    nextAttemptAt: Nullable(Type.String({ format: 'date-time' }), { description: 'A pending delivery: not before then (null: now).' }),
    deliveredAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'WebhookDelivery', additionalProperties: false },
)

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'http(s) URL of the receiver. Refused when its host resolves to a loopback, private or link-local address ' +
    '(unless the server allows private targets); checked again at every delivery.',
  examples: ['https://app.example.org/linli/webhooks'],
})
const Events = Type.Array(WebhookEventTypeSchema, { minItems: 1, uniqueItems: true })
const Categories = Type.Array(Category, { uniqueItems: true, description: 'Only facilities of these categories; empty or absent: all.' })
const Areas = Type.Array(Type.String({ minLength: 1 }), {
  maxItems: 50,
  uniqueItems: true,
  description: 'Only facilities in these areas (and those within them); empty or absent: all.',
})
const Description = Type.String({ maxLength: 500, description: 'What the subscription is for.' })

const NewSubscription = Type.Object(
  { url: Url, events: Events, categories: Type.Optional(Categories), areas: Type.Optional(Areas), description: Type.Optional(Description) },
  { additionalProperties: false },
)

const SubscriptionPatch = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    categories: Type.Optional(Categories),
    areas: Type.Optional(Areas),
    description: Type.Optional(Nullable(Description)),
    enabled: Type.Optional(
      Type.Boolean({
        description: 'true enables a disabled subscription (its pending deliveries are retried from now); false disables it.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)

const SubscriptionParams = Type.Object({ id: Type.String({ pattern: uuidPattern, description: 'The subscription id.' }) })

const iso = (date: Date | null) => date?.toISOString() ?? null

const presentSubscription = (s: WebhookSubscription) => ({
  id: s.id,
  url: s.url,
  description: s.description,
  events: s.events as WebhookDelivery['type'][],
  categories: s.categories,
  areas: s.areaIds,
  enabled: s.enabled,
  disabledReason: s.disabledReason,
  disabledAt: iso(s.disabledAt),
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
})

const presentDelivery = (d: WebhookDelivery) => ({
  ...d,
  createdAt: d.createdAt.toISOString(),
  lastAttemptAt: iso(d.lastAttemptAt),
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
})

const webhookRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addSchema(Subscription)
  fastify.addSchema(Delivery)
  fastify.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'))
  const admin = fastify.requireRole('admin')
  const noStore = { 'cache-control': 'no-store' }

  /** 400 unless the URL may receive deliveries and every area exists. */
  async function checkTarget(body: { url?: string; areas?: string[] }) {
    const errors: { in: 'body'; name: string; message: string }[] = []
    if (body.url !== undefined) {
      const refusal = await urlRefusal(body.url, fastify.webhookDelivery.allowPrivateTargets)
      if (refusal !== null) errors.push({ in: 'body', name: '/url', message: refusal })
    }
    for (const [index, area] of (body.areas ?? []).entries()) {
      if (!(await fastify.areas.exists(area))) {
        errors.push({ in: 'body', name: `/areas/${index}`, message: `there is no area ${area}; GET /v1/areas lists them` })
      }
    }
    if (errors.length > 0) {
      throw new ProblemError('validation_failed', errors.map((e) => `${e.name} ${e.message}`).join('; '), errors)
    }
  }

  async function subscriptionOr404(id: string) {
    const subscription = await fastify.webhooks.get(id.toLowerCase())
    if (subscription === null) throw new ProblemError('not_found', `There is no webhook subscription ${id}`)
    return subscription
  }

  fastify.post(
    '/webhooks',
    {
      onRequest: admin,
      preValidation: requireMediaType('application/json'),
      schema: {
        tags: ['webhooks'],
        operationId: 'createWebhook',
        summary: 'Subscribe a URL to change events (admin): the signing secret is in this answer only',
        description:
          'Each event is posted as JSON, signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`, ' +
          '`webhook-signature`) with the secret, retried with backoff for about a day until the receiver answers 2xx. ' +
          'The bodies are described under `webhooks` in this document; docs/app-developers.md shows how to verify them.',
        security: access.role('admin'),
        body: NewSubscription,
        response: {
          201: {
            description: 'Subscribed',
            headers: { Location: { type: 'string', description: 'The subscription.' } },
            content: {
              'application/json': {
                schema: Type.Object({
                  subscription: Type.Ref('WebhookSubscription'),
                  secret: Type.String({
                    pattern: '^whsec_',
                    description: 'The signing secret (whsec_…): store it now, it is never shown again.',
                  }),
                }),
              },
            },
          },
          ...problemResponses(400, 401, 403, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      await checkTarget(request.body)
      const { url, events, categories, areas, description } = request.body
      const { subscription, secret } = await fastify.webhooks.create({ url, events, categories, areaIds: areas, description })
      reply.headers({ ...noStore, location: `/v1/webhooks/${subscription.id}` })
      return reply.code(201).send({ subscription: presentSubscription(subscription), secret })
    },
  )

  fastify.get(
    '/webhooks',
    {
      onRequest: admin,
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhooks',
        summary: 'Every webhook subscription (admin), newest first; never their secrets',
        description: 'Disabled ones included, each with the reason it was disabled.',
        security: access.role('admin'),
        response: {
          200: {
            description: 'The subscriptions',
            content: { 'application/json': { schema: Type.Object({ items: Type.Array(Type.Ref('WebhookSubscription')) }) } },
          },
          ...problemResponses(401, 403, 429, 503),
        },
      },
    },
    async (_request, reply) => {
      reply.headers(noStore)
      return { items: (await fastify.webhooks.list()).map(presentSubscription) }
    },
  )

  fastify.get(
    '/webhooks/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['webhooks'],
        operationId: 'getWebhook',
        summary: 'One webhook subscription (admin): whether it is enabled, and why not',
        description: 'Its secret is not shown: it was given once, when the subscription was created.',
        security: access.role('admin'),
        params: SubscriptionParams,
        response: {
          200: { description: 'The subscription', content: { 'application/json': { schema: Type.Ref('WebhookSubscription') } } },
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      reply.headers(noStore)
      return presentSubscription(await subscriptionOr404(request.params.id))
    },
  )

  fastify.patch(
    '/webhooks/:id',
    {
      onRequest: admin,
      preValidation: requireMediaType('application/merge-patch+json', 'application/json'),
      schema: {
        tags: ['webhooks'],
        operationId: 'updateWebhook',
        summary: 'Change a webhook subscription, or enable / disable it (admin)',
        description:
          'A subscription whose deliveries kept failing for about a day is disabled, with the reason. Send `{"enabled": true}` ' +
          'once the receiver works: the deliveries queued meanwhile go out, in order; the failed ones can be sent again ' +
          'with the redelivery operations. The secret does not change.',
        security: access.role('admin'),
        params: SubscriptionParams,
        consumes: ['application/merge-patch+json', 'application/json'],
        body: SubscriptionPatch,
        response: {
          200: {
            description: 'The subscription as it now is',
            content: { 'application/json': { schema: Type.Ref('WebhookSubscription') } },
          },
          ...problemResponses(400, 401, 403, 404, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      await subscriptionOr404(request.params.id)
      await checkTarget(request.body)
      const { areas, ...rest } = request.body
      const updated = await fastify.webhooks.update(request.params.id.toLowerCase(), { ...rest, areaIds: areas }, fastify.clock())
      if (updated === null) throw new ProblemError('not_found', `There is no webhook subscription ${request.params.id}`)
      reply.headers(noStore)
      return presentSubscription(updated)
    },
  )

  fastify.delete(
    '/webhooks/:id',
    {
      onRequest: admin,
      schema: {
        tags: ['webhooks'],
        operationId: 'deleteWebhook',
        summary: 'Unsubscribe (admin): nothing more is sent, the queued deliveries and their log are removed',
        description: 'A delivery being posted at this moment still completes; nothing is sent after it.',
        security: access.role('admin'),
        params: SubscriptionParams,
        response: {
          204: { description: 'Deleted', type: 'null' },
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      if (!(await fastify.webhooks.remove(request.params.id.toLowerCase()))) {
        throw new ProblemError('not_found', `There is no webhook subscription ${request.params.id}`)
      }
      return reply.code(204).send(null)
    },
  )

  fastify.get(
    '/webhooks/:id/deliveries',
    {
      onRequest: admin,
      schema: {
        tags: ['webhooks'],
        operationId: 'listWebhookDeliveries',
        summary: "A subscription's delivery log (admin), newest first: status, attempts, the receiver's answer",
        description:
          'One delivery per event the subscription received, with its webhook-id (eventId), how many attempts were made, ' +
          'the last status code or error, and when the next attempt is due.',
        security: access.role('admin'),
        params: SubscriptionParams,
        querystring: Type.Object(
          {
            status: Type.Optional(DeliveryStatus),
            before: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'The paging cursor: `next` gives it.' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'At most this many deliveries.' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'A page of deliveries',
            content: {
              'application/json': {
                schema: Type.Object({
                  items: Type.Array(Type.Ref('WebhookDelivery')),
                  next: Nullable(Type.String(), { description: 'The next page, when there is one.' }),
                }),
              },
            },
          },
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const subscription = await subscriptionOr404(request.params.id)
      const { status, before, limit } = request.query
      const { deliveries, hasMore } = await fastify.webhooks.deliveries(subscription.id, { status, before, limit })
      let next: string | null = null
      const last = deliveries[deliveries.length - 1]
      if (hasMore && last !== undefined) {
        const query = new URLSearchParams({ ...(status === undefined ? {} : { status }), before: last.id, limit: String(limit) })
        next = `/v1/webhooks/${subscription.id}/deliveries?${query}`
      }
      reply.headers(noStore)
      return { items: deliveries.map(presentDelivery), next }
    },
  )

  fastify.post(
    '/webhooks/:id/deliveries/:eventId/redeliver',
    {
      onRequest: admin,
      schema: {
        tags: ['webhooks'],
        operationId: 'redeliverWebhookEvent',
        summary: 'Send one event to the subscription again (admin), with the same webhook-id',
        description:
          'The delivery becomes pending and goes out after the earlier pending deliveries of its facility. ' +
          'One that is still pending is left as it is.',
        security: access.role('admin'),
        params: Type.Object({
          id: Type.String({ pattern: uuidPattern, description: 'The subscription id.' }),
          eventId: Type.String({ pattern: uuidPattern, description: 'The event id (webhook-id).' }),
        }),
        response: {
          202: { description: 'Queued', content: { 'application/json': { schema: Type.Ref('WebhookDelivery') } } },
          ...problemResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const subscription = await subscriptionOr404(request.params.id)
      const delivery = await fastify.webhooks.redeliver(subscription.id, request.params.eventId.toLowerCase())
      if (delivery === null) {
        throw new ProblemError('not_found', `The subscription ${subscription.id} never had the event ${request.params.eventId}`)
      }
      reply.headers(noStore)
      return reply.code(202).send(presentDelivery(delivery))
    },
  )

  fastify.post(
    '/webhooks/:id/redeliver',
    {
      onRequest: admin,
      preValidation: requireMediaType('application/json'),
      schema: {
        tags: ['webhooks'],
        operationId: 'redeliverWebhookEventsSince',
        summary: 'Send again every event queued for the subscription since a moment (admin)',
        description:
          'Deliveries queued at or after `since` that succeeded or failed become pending again (each with its webhook-id), ' +
          'and go out in order. Pending ones are left as they are.',
        security: access.role('admin'),
        params: SubscriptionParams,
        body: Type.Object(
          { since: Type.String({ format: 'date-time', description: 'From this moment on (when the events were queued).' }) },
          { additionalProperties: false },
        ),
        response: {
          202: {
            description: 'Queued',
            content: {
              'application/json': {
                schema: Type.Object({ queued: Type.Integer({ minimum: 0, description: 'Deliveries queued again.' }) }),
              },
            },
          },
          ...problemResponses(400, 401, 403, 404, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const subscription = await subscriptionOr404(request.params.id)
      const queued = await fastify.webhooks.redeliverSince(subscription.id, new Date(request.body.since))
      reply.headers(noStore)
      return reply.code(202).send({ queued })
    },
  )
}

export default webhookRoutes
