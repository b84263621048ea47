// The application as a Fastify plugin, and the one function that builds a server around it —
// used by src/server.ts and by the tests alike, so both validate and serialise the same way.
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import fp from 'fastify-plugin'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Database } from './db/database.js'
import cachingPlugin from './http/caching.js'
import answerCachePlugin from './http/answer-cache.js'
import servicesPlugin from './plugins/services.js'
import problemsPlugin, { clientErrorHandler, frameworkErrors } from './http/error-handler.js'
import idempotencyPlugin from './http/idempotency.js'
import inputGuardPlugin from './http/input-guard.js'
import securityPlugin from './http/security.js'
import openapiPlugin from './http/openapi.js'
import { compilersFactory } from './http/compiled-schemas.js'
import requestIdPlugin, { requestIdOf } from './http/request-id.js'
import authPlugin from './plugins/auth.js'
import { defaultRateLimits, type RateLimits } from './config.js'
import rateLimitPlugin from './plugins/rate-limit.js'
import schedulerPlugin from './plugins/scheduler.js'
import webhookDeliveryPlugin, { type WebhookDeliveryOptions } from './plugins/webhook-delivery.js'
import webhookRoutes from './api/v1/webhooks.js'
import type { SessionLifetimes } from './clients/sessions.js'
import staffSessionPlugin from './console/session.js'
import staffSignInRoutes from './console/sign-in.js'
import suggestionRoutes from './api/v1/suggestions.js'
import clientRoutes from './api/v1/clients.js'
import metricsPlugin from './plugins/metrics.js'
import healthRoutes from './api/health.js'
import metricsRoutes from './api/metrics.js'
import areaRoutes from './api/v1/areas.js'
import facilityRoutes from './api/v1/facilities.js'
import facetRoutes from './api/v1/facets.js'
import exportRoutes from './api/v1/export.js'
import facilityRoute from './api/v1/facility.js'
import facilityWriteRoutes from './api/v1/facility-writes.js'
import changeRoutes from './api/v1/changes.js'
import importRoutes from './api/v1/imports.js'
import hsdsRoutes from './hsds/routes.js'
import mcpRoutes from './mcp/http.js'
import webRoutes from './web/routes.js'
import type { MapTiles } from './web/map.js'

export interface AppOptions {
  database: Database
  /** The clock "open now" and scheduled changes are decided by; tests inject their own. */
  clock?: () => Date
  /** Requests a minute by key and by anonymous address (the defaults unless given); false for none. */
  rateLimits?: RateLimits | false
  /** Origins whose browser pages may write (CORS); reads are open to any origin. None unless given. */
  corsOrigins?: readonly string[]
  /** Idle and absolute lifetimes of staff sessions (defaultSessionLifetimes unless given). */
  sessionLifetimes?: SessionLifetimes
  /** The residents' map tiles (MAP_TILE_URL …); without them the pages show no map. */
  mapTiles?: MapTiles
  /** When given, GET /metrics answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string
  /** Webhook delivery: private targets refused and the defaults of src/plugins/webhook-delivery.ts unless given. */
  webhooks?: WebhookDeliveryOptions
  /** Whether searches are answered from the in-memory read index where it can (yes unless told not). */
  searchIndex?: boolean
  /** Bytes of public answers kept in memory and sent again while still current (src/http/answer-cache.ts); 0 for none. */
  answerCacheBytes?: number
}

/** 16 MiB: this minute's popular answers (a page of 20 is 10–20 KB, a facility 2–3 KB). */
export const defaultAnswerCacheBytes = 16 * 1024 * 1024

declare module 'fastify' {
  interface FastifyInstance {
    clock: () => Date
  }
}

