// Every request has an id: the caller's X-Request-Id when it is well-formed (a proxy or a client
// that already named the request), otherwise a new UUID. It is on every log line of the request
// (Fastify's request logger), in the X-Request-Id response header and in every problem body, so a
// person reporting an error and the operator reading the logs talk about the same request.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'

/** Printable and short: an id is copied into log lines and headers, never trusted as anything else. */
const wellFormed = /^[A-Za-z0-9._:@+=/-]{1,128}$/

/** Fastify's genReqId: the incoming X-Request-Id when well-formed, else a new UUID. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && wellFormed.test(given) ? given : randomUUID()
}

export default fp(
  async (fastify) => {
    fastify.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id)
    })
  },
  { name: 'request-id' },
)
