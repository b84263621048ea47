// Template databases for the tests. Building a database (PGlite's initdb, the migrations, the seed)
// took about 9 s, once for every test group; now each engine's database is built once, in its
// three states (empty, migrated, migrated and seeded), and every test group gets a copy:
// - PostgreSQL: template databases `linli_template_<key>_migrated` / `_seeded` on the test server,
//   copied with `CREATE DATABASE … TEMPLATE …`;
// - PGlite: data-folder dumps `<tmp>/linli-test-databases/<key>/pglite-<state>.tar`, loaded into
//   an in-memory PGlite.
// <key> is a hash of what the databases are built from: the migrations, the schema, the seed data,
// the code that opens, migrates and seeds (this file and everything it imports from the project)
// and the database packages' versions. Any change there builds new templates on the next run.
// Test files run in separate processes, several at once: a template is built under a lock (an
// advisory lock on PostgreSQL, a lock file for PGlite), under a temporary name, then renamed into
// place, so a process either sees a finished template or waits for the one being built.
// `npm run test:clean` removes them all (test/templates.ts).
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import lockfile from 'proper-lockfile'
import type { DatabaseEngine } from '../src/db/database.js'
import { projectRoot } from '../src/project-root.js'

/** Which databases the suite runs on: LINLI_TEST_DATABASES=pglite,postgresql (the default). */
export const testEngines: DatabaseEngine[] = (process.env.LINLI_TEST_DATABASES ?? 'pglite,postgresql')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is DatabaseEngine => name === 'pglite' || name === 'postgresql')

/** A PostgreSQL the tests may create and drop databases on. */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'

/** The states a test database starts in: just created, migrated, or migrated and seeded. */
export type DatabaseState = 'empty' | 'migrated' | 'seeded'

/** Where the PGlite dumps are kept, one folder per key. */
export const pgliteCacheRoot = path.join(os.tmpdir(), 'linli-test-databases')

const templatePrefix = 'linli_template_'
/** Templates and dumps of other keys unused this long are removed when a new one is built. */
const staleAfterMs = 24 * 60 * 60 * 1000
const quiet = { info() {} }

/** The code that builds databases, loaded only to build one (a process that only copies them needs none of it). */
async function builders() {
  const [{ openEmbeddedDatabase, openPostgresDatabase }, { prepareDatabase }] = await Promise.all([
    import('../src/db/database.js'),
    import('../src/prepare.js'),
  ])
  return {
    openEmbeddedDatabase,
    openPostgresDatabase,
    prepare: (database: Parameters<typeof prepareDatabase>[0], seed: boolean) => prepareDatabase(database, { seed, log: quiet }),
  }
}

export function databaseUrl(name: string): string {
  const url = new URL(testPostgresUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs `fn` with a connection of its own to the database at `url`, closed after. */
export async function withConnection<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

const withAdmin = <T>(fn: (admin: pg.Client) => Promise<T>) => withConnection(testPostgresUrl, fn)

// ---------------------------------------------------------------- the key

/** Relative imports (`from './x.js'`, `import('../y.js')`, `import './z.js'`) of a module's text. */
const relativeImport = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

/** This module and every project file it imports, directly or not. */
async function importClosure(start: string): Promise<string[]> {
  const seen = new Set<string>()
  const pending = [start]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue
    seen.add(file)
    const text = await readFile(file, 'utf8')
    for (const [, specifier] of text.matchAll(relativeImport)) {
      const target = path.resolve(path.dirname(file), specifier!)
      const source = target.replace(/\.js$/, '.ts')
      if (existsSync(source)) pending.push(source)
      else if (existsSync(target)) pending.push(target)
    }
  }
  return [...seen]
}

async function computeKey(): Promise<string> {
  const hash = createHash('sha256')
  const files = [
    ...(await importClosure(fileURLToPath(import.meta.url))),
    ...(await filesUnder(path.join(projectRoot, 'prisma'))),
    ...(await filesUnder(path.join(projectRoot, 'seed'))),
  ]
  for (const file of [...new Set(files)].sort()) {
    hash.update(`${path.relative(projectRoot, file)}\0`)
    hash.update(await readFile(file))
  }
  for (const name of ['@electric-sql/pglite', 'pglite-prisma-adapter', '@prisma/schema-engine-wasm', '@prisma/adapter-pg', 'pg']) {
    const { version } = JSON.parse(await readFile(path.join(projectRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string
    }
    hash.update(`${name}@${version}\0`)
  }
  return hash.digest('hex').slice(0, 16)
}

let key: Promise<string> | undefined
/** The hash naming this code's templates. */
export const templateKey = () => (key ??= computeKey())

// ---------------------------------------------------------------- PostgreSQL

/** Runs `fn` until PostgreSQL stops saying the database is still in use (a closed pool's backends end asynchronously). */
async function whenUnused(fn: () => Promise<unknown>): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await fn()
      return
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || tries >= 50) throw error
      await sleep(100)
    }
  }
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1
}

