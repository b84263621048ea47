// Test helpers: every test gets its own clean database — an in-memory PGlite or a database on the
// PostgreSQL service, copied from a template that is migrated (and seeded) once per change of the
// code and data that build it (test/databases.ts), or one an earlier test of the process is done
// with, put back as the template was (test/reused-databases.ts) — and an app built exactly as the
// server builds it, whose every injected response is checked against its OpenAPI document
// (test/contract.ts).
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Test } from 'tap'
import { buildApp } from '../src/app.js'
import type { NewClient } from '../src/clients/keys.js'
import type { ClientRole } from '../src/generated/prisma/enums.js'
import { openEmbeddedDatabase, openPostgresDatabase, type Database, type DatabaseEngine } from '../src/db/database.js'
import type { FacilityInput } from '../src/facilities/schemas.js'
import type { MapTiles } from '../src/web/map.js'
import { enforceContract } from './contract.js'
import {
  forgetPostgresDatabase,
  releaseEmbeddedDatabase,
  releasePostgresDatabase,
  reusedEmbeddedDatabase,
  reusedPostgresDatabase,
} from './reused-databases.js'
import {
  createPostgresDatabaseAs,
  databaseUrl,
  dropPostgresDatabase,
  type DatabaseState,
  pgliteDump,
  testEngines,
  testPostgresUrl,
  withConnection,
} from './databases.js'

export { databaseUrl, testEngines, testPostgresUrl }

/** Creates a PostgreSQL database, empty unless a state is asked for, dropped when the test ends. */
export async function createPostgresDatabase(t: Test, state: DatabaseState = 'empty'): Promise<string> {
  const name = `linli_test_${randomBytes(6).toString('hex')}`
  await createPostgresDatabaseAs(name, state)
  t.teardown(() => dropPostgresDatabase(name))
  return databaseUrl(name)
}

const postgresUrls = new WeakMap<Database, string>()

/**
 * A database of the given engine in the given state, closed when the test ends. A migrated or
 * seeded one is given back instead, for the process's next test (test/reused-databases.ts).
 */
async function openDatabaseIn(t: Test, engine: DatabaseEngine, state: DatabaseState): Promise<Database> {
  if (engine === 'pglite') {
    const open = async () => openEmbeddedDatabase(undefined, undefined, { loadDataDir: await pgliteDump(state) })
    if (state === 'empty') {
      const database = await open()
      t.teardown(() => database.close())
      return database
    }
    const database = await reusedEmbeddedDatabase(state, open)
    t.teardown(() => releaseEmbeddedDatabase(database))
    return database
  }
  if (state === 'empty') {
    const url = await createPostgresDatabase(t, state)
    const database = await openPostgresDatabase(url, 4)
    postgresUrls.set(database, url)
    t.teardown(() => database.close())
    return database
  }
  const name = await reusedPostgresDatabase(state)
  const database = await openPostgresDatabase(databaseUrl(name), 4)
  postgresUrls.set(database, databaseUrl(name))
  t.teardown(async () => {
    await database.close()
    releasePostgresDatabase(name)
  })
  return database
}

/** A clean database of the given engine, not yet migrated; closed when the test ends. */
export const openTestDatabase = (t: Test, engine: DatabaseEngine): Promise<Database> => openDatabaseIn(t, engine, 'empty')

/** The URL of a test's PostgreSQL database, to open it a second time (a second server process). */
export function postgresUrlOf(database: Database): string {
  const url = postgresUrls.get(database)
  if (url === undefined) throw new Error('not a PostgreSQL test database')
  return url
}

/** Makes the database really unavailable: PGlite is closed, a PostgreSQL database dropped. */
export async function takeDatabaseAway(database: Database): Promise<void> {
  const url = postgresUrls.get(database)
  if (url === undefined) return database.close()
  const name = new URL(url).pathname.slice(1)
  forgetPostgresDatabase(name)
  await withConnection(testPostgresUrl, (admin) => admin.query(`DROP DATABASE ${name} WITH (FORCE)`))
}

/** A migrated database, with the seed data unless `seed: false`. */
export const preparedTestDatabase = (t: Test, engine: DatabaseEngine, options: { seed?: boolean } = {}): Promise<Database> =>
  openDatabaseIn(t, engine, (options.seed ?? true) ? 'seeded' : 'migrated')

const databases = new WeakMap<object, Database>()

/**
 * The database under an app that build() made: for a test to set up or inspect what the API does
 * not show (the app itself reaches it only through its services).
 */
export function databaseOf(app: object): Database {
  const database = databases.get(app)
  if (database === undefined) throw new Error('not an app made by build() or buildClocked()')
  return database
}

/** The app on a fresh, migrated and (unless told otherwise) seeded database. */
export async function build(t: Test, engine: DatabaseEngine, options: { seed?: boolean; mapTiles?: MapTiles; searchIndex?: boolean } = {}) {
  const database = await preparedTestDatabase(t, engine, options)
  const app = await buildApp({ database, logLevel: 'silent', mapTiles: options.mapTiles, searchIndex: options.searchIndex })
  databases.set(app, database)
  t.teardown(() => app.close())
  await app.ready()
  enforceContract(app)
  return app
}

