// The OpenAPI 3.1 document, generated from the route schemas (never written beside them), served
// at /openapi.json and /openapi.yaml, and browsable at /docs (Swagger UI, its assets served from
// node_modules, so the page works without internet access).
import { stringify } from 'yaml'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { Facility, FacilityFields, FacilitySummary, StatusChange } from '../facilities/schemas.js'
import { unlimitedPaths } from '../plugins/rate-limit.js'
import { webhookPayloads } from '../webhooks/events.js'

type Parameter = { required?: boolean; style?: unknown; explode?: unknown; schema: Record<string, unknown> }
type Operation = { parameters?: Parameter[]; responses?: Record<string, Response> }
type OpenApiDocument = Record<string, unknown> & { paths?: Record<string, Record<string, Operation>> }
type Response = { headers?: Record<string, { required?: boolean; description?: string; schema: Record<string, unknown> }> }

const count = (description: string) => ({ schema: { type: 'string', pattern: '^[0-9]+$' }, description })

/** The headers of the rate limiter (src/plugins/rate-limit.ts, IETF draft RateLimit fields), on every answer it counts. */
const rateLimitHeaders = {
  'RateLimit-Limit': count('Requests allowed in the window, for this key or (without one) this address.'),
  'RateLimit-Remaining': count('Requests left in the window.'),
  'RateLimit-Reset': count('Seconds until the window starts afresh.'),
}
const retryAfter = { 'Retry-After': count('Seconds to wait before trying again.') }

/**
 * What route schemas cannot say the way OpenAPI wants them: a parameter with a default is not
 * required of the client (TypeBox makes it required, so handlers see the default); the
 * serialization of a list parameter belongs to the parameter, not to its schema; a response
 * header always sent is marked `x-required` in its schema (@fastify/swagger copies only the
 * schema); and the headers every counted route may send — the rate limiter's, and Retry-After with
 * a 429 or a 503 — are declared here once rather than in each route.
 */
function completeDocument({ openapiObject }: { openapiObject: Partial<OpenApiDocument> }) {
  for (const [path, operations] of Object.entries(openapiObject.paths ?? {})) {
    const counted = !unlimitedPaths.some((prefix) => path.startsWith(prefix))
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        response.headers = {
          ...(counted ? rateLimitHeaders : {}),
          ...(status === '429' || status === '503' ? retryAfter : {}),
          ...response.headers,
        }
        if (Object.keys(response.headers).length === 0) delete response.headers
      }
      for (const parameter of operation.parameters ?? []) {
        if (parameter.schema.default !== undefined) parameter.required = false
        // How a list is written in the query (`style: form, explode: false`: comma-separated) is said
        // in the parameter's schema, but belongs to the parameter.
        for (const keyword of ['style', 'explode'] as const) {
          if (parameter.schema[keyword] === undefined) continue
          parameter[keyword] = parameter.schema[keyword]
          delete parameter.schema[keyword]
        }
      }
      for (const response of Object.values(operation.responses ?? {})) {
        for (const header of Object.values(response.headers ?? {})) {
          if (header.schema['x-required'] !== true) continue
          delete header.schema['x-required']
          header.required = true
        }
      }
    }
  }
  openapiObject.webhooks = webhookOperations()
  return openapiObject
}

const webhookHeader = (name: string, description: string, example: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string', examples: [example] },
})

/**
 * What a subscriber receives (OpenAPI 3.1 `webhooks`): one POST per event type, its body, and the
 * Standard Webhooks headers that sign it (src/webhooks/sender.ts).
 */
