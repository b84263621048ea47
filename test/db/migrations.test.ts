import t from 'tap'
import { applyMigrations, migrationDrift, readMigrations } from '../../src/db/schema-engine.js'
import type { Database } from '../../src/db/database.js'
import { prepareDatabase } from '../../src/prepare.js'
import { forEachDatabase, openTestDatabase, testEngines } from '../helper.js'

forEachDatabase(t, 'migrations', async (t, engine) => {
  const database = await openTestDatabase(t, engine)
  const { migrationDirectories } = await readMigrations()
  const names = migrationDirectories.map((directory) => directory.path)

  t.test('apply every migration to an empty database, then nothing the second time', async (t) => {
    t.same(await applyMigrations(database.adapterFactory), names)
    t.same(await applyMigrations(database.adapterFactory), [])
  })

  t.test('are recorded in _prisma_migrations as the Prisma CLI records them', async (t) => {
    const rows = await database.prisma.$queryRaw<{ migration_name: string; checksum: string; finished_at: Date | null }[]>`
      SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`
    t.same(
      rows.map((row) => row.migration_name),
      names,
    )
    for (const row of rows) {
      t.match(row.checksum, /^[0-9a-f]{64}$/, `${row.migration_name} has a SHA-256 checksum`)
      t.ok(row.finished_at instanceof Date, `${row.migration_name} finished`)
    }
  })

  t.test('start-up leaves an up-to-date database alone, and hands a failed migration to the engine', async (t) => {
    const log = { info: (fields: object) => t.fail(`nothing to log: ${JSON.stringify(fields)}`) }
    await prepareDatabase(database, { seed: false, log })
    const last = names.at(-1)!
    await database.prisma.$executeRaw`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = ${last}`
    await t.rejects(prepareDatabase(database, { seed: false, log }), { message: new RegExp(last) })
    await database.prisma.$executeRaw`UPDATE _prisma_migrations SET finished_at = now() WHERE migration_name = ${last}`
  })

  // The Wasm engine cannot describe a schema through node-postgres (it fails on a `"char"` column
  // of pg_catalog), so the drift check runs on PGlite, and PostgreSQL is compared with PGlite below.
  if (engine === 'pglite') {
    t.test('produce exactly the schema in schema.prisma (no drift)', async (t) => {
      const drift = await migrationDrift(database.adapterFactory)
      t.equal(drift.trim(), '-- This is an empty migration.')
    })
  }
})

/**
 * Tables, columns, enums, indexes and constraints of the public schema, in a stable order. PGlite is
 * a newer PostgreSQL that also lists NOT NULL as constraints; nullability is compared via columns.
 */
async function describeSchema(database: Database) {
  const columns = await database.prisma.$queryRaw<unknown[]>`
    SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = 'public'
    ORDER BY table_name, column_name`
  const enums = await database.prisma.$queryRaw<unknown[]>`
    SELECT t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
    ORDER BY t.typname, e.enumsortorder`
  const indexes = await database.prisma.$queryRaw<unknown[]>`
    SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`
  const constraints = await database.prisma.$queryRaw<unknown[]>`
    SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'f', 'u', 'c') ORDER BY conname`
  return { columns, enums, indexes, constraints }
}

t.test('PostgreSQL and PGlite end up with the same schema', { skip: !testEngines.includes('postgresql') }, async (t) => {
  const [embedded, server] = await Promise.all([openTestDatabase(t, 'pglite'), openTestDatabase(t, 'postgresql')])
  await applyMigrations(embedded.adapterFactory)
  await applyMigrations(server.adapterFactory)
  const [embeddedSchema, serverSchema] = await Promise.all([describeSchema(embedded), describeSchema(server)])
  t.ok(embeddedSchema.columns.length > 50, 'the schema has its tables')
  t.same(serverSchema, embeddedSchema)
})

t.test('the drift check fails when a migration is missing', async (t) => {
  const database = await openTestDatabase(t, 'pglite')
  const migrations = await readMigrations()
  const drift = await migrationDrift(database.adapterFactory, { ...migrations, migrationDirectories: [] })
  t.match(drift, /CREATE TABLE "facility"/)
})