/** Builds template `name` (from `from`, or an empty database) under a temporary name, then renames it into place. */
async function buildPostgresTemplate(admin: pg.Client, name: string, from: string | undefined, seed: boolean) {
  const building = `${name}_building`
  await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${building}${from === undefined ? '' : ` TEMPLATE ${from}`}`)
  const { openPostgresDatabase, prepare } = await builders()
  const database = await openPostgresDatabase(databaseUrl(building), 2)
  try {
    await prepare(database, seed)
  } finally {
    await database.close()
  }
  await whenUnused(() => admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`))
  await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`)
  await admin.query(`COMMENT ON DATABASE ${name} IS '${new Date().toISOString()}'`)
}

/** Drops the templates of other keys built more than a day ago; one still in use elsewhere is rebuilt there. */
async function dropStaleTemplates(admin: pg.Client, currentKey: string) {
  const { rows } = await admin.query<{ name: string; built: string | null }>(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS built FROM pg_database WHERE starts_with(datname, $1)`,
    [templatePrefix],
  )
  for (const { name, built } of rows) {
    // This key's, and any being built right now (by another checkout of the code).
    if (name.startsWith(`${templatePrefix}${currentKey}_`) || name.endsWith('_building')) continue
    if (built !== null && Date.now() - Date.parse(built) < staleAfterMs) continue
    try {
      await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`)
      await admin.query(`DROP DATABASE ${name}`)
    } catch {
      // Being copied right now: left for another time.
    }
  }
}

const postgresTemplateNames = new Map<string, Promise<{ migrated: string; seeded: string }>>()

async function ensurePostgresTemplates(currentKey: string) {
  const names = { migrated: `${templatePrefix}${currentKey}_migrated`, seeded: `${templatePrefix}${currentKey}_seeded` }
  await withAdmin(async (admin) => {
    if (await databaseExists(admin, names.seeded)) return
    // Held by this session until it ends: one builder per key, whichever process comes first.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [names.seeded])
    if (await databaseExists(admin, names.seeded)) return
    if (!(await databaseExists(admin, names.migrated))) await buildPostgresTemplate(admin, names.migrated, undefined, false)
    await buildPostgresTemplate(admin, names.seeded, names.migrated, true)
    await dropStaleTemplates(admin, currentKey)
  })
  return names
}

/** The names of this code's PostgreSQL templates, built first when missing. */
export async function postgresTemplates() {
  const currentKey = await templateKey()
  let templates = postgresTemplateNames.get(currentKey)
  if (templates === undefined) {
    templates = ensurePostgresTemplates(currentKey)
    postgresTemplateNames.set(currentKey, templates)
    templates.catch(() => postgresTemplateNames.delete(currentKey))
  }
  return templates
}

/** Creates database `name` in the state asked for: empty, or a copy of a template. */
export async function createPostgresDatabaseAs(name: string, state: DatabaseState): Promise<void> {
  if (state === 'empty') {
    await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`))
    return
  }
  for (let tries = 0; ; tries++) {
    const template = (await postgresTemplates())[state]
    try {
      await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`))
      return
    } catch (error) {
      // The template was dropped meanwhile (cleaned by hand): build it again, once.
      if ((error as { code?: string }).code !== '3D000' || tries > 0) throw error
      postgresTemplateNames.clear()
    }
  }
}

/**
 * Drops a test's database once its connections have ended. A closed pool's connections end
 * asynchronously: forcing them off could reach a client still closing, as an error in the test.
 * Forced after 5 s.
 */
export async function dropPostgresDatabase(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    try {
      await whenUnused(() => admin.query(`DROP DATABASE IF EXISTS ${name}`))
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    }
  })
}

// ---------------------------------------------------------------- PGlite

const pgliteStates: DatabaseState[] = ['empty', 'migrated', 'seeded']
const dumpFile = (folder: string, state: DatabaseState) => path.join(folder, `pglite-${state}.tar`)

async function writeAtomically(file: string, data: Blob) {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, Buffer.from(await data.arrayBuffer()))
  await rename(temporary, file)
}

/** Removes the dump folders of other keys last written more than a day ago. */
async function removeStaleDumps(currentKey: string) {
  for (const entry of await readdir(pgliteCacheRoot)) {
    if (entry === currentKey) continue
    const folder = path.join(pgliteCacheRoot, entry)
    if (Date.now() - (await stat(folder)).mtimeMs > staleAfterMs) await rm(folder, { recursive: true, force: true })
  }
}

/**
 * The dumps leave out the template databases (template0, template1), which no test connects to,
 * and are taken after a checkpoint: a dump is 27 MB instead of 42, and loading it into a new PGlite
 * (every test database) costs about 0.5 s of CPU instead of 0.75–0.9 — most of a load is writing
 * the dump's files into PGlite's in-memory file system.
 */
async function buildPGliteDumps(folder: string) {
  const { openEmbeddedDatabase, prepare } = await builders()
  const database = await openEmbeddedDatabase()
  const sql = (statement: string) => database.prisma.$executeRawUnsafe(statement)
  const dump = async (state: DatabaseState) => {
    await sql('CHECKPOINT')
    await writeAtomically(dumpFile(folder, state), await database.dumpDataDir())
  }
  try {
    for (const template of ['template0', 'template1']) {
      await sql(`ALTER DATABASE ${template} IS_TEMPLATE false`)
      await sql(`DROP DATABASE ${template}`)
    }
    await dump('empty')
    await prepare(database, false)
    await dump('migrated')
    await prepare(database, true)
    await dump('seeded')
  } finally {
    await database.close()
  }
}

async function ensurePGliteDumps(currentKey: string): Promise<string> {
  const folder = path.join(pgliteCacheRoot, currentKey)
  const complete = () => pgliteStates.every((state) => existsSync(dumpFile(folder, state)))
  await mkdir(folder, { recursive: true })
  while (!complete()) {
    let release: () => Promise<void>
    try {
      release = await lockfile.lock(folder, { lockfilePath: path.join(folder, 'building.lock'), stale: 20_000, update: 5_000 })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error
      await sleep(250)
      continue
    }
    try {
      if (!complete()) {
        await buildPGliteDumps(folder)
        await removeStaleDumps(currentKey)
      }
    } finally {
      await release()
    }
  }
  return folder
}

const pgliteDumps = new Map<DatabaseState, Promise<Blob>>()

/**
 * A dump held in memory, as PGlite reads it (it asks only for arrayBuffer()): each call answers a
 * copy of the bytes. Node 20's own Blob.arrayBuffer() reads a blob in small chunks and joins them,
 * which cost 0.9 s of CPU per test database for a 42 MB dump; a copy costs milliseconds.
 */
class DumpBlob extends Blob {
  readonly #bytes: Uint8Array<ArrayBuffer>

  constructor(bytes: Uint8Array<ArrayBuffer>) {
    super([bytes], { type: 'application/x-tar' })
    this.#bytes = bytes
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes.slice().buffer
  }
}

/** A dump of this code's PGlite database in the state asked for, built first when missing; read once per process. */
export function pgliteDump(state: DatabaseState): Promise<Blob> {
  let dump = pgliteDumps.get(state)
  if (dump === undefined) {
    dump = templateKey()
      .then(ensurePGliteDumps)
      .then(async (folder) => new DumpBlob(await readFile(dumpFile(folder, state))))
    pgliteDumps.set(state, dump)
    dump.catch(() => pgliteDumps.delete(state))
  }
  return dump
}

// ---------------------------------------------------------------- both

/** Builds the missing templates of the engines under test (tap's `before` step). */
export async function prepareTemplates(): Promise<void> {
  await Promise.all(testEngines.map((engine) => (engine === 'pglite' ? templateKey().then(ensurePGliteDumps) : postgresTemplates())))
}

/** Removes every template database and every PGlite dump, of any key. */
export async function removeTemplates(): Promise<void> {
  await rm(pgliteCacheRoot, { recursive: true, force: true })
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ name: string }>('SELECT datname AS name FROM pg_database WHERE starts_with(datname, $1)', [
      templatePrefix,
    ])
    for (const { name } of rows) {
      await admin.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`)
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
    }
  })
}
