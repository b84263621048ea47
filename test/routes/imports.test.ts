// Bulk imports through real HTTP on both databases: CSV and NDJSON, matched on external id,
// idempotent, dry runs, per-row errors, all-or-nothing, and whole-file errors that write nothing.
import { Readable } from 'node:stream'
import t from 'tap'
import { databaseOf, build, forEachDatabase, keyFor, type App } from '../helper.js'

const header = 'external_id,name_zh,category,area,status,name_en,lat,lng,capacity_unit,capacity_total,capacity_available,aliases'
const csv = (...rows: string[]) => `\uFEFF${[header, ...rows].join('\r\n')}\r\n`
const stations = [
  'PH-EC-001,平湖社区长者服务站,elder_care,pinghu-community,operational,Pinghu Elder Care Station,22.69,114.12,elder_care_beds,30,4,平湖长者站;PH elder',
  'PH-EC-002,禾花社区长者服务站,elder_care,hehua,planned,,,,,,,',
  'PH-KG-003,凤凰幼儿园,kindergarten,pinghu,operational,Fenghuang Kindergarten,22.68,114.13,places,270,0,',
]

interface Report {
  committed: boolean
  summary: { rows: number; created: number; updated: number; unchanged: number; rejected: number }
  rows: { row: number; externalId: string | null; outcome: string; id?: string; errors?: { field: string; message: string }[] }[]
}

const post = (app: App, headers: Record<string, string>, body: string | Buffer | Readable, type = 'text/csv', query = '') =>
  app.inject({ method: 'POST', url: `/v1/imports${query}`, headers: { ...headers, 'content-type': type }, payload: body })

const facilityCount = (app: App) => databaseOf(app).prisma.facility.count()

forEachDatabase(t, 'a CSV import creates, then is idempotent, then updates', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const before = await facilityCount(app)

  const dry = await post(app, editor, csv(...stations), 'text/csv; charset=utf-8', '?dryRun=true')
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { dryRun: true, committed: false, summary: { rows: 3, created: 3, rejected: 0 } })
  t.equal(await facilityCount(app), before, 'a dry run writes nothing')
  t.notOk(
    (dry.json() as Report).rows.some((row) => row.id !== undefined),
    'nor names ids of facilities it did not keep',
  )

  const first = await post(app, editor, csv(...stations))
  t.match(first.json(), { committed: true, summary: { created: 3, updated: 0, unchanged: 0, rejected: 0 } })
  t.equal(await facilityCount(app), before + 3)
  const station = (first.json() as Report).rows[0]!
  const read = (await app.inject({ url: `/v1/facilities/${station.id}` })).json() as Record<string, unknown>
  t.match(read, {
    slug: 'ext-ph-ec-001',
    externalId: 'PH-EC-001',
    names: { 'zh-Hans': '平湖社区长者服务站', en: 'Pinghu Elder Care Station' },
    aliases: ['平湖长者站', 'PH elder'],
    location: { lat: 22.69, lng: 114.12, precision: 'exact' },
    capacity: [{ unit: 'elder_care_beds', total: 30, available: 4 }],
  })

  const again = await post(app, editor, csv(...stations))
  t.match(again.json(), { summary: { created: 0, updated: 0, unchanged: 3 } }, 'the same file twice changes nothing')
  t.equal(await databaseOf(app).prisma.change.count({ where: { facilityId: station.id } }), 1, 'and records nothing')

  const changed = await post(app, editor, csv(stations[0]!.replace(',30,4,', ',30,1,'), stations[1]!))
  t.match(changed.json(), { summary: { updated: 1, unchanged: 1 } })
  t.match(changed.json(), {
    rows: [
      { row: 1, outcome: 'updated' },
      { row: 2, outcome: 'unchanged' },
    ],
  })
  const history = await databaseOf(app).prisma.change.findFirstOrThrow({
    where: { facilityId: station.id, action: 'update' },
    include: { fields: true },
  })
  t.same(
    history.fields.map((f) => f.field),
    ['capacity', 'provenance'],
    'audited like a single write: the capacity, and that it is now the importer’s',
  )
  t.equal(history.reason, 'import')
})

