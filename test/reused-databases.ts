// Test databases, reused within a test process. On PostgreSQL, copying a template
// (`CREATE DATABASE … TEMPLATE`) cost PostgreSQL 0.2 s of CPU and dropping the copy 0.05 s, about
// 160 copies a run: most of PostgreSQL's 42 s in a whole `npx tap`. On PGlite, loading a dump into
// a new in-memory PGlite cost 0.3 s of CPU, about 80 a run. A migrated or seeded database a test is
// done with is kept instead, and the next test of the process that asks for one in the same state
// gets it back emptied and filled again as the template was: every table truncated, the template's
// rows inserted again, every sequence where the template had it (0.03–0.04 s of PostgreSQL's CPU).
// Empty databases are not reused: the tests that ask for one migrate them.
//
// What the template held is read from the process's first copy of it, before any test has it: the
// rows of every table, as JSON, and the sequences. A database whose tables or columns are no longer
// the template's (a test that changed the schema), that something still holds a connection to
// (PostgreSQL), or that a test closed (PGlite), is dropped or closed instead of being reused.
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import t from 'tap'
import type { Database } from '../src/db/database.js'
import type { Prisma } from '../src/generated/prisma/client.js'
import { createPostgresDatabaseAs, type DatabaseState, databaseUrl, dropPostgresDatabase, withConnection } from './databases.js'

interface Snapshot {
  /** The tables' and columns' names, to tell that a database still has the template's schema. */
  schema: string
  tables: { name: string; columns: string; rows: string }[]
  sequences: { name: string; lastValue: string | null }[]
}

/** The tables and their writable (not generated) columns, in one text that changes with either. */
const schemaQuery = `
  SELECT c.relname AS name, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS columns
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
  WHERE n.nspname = 'public' AND c.relkind = 'r'
  GROUP BY c.relname
  ORDER BY c.relname`

const withClient = <T>(name: string, fn: (client: pg.Client) => Promise<T>) => withConnection(databaseUrl(name), fn)

const schemaOf = (tables: { name: string; columns: string }[]) => tables.map(({ name, columns }) => `${name}(${columns})`).join('\n')

/** Runs one statement and answers its rows: through a pg client, or a PGlite database's transaction. */
type Run = <Row>(text: string, values?: unknown[]) => Promise<Row[]>

async function snapshotOf(run: Run): Promise<Snapshot> {
  const tables = await run<{ name: string; columns: string }>(schemaQuery)
  const withRows = []
  for (const table of tables) {
    const [{ rows }] = (await run<{ rows: string }>(
      `SELECT coalesce(json_agg(t), '[]')::text AS rows FROM (SELECT ${table.columns} FROM "${table.name}") t`,
    )) as [{ rows: string }]
    withRows.push({ ...table, rows })
  }
  const sequences = await run<{ name: string; lastValue: string | null }>(
    `SELECT sequencename AS name, last_value::text AS "lastValue" FROM pg_sequences WHERE schemaname = 'public'`,
  )
  return { schema: schemaOf(tables), tables: withRows, sequences }
}

/** Puts the template's rows and sequences back, inside the caller's transaction; false when the tables are no longer the template's. */
async function refill(run: Run, snapshot: Snapshot): Promise<boolean> {
  if (schemaOf(await run<{ name: string; columns: string }>(schemaQuery)) !== snapshot.schema) return false
  await run(`TRUNCATE ${snapshot.tables.map((table) => `"${table.name}"`).join(', ')} RESTART IDENTITY`)
  // The rows go back in any order: the foreign keys are not checked while they do (they held in the template).
  await run('SET LOCAL session_replication_role = replica')
  for (const table of snapshot.tables) {
    if (table.rows === '[]') continue
    await run(
      `INSERT INTO "${table.name}" (${table.columns}) SELECT ${table.columns} FROM json_populate_recordset(null::"${table.name}", $1::json)`,
      [table.rows],
    )
  }
  for (const sequence of snapshot.sequences) {
    if (sequence.lastValue !== null) await run(`SELECT setval('"${sequence.name}"', $1::bigint)`, [sequence.lastValue])
  }
  return true
}

const clientRun =
  (client: pg.Client): Run =>
  async <Row>(text: string, values?: unknown[]) =>
    (await client.query(text, values)).rows as Row[]

