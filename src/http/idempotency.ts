// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on the writes that are not idempotent
// by themselves (POSTs that create something or change a status). A client that sends a write
// and loses the answer — a timeout, a dropped connection — retries with the same key and gets the
// first answer again, marked `Idempotent-Replayed: true`, instead of a second facility or a
// second status change. Keys belong to the client (two clients may use the same key), last a day,
// and name one request: the same key with another method, path, query or body is refused (422);
// while the first request is still being answered, a retry is refused (409) — it may try again.
//
// Routes opt in with `config: { idempotent: true }`; the header and its two problems are then added
// to the route's schema, so the OpenAPI document describes them. A write that ended in a server
// error (5xx) keeps nothing: the key can be used again. The answer is stored before it is sent,
// so once a client has seen it, a retry replays it. A process that dies between the write and
// storing its answer leaves the key "in progress": retries are refused until the key expires and
// say so, and the client checks the facility (its history, the change feed) before using a new key.
import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Type, type TObject, type TProperties } from 'typebox'
import { ProblemError, problemResponses } from './problems.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route honours Idempotency-Key (a key is needed: keys are stored per client). */
    idempotent?: boolean
  }
  interface FastifyRequest {
    /** The Idempotency-Key this request claimed, to store its answer under. */
    idempotencyKey: string | null
  }
}

const header = 'idempotency-key'

/** The request header, as route schemas declare it. */
const IdempotencyKeyHeader = Type.String({
  description:
    'Any unique value (a UUID, say) naming this write, up to 255 printable ASCII characters, bare or as a quoted ' +
    'structured-field string. Sent again with the same request within 24 hours, it replays the first answer ' +
    '(with `Idempotent-Replayed: true`) instead of writing twice; with another request it is refused (422); ' +
    'while the first request is still being answered, 409.',
  pattern: '^(?:"[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]{1,255}"|[\\x21\\x23-\\x7E]{1,255})$',
  examples: ['"8e03978e-40d5-43e8-bc93-6894a57f9324"'],
})

/** A request whose first answer is older than this is taken to have died without one. */
const abandonedAfterMs = 60_000

/** Headers of an answer worth replaying; the rest (Date, rate limits, …) belong to each response. */
const replayedHeaders = ['content-type', 'location', 'etag', 'cache-control', 'content-language', 'vary']

const unquote = (value: string) => (value.startsWith('"') ? value.slice(1, -1) : value)

/** What makes two requests "the same request" for a key. */
function fingerprintOf(request: FastifyRequest): string {
  const body = request.body
  const bodyBytes =
    body === undefined || body === null ? '' : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n${JSON.stringify(request.query)}\n`)
    .update(bodyBytes)
    .digest('base64url')
}

export default fp(
  async (fastify) => {
    fastify.decorateRequest('idempotencyKey', null)

    fastify.addHook('onRoute', (route) => {
      if (route.config?.idempotent !== true || route.schema === undefined) return
      const schema = route.schema
      const headers = schema.headers as TObject<TProperties> | undefined
      schema.headers = Type.Object({ ...(headers?.properties ?? {}), [header]: Type.Optional(IdempotencyKeyHeader) })
      const responses = (schema.response ?? {}) as Record<string, unknown>
      const added = problemResponses(409, 422)
      schema.response = { ...responses, ...Object.fromEntries(Object.entries(added).filter(([status]) => !(status in responses))) }
    })

    fastify.addHook('preHandler', async (request, reply) => {
      const value = request.headers[header]
      const client = request.client
      if (request.routeOptions.config.idempotent !== true || typeof value !== 'string' || client === null) return
      const key = unquote(value)
      const claim = await fastify.idempotencyKeys.claim(client.id, key, fingerprintOf(request), fastify.clock())
      switch (claim.kind) {
        case 'claimed':
          request.idempotencyKey = key
          return
        case 'mismatch':
          throw new ProblemError(
            'idempotency_key_reused',
            'This Idempotency-Key was used for another request (another path, query or body); use a new key for a new request.',
          )
        case 'in_progress':
          throw new ProblemError(
            'idempotency_key_in_use',
            fastify.clock().getTime() - claim.since.getTime() < abandonedAfterMs
              ? 'The first request with this Idempotency-Key is still being answered; retry in a moment.'
              : 'The first request with this Idempotency-Key was not answered (the server stopped); whether it took effect ' +
                  'is unknown. Look at the facility (its history or the change feed) before sending it again with a new key.',
          )
        case 'answered': {
          const { answer } = claim
          for (const [name, headerValue] of Object.entries(answer.headers)) reply.header(name, headerValue)
          reply.header('idempotent-replayed', 'true')
          return reply.code(answer.status).send(answer.body)
        }
      }
    })

    fastify.addHook('onSend', async (request, reply, payload) => {
      const key = request.idempotencyKey
      const client = request.client
      if (key === null || client === null) return payload
      request.idempotencyKey = null
      if (reply.statusCode >= 500 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
        await fastify.idempotencyKeys.release(client.id, key)
        return payload
      }
      const headers: Record<string, string> = {}
      for (const name of replayedHeaders) {
        const headerValue = reply.getHeader(name)
        if (headerValue !== undefined) headers[name] = String(headerValue)
      }
      await fastify.idempotencyKeys.answer(client.id, key, { status: reply.statusCode, headers, body: payload.toString() })
      return payload
    })

    // A request that ended without reaching onSend (the connection dropped first) gives its key back.
    fastify.addHook('onResponse', async (request) => {
      const key = request.idempotencyKey
      if (key !== null && request.client !== null) await fastify.idempotencyKeys.release(request.client.id, key)
    })
  },
  { name: 'idempotency', dependencies: ['services', 'caching'] },
)
