// The OpenAPI 3.1 document, generated from the route schemas (never written beside them), served
// at /openapi.json and /openapi.yaml, and browsable at /docs (Swagger UI, its assets served from
// node_modules, so the page works without internet access).
import { stringify } from 'yaml'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { Facility, FacilitySummary, StatusChange } from '../facilities/schemas.js'
import { unlimitedPaths } from '../plugins/rate-limit.js'

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
  return openapiObject
}

export default fp(
  async (fastify) => {
    fastify.addSchema(Facility)
    fastify.addSchema(FacilitySummary)
    fastify.addSchema(StatusChange)
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