forEachDatabase(t, 'rows with errors: reported by row and field; the rest imported, or (atomic) nothing', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const before = await facilityCount(app)
  const rows = [
    stations[0]!,
    'PH-X-002,坏坐标,elder_care,pinghu,operational,,north,114.1,,,,',
    'PH-X-003,未知类别,castle,pinghu,operational,,,,,,,',
    stations[0]!.replace('平湖社区长者服务站', '重复'),
    ',无编号,elder_care,pinghu,operational,,,,,,,',
    'PH-X-006,未知地区,elder_care,atlantis,operational,,,,,,,',
    'PH-X-007,错状态,road,pinghu,operational,,,,,,,',
  ]
  const atomic = await post(app, editor, csv(...rows), 'text/csv', '?atomic=true')
  t.equal(atomic.statusCode, 200)
  t.match(atomic.json(), { atomic: true, committed: false, summary: { created: 1, rejected: 6 } })
  t.equal(await facilityCount(app), before, 'all or nothing: nothing')
  t.same(
    (atomic.json() as Report).rows[0],
    { row: 1, externalId: 'PH-EC-001', outcome: 'created' },
    'the row that would have been created names no id: none exists',
  )

  const report = (await post(app, editor, csv(...rows))).json() as Report
  t.equal(report.committed, true)
  t.match(report.summary, { created: 1, rejected: 6 })
  const rejected = Object.fromEntries(
    report.rows.filter((r) => r.outcome === 'rejected').map((r) => [r.row, r.errors?.map((e) => e.field)]),
  )
  t.same(rejected, {
    2: ['/location/lat'],
    3: ['/category'],
    4: ['/externalId'],
    5: ['/externalId'],
    6: ['/area'],
    7: ['/status'],
  })
  t.match(report.rows[3]?.errors?.[0]?.message, /also on row 1/, 'a duplicated external id names the first row')
  t.match(report.rows[2]?.errors?.[0]?.message, /^must be one of: hospital, school, kindergarten, /, 'an enum error lists the values')
  t.equal(await facilityCount(app), before + 1, 'the good row is in')
})

forEachDatabase(t, 'a row with several errors reports each of them', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const ndjson = [
    JSON.stringify({
      externalId: 'MANY-1',
      name: { zh: '多错' },
      category: 'kindergarten',
      area: 'atlantis',
      status: 'operational',
      openingHours: 'sometimes',
      ageRange: { minMonths: 36, maxMonths: 24 },
      dates: { construction_start: { actual: { edtf: '2022-05' } }, opening: { actual: { edtf: '2021' } } },
    }),
  ].join('\n')
  const report = (await post(app, editor, ndjson, 'application/x-ndjson')).json() as Report
  t.same(
    report.rows[0]?.errors?.map((e) => e.field),
    ['/area', '/openingHours', '/ageRange/maxMonths', '/dates/opening/actual/edtf'],
  )
  t.same(report.rows[0]?.errors?.at(-1), {
    field: '/dates/opening/actual/edtf',
    message: '2021 is before construction_start (actual: 2022-05)',
  })
})

forEachDatabase(t, 'whole-file problems: a clear 4xx and nothing written', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const before = await facilityCount(app)

  const missing = await post(app, editor, 'external_id,name_zh,category,area\nA,甲,school,pinghu\n')
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { code: 'validation_failed', detail: /missing column\(s\): status/ })
  const unknown = await post(app, editor, `${header},colour\n`)
  t.match(unknown.json(), { detail: /unknown column\(s\): colour/ })

  const latin1 = Buffer.concat([Buffer.from(csv(...stations)), Buffer.from([0xc6, 0xbd, 0xba, 0xfe, 0x0a])])
  const badEncoding = await post(app, editor, latin1)
  t.equal(badEncoding.statusCode, 400, 'bytes that are not UTF-8')
  t.match(badEncoding.json(), { detail: /not UTF-8/ })
  const ragged = await post(app, editor, csv(stations[0]!, 'PH-1,甲,school'))
  t.equal(ragged.statusCode, 400, 'a row with the wrong number of cells')
  t.equal(await facilityCount(app), before, 'the good rows before a bad one were not kept')

  for (const [body, type, detail] of [
    ['', 'text/csv', /^The file is empty: a CSV starts with a header row/],
    ['\r\n\r\n', 'text/csv', /^The file is empty/],
    ['', 'application/x-ndjson', /^The file holds no rows/],
  ] as const) {
    const empty = await post(app, editor, body, type)
    t.equal(empty.statusCode, 400, `an empty ${type} is refused, not a report of 0 rows`)
    t.match(empty.json(), { code: 'validation_failed', detail })
  }

  t.equal((await post(app, editor, '{}', 'application/json')).statusCode, 415)
  t.equal((await post(app, {}, csv(...stations))).statusCode, 401)
  t.equal((await post(app, await keyFor(app, 'reader'), csv(...stations))).statusCode, 403)
  t.equal((await post(app, editor, csv(...stations), 'text/csv', '?dryRun=maybe')).statusCode, 400)
  t.equal(await facilityCount(app), before)
})