/** Runs the same subtest once for each database engine under test. */
export function forEachDatabase(t: Test, name: string, fn: (t: Test, engine: DatabaseEngine) => Promise<void>) {
  for (const engine of testEngines) t.test(`${name} (${engine})`, (t) => fn(t, engine))
}

/**
 * Runs a subtest once, on PostgreSQL when it is under test, else on the embedded engine: for tests
 * whose subject does not depend on the engine, the tests in Chromium above all. What a page shows
 * and how it behaves does not depend on the engine — every service a page calls is tested on both —
 * while the browser and axe cost more than the rest of a file, so running them twice doubled the
 * suite's slowest files for nothing. PostgreSQL answers a page's queries for less CPU than
 * PostgreSQL compiled to Wasm: the console's axe test took 23–25 s of the machine's CPU on it
 * against 26–31 s on PGlite (2026-12-01, two runs each).
 */
export function forOneDatabase(t: Test, name: string, fn: (t: Test, engine: DatabaseEngine) => Promise<void>) {
  const engine = testEngines.includes('postgresql') ? 'postgresql' : testEngines[0]
  if (engine !== undefined) t.test(`${name} (${engine})`, (t) => fn(t, engine))
}

let distBuilt = false

/**
 * Compiles dist/ as `npm start` and `npm run mcp` do first, once per process: the tests that start
 * the real server or MCP server never run a stale build, and tests sharing a process (test/groups.ts)
 * never rewrite it under a server another one started.
 */
export function buildDist() {
  if (distBuilt) return
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })
  distBuilt = true
}

/** An empty folder, removed when the test ends. */
export async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'linli-test-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Like build(), with a clock the test sets (for "open now" and anything else time-dependent). */
export async function buildClocked(
  t: Test,
  engine: DatabaseEngine,
  start = '2026-03-04T02:00:00Z',
  options: { searchIndex?: boolean; answerCacheBytes?: number } = {},
) {
  let now = new Date(start)
  const database = await preparedTestDatabase(t, engine)
  const app = await buildApp({ database, logLevel: 'silent', clock: () => now, ...options })
  databases.set(app, database)
  t.teardown(() => app.close())
  await app.ready()
  enforceContract(app)
  return {
    app,
    setNow(iso: string) {
      now = new Date(iso)
    },
  }
}

export type App = Awaited<ReturnType<typeof buildClocked>>['app']

/**
 * The app of another server process on a PostgreSQL: its own connections (and, given one, its
 * read replica), the test's clock, the contract enforced; closed when the test ends.
 */
export async function appOnPostgres(
  t: Test,
  url: string,
  options: { replicaUrl?: string; clock?: () => Date; searchIndex?: boolean } = {},
): Promise<App> {
  const database = await openPostgresDatabase(url, 3, options.replicaUrl)
  const app = (await buildApp({ database, logLevel: 'silent', clock: options.clock, searchIndex: options.searchIndex })) as unknown as App
  t.teardown(async () => {
    await app.close()
    await database.close()
  })
  await app.ready()
  enforceContract(app)
  return app
}

/** A facility with everything a test does not care about filled in plainly. */
export async function addFacility(app: App, input: Partial<FacilityInput> & Pick<FacilityInput, 'slug' | 'name'>) {
  return app.facilities.create({ category: 'culture_venue', status: 'operational', area: 'pinghu', ...input } as FacilityInput, {
    actor: { name: 'test' },
  })
}

/** Headers carrying a new key of the role (optionally limited, for editors). */
export async function keyFor(app: App, role: ClientRole, scope: Omit<NewClient, 'name' | 'role'> = {}) {
  const { key } = await app.clients.create({ name: `test ${role}`, role, ...scope })
  return { authorization: `Bearer ${key}` }
}

// ---------------------------------------------------------------- staff writes through HTTP

/** A kindergarten as staff would add it. */
export const kindergarten = {
  slug: 'hehua-sunshine-kindergarten',
  externalId: 'LG-KG-0042',
  category: 'kindergarten',
  name: { zh: '禾花阳光幼儿园', en: 'Hehua Sunshine Kindergarten' },
  area: 'hehua',
  status: 'operational',
  location: { lat: 22.69, lng: 114.12, precision: 'exact' },
  openingHours: 'Mo-Fr 07:30-17:30',
  capacity: [{ unit: 'places', total: 360, available: 12 }],
}

/** POST /v1/facilities as JSON. */
export async function create(app: App, headers: Record<string, string>, body: unknown = kindergarten) {
  return app.inject({
    method: 'POST',
    url: '/v1/facilities',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  })
}

/** PATCH /v1/facilities/{id} as a merge patch. */
export const patch = (app: App, id: string, headers: Record<string, string>, body: unknown) =>
  app.inject({
    method: 'PATCH',
    url: `/v1/facilities/${id}`,
    headers: { 'content-type': 'application/merge-patch+json', ...headers },
    payload: JSON.stringify(body),
  })

/** POST /v1/facilities/{id}/status-changes. */
export const postStatus = (app: App, id: string, headers: Record<string, string>, body: unknown) =>
  app.inject({
    method: 'POST',
    url: `/v1/facilities/${id}/status-changes`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  })
