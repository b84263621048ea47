import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemError } from '../errors.js'

const Health = Type.Object({ status: Type.Literal('ok') })

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        operationId: 'getLiveness',
        summary: 'The process is up',
        response: { 200: Health },
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
        summary: 'The service can answer requests: its database answers',
        response: { 200: Health, 503: Type.Ref('Problem') },
      },
    },
    async (request) => {
      try {
        await fastify.db.prisma.$queryRaw`SELECT 1`
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed')
        throw new ProblemError('service_unavailable', 'The database does not answer')
      }
      return { status: 'ok' as const }
    },
  )
}

export default healthRoutes
