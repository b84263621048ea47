// Reader.eachRow (src/db/database.ts): rows handed over one at a time, in the query's order, on both
// engines; what the visitor throws, or the query, comes back as a rejection, and the connection
// goes back to the pool either way.
import t from 'tap'
import { Prisma } from '../../src/generated/prisma/client.js'
import { forEachDatabase, openTestDatabase } from '../helper.js'

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
