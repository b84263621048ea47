// `npm run db:migrate`: applies the migrations in prisma/migrations that the database lacks.
import { applyMigrations } from '../db/schema-engine.js'
import { runDatabaseCommand } from './database-command.js'

await runDatabaseCommand(async (database) => {
  const applied = await applyMigrations(database.adapterFactory)
  console.log(applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`)
})
