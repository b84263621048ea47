// Brings a database up to date at start-up: applies pending migrations, recomputes the search
// columns if the rules deriving them changed, then loads the seed data into a database that has no
// facilities yet.
import type { FastifyBaseLogger } from 'fastify'
import { refreshSearchText } from './facilities/search/refresh.js'
import { seedDatabase } from './seed/seed.js'
import type { PrismaClient } from './generated/prisma/client.js'
import type { Database } from './db/database.js'
import { applyMigrations, migrationNames } from './db/schema-engine.js'

/**
 * Whether the migrations folder has one that `_prisma_migrations` does not record as finished, or
 * the table records a failed one. Read without the schema engine: once loaded, its Wasm stays in
 * the server's memory (about 35 MB), and at almost every start there is nothing to apply.
 */
async function migrationsPending(prisma: PrismaClient): Promise<boolean> {
  const [table] = await prisma.$queryRaw<{ exists: boolean }[]>`
    SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`
  if (!table?.exists) return true
  const recorded = await prisma.$queryRaw<{ name: string; finished: boolean }[]>`
    SELECT migration_name AS name, finished_at IS NOT NULL AS finished FROM _prisma_migrations
    WHERE rolled_back_at IS NULL`
  // A failed migration is the engine's to report, as it does for `prisma migrate deploy`.
  if (recorded.some((migration) => !migration.finished)) return true
  const finished = new Set(recorded.map((migration) => migration.name))
  return (await migrationNames()).some((name) => !finished.has(name))
}

export async function prepareDatabase(database: Database, options: { seed: boolean; log: Pick<FastifyBaseLogger, 'info'> }): Promise<void> {
  const applied = (await migrationsPending(database.prisma)) ? await applyMigrations(database.adapterFactory) : []
  if (applied.length > 0) options.log.info({ migrations: applied }, 'applied migrations')
  const refreshed = await refreshSearchText(database.prisma)
  if (refreshed !== null && refreshed > 0) options.log.info({ facilities: refreshed }, 'recomputed search text by the current rules')
  if (options.seed && (await database.prisma.facility.count()) === 0) {
    const report = await seedDatabase(database.prisma)
    options.log.info({ seed: report }, 'loaded seed data into the empty database')
  }
}
