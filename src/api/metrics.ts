// GET /metrics: the Prometheus text exposition of src/plugins/metrics.ts, for the operator's
// scraper. Never rate-limited; when METRICS_TOKEN is set, only a request bearing it is answered.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError, problemResponses } from '../http/problems.js'

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const metricsRoutes: FastifyPluginAsyncTypebox<{ token?: string }> = async (fastify, { token }) => {
  fastify.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getMetrics',
        // Not an API key: the server's METRICS_TOKEN, when it has one.
        security: [{}, { metricsToken: [] }],
        summary: 'Metrics for Prometheus',
        description:
          'Request counts and durations by route pattern and status (`http_request_duration_seconds`), PostgreSQL connections ' +
          'in use, idle and awaited (`linli_database_connections`, `linli_database_waiting_queries`), scheduled status changes ' +
          'pending and due (`linli_scheduled_status_changes`), and the process (CPU, memory, event-loop delay, GC), in ' +
          "Prometheus's text format. Each server process answers for itself: scrape every process. When the server has a " +
          '`METRICS_TOKEN`, send it as `Authorization: Bearer <token>`. Not rate-limited.',
        querystring: Type.Object({}, { additionalProperties: false }),
        response: {
          200: {
            description: 'The metrics, in the Prometheus text exposition format 0.0.4',
            content: { 'text/plain': { schema: Type.String({ examples: ['# TYPE http_request_duration_seconds histogram\n…'] }) } },
          },
          ...problemResponses(400, 401),
        },
      },
    },
    async (request, reply) => {
      if (token !== undefined && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
        throw new ProblemError('unauthorized', 'The metrics need the Authorization: Bearer <METRICS_TOKEN> header')
      }
      reply.header('cache-control', 'no-store')
      return reply.type(fastify.metrics.contentType).send(await fastify.metrics.metrics())
    },
  )
}

export default metricsRoutes
