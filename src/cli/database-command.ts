// Shared by the database commands: open the configured database (embedded or PostgreSQL),
// run one piece of work, close it, and report a failure as one readable line.
import { loadConfig } from '../config.js'
import { openDatabase, type Database } from '../db/database.js'

export async function runDatabaseCommand(work: (database: Database) => Promise<void>): Promise<void> {
  let database: Database | undefined
  try {
    const config = loadConfig()
    database = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      poolSize: 2,
    })
    await work(database)
  } catch (error) {
    console.error(`error: ${(error as Error).message}`)
    process.exitCode = 1
  } finally {
    await database?.close()
  }
}