forEachDatabase(t, 'NDJSON, streamed: 300 rows in, then merged by external id', async (t, engine) => {
  const app = await build(t, engine, { seed: true })
  const editor = await keyFor(app, 'editor')
  const lines = function* () {
    for (let i = 0; i < 300; i += 1) {
      yield `${JSON.stringify({ externalId: `NB-${i}`, category: 'public_service', name: { zh: `便民服务点${i}` }, area: 'pinghu', status: 'operational' })}\n`
    }
    yield 'not json\n'
  }
  const report = (await post(app, editor, Readable.from(lines()), 'application/x-ndjson')).json() as Report
  t.match(report.summary, { rows: 301, created: 300, rejected: 1 })
  t.match(report.rows[300], { row: 301, outcome: 'rejected', errors: [{ field: '/' }] })

  const update = `${JSON.stringify({ externalId: 'NB-7', phone: '0755-7' })}\n${JSON.stringify({ externalId: 'NB-8', status: 'temporarily_closed' })}\n`
  const merged = (await post(app, editor, update, 'application/x-ndjson')).json() as Report
  t.match(
    merged.rows,
    [{ outcome: 'updated' }, { outcome: 'rejected', errors: [{ field: '/status' }] }],
    'statuses change through status changes',
  )
  const nb7 = await databaseOf(app).prisma.facility.findUniqueOrThrow({ where: { externalId: 'NB-7' } })
  t.match(nb7, { phone: '0755-7', nameZh: '便民服务点7', version: 2 })
})

forEachDatabase(t, 'rows named by id, notes in either language, GCJ-02 points, and Idempotency-Key', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const created = (await post(app, editor, csv(stations[0] as string))).json() as Report
  const id = created.rows[0]?.id as string

  const byId = [
    'id,name_zh,category,area,status,lat,lng,crs,location_precision,location_note',
    `${id.toUpperCase()},平湖社区长者服务站,elder_care,pinghu-community,operational,22.69,114.12,WGS84,approximate,社区服务中心一楼附近`,
    '0190a4e2-0000-7000-8000-000000000000,无此设施,elder_care,pinghu,operational,,,,,',
    'not-an-id,无此设施,elder_care,pinghu,operational,,,,,',
    `${id},平湖社区长者服务站,elder_care,pinghu-community,operational,,,,,`,
  ]
  const report = (await post(app, editor, `${byId.join('\n')}\n`)).json() as Report
  t.match(report.rows, [
    { row: 1, outcome: 'updated', id },
    { row: 2, outcome: 'rejected', errors: [{ field: '/id', message: /names no facility/ }] },
    { row: 3, outcome: 'rejected', errors: [{ field: '/id', message: /not a facility id/ }] },
    { row: 4, outcome: 'rejected', errors: [{ field: '/id', message: 'is also on row 1' }] },
  ])
  const zh = (await app.inject({ url: `/v1/facilities/${id}` })).json() as { location: { note: string; precision: string } }
  t.same([zh.location.note, zh.location.precision], ['社区服务中心一楼附近', 'approximate'], 'a Chinese note is filed as Chinese')
  const en = (await app.inject({ url: `/v1/facilities/${id}`, headers: { 'accept-language': 'en' } })).json() as {
    location: { note: string }
  }
  t.equal(en.location.note, '社区服务中心一楼附近', 'and shown in English answers while no English is known')

  const gcj = [
    'external_id,name_zh,category,area,status,lat,lng,crs',
    'PH-EC-001,平湖社区长者服务站,elder_care,pinghu-community,operational,22.6873,114.1252,GCJ02',
  ]
  t.match((await post(app, editor, `${gcj.join('\n')}\n`)).json(), { summary: { updated: 1 } })
  const wgs = (await app.inject({ url: `/v1/facilities/${id}` })).json() as { location: { lat: number; lng: number } }
  t.ok(Math.abs(wgs.location.lat - 22.6873) > 0.001 && Math.abs(wgs.location.lng - 114.1252) > 0.003, 'stored in WGS-84')
  const back = (await app.inject({ url: `/v1/facilities/${id}?crs=gcj02` })).json() as { location: { lat: number; lng: number } }
  t.ok(Math.abs(back.location.lat - 22.6873) < 1e-5 && Math.abs(back.location.lng - 114.1252) < 1e-5, 'read back in GCJ-02')

  const keyed = { ...editor, 'idempotency-key': 'weekly-list-2026-48' }
  const file = csv(stations[1] as string)
  const first = await post(app, keyed, file)
  t.match(first.json(), { summary: { created: 1 } })
  const retry = await post(app, keyed, file)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(retry.body, first.body, 'the first report again, not "unchanged"')
  const otherFile = await post(app, keyed, csv(stations[2] as string))
  t.equal(otherFile.statusCode, 422)
  t.match(otherFile.json(), { code: 'idempotency_key_reused' })
  t.equal(await databaseOf(app).prisma.facility.count({ where: { externalId: 'PH-KG-003' } }), 0)
})
