// Publishes the open database as `fastify.db`. The database is opened (and closed) by whoever
// builds the app, so the server, the tests and the CLI share one way of opening it.
import fp from 'fastify-plugin'
import type { Database } from '../db/database.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
  }
}

export default fp<{ database: Database }>(
  async (fastify, options) => {
    fastify.decorate('db', options.database)
  },
  { name: 'database' },
)
