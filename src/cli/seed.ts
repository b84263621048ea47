// `npm run db:seed`: migrates, then loads the seed data. Create-only: records that exist are kept.
import { applyMigrations } from '../db/schema-engine.js'
import { seedDatabase } from '../seed/seed.js'
import { runDatabaseCommand } from './database-command.js'

await runDatabaseCommand(async (database) => {
  await applyMigrations(database.adapterFactory)
  const report = await seedDatabase(database.prisma)
  for (const [kind, { created, kept }] of Object.entries(report)) {
    console.log(`${kind}: ${created} created, ${kept} already present (kept as they are)`)
  }
})
