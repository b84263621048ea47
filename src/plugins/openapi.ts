// The OpenAPI 3.1 document, generated from the route schemas and served at /openapi.json.
import swagger from '@fastify/swagger'
import fp from 'fastify-plugin'
import { Facility, FacilitySummary } from '../facilities/schemas.js'

export default fp(
  async (fastify) => {
    fastify.addSchema(Facility)
    fastify.addSchema(FacilitySummary)
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Linli (邻里) community facility directory',
          version: '1.0.0',
          description:
            "Hospitals, schools, kindergartens, elder care, childcare and infrastructure projects of Shenzhen's Pinghu Street, with their status and dates.",
        },
        tags: [
          { name: 'facilities', description: 'Facilities and projects' },
          { name: 'areas', description: 'Administrative areas' },
          { name: 'changes', description: 'The change feed, for keeping a copy in sync' },
          { name: 'health', description: 'Liveness and readiness' },
        ],
        components: {
          securitySchemes: {
            apiKey: {
              type: 'http',
              scheme: 'bearer',
              description: 'An API key (`npm run keys -- create`), sent as `Authorization: Bearer lk_…`. Roles: reader, editor, admin.',
            },
          },
        },
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    })
    fastify.get('/openapi.json', { schema: { hide: true } }, async () => fastify.swagger())
  },
  { name: 'openapi', dependencies: ['problems'] },
)
