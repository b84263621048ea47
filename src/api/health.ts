import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError, problemResponses } from '../http/problems.js'
import { cacheHeaders, notModified } from '../http/caching.js'
import { access } from '../http/access.js'

const Health = Type.Object({ status: Type.Literal('ok') }, { examples: [{ status: 'ok' }] })
const healthy = {
  description: 'Healthy. `Cache-Control: no-store`: a cache must never answer for the service.',
  headers: { ...cacheHeaders, 'Cache-Control': { ...cacheHeaders['Cache-Control'], examples: ['no-store'] } },
  content: { 'application/json': { schema: Health } },
}
// Like every endpoint, the probes refuse parameters they do not know.
const noParameters = Type.Object({}, { additionalProperties: false })

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // A cached "ready" could outlive the database: probes are always answered afresh.
  fastify.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
  })

  fastify.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        operationId: 'getLiveness',
        security: access.none,
        summary: 'The process is up',
        description: 'Answers as long as the process runs, whatever the database does: restart the process when it does not.',
        querystring: noParameters,
        response: { 200: healthy, 304: notModified, ...problemResponses(400) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  fastify.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        operationId: 'getReadiness',
        security: access.none,
        summary: 'The service can answer requests: its database answers',
        description: 'Send traffic only while this answers 200; a 503 means the database does not answer.',
        querystring: noParameters,
        response: { 200: healthy, 304: notModified, ...problemResponses(400, 503) },
      },
    },
    async (request) => {
      try {
        await fastify.database.ping()
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed')
        throw new ProblemError('service_unavailable', 'The database does not answer')
      }
      return { status: 'ok' as const }
    },
  )
}

export default healthRoutes
