// Two "ceilings" the real app is measured against:
//   fixed:  a bare Fastify server returning a fixed 20-item facility-list body — the most this
//           machine's Node + Fastify + HTTP stack can serve, with no database at all;
//   rawSql: a bare Fastify server answering "operational kindergartens near a point" with one
//           hand-written SQL query through a pg Pool of 10 — the most a search endpoint can do
//           against the same database without Prisma, validation or presentation.
//
// run.ts starts each in a child process of its own (so they do not share an event loop with the
// load generator):  node --import tsx bench/ceilings.ts fixed|rawSql --port 4101 [--database-url …]
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'

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

export const rawNearbySql =
  'SELECT id, name_zh, name_en, category, status, latitude, longitude FROM facility ' +
  'WHERE deleted_at IS NULL AND category = $1 AND status = $2 ' +
  'AND geo_point <@ box(point($3,$4), point($5,$6)) ' +
  'ORDER BY (geo_point <-> point($7,$8)) LIMIT 20'

/** The bounding box around (lat, lng) of a circle of `radius` metres, as [minLng, minLat, maxLng, maxLat]. */
export function boundingBox(lat: number, lng: number, radius: number): [number, number, number, number] {
  const dLat = radius / 111_320
  const dLng = radius / (111_320 * Math.cos((lat * Math.PI) / 180))
  return [lng - dLng, lat - dLat, lng + dLng, lat + dLat]
}

/**
 * (b) A bare Fastify server whose GET /v1/facilities answers ?near=lat,lng&radius=m&category=&status=
 * with the hand-written SQL above, through a pg Pool of 10.
 */
export async function startRawSqlCeiling(port: number, databaseUrl: string): Promise<Ceiling> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
  const fastify = Fastify({ logger: false })
  fastify.get<{ Querystring: Record<string, string | undefined> }>('/v1/facilities', async (request, reply) => {
    const [lat, lng] = (request.query.near ?? '22.60,114.05').split(',').map(Number) as [number, number]
    const radius = Number(request.query.radius ?? 3000)
    if (!Number.isFinite(lat) || !Number.isFinite(lng) || !Number.isFinite(radius)) {
      return reply.code(400).send({ error: 'bad near/radius' })
    }
    const [minLng, minLat, maxLng, maxLat] = boundingBox(lat, lng, radius)
    const result = await pool.query(rawNearbySql, [
      request.query.category ?? 'kindergarten',
      request.query.status ?? 'operational',
      minLng,
      minLat,
      maxLng,
      maxLat,
      lng,
      lat,
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
