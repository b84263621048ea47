// The one seam between HTTP and the database: the services routes, pages and plugins read and
// write through, as decorators. The database is opened (and closed) by whoever builds the app,
// so the server, the tests and the CLI share one way of opening it; nothing above this plugin
// sees Prisma or SQL.
import fp from 'fastify-plugin'
import { type AreaDirectory, areaDirectory } from '../areas/directory.js'
import { type IdempotencyKeys, idempotencyKeys } from '../clients/idempotency.js'
import { type ClientRegistry, clientRegistry } from '../clients/keys.js'
import { type SessionLifetimes, type StaffSessions, staffSessions } from '../clients/sessions.js'
import type { Database, DatabaseEngine, PoolUse } from '../db/database.js'
import { type ChangeFeed, changeFeed } from '../facilities/change-log.js'
import { type FacilityService, facilityService } from '../facilities/service.js'
import { type SuggestionService, suggestionService } from '../suggestions/service.js'
import { type WebhookService, webhookService } from '../webhooks/service.js'

declare module 'fastify' {
  interface FastifyInstance {
    facilities: FacilityService
    changeFeed: ChangeFeed
    areas: AreaDirectory
    clients: ClientRegistry
    /** Answers to writes sent with an Idempotency-Key (src/http/idempotency.ts). */
    idempotencyKeys: IdempotencyKeys
    /** Staff members' signed-in browsers (src/console/session.ts). */
    staffSessions: StaffSessions
    /** Residents' corrections and their moderation. */
    suggestions: SuggestionService
    /** Webhook subscriptions, and the deliveries the worker claims and settles. */
    webhooks: WebhookService
    database: {
      engine: DatabaseEngine
      /** Resolves when the database (and its read replica, if any) answers a query. */
      ping: () => Promise<void>
      /** Connections in use, idle and awaited, by pool (for /metrics). */
      pools: () => PoolUse[]
    }
  }
}

export default fp<{ database: Database; sessionLifetimes?: SessionLifetimes; searchIndex?: boolean }>(
  async (fastify, { database, sessionLifetimes, searchIndex = true }) => {
    const { prisma } = database
    const facilities = facilityService(database)
    fastify.decorate('facilities', facilities)
    if (searchIndex) {
      // The app is ready once the read index is built (after the server prepared the database).
      // Never started, the index declines every search, and the SQL answers.
      fastify.addHook('onReady', () => facilities.readIndex.start())
      fastify.addHook('onClose', () => facilities.readIndex.close())
    }
    fastify.decorate('suggestions', suggestionService(prisma, facilities))
    fastify.decorate('staffSessions', staffSessions(prisma, sessionLifetimes))
    fastify.decorate('changeFeed', changeFeed(database))
    fastify.decorate('areas', areaDirectory(prisma))
    fastify.decorate('webhooks', webhookService(prisma))
    fastify.decorate('clients', clientRegistry(prisma))
    fastify.decorate('idempotencyKeys', idempotencyKeys(prisma))
    fastify.decorate('database', {
      engine: database.engine,
      ping: () => database.ping(),
      pools: () => database.pools(),
    })
  },
  { name: 'services' },
)
