// Brings a database up to date at start-up: applies pending migrations, then loads the seed data
// into a database that has no facilities yet.
import type { FastifyBaseLogger } from 'fastify'
import { seedDatabase } from '../seed/seed.js'
import type { Database } from './database.js'
import { applyMigrations } from './schema-engine.js'

export async function prepareDatabase(
  database: Database,
  options: { seed: boolean; log: Pick<FastifyBaseLogger, 'info'> },
): Promise<void> {
  const applied = await applyMigrations(database.adapterFactory)
  if (applied.length > 0) options.log.info({ migrations: applied }, 'applied migrations')
  if (options.seed && (await database.prisma.facility.count()) === 0) {
    const report = await seedDatabase(database.prisma)
    options.log.info({ seed: report }, 'loaded seed data into the empty database')
  }
}
