// The other shapes of the directory: GeoJSON and CSV lists, the NDJSON export, and HTTP caching
// (ETag, Last-Modified, 304). Every group runs on PGlite and on PostgreSQL.
import t, { type Test } from 'tap'
import { batchSize as exportBatchSize } from '../../src/api/v1/export.js'
import { databaseOf, addFacility, buildClocked, forEachDatabase, keyFor } from '../helper.js'

const seedCount = 30
/** The import's columns first (same names, same meanings), then what an export adds for people. */
const csvHeader =
  'id,external_id,name_zh,category,area,status,slug,name_en,aliases,description_zh,description_en,address_zh,address_en,' +
  'lat,lng,crs,location_precision,location_note_zh,location_note_en,phone,website,opening_hours,capacity_unit,' +
  'capacity_total,capacity_available,name,category_label,status_label,area_name,distance_m,opening,open_now,updated_at'

/** The rows of a CSV answer (after its BOM) as objects keyed by the header's column names. */
function csvRecords(body: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(body.slice(1))
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index] ?? ''])))
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i += 1
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1
      record.push(field)
      records.push(record)
      record = []
      field = ''
    } else field += c
  }
  if (field !== '' || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  return records
}

// ------------------------------------------------------------------ GeoJSON and CSV

forEachDatabase(t, 'list formats', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const unlocated = await addFacility(app, {
    slug: 'pinghu-mobile-library',
    name: { zh: '平湖流动图书馆', en: 'Pinghu Mobile Library, "Book Bus"' },
  })
  const all = (await app.inject({ url: '/v1/facilities?limit=100' })).json().data as { id: string; name: string }[]

  t.test('Accept: application/geo+json gives a FeatureCollection of points', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?limit=100', headers: { accept: 'application/geo+json' } })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], 'application/geo+json; charset=utf-8')
    t.match(response.headers.vary, /Accept\b/)
    const collection = response.json()
    t.equal(collection.type, 'FeatureCollection')
    t.same(collection.page, { limit: 100, nextCursor: null })
    t.equal(collection.features.length, seedCount + 1)
    t.same(
      collection.features.map((feature: { id: string }) => feature.id),
      all.map((item) => item.id),
      'the same facilities in the same order as JSON',
    )
    const hospital = collection.features.find(
      (feature: { properties: { slug: string } }) => feature.properties.slug === 'south-china-hospital',
    )
    t.match(hospital, {
      type: 'Feature',
      id: String,
      geometry: { type: 'Point', coordinates: [114.124, 22.6866] },
      properties: {
        name: '深圳大学附属华南医院',
        category: 'hospital',
        status: 'operational',
        locationPrecision: 'approximate',
        crs: 'WGS84',
      },
    })
    t.notOk('location' in hospital.properties, 'the location is the geometry, not a property')
    const bus = collection.features.find((feature: { id: string }) => feature.id === unlocated.id)
    t.equal(bus.geometry, null, 'no location, no geometry')
    t.equal(bus.properties.name, '平湖流动图书馆')
  })

  t.test('GeoJSON in GCJ-02 and English when asked', async (t) => {
    const response = await app.inject({
      url: '/v1/facilities?category=kindergarten&crs=gcj02',
      headers: { accept: 'application/geo+json', 'accept-language': 'en' },
    })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-language'], 'en')
    const [feature] = response.json().features
    t.equal(feature.properties.name, 'Ronghu Shengshi Kindergarten')
    t.equal(feature.properties.crs, 'GCJ02')
    const [lng, lat] = feature.geometry.coordinates
    t.ok(Math.abs(lng - 114.124) > 0.001 && Math.abs(lng - 114.124) < 0.01, `lng ${lng}`)
    t.ok(Math.abs(lat - 22.6866) > 0.001 && Math.abs(lat - 22.6866) < 0.01, `lat ${lat}`)
  })

  t.test('Accept: text/csv gives a UTF-8 CSV with a BOM, one row per facility', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?limit=100', headers: { accept: 'text/csv' } })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], 'text/csv; charset=utf-8')
    t.equal(response.body.charCodeAt(0), 0xfeff, 'starts with the byte-order mark')
    t.same([...response.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM encoded in UTF-8')
    const records = parseCsv(response.body.slice(1))
    t.equal(records[0]?.join(','), csvHeader)
    const rows = csvRecords(response.body)
    t.equal(rows.length, seedCount + 1)
    t.same(
      rows.map((row) => row.id),
      all.map((item) => item.id),
      'the same facilities in the same order as JSON',
    )
    t.same(
      rows.map((row) => row.name),
      all.map((item) => item.name),
      'Chinese names intact',
    )
    t.match(
      rows.find((row) => row.slug === 'ronghu-shengshi-kindergarten'),
      {
        name_zh: '融湖盛世幼儿园',
        name: '融湖盛世幼儿园',
        name_en: 'Ronghu Shengshi Kindergarten',
        category: 'kindergarten',
        category_label: '幼儿园',
        status: 'operational',
        status_label: '运营中',
        area: 'pinghu',
        area_name: '平湖街道',
        lat: '22.6866',
        lng: '114.124',
        crs: 'WGS84',
        location_precision: 'approximate',
        location_note_zh: '平湖街道的大致中心位置；来源未给出具体地点。',
        location_note_en: 'Approximate centre of Pinghu Subdistrict (平湖街道); the source names no site.',
        distance_m: '',
        opening: '2022-05',
      },
    )
  })

  t.test('CSV quotes what needs quoting', async (t) => {
    const response = await app.inject({
      url: '/v1/facilities?q=liudongtushuguan',
      headers: { accept: 'text/csv', 'accept-language': 'en' },
    })
    t.equal(response.statusCode, 200)
    t.match(response.body, /"Pinghu Mobile Library, ""Book Bus"""/)
    const [row] = csvRecords(response.body)
    t.equal(row?.name, 'Pinghu Mobile Library, "Book Bus"')
    t.equal(row?.name_en, 'Pinghu Mobile Library, "Book Bus"')
    t.equal(row?.lat, '', 'no latitude')
  })

  t.test('CSV pages are linked by the Link header', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?limit=5', headers: { accept: 'text/csv' } })
    t.equal(parseCsv(response.body.slice(1)).length, 6)
    t.match(response.headers.link, /^<\/v1\/facilities\?limit=5&cursor=[A-Za-z0-9_-]+>; rel="next"$/)
  })

  t.test('an empty CSV still has the header row', async (t) => {
    const response = await app.inject({ url: '/v1/facilities?q=zzyzxqwv', headers: { accept: 'text/csv' } })
    t.equal(response.statusCode, 200)
    t.equal(response.body.charCodeAt(0), 0xfeff)
    t.equal(response.body, `\uFEFF${csvHeader}\n`, 'the full header')
  })

  t.test('the location note is in the language of the answer', async (t) => {
    const notes = async (language: string) =>
      (
        (await app.inject({ url: '/v1/facilities?q=ronghushengshi', headers: { 'accept-language': language } })).json() as {
          data: { location: { note: string } }[]
        }
      ).data.map((item) => item.location.note)
    t.same(await notes('zh-CN'), ['平湖街道的大致中心位置；来源未给出具体地点。'])
    t.same(await notes('en'), ['Approximate centre of Pinghu Subdistrict (平湖街道); the source names no site.'])
  })

  t.test('an exported CSV imported again changes nothing', async (t) => {
    const editor = await keyFor(app, 'editor')
    const exported = await app.inject({ url: '/v1/facilities?limit=100', headers: { accept: 'text/csv' } })
    const feedBefore = (await app.inject({ url: '/v1/changes?limit=500' })).json().data.length as number
    const imported = await app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { ...editor, 'content-type': 'text/csv' },
      payload: exported.rawPayload,
    })
    t.equal(imported.statusCode, 200)
    const report = imported.json() as { summary: Record<string, number>; rows: { outcome: string; errors?: unknown }[] }
    t.same(
      report.summary,
      { rows: seedCount + 1, created: 0, updated: 0, unchanged: seedCount + 1, rejected: 0 },
      JSON.stringify(report.rows.filter((row) => row.outcome !== 'unchanged').slice(0, 3)),
    )
    t.equal((await app.inject({ url: '/v1/changes?limit=500' })).json().data.length, feedBefore, 'no change recorded')

    // The same file with one cell edited in a spreadsheet updates that facility alone.
    const edited = exported.body.replace('融湖盛世幼儿园,kindergarten', '融湖盛世幼儿园（新园区）,kindergarten')
    t.not(edited, exported.body)
    const again = await app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { ...editor, 'content-type': 'text/csv' },
      payload: edited,
    })
    t.match(again.json(), { summary: { updated: 1, unchanged: seedCount, rejected: 0 } })
  })

  t.test('Accept: image/png is a 406 problem', async (t) => {
    const response = await app.inject({ url: '/v1/facilities', headers: { accept: 'image/png' } })
    t.equal(response.statusCode, 406)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(response.json(), {
      type: 'urn:linli:problem:not_acceptable',
      title: 'No acceptable representation',
      status: 406,
      code: 'not_acceptable',
      instance: '/v1/facilities',
    })
    t.match(response.json().detail, /application\/geo\+json/)
  })

  t.test('Accept lists: the first acceptable type wins; */* is JSON', async (t) => {
    const either = await app.inject({ url: '/v1/facilities', headers: { accept: 'image/png, text/csv' } })
    t.equal(either.headers['content-type'], 'text/csv; charset=utf-8')
    const any = await app.inject({ url: '/v1/facilities', headers: { accept: '*/*' } })
    t.equal(any.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(any.json().data.length, 20)
  })

  t.test('Accept q-values are honoured', async (t) => {
    const preferGeo = await app.inject({
      url: '/v1/facilities',
      headers: { accept: 'text/csv;q=0.5, application/geo+json' },
    })
    t.match(preferGeo.headers['content-type'], /^application\/geo\+json/, 'geo+json (q=1) over csv (q=0.5)')
    const notJson = await app.inject({ url: '/v1/facilities', headers: { accept: 'application/json;q=0, text/csv' } })
    t.equal(notJson.headers['content-type'], 'text/csv; charset=utf-8', 'q=0 means not acceptable')
    const anyText = await app.inject({ url: '/v1/facilities', headers: { accept: 'text/*' } })
    t.equal(anyText.statusCode, 200, 'text/* is a media range CSV matches')
  })
})

