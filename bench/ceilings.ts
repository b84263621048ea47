// Two "ceilings" the real app is measured against:
//   fixed:  a bare Fastify server returning a fixed 20-item facility-list body — the most this
//           machine's Node + Fastify + HTTP stack can serve, with no database at all;
//   rawSql: a bare Fastify server answering the bench's nearby and text searches with the app's
//           own SQL written by hand, through a pg Pool of 10 — the most a search endpoint can do
//           against the same database without Prisma, validation or presentation.
//
// run.ts starts each in a child process of its own (so they do not share an event loop with the
// load generator):  node --import tsx bench/ceilings.ts fixed|rawSql --port 4101 [--database-url …]
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import { randomPageCost } from '../src/db/database.js'
import { earthPointOf } from '../src/domain/geo.js'

export interface Ceiling {
  url: string
  close(): Promise<void>
}

/** A list page of 20 facilities, shaped like GET /v1/facilities' answer. */
export function fixedListBody() {
  const data = Array.from({ length: 20 }, (_, i) => ({
    id: `0190c3a0-0000-4000-8000-${String(i).padStart(12, '0')}`,
    slug: `bench-${String(i + 1).padStart(6, '0')}-kindergarten`,
    category: 'kindergarten',
    kind: 'service',
    name: { 'zh-Hans': `龙城第${i + 1}幼儿园`, en: `Longcheng No. ${i + 1} Kindergarten` },
    status: 'operational',
    statusEffective: { edtf: '2021-05', precision: 'month', earliest: '2021-05-01', latest: '2021-05-31' },
    area: { id: 'pinghu', level: 'street', name: { 'zh-Hans': '平湖街道', en: 'Pinghu Subdistrict' } },
    location: { lat: 22.6 + i / 1000, lng: 114.05 + i / 1000, crs: 'WGS84', precision: 'exact', note: null },
    dates: {
      opening: {
        delayed: null,
        actual: { edtf: '2021-05', precision: 'month', earliest: '2021-05-01', latest: '2021-05-31', sourceText: null },
      },
    },
    updatedAt: '2026-05-01T00:00:00.000Z',
  }))
  return { data, page: { limit: 20, nextCursor: 'eyJhZnRlciI6IjAxOTBjM2EwIn0' } }
}

async function listen(fastify: FastifyInstance, port: number, close: () => Promise<void> = async () => {}): Promise<Ceiling> {
  await fastify.listen({ port, host: '127.0.0.1' })
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await fastify.close()
      await close()
    },
  }
}

/** (a) A bare Fastify server with one route returning a fixed 20-item list body. */
export async function startFixedCeiling(port: number): Promise<Ceiling> {
  const fastify = Fastify({ logger: false })
  const body = fixedListBody()
  // Serialised per request, as the app does, so the cost of JSON is part of the ceiling.
  fastify.get('/v1/facilities', async () => body)
  return listen(fastify, port)
}

/** What a list item shows: the facility's own columns, its area and its dates as JSON. */
const listColumns = `f.slug, f.category, f.name_zh, f.name_en, f.status, f.status_effective_at, f.status_effective_edtf,
    f.latitude, f.longitude, f.location_precision, f.location_note_zh, f.location_note_en, f.opening_hours, f.time_zone, f.updated_at,
    a.id AS area_id, a.level AS area_level, a.name_zh AS area_name_zh, a.name_en AS area_name_en,
    (SELECT coalesce(json_agg(json_build_object('milestone', d.milestone, 'basis', d.basis, 'edtf', d.edtf,
        'precision', d.precision, 'earliest', d.earliest, 'latest', d.latest, 'sourceText', d.source_text)), '[]')
      FROM facility_date d WHERE d.facility_id = f.id) AS dates`

/**
 * The app's nearby query, written by hand: the same filters, the same page in the same order
 * (nearest first through the GiST index on earth_point, ties by id), the same columns.
 * $1 = the search's point on the unit sphere (earthPointOf, as the app sends it); $2 = the chord of
 * the radius on the unit sphere; $3, $4 = category, status.
 */
