// Times a 10,000-row CSV import (dry run, then real, then the same file again) on each database,
// through a listening server and a streamed HTTP body, and reports the server's peak RSS growth.
//
//   npx tsx bench/import.ts [--rows 10000] [--engines pglite,postgresql]
//
// PostgreSQL: a throw-away database on 127.0.0.1:5432 (created and dropped here). PGlite: a
// throw-away folder. Both migrated and seeded first, as the server does on first start.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { createClient } from '../src/clients/keys.js'
import { openEmbeddedDatabase, openPostgresDatabase, type Database } from '../src/db/database.js'
import { prepareDatabase } from '../src/prepare.js'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    engines: { type: 'string', default: 'pglite,postgresql' },
    'admin-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/postgres' },
    order: { type: 'string', default: 'dry,import,again' },
  },
})
const rows = Number(values.rows)

const categories = ['elder_care', 'kindergarten', 'childcare', 'public_service'] as const
const areas = ['pinghu', 'pinghu-community', 'hehua'] as const

/** A spreadsheet export: external id, names, category, area, status, a point and capacity. */
function* csvFile() {
  let chunk = '\uFEFFexternal_id,name_zh,category,area,status,name_en,lat,lng,capacity_unit,capacity_total,capacity_available\r\n'
  for (let i = 0; i < rows; i += 1) {
    const category = categories[i % categories.length]!
    const unit = category === 'elder_care' ? 'elder_care_beds' : 'places'
    // Sent in chunks of 100 rows, as a file is read from disk, not a write per row.
    if (i % 100 === 0) {
      yield chunk
      chunk = ''
    }
    chunk +=
      `BENCH-${i},平湖服务点${i}号,${category},${areas[i % areas.length]},operational,Pinghu service point ${i},` +
      `${(22.6 + (i % 100) / 1000).toFixed(4)},${(114.1 + (i % 97) / 1000).toFixed(4)},${unit},${50 + (i % 50)},${i % 7}\r\n`
  }
  yield chunk
}

async function openDatabase(engine: string): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'linli-import-'))
    const database = await openEmbeddedDatabase(dir)
    return { database, cleanup: () => rm(dir, { recursive: true, force: true }) }
  }
  const name = `linli_import_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: values['admin-url'] })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(values['admin-url']!)
  url.pathname = `/${name}`
  const database = await openPostgresDatabase(url.toString(), 10)
  return {
    database,
    cleanup: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024)

for (const engine of values.engines!.split(',')) {
  const { database, cleanup } = await openDatabase(engine)
  await prepareDatabase(database, { seed: true, log: { info() {} } })
  const app = await buildApp({ database, logLevel: 'warn' })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const { key } = await createClient(database.prisma, { name: 'bench', role: 'editor' })
  const run = async (query: string) => {
    const started = performance.now()
    const response = await fetch(`${address}/v1/imports${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(Readable.from(csvFile())) as ReadableStream,
      duplex: 'half',
    } as RequestInit)
    const report = (await response.json()) as { summary: Record<string, number> }
    return { seconds: ((performance.now() - started) / 1000).toFixed(1), status: response.status, summary: report.summary }
  }
  const before = rssMb()
  const runs = { dry: ['dry run', '?dryRun=true'], import: ['import', ''], again: ['same file again', ''] } as const
  for (const [label, query] of values.order!.split(',').map((name) => runs[name as keyof typeof runs])) {
    const result = await run(query)
    console.log(
      `${engine}\t${label}\t${rows} rows\t${result.seconds} s\tHTTP ${result.status}\t${JSON.stringify(result.summary)}\tRSS ${rssMb()} MB (was ${before})`,
    )
  }
  await app.close()
  await database.close()
  await cleanup()
}
