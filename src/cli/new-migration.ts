// `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that takes the existing migrations to schema.prisma — what `prisma migrate dev
// --create-only` does, without the Rust engine. Runs against a throw-away in-memory database.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { openEmbeddedDatabase } from '../db/database.js'
import { migrationDrift, migrationsDir } from '../db/schema-engine.js'

const name = process.argv[2]
if (name === undefined || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:new-migration -- <name_in_snake_case>')
  process.exit(2)
}
const db = await openEmbeddedDatabase()
try {
  const sql = await migrationDrift(db.adapterFactory)
  if (sql.trim() === '' || /^-- This is an empty migration/.test(sql.trim())) {
    console.log('schema.prisma and the migrations agree: nothing to write.')
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
    const folder = path.join(migrationsDir, `${stamp}_${name}`)
    await mkdir(folder, { recursive: true })
    await writeFile(path.join(folder, 'migration.sql'), sql)
    console.log(`wrote ${path.relative(process.cwd(), folder)}/migration.sql`)
  }
} finally {
  await db.close()
}