/** Whether nothing but `client` is connected to the database, waiting up to 5 s for closed pools' backends to end. */
async function aloneIn(client: pg.Client): Promise<boolean> {
  for (let tries = 0; tries < 50; tries++) {
    const { rows } = await client.query<{ others: number }>(
      'SELECT count(*)::int AS others FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    )
    if (rows[0]!.others === 0) return true
    await sleep(100)
  }
  return false
}

/** Puts a PostgreSQL database back as the template was; false when it cannot be (its tables changed, or it is in use). */
async function resetTo(name: string, snapshot: Snapshot): Promise<boolean> {
  return withClient(name, async (client) => {
    if (!(await aloneIn(client))) return false
    await client.query('BEGIN')
    try {
      const done = await refill(clientRun(client), snapshot)
      await client.query(done ? 'COMMIT' : 'ROLLBACK')
      return done
    } catch (error) {
      await client.query('ROLLBACK')
      throw error
    }
  })
}

const idle = new Map<DatabaseState, string[]>()
const snapshots = new Map<DatabaseState, Promise<Snapshot>>()
/** Every database of this process not dropped yet, with its state: dropped when the process's tests end. */
const kept = new Map<string, DatabaseState>()

/**
 * A database in the state asked for (migrated, or migrated and seeded): one a test of this process
 * is done with, put back as the template was, or else a new copy of the template.
 */
export async function reusedPostgresDatabase(state: Exclude<DatabaseState, 'empty'>): Promise<string> {
  for (let name = idle.get(state)?.pop(); name !== undefined; name = idle.get(state)?.pop()) {
    const snapshot = snapshots.get(state)
    if (snapshot !== undefined && (await resetTo(name, await snapshot))) return name
    kept.delete(name)
    await dropPostgresDatabase(name)
  }
  const name = `linli_test_${randomBytes(6).toString('hex')}`
  await createPostgresDatabaseAs(name, state)
  kept.set(name, state)
  if (!snapshots.has(state)) {
    const snapshot = withClient(name, (client) => snapshotOf(clientRun(client)))
    snapshots.set(state, snapshot)
    snapshot.catch(() => snapshots.delete(state))
    await snapshot
  }
  return name
}

/** Gives a database back for the next test, once the test's connections to it are closed. */
export function releasePostgresDatabase(name: string): void {
  const state = kept.get(name)
  if (state === undefined) return
  idle.set(state, [...(idle.get(state) ?? []), name])
}

/** Forgets a database its test drops itself: it is not given back. */
export function forgetPostgresDatabase(name: string): void {
  kept.delete(name)
}

// ---------------------------------------------------------------- PGlite

const idleEmbedded = new Map<DatabaseState, Database[]>()
const embeddedSnapshots = new Map<DatabaseState, Promise<Snapshot>>()
/** Every embedded database of this process not closed yet: closed when the process's tests end. */
const keptEmbedded = new Map<Database, DatabaseState>()

const transactionRun =
  (tx: Prisma.TransactionClient): Run =>
  <Row>(text: string, values: unknown[] = []) =>
    tx.$queryRawUnsafe<Row[]>(text, ...values)

/**
 * An in-memory PGlite database in the state asked for: one a test of this process is done with,
 * put back as the template was (0.03–0.05 s of CPU instead of 0.3 s to load a dump into a new
 * PGlite), or else `open()`'s.
 */
export async function reusedEmbeddedDatabase(state: Exclude<DatabaseState, 'empty'>, open: () => Promise<Database>): Promise<Database> {
  for (let database = idleEmbedded.get(state)?.pop(); database !== undefined; database = idleEmbedded.get(state)?.pop()) {
    const snapshot = await embeddedSnapshots.get(state)
    // A test may have closed it itself (takeDatabaseAway): then it no longer answers.
    const answers = await database.ping().then(
      () => true,
      () => false,
    )
    if (answers && snapshot !== undefined && (await database.prisma.$transaction((tx) => refill(transactionRun(tx), snapshot)))) {
      return database
    }
    keptEmbedded.delete(database)
    await database.close()
  }
  const database = await open()
  keptEmbedded.set(database, state)
  if (!embeddedSnapshots.has(state)) {
    const snapshot = database.prisma.$transaction((tx) => snapshotOf(transactionRun(tx)))
    embeddedSnapshots.set(state, snapshot)
    snapshot.catch(() => embeddedSnapshots.delete(state))
    await snapshot
  }
  return database
}

/**
 * Gives an embedded database back for the next test. One is kept per state: each holds 100–200 MB,
 * and a test that needed two at once (two server processes) is rare enough to open its second anew.
 */
export async function releaseEmbeddedDatabase(database: Database): Promise<void> {
  const state = keptEmbedded.get(database)
  if (state === undefined) return
  if ((idleEmbedded.get(state) ?? []).length === 0) {
    idleEmbedded.set(state, [database])
    return
  }
  keptEmbedded.delete(database)
  await database.close()
}

// The databases still kept are dropped or closed when the process's tests are done.
t.teardown(async () => {
  for (const name of kept.keys()) await dropPostgresDatabase(name)
  for (const database of keptEmbedded.keys()) await database.close()
  kept.clear()
  idle.clear()
  keptEmbedded.clear()
  idleEmbedded.clear()
})