// ------------------------------------------------------------------ NDJSON export

forEachDatabase(t, 'GET /v1/facilities/export.ndjson', async (t, engine) => {
  const { app } = await buildClocked(t, engine)

  const exportLines = async (t: Test, query = '', headers: Record<string, string> = {}) => {
    const response = await app.inject({ url: `/v1/facilities/export.ndjson${query}`, headers })
    t.equal(response.statusCode, 200)
    t.ok(response.body.endsWith('\n'), 'every line ends with a newline')
    const lines = response.body.split('\n').slice(0, -1)
    return { response, lines, records: lines.map((line) => JSON.parse(line)) }
  }

  t.test('one full record per line for every facility', async (t) => {
    const { response, lines, records } = await exportLines(t)
    t.equal(response.headers['content-type'], 'application/x-ndjson; charset=utf-8')
    t.equal(response.headers['cache-control'], 'public, max-age=300')
    t.equal(response.headers['content-language'], 'zh-Hans')
    t.equal(lines.length, seedCount)
    t.ok(
      lines.every((line) => !line.includes('\n') && line.startsWith('{') && line.endsWith('}')),
      'one object a line',
    )
    t.equal(new Set(records.map((record) => record.id)).size, seedCount, 'no facility twice')
    t.ok(
      records.every((record) => Array.isArray(record.citations) && record.citations.length > 0),
      'every seed record cites its source',
    )
    const listed = (await app.inject({ url: '/v1/facilities?limit=100' })).json().data
    t.same(
      records.map((record) => record.id),
      listed.map((item: { id: string }) => item.id),
      'in creation order',
    )
    const school = records.find((record) => record.slug === 'longgang-experimental-senior-high-school')
    const detail = (await app.inject({ url: `/v1/facilities/${school.id}` })).json()
    t.same(school, detail, 'each line is the record GET /v1/facilities/{id} gives')
    t.same(school.citations[0], {
      source: { id: 'pinghu-2022-10', title: '龙岗"西核"起风潮 幸福平湖"蝶变"来', publishedOn: '2022-10' },
      quote: '龙岗区实验高级中学完成改扩建，新增学位 400人',
    })
  })

  t.test('in English and GCJ-02 when asked', async (t) => {
    const { response, records } = await exportLines(t, '?crs=gcj02', { 'accept-language': 'en' })
    t.equal(response.headers['content-language'], 'en')
    const kindergarten = records.find((record) => record.slug === 'ronghu-shengshi-kindergarten')
    t.equal(kindergarten.name, 'Ronghu Shengshi Kindergarten')
    t.equal(kindergarten.location.crs, 'GCJ02')
    t.not(kindergarten.location.lat, 22.6866)
  })

  t.test('an unknown parameter is a 400', async (t) => {
    const response = await app.inject({ url: '/v1/facilities/export.ndjson?category=school' })
    t.equal(response.statusCode, 400)
    t.match(response.json(), { code: 'validation_failed', errors: [{ in: 'query', name: 'category' }] })
  })

  t.test('a soft-deleted facility is left out', async (t) => {
    await databaseOf(app).prisma.facility.update({ where: { slug: 'shenzhen-foreign-languages-school' }, data: { deletedAt: new Date() } })
    const { lines, records } = await exportLines(t)
    t.equal(lines.length, seedCount - 1)
    t.notOk(records.some((record) => record.slug === 'shenzhen-foreign-languages-school'))
  })

  t.test('more facilities than one batch: every one exactly once', async (t) => {
    // Two batches and part of a third, of many chunks each.
    const added = 2 * exportBatchSize + 9 - (seedCount - 1)
    await databaseOf(app).prisma.facility.createMany({
      data: Array.from({ length: added }, (_, i) => ({
        slug: `bulk-${i}`,
        category: 'market' as const,
        nameZh: `批量市场${i}`,
        status: 'planned' as const,
        areaId: 'pinghu',
      })),
    })
    const { records } = await exportLines(t)
    t.equal(records.length, 2 * exportBatchSize + 9)
    t.equal(new Set(records.map((record) => record.id)).size, records.length)
    const ids = records.map((record) => record.id as string)
    t.same(ids, [...ids].sort(), 'in id order')
  })
})