export const rawNearbySql = `WITH nearest AS MATERIALIZED (
    SELECT f.earth_point <-> cube($1::float8[]) AS chord FROM facility f
    WHERE f.deleted_at IS NULL AND f.category = $3 AND f.status = $4
      AND f.earth_point <@ cube_enlarge(cube($1::float8[]), $2, 3) AND f.earth_point <-> cube($1::float8[]) <= $2
    ORDER BY f.earth_point <-> cube($1::float8[]) LIMIT 21)
  SELECT f.id, 2 * 6371008.8 * asin(least((f.earth_point <-> cube($1::float8[])) / 2, 1)) AS distance, ${listColumns}
  FROM facility f JOIN area a ON a.id = f.area_id
  WHERE f.deleted_at IS NULL AND f.category = $3 AND f.status = $4
    AND f.earth_point <@ cube_enlarge(cube($1::float8[]), (SELECT max(chord) FROM nearest), 3)
    AND f.earth_point <-> cube($1::float8[]) <= (SELECT max(chord) FROM nearest)
  ORDER BY f.earth_point <-> cube($1::float8[]), f.id
  LIMIT 21`

/**
 * The app's text search for a word of three or more letters, written by hand: the facilities
 * where the text starts a word, by relevance (a whole word first, then a word starting with it,
 * then the name starting with it), then — only when that band does not fill the page — the other
 * substring matches in id order. $1 = '%text%', $2 = '% text%', $3 = '% text %', $4 = ' text%'.
 */
export const rawTextSql = {
  top: `SELECT f.id, (CASE WHEN f.search_text LIKE $3 THEN 2 ELSE 0 END + CASE WHEN f.search_text LIKE $2 THEN 1 ELSE 0 END
      + CASE WHEN f.search_text LIKE $4 THEN 1 ELSE 0 END)::float8 AS relevance, ${listColumns}
    FROM facility f JOIN area a ON a.id = f.area_id
    WHERE f.deleted_at IS NULL AND f.search_text LIKE $1 AND f.search_text LIKE $2
    ORDER BY relevance DESC, f.id LIMIT 21`,
  rest: `SELECT f.id, ${listColumns}
    FROM facility f JOIN area a ON a.id = f.area_id
    WHERE f.deleted_at IS NULL AND f.search_text LIKE $1 AND NOT f.search_text LIKE $2
    ORDER BY f.id LIMIT $3`,
}

/**
 * (b) A bare Fastify server whose GET /v1/facilities answers ?near=lat,lng&radius=m&category=&status=
 * and ?q=text (three letters or more) with the app's own SQL written by hand (above), through a
 * pg Pool of 10: what the search endpoint could do without Prisma, validation and presentation.
 */
export async function startRawSqlCeiling(port: number, databaseUrl: string): Promise<Ceiling> {
  // The planner setting the app's connections have (src/db/database.ts).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, options: `-c random_page_cost=${randomPageCost}` })
  const fastify = Fastify({ logger: false })
  fastify.get<{ Querystring: Record<string, string | undefined> }>('/v1/facilities', async (request, reply) => {
    const q = request.query.q?.trim().toLowerCase()
    if (q !== undefined) {
      if ([...q].length < 3) return reply.code(400).send({ error: 'q needs three letters or more here' })
      const top = await pool.query(rawTextSql.top, [`%${q}%`, `% ${q}%`, `% ${q} %`, ` ${q}%`])
      if (top.rows.length === 21) return { data: top.rows }
      const rest = await pool.query(rawTextSql.rest, [`%${q}%`, `% ${q}%`, 21 - top.rows.length])
      return { data: [...top.rows, ...rest.rows] }
    }
    const [lat, lng] = (request.query.near ?? '22.60,114.05').split(',').map(Number) as [number, number]
    const radius = Number(request.query.radius ?? 3000)
    if (!Number.isFinite(lat) || !Number.isFinite(lng) || !Number.isFinite(radius)) {
      return reply.code(400).send({ error: 'bad near/radius' })
    }
    const chord = 2 * Math.sin(radius / (2 * 6_371_008.8))
    const result = await pool.query(rawNearbySql, [
      earthPointOf(lat, lng),
      chord,
      request.query.category ?? 'kindergarten',
      request.query.status ?? 'operational',
    ])
    return { data: result.rows }
  })
  return listen(fastify, port, () => pool.end())
}

// Run on its own: node --import tsx bench/ceilings.ts fixed|rawSql --port N [--database-url URL]
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '4101' },
      'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/linli_bench' },
    },
  })
  const which = positionals[0]
  const port = Number(values.port)
  let ceiling: Ceiling
  if (which === 'fixed') ceiling = await startFixedCeiling(port)
  else if (which === 'rawSql') ceiling = await startRawSqlCeiling(port, values['database-url']!)
  else {
    console.error('usage: ceilings.ts fixed|rawSql --port N [--database-url URL]')
    process.exit(2)
  }
  console.log(`ceiling ${which} listening on ${ceiling.url}`)
  const stop = () => {
    void ceiling.close().then(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
