// `npm run db:seed`: migrates, then loads the seed data: creates what is missing and brings what
// the seed wrote before up to its revision, as audited changes (staff edits are kept).
import { applyMigrations } from '../db/schema-engine.js'
import { seedDatabase } from '../seed/seed.js'
import { runDatabaseCommand } from './database-command.js'

await runDatabaseCommand(async (database) => {
  await applyMigrations(database.adapterFactory)
  const { revision, areas, sources, facilities } = await seedDatabase(database.prisma)
  console.log(`seed revision ${revision}`)
  console.log(`areas: ${areas.created} created, ${areas.kept} already present`)
  console.log(`sources: ${sources.created} created, ${sources.kept} already present`)
  console.log(`facilities: ${facilities.created} created, ${facilities.revised} brought up to the revision, ${facilities.kept} unchanged`)
})
