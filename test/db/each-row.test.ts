// Reader.eachRow (src/db/database.ts): rows handed over one at a time, in the query's order, on both
// engines; what the visitor throws, or the query, comes back as a rejection, and the connection
// goes back to the pool either way, a connection lost on the way included.
import t, { type Test } from 'tap'
import { type Database, openPostgresDatabase } from '../../src/db/database.js'
import { Prisma } from '../../src/generated/prisma/client.js'
import { forEachDatabase, openTestDatabase, postgresUrlOf, testEngines } from '../helper.js'
import { relayTo } from '../relay.js'

const series = (count: number) => Prisma.sql`SELECT n FROM generate_series(1, ${count}::int) AS n ORDER BY n`

forEachDatabase(t, 'each row is visited once, in order', async (t, engine) => {
  const database = await openTestDatabase(t, engine)
  const seen: number[] = []
  await database.eachRow<{ n: number }>(series(5000), (row) => seen.push(row.n))
  t.equal(seen.length, 5000)
  t.ok(
    seen.every((n, i) => n === i + 1),
    '1 … 5000 in order',
  )
  let visited = 0
  await database.eachRow(Prisma.sql`SELECT 1 WHERE false`, () => (visited += 1))
  t.equal(visited, 0, 'no rows, no visits')
})

forEachDatabase(t, 'a visitor that throws, or a failing query, rejects; the connection is given back', async (t, engine) => {
  const database = await openTestDatabase(t, engine)
  // More rounds than the pool has connections: a connection kept by a failure would make one wait forever.
  for (let round = 0; round < 12; round += 1) {
    const seen: number[] = []
    await t.rejects(
      database.eachRow<{ n: number }>(series(100), (row) => {
        seen.push(row.n)
        if (row.n === 3) throw new Error('the third row is refused')
      }),
      { message: 'the third row is refused' },
    )
    t.same(seen, [1, 2, 3], 'no row visited after the one that threw')
    await t.rejects(
      database.eachRow(Prisma.sql`SELECT 1 / (n - 2) FROM generate_series(1, 3) AS n`, () => {}),
      { message: /division by zero/ },
    )
  }
  const [row] = await database.readRows<{ answer: number }>(Prisma.sql`SELECT 42 AS answer`)
  t.equal(row?.answer, 42, 'the database still answers')
})

/** Wide rows, so PostgreSQL's 8 KB output buffer goes out after a few of them, and slow ones: a read still going when its connection is lost. */
const slowRows = Prisma.sql`SELECT pg_backend_pid() AS pid, repeat('x', 500) AS pad, pg_sleep(0.005) FROM generate_series(1, 1000)`

/** Reads slowRows and loses the connection at the first row: the read fails, after some rows and before the last. */
async function readLosingConnection(t: Test, database: Database, lose: (pid: number) => unknown, message: RegExp = /./) {
  let visited = 0
  let lost: unknown
  await t.rejects(
    database.eachRow<{ pid: number }>(slowRows, (row) => {
      visited += 1
      if (visited === 1) lost = lose(row.pid)
    }),
    { message },
    'the read fails',
  )
  await lost
  t.ok(visited >= 1 && visited < 1000, `${visited} rows visited before the connection went`)
}

t.test(
  'a connection lost in the middle of the rows rejects, and the process goes on',
  { skip: !testEngines.includes('postgresql') },
  async (t) => {
    const database = await openTestDatabase(t, 'postgresql')
    // From another connection of the pool, as an administrator or a failover would.
    await readLosingConnection(t, database, (pid) => database.readRows(Prisma.sql`SELECT pg_terminate_backend(${pid}::int)`))
    const [row] = await database.readRows<{ answer: number }>(Prisma.sql`SELECT 42 AS answer`)
    t.equal(row?.answer, 42, 'the database still answers')
  },
)

t.test(
  'a connection cut under the rows, without a word from the server, rejects too',
  { skip: !testEngines.includes('postgresql') },
  async (t) => {
    const target = new URL(postgresUrlOf(await openTestDatabase(t, 'postgresql')))
    const relay = await relayTo(t, target, 5432)
    const url = new URL(target)
    url.host = `127.0.0.1:${relay.port}`
    const database = await openPostgresDatabase(url.toString(), 2)
    t.teardown(() => database.close())
    // An 'error' event of the checked-out connection, unheard, would end this process.
    await readLosingConnection(t, database, () => relay.cut(), /terminated/)
  },
)
