// Rate limits: a budget of requests a minute for each API key (its own rateLimitPerMinute, else
// its role's) and for each address of anonymous callers, counted by @fastify/rate-limit. Its
// hook is added to each route, and route hooks run after the app-level onRequest hook of the
// auth plugin, so request.client is known when the budget is chosen.
import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { ProblemError } from '../http/problems.js'
import { defaultRouteLimits, type RateLimits } from '../config.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A stricter budget of its own for a route anyone may call to write something, counted per
     * address whatever key is sent: suggestions an hour, sign-in attempts a quarter of an hour.
     */
    rateLimitAs?: keyof typeof routeWindows
  }
}

const routeWindows = { suggestions: 3_600_000, signIns: 900_000 }

/** Monitoring (probes, metrics) and documentation (the OpenAPI document in any format, its browsable /docs) must always be reachable. */
// Fingerprinted assets are fetched once per browser and cached for a year: not worth a budget.
export const unlimitedPaths = ['/health/', '/metrics', '/openapi.', '/docs', '/assets/']

const budgetOf = (limits: RateLimits, request: FastifyRequest) =>
  request.client === null ? limits.anonymous : (request.client.rateLimitPerMinute ?? limits[request.client.role])

/** A connected Redis, or an error naming the variable and the cause, so the server does not start. */
async function connectStore(url: string, log: FastifyBaseLogger): Promise<Redis> {
  // Fail fast rather than queue: while the store is unreachable requests are served unlimited
  // (skipOnError below) instead of waiting for it.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1, enableOfflineQueue: false })
  // The error event names the cause (ECONNREFUSED, ENOTFOUND); connect() only says it closed.
  let cause: Error | undefined
  const remember = (err: Error) => {
    cause = err
  }
  redis.on('error', remember)
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    throw new Error(`the rate-limit store RATE_LIMIT_REDIS_URL cannot be reached: ${(cause ?? (error as Error)).message}`)
  }
  redis.off('error', remember)
  redis.on('error', (err) => log.warn({ err }, 'rate-limit store unreachable: requests are not limited meanwhile'))
  return redis
}

export default fp<RateLimits>(
  async (fastify, limits) => {
    const windowMs = limits.windowMs ?? 60_000
    const redis = limits.redisUrl === undefined ? undefined : await connectStore(limits.redisUrl, fastify.log)
    if (redis !== undefined) {
      fastify.addHook('onClose', async () => {
        // quit() waits for pending replies, but refuses while the store is unreachable.
        if (redis.status === 'ready') await redis.quit()
        else redis.disconnect()
      })
    }

    // Before the rate-limit plugin's own onRoute hook, which reads config.rateLimit.
    fastify.addHook('onRoute', (route) => {
      const name = route.config?.rateLimitAs
      if (name === undefined) return
      route.config = {
        ...route.config,
        rateLimit: {
          max: limits[name] ?? defaultRouteLimits[name],
          timeWindow: limits.windowMs ?? routeWindows[name],
          keyGenerator: (request: FastifyRequest) => `${name}:${normalizeIP(request.ip)}`,
        },
      }
    })

    await fastify.register(rateLimit, {
      enableDraftSpec: true,
      timeWindow: windowMs,
      ...(redis === undefined ? {} : { redis, nameSpace: 'linli:rate-limit:', skipOnError: true }),
      keyGenerator: (request) => (request.client === null ? `ip:${normalizeIP(request.ip)}` : `client:${request.client.id}`),
      max: async (request) => budgetOf(limits, request),
      allowList: (request) => unlimitedPaths.some((path) => request.routeOptions.url?.startsWith(path) === true),
      errorResponseBuilder: (request, context) => {
        const name = request.routeOptions.config.rateLimitAs
        if (name !== undefined) {
          const what = name === 'suggestions' ? 'suggestions' : 'sign-in attempts'
          const window = (limits.windowMs ?? routeWindows[name]) / 1000
          return new ProblemError(
            'rate_limited',
            `This address may make ${context.max} ${what} per ${window} s; retry in ${context.after}.`,
          )
        }
        return new ProblemError(
          'rate_limited',
          `${request.client === null ? 'This address' : `The key "${request.client.name}"`} may make ${context.max} requests per ${windowMs / 1000} s; retry in ${context.after}.`,
        )
      },
    })
  },
  { name: 'rate-limit', dependencies: ['auth', 'problems'] },
)