function webhookOperations() {
  return Object.fromEntries(
    Object.entries(webhookPayloads as unknown as Record<string, { $id: string; description: string }>).map(([type, schema]) => [
      type,
      {
        post: {
          operationId: `${type.replace(/[._](.)/g, (_match, letter: string) => letter.toUpperCase())}Webhook`,
          tags: ['webhooks'],
          security: [{ webhookSignature: [] }],
          summary: `The ${type} event, posted to each subscribed URL`,
          description:
            `${schema.description} Sent to subscriptions of \`${type}\` (POST /v1/webhooks) until the receiver answers 2xx, ` +
            'with exponential backoff and jitter for about a day. Verify the signature before trusting the body ' +
            '(any Standard Webhooks library, with the secret given when subscribing), and de-duplicate on webhook-id: ' +
            'an event may arrive more than once. Events about one facility arrive in the order they happened.',
          parameters: [
            webhookHeader(
              'webhook-id',
              'The event id: the same in every attempt and redelivery of the event.',
              '0193f1c2-8a4e-7c1d-9b7a-2f4e5d6c7b8a',
            ),
            webhookHeader(
              'webhook-timestamp',
              'Seconds since the Unix epoch when this attempt was signed: refuse old ones (replays).',
              '1764489600',
            ),
            webhookHeader(
              'webhook-signature',
              'v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" with the secret>; several, space-separated, while a secret is rotated.',
              'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
            ),
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema.$id}` } } } },
          responses: {
            '200': { description: 'Received (any 2xx): the delivery is done.' },
            default: { description: 'Any other answer, or none within 10 s, is a failure: the event is sent again later.' },
          },
        },
      },
    ]),
  )
}

export default fp(
  async (fastify) => {
    fastify.addSchema(Facility)
    fastify.addSchema(FacilitySummary)
    fastify.addSchema(FacilityFields)
    fastify.addSchema(StatusChange)
    for (const payload of Object.values(webhookPayloads)) fastify.addSchema(payload)
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Linli (邻里) community facility directory',
          version: '1.0.0',
          description:
            "Hospitals, schools, kindergartens, elder care, childcare and infrastructure projects of Shenzhen's Pinghu Street, " +
            'with their status and dates.\n\n' +
            'Every path is under `/v1`; within v1 changes are only additive, and anything to be removed is announced first ' +
            'with `Deprecation` and `Sunset` headers. Errors are RFC 9457 problems (`application/problem+json`) with a ' +
            'stable `code`. Reads need no key; staff operations need `Authorization: Bearer <key>` of the role they name.',
          // Said plainly rather than left out: no licence has been chosen yet (README, "Licence").
          license: { name: 'No licence granted yet: all rights reserved (see the README, "Licence")' },
        },
        // Relative: the documented examples run against whichever server serves the document.
        servers: [{ url: '/', description: 'The server this document was fetched from' }],
        tags: [
          { name: 'facilities', description: 'Facilities and projects: search, facets, export, one in full' },
          { name: 'areas', description: 'Administrative areas: city, district, street, community' },
          { name: 'changes', description: 'The change feed, for keeping a copy of the directory in sync' },
          { name: 'hsds', description: 'Open Referral HSDS 3.0 profile (read-only): services, organizations, locations, taxonomy' },
          { name: 'suggestions', description: "Residents' corrections, and their moderation by editors" },
          { name: 'clients', description: 'API keys (admin)' },
          { name: 'webhooks', description: 'Change notifications posted to subscribed URLs, signed the Standard Webhooks way (admin)' },
          { name: 'staff', description: 'Staff sign-in for the console at /staff (a session cookie instead of the key)' },
          { name: 'health', description: 'Liveness and readiness, for load balancers and orchestrators' },
          { name: 'operations', description: 'For the operator of a server, not for apps: metrics (docs/operations.md)' },
        ],
        components: {
          securitySchemes: {
            apiKey: {
              type: 'http',
              scheme: 'bearer',
              description:
                'A client key (`npm run keys -- create`), sent as `Authorization: Bearer lk_…`. Each key has a role: reader, editor or admin.',
            },
            webhookSignature: {
              type: 'apiKey',
              in: 'header',
              name: 'webhook-signature',
              description:
                'How a receiver knows a webhook delivery comes from this server: the Standard Webhooks signature, ' +
                'HMAC-SHA256 with the secret (whsec_…) given when subscribing, over "{webhook-id}.{webhook-timestamp}.{body}".',
            },
            staffSession: {
              type: 'apiKey',
              in: 'cookie',
              name: 'linli_staff',
              description:
                'A staff session (POST /staff/session with a key), only on /staff. It acts as its key would; every state-changing ' +
                "request also needs the session's CSRF token.",
            },
            metricsToken: {
              type: 'http',
              scheme: 'bearer',
              description: "The server's METRICS_TOKEN, when it is set (docs/operations.md); not a client key.",
            },
          },
        },
      },
      // Every shared schema has an $id, which names its component: no `def-0` in the document.
      refResolver: {
        buildLocalReference: (json) => {
          if (typeof json.$id !== 'string') throw new Error(`a shared schema has no $id: ${JSON.stringify(json).slice(0, 80)}`)
          return json.$id
        },
      },
      transformObject: completeDocument as never,
    })
    await fastify.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, tryItOutEnabled: true } })
    fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
    fastify.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) =>
      // Without aliases: a document this size otherwise exceeds what YAML parsers accept as anchors.
      reply.type('application/yaml; charset=utf-8').send(stringify(fastify.swagger(), { aliasDuplicateObjects: false })),
    )
  },
  { name: 'openapi', dependencies: ['problems'] },
)