// ------------------------------------------------------------------ HTTP caching

forEachDatabase(t, 'HTTP caching', async (t, engine) => {
  // These tests move updated_at by hand (a write's time is the database's clock), which the read
  // index does not see, as it sees no write that bypasses the service; the lists' Last-Modified
  // from the index is tested in test/search/read-index.test.ts.
  const { app, setNow } = await buildClocked(t, engine, undefined, { searchIndex: false })
  const list = (await app.inject({ url: '/v1/facilities?category=school&limit=100' })).json().data
  const school = list.find((item: { slug: string }) => item.slug === 'longgang-experimental-senior-high-school')
  const url = `/v1/facilities/${school.id}`
  const httpDate = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toUTCString()

  t.test('a facility has a strong ETag, Last-Modified and Cache-Control', async (t) => {
    const response = await app.inject({ url })
    t.equal(response.statusCode, 200)
    t.match(response.headers.etag, /^"1\.[A-Za-z0-9_-]{16}"$/, 'strong (quoted, no W/), naming the version')
    t.equal(response.headers['last-modified'], httpDate(response.json().updatedAt))
    t.equal(response.headers['cache-control'], 'public, max-age=60')
    t.equal((await app.inject({ url })).headers.etag, response.headers.etag, 'the same body, the same ETag')
  })

  t.test('If-None-Match with the ETag is a 304 without a body', async (t) => {
    const { headers } = await app.inject({ url })
    const response = await app.inject({ url, headers: { 'if-none-match': String(headers.etag) } })
    t.equal(response.statusCode, 304)
    t.equal(response.body, '')
    t.equal(response.headers.etag, headers.etag)
    t.equal(response.headers['cache-control'], 'public, max-age=60', 'a 304 carries the Cache-Control a 200 would (RFC 9110 §15.4.5)')
    const other = await app.inject({ url, headers: { 'if-none-match': '"something-else"' } })
    t.equal(other.statusCode, 200)
  })

  t.test('If-Modified-Since equal to Last-Modified is a 304', async (t) => {
    const { headers } = await app.inject({ url })
    const lastModified = String(headers['last-modified'])
    const response = await app.inject({ url, headers: { 'if-modified-since': lastModified } })
    t.equal(response.statusCode, 304)
    t.equal(response.body, '')
    const earlier = new Date(Date.parse(lastModified) - 3_600_000).toUTCString()
    t.equal((await app.inject({ url, headers: { 'if-modified-since': earlier } })).statusCode, 200, 'an earlier date is a 200')
    t.equal((await app.inject({ url, headers: { 'if-modified-since': 'not a date' } })).statusCode, 200, 'a bad date is ignored')
    const both = await app.inject({ url, headers: { 'if-modified-since': lastModified, 'if-none-match': '"stale"' } })
    t.equal(both.statusCode, 200, 'If-None-Match wins over If-Modified-Since')
  })

  t.test('after a change the old validators give a 200 with new ones', async (t) => {
    const before = await app.inject({ url })
    const updatedAt = new Date(Date.parse(before.json().updatedAt) + 2_000)
    await databaseOf(app).prisma.facility.update({
      where: { id: school.id },
      data: { nameEn: 'Longgang Experimental High School', updatedAt },
    })
    const byTag = await app.inject({ url, headers: { 'if-none-match': String(before.headers.etag) } })
    t.equal(byTag.statusCode, 200)
    t.not(byTag.headers.etag, before.headers.etag)
    t.match(byTag.headers.etag, /^"\d+\.[A-Za-z0-9_-]{16}"$/)
    t.equal(byTag.json().names.en, 'Longgang Experimental High School')
    t.equal(byTag.headers['last-modified'], httpDate(updatedAt.toISOString()))
    const byDate = await app.inject({ url, headers: { 'if-modified-since': String(before.headers['last-modified']) } })
    t.equal(byDate.statusCode, 200)
    const fresh = await app.inject({ url, headers: { 'if-none-match': String(byTag.headers.etag) } })
    t.equal(fresh.statusCode, 304)
  })

  t.test('lists carry ETag and Last-Modified too', async (t) => {
    const listUrl = '/v1/facilities?category=school'
    const first = await app.inject({ url: listUrl })
    t.equal(first.statusCode, 200)
    t.match(first.headers.etag, /^"[A-Za-z0-9+/=]+"$/)
    t.equal(first.headers['cache-control'], 'public, max-age=60')
    const newest = await databaseOf(app).prisma.facility.aggregate({ _max: { updatedAt: true } })
    t.equal(first.headers['last-modified'], httpDate(String(newest._max.updatedAt?.toISOString())))
    const again = await app.inject({ url: listUrl, headers: { 'if-none-match': String(first.headers.etag) } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
    const since = await app.inject({ url: listUrl, headers: { 'if-modified-since': String(first.headers['last-modified']) } })
    t.equal(since.statusCode, 304)
    // Another language is another body, so another ETag.
    const english = await app.inject({ url: listUrl, headers: { 'accept-language': 'en', 'if-none-match': String(first.headers.etag) } })
    t.equal(english.statusCode, 200)
    t.not(english.headers.etag, first.headers.etag)
    // A change to a listed facility changes the list's ETag. Written through the service, as every
    // write is (a read index, SEARCH_INDEX, follows the app's writes, not the table's).
    const listed = (first.json().data as { id: string; slug: string }[]).find((item) => item.slug === 'scnu-affiliated-pinghu-school')
    await app.facilities.update(String(listed?.id), (current) => ({ ...current, name: { ...current.name, en: 'SCNU Pinghu School' } }), {
      actor: { name: 'test' },
      ifMatch: 'any',
    })
    const changed = await app.inject({ url: listUrl, headers: { 'if-none-match': String(first.headers.etag) } })
    t.equal(changed.statusCode, 200)
    t.not(changed.headers.etag, first.headers.etag)
  })

  t.test('what depends on the clock is not revalidated by date alone', async (t) => {
    const office = await addFacility(app, {
      slug: 'pinghu-party-service-centre',
      category: 'public_service',
      name: { zh: '平湖街道党群服务中心' },
      openingHours: 'Mo-Fr 08:00-17:30; PH off',
    })
    const officeUrl = `/v1/facilities/${office.id}`
    setNow('2026-03-04T02:00:00Z')
    const morning = await app.inject({ url: officeUrl })
    t.equal(morning.json().hours.openNow, true)
    setNow('2026-03-04T14:00:00Z')
    const evening = await app.inject({ url: officeUrl })
    t.equal(evening.json().hours.openNow, false)
    t.not(evening.headers.etag, morning.headers.etag, 'the body changed, so the ETag did')
    t.equal(
      (await app.inject({ url: officeUrl, headers: { 'if-none-match': String(morning.headers.etag) } })).statusCode,
      200,
      'the morning ETag no longer matches',
    )
    const byDate = await app.inject({ url: officeUrl, headers: { 'if-modified-since': String(morning.headers['last-modified']) } })
    t.equal(byDate.statusCode, 200, 'the evening body, not a 304')
  })
})
