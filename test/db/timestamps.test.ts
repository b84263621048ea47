// Instants read through the driver come back as the instants PostgreSQL holds, in whatever form
// the session writes them (src/db/database.ts reads the UTC form itself, the others through
// node-postgres's parser).
import t from 'tap'
import { Prisma } from '../../src/generated/prisma/client.js'
import { openTestDatabase, testEngines } from '../helper.js'

t.test('timestamptz values read through the driver', { skip: !testEngines.includes('postgresql') }, async (t) => {
  const database = await openTestDatabase(t, 'postgresql')
  const read = async (timeZone: string) => {
    const [row] = await database.readRows<{ zone: string; at: Date; whole: Date; micro: Date; early: Date; bc: Date; forever: unknown }>(
      Prisma.sql`SELECT set_config('TimeZone', ${timeZone}, true) AS zone,
        '2026-11-28 05:19:00.5+00'::timestamptz AS at, '2026-11-28 05:19:00+00'::timestamptz AS whole,
        '2026-11-28 05:19:00.123456+00'::timestamptz AS micro, '0001-01-01 00:00:00+00'::timestamptz AS early,
        '0044-03-15 12:00:00+00 BC'::timestamptz AS bc, 'infinity'::timestamptz AS forever`,
    )
    return row!
  }
  for (const zone of ['UTC', 'Asia/Shanghai', 'Asia/Kolkata']) {
    const row = await read(zone)
    t.equal(row.zone, zone)
    t.equal(row.at.toISOString(), '2026-11-28T05:19:00.500Z', `${zone}: fractions of a second`)
    t.equal(row.whole.toISOString(), '2026-11-28T05:19:00.000Z', `${zone}: whole seconds`)
    t.equal(row.micro.toISOString(), '2026-11-28T05:19:00.123Z', `${zone}: microseconds, to the millisecond`)
    t.equal(row.early.toISOString(), '0001-01-01T00:00:00.000Z', `${zone}: the year 1`)
    t.equal(row.bc.getTime(), Date.UTC(-43, 2, 15, 12), `${zone}: before Christ (year -43 in ISO terms)`)
    t.equal(row.forever, Number.POSITIVE_INFINITY, `${zone}: infinity`)
  }
})
