// PostgreSQL test databases, reused within a test process. Copying a template
// (`CREATE DATABASE … TEMPLATE`) cost PostgreSQL 0.2 s of CPU and dropping the copy 0.05 s: about
// 160 copies a run, the most of PostgreSQL's 42 s in a whole `npx tap`. A database a test is done
// with is kept instead, and the next test that asks for one in the same state gets it back emptied
// and filled again as the template was (0.03–0.04 s of PostgreSQL's CPU): every table truncated,
// the template's rows inserted again, every sequence where the template had it.
//
// What the template held is read from the process's first copy of it, before any test has it: the
// rows of every table, as JSON, and the sequences. A database whose tables or columns are no longer
// the template's (a test that changed the schema), or that something still holds a connection to, is
// dropped instead of being reused.
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import t from 'tap'
import { createPostgresDatabaseAs, type DatabaseState, databaseUrl, dropPostgresDatabase } from './databases.js'

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

async function withClient<T>(name: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(name) })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

const schemaOf = (tables: { name: string; columns: string }[]) => tables.map(({ name, columns }) => `${name}(${columns})`).join('\n')

async function snapshotOf(name: string): Promise<Snapshot> {
  return withClient(name, async (client) => {
    const { rows: tables } = await client.query<{ name: string; columns: string }>(schemaQuery)
    const withRows = []
    for (const table of tables) {
      const { rows } = await client.query<{ rows: string }>(
        `SELECT coalesce(json_agg(t), '[]')::text AS rows FROM (SELECT ${table.columns} FROM "${table.name}") t`,
      )
      withRows.push({ ...table, rows: rows[0]!.rows })
    }
    const { rows: sequences } = await client.query<{ name: string; lastValue: string | null }>(
      `SELECT sequencename AS name, last_value::text AS "lastValue" FROM pg_sequences WHERE schemaname = 'public'`,
    )
    return { schema: schemaOf(tables), tables: withRows, sequences }
  })
}

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

/** Puts the template's rows and sequences back; false when the database cannot be (its schema changed, or it is in use). */
async function resetTo(name: string, snapshot: Snapshot): Promise<boolean> {
  return withClient(name, async (client) => {
    if (!(await aloneIn(client))) return false
    if (schemaOf((await client.query<{ name: string; columns: string }>(schemaQuery)).rows) !== snapshot.schema) return false
    await client.query('BEGIN')
    try {
      await client.query(`TRUNCATE ${snapshot.tables.map((table) => `"${table.name}"`).join(', ')} RESTART IDENTITY`)
      // The rows go back in any order: the foreign keys are not checked while they do (they held in the template).
      await client.query('SET LOCAL session_replication_role = replica')
      for (const table of snapshot.tables) {
        if (table.rows === '[]') continue
        await client.query(
          `INSERT INTO "${table.name}" (${table.columns}) SELECT ${table.columns} FROM json_populate_recordset(null::"${table.name}", $1)`,
          [table.rows],
        )
      }
      for (const sequence of snapshot.sequences) {
        if (sequence.lastValue !== null) await client.query(`SELECT setval('"${sequence.name}"', $1::bigint)`, [sequence.lastValue])
      }
      await client.query('COMMIT')
      return true
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
    const snapshot = snapshotOf(name)
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

/** Forgets a database a test dropped (or will drop) itself. */
export function forgetPostgresDatabase(name: string): void {
  kept.delete(name)
  for (const [state, names] of idle)
    idle.set(
      state,
      names.filter((other) => other !== name),
    )
}

// The databases still kept are dropped when the process's tests are done.
t.teardown(async () => {
  for (const name of kept.keys()) await dropPostgresDatabase(name)
  kept.clear()
  idle.clear()
})
