// The tests' own databases: one a test is done with comes back to the next test of the process as
// the template was (test/reused-databases.ts), whatever the test did to it.
import t from 'tap'
import type { Database } from '../../src/db/database.js'
import { Prisma } from '../../src/generated/prisma/client.js'
import { forEachDatabase, postgresUrlOf, preparedTestDatabase, takeDatabaseAway } from '../helper.js'

/** Every table's rows and every sequence's position, as one digest each. */
async function contentOf(database: Database): Promise<Record<string, string>> {
  const tables = await database.readRows<{ name: string }>(
    Prisma.sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  )
  const content: Record<string, string> = {}
  for (const { name } of tables) {
    const [row] = await database.readRows<{ digest: string | null; count: number }>(
      Prisma.sql`SELECT md5(string_agg(t::text, E'\n' ORDER BY t::text)) AS digest, count(*)::int AS count FROM ${Prisma.raw(`"${name}"`)} t`,
    )
    content[name] = `${row?.count} ${row?.digest}`
  }
  for (const sequence of await database.readRows<{ name: string; at: string | null }>(
    Prisma.sql`SELECT sequencename AS name, last_value::text AS at FROM pg_sequences WHERE schemaname = 'public'`,
  )) {
    content[sequence.name] = String(sequence.at)
  }
  return content
}

/** What a test could leave behind: rows changed, added and deleted, sequences moved on. */
async function scribbleOn(database: Database) {
  for (const statement of [
    `UPDATE facility SET name_zh = '改过的名字', version = version + 1`,
    'DELETE FROM citation',
    `INSERT INTO app_state (key, value, updated_at) VALUES ('left-behind', 'yes', now())`,
    `SELECT nextval('change_id_seq')`,
    `SELECT nextval('webhook_event_id_seq')`,
  ]) {
    await database.prisma.$executeRawUnsafe(statement)
  }
}

/** The database itself: the same object for PGlite, the same database on the server for PostgreSQL. */
const identityOf = (database: Database) => (database.engine === 'postgresql' ? postgresUrlOf(database) : database)

forEachDatabase(t, 'a database a test is done with comes back to the next test as the template was', async (t, engine) => {
  let template: Record<string, string> = {}
  let first: unknown
  await t.test('a test writes all over its database', async (t) => {
    const database = await preparedTestDatabase(t, engine)
    template = await contentOf(database)
    t.ok(Number(template.facility?.split(' ')[0]) > 0, 'the seeded template has facilities')
    t.ok(Number(template.citation?.split(' ')[0]) > 0, 'and citations')
    first = identityOf(database)
    await scribbleOn(database)
    t.not(JSON.stringify(await contentOf(database)), JSON.stringify(template), 'it changed')
  })
  await t.test('the next test gets it back as the template was', async (t) => {
    const database = await preparedTestDatabase(t, engine)
    t.equal(identityOf(database), first, 'the same database, reused')
    t.same(await contentOf(database), template)
    await takeDatabaseAway(database)
  })
  await t.test('a database its test took away is not given back', async (t) => {
    const database = await preparedTestDatabase(t, engine)
    t.not(identityOf(database), first, 'another database')
    t.same(await contentOf(database), template)
  })
})
