// Browser-facing defaults. CORS: anyone's page may read the directory (GET, HEAD, without a key);
// only the origins the operator lists (CORS_ORIGINS) may write or send a key from a browser.
// Security headers (helmet): nosniff, no referrer across origins, no framing, and a Content
// Security Policy that lets only this server's own scripts and styles run — which is all the
// /docs page (Swagger UI, served from node_modules) needs.
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export interface SecurityOptions {
  /** Origins (scheme://host[:port]) whose pages may write with a key. */
  writeOrigins: readonly string[]
}

const readMethods = ['GET', 'HEAD']
const writeHeaders = ['authorization', 'content-type', 'if-match', 'if-none-match', 'accept', 'accept-language']
/** What a page may read of an answer: paging, versions, limits. */
const exposedHeaders = [
  'etag',
  'last-modified',
  'link',
  'location',
  'content-language',
  'retry-after',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]

/** The method a request is, or (a preflight) asks permission for. */
const intendedMethod = (request: FastifyRequest) =>
  request.method === 'OPTIONS' ? String(request.headers['access-control-request-method'] ?? '').toUpperCase() : request.method

export default fp<SecurityOptions>(
  async (fastify, options) => {
    await fastify.register(cors, {
      hideOptionsRoute: true,
      delegator: (request, callback) => {
        if (readMethods.includes(intendedMethod(request as FastifyRequest))) {
          // Reads from anywhere, without credentials: a preflight allows no Authorization header.
          callback(null, {
            origin: '*',
            methods: readMethods,
            allowedHeaders: ['accept', 'accept-language', 'if-none-match'],
            exposedHeaders,
            maxAge: 600,
          })
          return
        }
        callback(null, {
          origin: [...options.writeOrigins],
          methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
          allowedHeaders: writeHeaders,
          exposedHeaders,
          maxAge: 600,
        })
      },
    })
    await fastify.register(helmet, {
      // An open API: other origins' pages may load its answers (CORS decides what they can read).
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      referrerPolicy: { policy: 'no-referrer' },
    })
  },
  { name: 'security' },
)