export const app = fp<AppOptions>(
  async (fastify, options) => {
    // Shared plugins first, then routes.
    fastify.decorate('clock', options.clock ?? (() => new Date()))
    await fastify.register(requestIdPlugin)
    await fastify.register(problemsPlugin)
    await fastify.register(inputGuardPlugin)
    await fastify.register(securityPlugin, { writeOrigins: options.corsOrigins ?? [] })
    await fastify.register(cachingPlugin)
    await fastify.register(servicesPlugin, {
      database: options.database,
      sessionLifetimes: options.sessionLifetimes,
      searchIndex: options.searchIndex ?? true,
    })
    await fastify.register(metricsPlugin)
    await fastify.register(answerCachePlugin, {
      maxBytes: options.answerCacheBytes ?? defaultAnswerCacheBytes,
      generation: () => fastify.facilities.answersGeneration(),
    })
    await fastify.register(authPlugin)
    // After caching: the answer it stores carries the ETag caching sets.
    await fastify.register(idempotencyPlugin)
    // A staff session cookie identifies the client as its key would, on /staff pages.
    await fastify.register(staffSessionPlugin)
    // After auth: the budget depends on the request's client.
    const rateLimits = options.rateLimits ?? defaultRateLimits
    if (rateLimits !== false) await fastify.register(rateLimitPlugin, rateLimits)
    await fastify.register(schedulerPlugin)
    await fastify.register(webhookDeliveryPlugin, options.webhooks ?? { allowPrivateTargets: false })
    await fastify.register(openapiPlugin)
    await fastify.register(healthRoutes)
    await fastify.register(metricsRoutes, { token: options.metricsToken })
    await fastify.register(areaRoutes, { prefix: '/v1' })
    await fastify.register(facilityRoutes, { prefix: '/v1' })
    await fastify.register(facetRoutes, { prefix: '/v1' })
    await fastify.register(exportRoutes, { prefix: '/v1' })
    await fastify.register(facilityRoute, { prefix: '/v1' })
    await fastify.register(facilityWriteRoutes, { prefix: '/v1' })
    await fastify.register(changeRoutes, { prefix: '/v1' })
    await fastify.register(importRoutes, { prefix: '/v1' })
    await fastify.register(hsdsRoutes, { prefix: '/hsds' })
    await fastify.register(mcpRoutes)
    await fastify.register(suggestionRoutes, { prefix: '/v1' })
    await fastify.register(clientRoutes, { prefix: '/v1' })
    await fastify.register(webhookRoutes, { prefix: '/v1' })
    await fastify.register(staffSignInRoutes)
    await fastify.register(webRoutes, { mapTiles: options.mapTiles })
  },
  { name: 'linli' },
)

/** Where log lines go: standard output unless told otherwise (a test reading them). */
export interface LogStream {
  write(line: string): void
}

export function serverOptions(
  logLevel: string,
  logStream?: LogStream,
  trustProxy: boolean | number | string = false,
): FastifyServerOptions {
  return {
    // Behind a proxy (TRUST_PROXY): the client's address and protocol come from X-Forwarded-*.
    // A number of hops as the function proxy-addr would make of it (Fastify's types take no number).
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    logger: {
      level: logLevel,
      ...(logStream === undefined ? {} : { stream: logStream }),
      // Keys, session cookies and residents' contact details are secrets: never let them reach a
      // log line (none is logged by default; this holds if a serializer ever adds them).
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'req.body.contact', '*.contact'],
    },
    ajv: {
      customOptions: {
        // Unknown parameters are refused (400 naming them) instead of silently dropped.
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: true,
        // OpenAPI's serialization keywords of a parameter (comma-separated lists), not validation.
        keywords: ['style', 'explode'],
      },
    },
    // A well-formed incoming X-Request-Id names the request, else a new UUID (src/http/request-id.ts);
    // every log line of the request carries it as requestId.
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    routerOptions: { ignoreTrailingSlash: true },
    // Errors raised before routing, and requests Node's parser refuses, answer in the one problem shape too.
    frameworkErrors,
    clientErrorHandler,
    bodyLimit: 1024 * 1024,
    schemaController: { compilersFactory },
  }
}

export async function buildApp(
  options: AppOptions & { logLevel: string; logStream?: LogStream; trustProxy?: boolean | number | string },
): Promise<FastifyInstance> {
  const fastify = Fastify(serverOptions(options.logLevel, options.logStream, options.trustProxy)).withTypeProvider<TypeBoxTypeProvider>()
  // Closing waits for the responses in flight. The connection of each, kept alive, would then be
  // held open by Node until its keep-alive timeout (5 s), and the process with it: it is closed as
  // soon as its response has ended.
  let closing = false
  fastify.addHook('preClose', async () => {
    closing = true
  })
  fastify.addHook('onResponse', async () => {
    if (closing) setImmediate(() => fastify.server.closeIdleConnections())
  })
  await fastify.register(app, {
    database: options.database,
    clock: options.clock,
    rateLimits: options.rateLimits,
    corsOrigins: options.corsOrigins,
    sessionLifetimes: options.sessionLifetimes,
    mapTiles: options.mapTiles,
    metricsToken: options.metricsToken,
    webhooks: options.webhooks,
    searchIndex: options.searchIndex,
    answerCacheBytes: options.answerCacheBytes,
  })
  return fastify
}
