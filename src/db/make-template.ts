// Makes the template a new embedded data folder is unpacked from (embedded-template.ts): run by
// `npm ci` after the build (src/cli/embedded-template.ts).
import { randomUUID } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Prisma } from '../generated/prisma/client.js'
import { openEmbeddedDatabase } from './database.js'
import { templatePath } from './embedded-template.js'
import { applyMigrations } from './schema-engine.js'

/**
 * Runs PGlite's initdb in memory, applies the migrations, and writes the database as a gzipped
 * tarball, atomically. Returns the file and the migrations it holds.
 */
export async function writeTemplate(file?: string): Promise<{ file: string; migrations: string[] }> {
  const target = file ?? (await templatePath())
  const database = await openEmbeddedDatabase()
  try {
    const migrations = await applyMigrations(database.adapterFactory)
    // Written out now, so the folder unpacked from it starts without replaying the log.
    await database.readRows(Prisma.sql`CHECKPOINT`)
    const dump = await database.dumpDataDir('gzip')
    await mkdir(path.dirname(target), { recursive: true })
    const partial = `${target}.${randomUUID()}.partial`
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()))
    await rename(partial, target).catch(async (error: unknown) => {
      await rm(partial, { force: true })
      throw error
    })
    return { file: target, migrations }
  } finally {
    await database.close()
  }
}
