// GET /v1/facilities and /v1/facilities/facets as residents use them: text in Chinese, pinyin and
// English, nearby and on a map, filters, "open now", sorting and paging, languages, facets, and
// the 400 problems for what cannot be answered. Every group runs on PGlite and on PostgreSQL.
import t, { type Test } from 'tap'
import { addFacility, buildClocked, forEachDatabase, keyFor, patch, type App } from '../helper.js'

// ------------------------------------------------------------------ helpers

/** The seed puts every facility here (WGS-84): the approximate centre of Pinghu Street. */
const centre = { lat: 22.6866, lng: 114.124 }
const seedCount = 30

interface Item {
  id: string
  slug: string
  name: string
  distanceMeters?: number
  [key: string]: unknown
}

async function list(app: App, query: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ url: `/v1/facilities?${query}`, headers })
  return {
    response,
    status: response.statusCode,
    body: response.json() as { data: Item[]; page: { limit: number; nextCursor: string | null } },
  }
}

const namesOf = (items: Item[]) => items.map((item) => item.name)
const slugsOf = (items: Item[]) => items.map((item) => item.slug)
const sorted = (values: string[]) => [...values].sort()

/** Great-circle distance in metres (haversine, mean Earth radius), computed independently of the API. */
function greatCircle(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (degrees: number) => (degrees * Math.PI) / 180
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h))
}

/** Every page of a query, following nextCursor; the ids in order and how many pages it took. */
async function walk(t: Test, app: App, query: string) {
  const ids: string[] = []
  let pages = 0
  let cursor: string | null = null
  do {
    const url: string = `/v1/facilities?${query}${cursor === null ? '' : `&cursor=${cursor}`}`
    const response = await app.inject({ url })
    t.equal(response.statusCode, 200, url)
    const body = response.json()
    ids.push(...body.data.map((item: Item) => item.id))
    cursor = body.page.nextCursor
    pages += 1
  } while (cursor !== null && pages < 50)
  return { ids, pages }
}

// ------------------------------------------------------------------ text search

forEachDatabase(t, 'text search (q)', async (t, engine) => {
  const { app } = await buildClocked(t, engine)

  t.test('pinyin initials: hnyy finds 深圳大学附属华南医院 and nothing else', async (t) => {
    const { status, body } = await list(app, 'q=hnyy')
    t.equal(status, 200)
    t.same(namesOf(body.data), ['深圳大学附属华南医院'])
    t.match(body.data[0], { slug: 'south-china-hospital', category: 'hospital', categoryLabel: '医院' })
    t.same(body.page, { limit: 20, nextCursor: null })
  })

  t.test('full pinyin: huanan finds the hospital, the school and 华南城', async (t) => {
    const { status, body } = await list(app, 'q=huanan')
    t.equal(status, 200)
    t.same(sorted(namesOf(body.data)), sorted(['深圳大学附属华南医院', '华南师范大学附属平湖学校', '华南城']))
  })

  t.test('two Chinese characters: 华南 finds the same three', async (t) => {
    const { status, body } = await list(app, `q=${encodeURIComponent('华南')}`)
    t.equal(status, 200)
    t.same(sorted(namesOf(body.data)), sorted(['深圳大学附属华南医院', '华南师范大学附属平湖学校', '华南城']))
  })

  t.test('pinyin with a space: "rong hu" finds 融湖盛世幼儿园', async (t) => {
    const { status, body } = await list(app, 'q=rong%20hu')
    t.equal(status, 200)
    t.same(namesOf(body.data), ['融湖盛世幼儿园'])
  })

  t.test('Chinese word: 幼儿园', async (t) => {
    const { status, body } = await list(app, `q=${encodeURIComponent('幼儿园')}`)
    t.equal(status, 200)
    t.same(namesOf(body.data), ['融湖盛世幼儿园'])
  })

  t.test('English: hospital', async (t) => {
    const { status, body } = await list(app, 'q=hospital')
    t.equal(status, 200)
    t.same(namesOf(body.data), ['深圳大学附属华南医院'])
  })

  t.test('English with a case difference: KINDERGARTEN', async (t) => {
    const { body } = await list(app, 'q=KINDERGARTEN')
    t.same(namesOf(body.data), ['融湖盛世幼儿园'])
  })

  t.test('a typo, kindergarden, still finds 融湖盛世幼儿园 (fuzzy fallback)', async (t) => {
    const { status, body } = await list(app, 'q=kindergarden')
    t.equal(status, 200)
    t.same(namesOf(body.data), ['融湖盛世幼儿园'])
  })

  t.test('a query matching nothing is an empty page', async (t) => {
    const { status, body } = await list(app, 'q=zzyzxqwv')
    t.equal(status, 200)
    t.same(body, { data: [], page: { limit: 20, nextCursor: null } })
  })

  t.test('an exact whole-name match ranks before a name that only starts with it', async (t) => {
    // The partial match is created first, so creation (id) order alone would put it first.
    const partial = await addFacility(app, { slug: 'chenguang-library-branch', name: { zh: '晨光图书馆分馆' } })
    const exact = await addFacility(app, { slug: 'chenguang-library', name: { zh: '晨光图书馆' } })
    const chinese = await list(app, `q=${encodeURIComponent('晨光图书馆')}`)
    t.same(
      chinese.body.data.map((item) => item.id),
      [exact.id, partial.id],
    )
    const pinyin = await list(app, 'q=chenguangtushuguan')
    t.same(
      pinyin.body.data.map((item) => item.id),
      [exact.id, partial.id],
    )
    // Sorted by name, pinyin order decides instead: the same syllables, the shorter name first.
    const byName = await list(app, `q=${encodeURIComponent('晨光图书馆')}&sort=name`)
    t.same(
      byName.body.data.map((item) => item.id),
      [exact.id, partial.id],
    )
  })

  t.test('an exact alias match ranks before a name that only contains it', async (t) => {
    const partial = await addFacility(app, { slug: 'xinghe-bookroom-old-site', name: { zh: '星河书屋旧址' } })
    const aliased = await addFacility(app, { slug: 'dongmen-reading-room', name: { zh: '东门阅览室' }, aliases: ['星河书屋'] })
    const { body } = await list(app, `q=${encodeURIComponent('星河书屋')}`)
    t.same(
      body.data.map((item) => item.id),
      [aliased.id, partial.id],
    )
  })

  t.test('a name that starts with the text ranks before an alias that does', async (t) => {
    // The alias-only match is created first, so it wins a tie on id.
    const aliasOnly = await addFacility(app, {
      slug: 'xinghe-service-station',
      name: { zh: '星河社区服务站' },
      aliases: ['阳光花园服务点'],
    })
    const named = await addFacility(app, { slug: 'yangguang-garden-service-station', name: { zh: '阳光花园社区服务站' } })
    const { body } = await list(app, `q=${encodeURIComponent('阳光花园')}`)
    t.same(sorted(body.data.map((item) => item.id)), sorted([named.id, aliasOnly.id]), 'both match')
    t.same(
      body.data.map((item) => item.id),
      [named.id, aliasOnly.id],
      'the name match first',
    )
  })
})

// ------------------------------------------------------------------ nearby, bbox, crs

forEachDatabase(t, 'nearby, bounding box and coordinate systems', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  // About 1 km due north and 3 km due east of the centre, at exact WGS-84 points.
  const northPoint = { lat: 22.6956, lng: 114.124 }
  const eastPoint = { lat: 22.6866, lng: 114.1532 }
  const north = await addFacility(app, {
    slug: 'north-sports-park',
    category: 'sports_venue',
    name: { zh: '北部体育公园', en: 'North Sports Park' },
    location: { ...northPoint, precision: 'exact' },
  })
  const east = await addFacility(app, {
    slug: 'east-culture-hall',
    name: { zh: '东部文化馆', en: 'East Culture Hall' },
    location: { ...eastPoint, precision: 'exact' },
  })
  const northMeters = greatCircle(centre, northPoint)
  const eastMeters = greatCircle(centre, eastPoint)

  t.test('the test points are where they should be', async (t) => {
    t.ok(northMeters > 990 && northMeters < 1010, `north is ${northMeters} m away`)
    t.ok(eastMeters > 2990 && eastMeters < 3010, `east is ${eastMeters} m away`)
  })

  t.test('near the centre with radius 100: every seed facility, at distance 0, marked approximate', async (t) => {
    const { status, body } = await list(app, 'near=22.6866,114.124&radius=100&limit=100')
    t.equal(status, 200)
    t.equal(body.data.length, seedCount)
    t.same(
      body.data.map((item) => [item.distanceMeters, item.distanceApproximate]),
      Array(seedCount).fill([0, true]),
    )
    t.notOk(body.data.some((item) => item.id === north.id || item.id === east.id))
  })

  t.test('sort=distance: exact locations nearest first (1 km, 3 km), then the approximate seeds', async (t) => {
    // The seeds all sit on their street's centre, a placeholder: 0 m from it means nothing, so
    // they never come before a place whose site is known.
    const { status, body } = await list(app, 'near=22.6866,114.124&sort=distance&limit=100')
    t.equal(status, 200)
    t.equal(body.data.length, seedCount + 2)
    t.same(
      body.data.slice(2).map((item) => [item.distanceMeters, item.distanceApproximate]),
      Array(seedCount).fill([0, true]),
    )
    t.same(
      body.data.slice(0, 2).map((item) => item.distanceApproximate),
      [false, false],
    )
    const [first, second] = body.data.slice(0, 2)
    t.equal(first?.id, north.id)
    t.equal(second?.id, east.id)
    const northDistance = first?.distanceMeters ?? Number.NaN
    const eastDistance = second?.distanceMeters ?? Number.NaN
    t.ok(Number.isInteger(northDistance) && Number.isInteger(eastDistance), 'whole metres')
    t.ok(Math.abs(northDistance - northMeters) <= northMeters * 0.02, `north: ${northDistance} ≈ ${northMeters}`)
    t.ok(Math.abs(eastDistance - eastMeters) <= eastMeters * 0.02, `east: ${eastDistance} ≈ ${eastMeters}`)
  })

  t.test('paging by distance crosses from exact to approximate locations without skipping or repeating', async (t) => {
    const { ids, pages } = await walk(t, app, 'near=22.6866,114.124&sort=distance&limit=3')
    t.equal(pages, Math.ceil((seedCount + 2) / 3))
    t.equal(ids.length, seedCount + 2)
    t.equal(new Set(ids).size, seedCount + 2, 'none twice')
    t.same(ids.slice(0, 2), [north.id, east.id], 'the exact ones first')
  })

  t.test('paging by distance from elsewhere, one at a time, gives the approximate band in order and each once', async (t) => {
    // The seeds' placeholder is ~700 m away: their keys are the band plus a chord of ~1e-4, which
    // in floating point cannot be taken apart again (band + chord − band is not the chord).
    const query = 'near=22.68,114.13&radius=5000&sort=distance'
    const single = (await list(app, `${query}&limit=100`)).body.data.map((item) => item.id)
    const { ids, pages } = await walk(t, app, `${query}&limit=1`)
    t.equal(single.length, seedCount + 2)
    t.equal(pages, seedCount + 2)
    t.same(ids, single, 'the same facilities in the same order, none twice or left out')
  })

  t.test('radius=2000 keeps the 1 km facility and leaves out the 3 km one', async (t) => {
    const { body } = await list(app, 'near=22.6866,114.124&radius=2000&limit=100')
    t.equal(body.data.length, seedCount + 1)
    t.equal(body.data[0]?.id, north.id)
    t.notOk(body.data.some((item) => item.id === east.id))
  })

  t.test('the default sort with near is distance', async (t) => {
    // Around the east facility: itself (0 m), the north one (~3.2 km), then the seeds, whose
    // rough ~3 km is no reason to put them before a site that is known.
    // Creation order would have put the seeds first.
    const { body } = await list(app, `near=${eastPoint.lat},${eastPoint.lng}&limit=100`)
    t.equal(body.data.length, seedCount + 2)
    t.equal(body.data[0]?.id, east.id)
    t.equal(body.data[0]?.distanceMeters, 0)
    t.equal(body.data[1]?.id, north.id)
    const seedDistance = body.data[2]?.distanceMeters ?? Number.NaN
    t.ok(Math.abs(seedDistance - eastMeters) <= eastMeters * 0.02, `seeds ${seedDistance} m away`)
    t.equal(body.data[2]?.distanceApproximate, true, 'and that is approximate')
    const northEast = greatCircle(northPoint, eastPoint)
    const northEastDistance = body.data[1]?.distanceMeters ?? Number.NaN
    t.ok(Math.abs(northEastDistance - northEast) <= northEast * 0.02, `north ${northEastDistance} ≈ ${northEast}`)
    const explicit = await list(app, `near=${eastPoint.lat},${eastPoint.lng}&limit=100&sort=distance`)
    t.same(
      explicit.body.data.map((item) => item.id),
      body.data.map((item) => item.id),
    )
  })

  t.test('a facility just inside the radius is found', async (t) => {
    // north-sports-park is 1000.76 m away: inside radius=1001.
    const { status, body } = await list(app, 'near=22.6866,114.124&radius=1001&limit=100')
    t.equal(status, 200)
    const found = body.data.find((item) => item.id === north.id)
    t.equal(body.data.length, seedCount + 1, 'the seeds and north-sports-park')
    t.equal(found?.distanceMeters, 1001, 'found, 1001 m away')
    const wider = await list(app, 'near=22.6866,114.124&radius=1003&limit=100')
    t.equal(wider.body.data[0]?.id, north.id)
    t.equal(wider.body.data[0]?.distanceMeters, 1001)
  })

  t.test('bbox includes and excludes by the box', async (t) => {
    const around = await list(app, 'bbox=114.12,22.68,114.13,22.70&limit=100')
    t.equal(around.status, 200)
    t.equal(around.body.data.length, seedCount + 1)
    t.ok(
      around.body.data.some((item) => item.id === north.id),
      'north inside',
    )
    t.notOk(
      around.body.data.some((item) => item.id === east.id),
      'east outside',
    )
    t.notOk(
      around.body.data.some((item) => 'distanceMeters' in item),
      'no distance without near',
    )

    const eastOnly = await list(app, 'bbox=114.14,22.68,114.16,22.69&limit=100')
    t.same(slugsOf(eastOnly.body.data), ['east-culture-hall'])

    const nothing = await list(app, 'bbox=113.9,22.5,114.0,22.6')
    t.same(nothing.body.data, [])
  })

  t.test('crs=gcj02 gives locations in GCJ-02, offset from WGS-84 by 0.001–0.01°', async (t) => {
    const wgs = (await list(app, 'q=hnyy')).body.data[0] as unknown as { location: { lat: number; lng: number; crs: string } }
    const gcj = (await list(app, 'q=hnyy&crs=gcj02')).body.data[0] as unknown as {
      location: { lat: number; lng: number; crs: string; precision: string }
    }
    t.match(wgs.location, { lat: 22.6866, lng: 114.124, crs: 'WGS84', precision: 'approximate' })
    t.equal(gcj.location.crs, 'GCJ02')
    t.equal(gcj.location.precision, 'approximate')
    const dLat = Math.abs(gcj.location.lat - wgs.location.lat)
    const dLng = Math.abs(gcj.location.lng - wgs.location.lng)
    t.ok(dLat >= 0.001 && dLat <= 0.01, `latitude moved ${dLat}°`)
    t.ok(dLng >= 0.001 && dLng <= 0.01, `longitude moved ${dLng}°`)
    // In Shenzhen GCJ-02 lies to the south-east of WGS-84.
    t.ok(gcj.location.lat < wgs.location.lat && gcj.location.lng > wgs.location.lng, 'south-east')
  })

  t.test('crs=gcj02 on input: near given in GCJ-02 finds the facility at ~0 m', async (t) => {
    const shown = (await list(app, 'bbox=114.12,22.69,114.13,22.70&crs=gcj02')).body.data
    t.same(slugsOf(shown), ['north-sports-park'], 'the GCJ-02 bbox is converted too')
    const located = shown[0] as unknown as { location: { lat: number; lng: number; crs: string } }
    t.equal(located.location.crs, 'GCJ02')
    const { status, body } = await list(app, `near=${located.location.lat},${located.location.lng}&radius=100&crs=gcj02`)
    t.equal(status, 200)
    t.same(slugsOf(body.data), ['north-sports-park'])
    const distance = body.data[0]?.distanceMeters ?? Number.NaN
    t.ok(distance >= 0 && distance < 5, `distance ${distance} m`)
    // The same numbers read as WGS-84 are ~600 m off: nothing within 100 m.
    const asWgs = await list(app, `near=${located.location.lat},${located.location.lng}&radius=100`)
    t.same(asWgs.body.data, [])
  })

  t.test('a facility that moves is found at its new place, nearest first, and no longer at the old one', async (t) => {
    // The nearby index holds a point derived from latitude and longitude: an edit must move it.
    const moved = await addFacility(app, {
      slug: 'moving-culture-station',
      name: { zh: '流动文化站' },
      location: { lat: 22.71, lng: 114.2, precision: 'exact' },
    })
    const editor = await keyFor(app, 'editor')
    const response = await patch(app, moved.id, { ...editor, 'if-match': '*' }, { location: { ...eastPoint, precision: 'exact' } })
    t.equal(response.statusCode, 200)
    const atNew = await list(app, `near=${eastPoint.lat},${eastPoint.lng}&radius=50`)
    t.same(
      atNew.body.data.map((item) => [item.id, item.distanceMeters]).sort(),
      [
        [east.id, 0],
        [moved.id, 0],
      ].sort(),
    )
    const atOld = await list(app, 'near=22.71,114.2&radius=500')
    t.same(atOld.body.data, [])
  })
})

// ------------------------------------------------------------------ filters

forEachDatabase(t, 'filters', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  const withBeds = await addFacility(app, {
    slug: 'shanxia-elder-care-home',
    category: 'elder_care',
    name: { zh: '山厦长者照护中心' },
    capacity: [{ unit: 'elder_care_beds', total: 60, available: 12 }],
  })
  const full = await addFacility(app, {
    slug: 'fengtang-elder-care-home',
    category: 'elder_care',
    name: { zh: '凤塘长者照护中心' },
    capacity: [{ unit: 'elder_care_beds', total: 40, available: 0 }],
  })
  const late = await addFacility(app, {
    slug: 'pinghu-sports-centre',
    category: 'sports_venue',
    status: 'under_construction',
    name: { zh: '平湖全民健身中心' },
    dates: { opening: { planned: { edtf: '2025-06' }, expected: { edtf: '2026-36', text: '预计四季度开放' } } },
  })
  const onTime = await addFacility(app, {
    slug: 'pinghu-library-new',
    category: 'culture_venue',
    status: 'under_construction',
    name: { zh: '平湖街道图书馆新馆' },
    dates: { opening: { planned: { edtf: '2026-36' }, expected: { edtf: '2026-36' } } },
  })
  const total = seedCount + 4

  const finishedRoads = ['丹平快速一期北延', '西宝线平湖段改造工程', '富康路跨铁路桥', '惠华路四期']

  t.test('category=road,bridge&status=completed: the four finished roads', async (t) => {
    const { status, body } = await list(app, 'category=road,bridge&status=completed&limit=100')
    t.equal(status, 200)
    t.same(sorted(namesOf(body.data)), sorted(finishedRoads))
    t.ok(body.data.every((item) => item.status === 'completed'))
  })

  t.test('repeated category parameters mean the same', async (t) => {
    const commas = await list(app, 'category=road,bridge&status=completed&limit=100')
    const repeated = await list(app, 'category=road&category=bridge&status=completed&limit=100')
    t.equal(repeated.status, 200)
    t.same(
      repeated.body.data.map((item) => item.id),
      commas.body.data.map((item) => item.id),
    )
    t.equal(repeated.body.data.length, 4)
  })

  t.test('area: the street and its ancestors include everything, a community nothing', async (t) => {
    for (const area of ['pinghu', 'longgang', 'shenzhen']) {
      const { status, body } = await list(app, `area=${area}&limit=100`)
      t.equal(status, 200, area)
      t.equal(body.data.length, total, area)
    }
    const hehua = await list(app, 'area=hehua&limit=100')
    t.equal(hehua.status, 200)
    t.same(hehua.body.data, [])
  })

  t.test('hasCapacity: places available or not', async (t) => {
    const yes = await list(app, 'hasCapacity=true&limit=100')
    t.same(
      yes.body.data.map((item) => item.id),
      [withBeds.id],
    )
    const no = await list(app, 'hasCapacity=false&limit=100')
    t.equal(no.body.data.length, total - 1)
    t.ok(
      no.body.data.some((item) => item.id === full.id),
      'a full home has no capacity',
    )
    t.notOk(no.body.data.some((item) => item.id === withBeds.id))
    const detail = (await app.inject({ url: `/v1/facilities/${withBeds.id}` })).json()
    t.match(detail.capacity, [{ unit: 'elder_care_beds', total: 60, available: 12 }])
  })

  t.test('opened in 2022, kindergartens: 融湖盛世幼儿园', async (t) => {
    const { status, body } = await list(app, 'openedAfter=2022-01-01&openedBefore=2023-01-01&category=kindergarten')
    t.equal(status, 200)
    t.same(namesOf(body.data), ['融湖盛世幼儿园'])
    // Opened "2022-05" (the whole month): not after 2022-05-15, not before 2022-05-31.
    t.same((await list(app, 'openedAfter=2022-05-15&category=kindergarten')).body.data, [])
    t.same((await list(app, 'openedBefore=2022-05-31&category=kindergarten')).body.data, [])
    t.same(namesOf((await list(app, 'openedBefore=2022-06-01&category=kindergarten')).body.data), ['融湖盛世幼儿园'])
  })

  t.test('openedAfter/openedBefore over all of 2022: the two openings the article reports', async (t) => {
    const { body } = await list(app, 'openedAfter=2022-01-01&openedBefore=2023-01-01&limit=100')
    t.same(sorted(namesOf(body.data)), sorted(['融湖盛世幼儿园', '平湖街道新建普惠性托育园']))
  })

  t.test('openingBefore honours the precision of the expected date', async (t) => {
    t.same(namesOf((await list(app, 'openingBefore=2023-01-01&limit=100')).body.data), ['深圳国际海鲜城'])
    t.same((await list(app, 'openingBefore=2022-11-01&limit=100')).body.data, [])
    const q4 = await list(app, 'openingBefore=2027-01-01&limit=100')
    t.same(sorted(slugsOf(q4.body.data)), sorted(['shenzhen-international-seafood-city', late.slug, onTime.slug]))
    const beforeNovember = await list(app, 'openingBefore=2026-11-01&limit=100')
    t.same(slugsOf(beforeNovember.body.data), ['shenzhen-international-seafood-city'])
  })

  t.test('delayed: expected later than first planned', async (t) => {
    const delayed = await list(app, 'delayed=true&limit=100')
    t.same(
      delayed.body.data.map((item) => item.id),
      [late.id],
    )
    t.match(delayed.body.data[0], {
      dates: {
        opening: {
          planned: { edtf: '2025-06', precision: 'month', earliest: '2025-06-01', latest: '2025-06-30' },
          expected: { edtf: '2026-36', precision: 'quarter', earliest: '2026-10-01', latest: '2026-12-31', sourceText: '预计四季度开放' },
          delayed: true,
        },
      },
    })
    const notDelayed = await list(app, 'delayed=false&limit=100')
    t.equal(notDelayed.body.data.length, total - 1)
    t.ok(
      notDelayed.body.data.some((item) => item.id === onTime.id),
      'expected = planned is not delayed',
    )
    t.notOk(notDelayed.body.data.some((item) => item.id === late.id))
  })

  t.test('updatedSince: a future instant gives nothing, a past one everything', async (t) => {
    const future = await list(app, 'updatedSince=2100-01-01T00:00:00Z')
    t.equal(future.status, 200)
    t.same(future.body, { data: [], page: { limit: 20, nextCursor: null } })
    const past = await list(app, 'updatedSince=2000-01-01T00:00:00Z&limit=100')
    t.equal(past.body.data.length, total)
  })

  t.test('updatedSince is inclusive, to the millisecond', async (t) => {
    const since = onTime.updatedAt.toISOString()
    const { status, body } = await list(app, `updatedSince=${since}&limit=100`)
    t.equal(status, 200)
    t.ok(
      body.data.some((item) => item.id === onTime.id),
      'changed at that very instant',
    )
    t.ok(body.data.every((item) => Date.parse(item.updatedAt as string) >= onTime.updatedAt.getTime()))
    const later = new Date(onTime.updatedAt.getTime() + 1).toISOString()
    t.notOk((await list(app, `updatedSince=${later}&limit=100`)).body.data.some((item) => item.id === onTime.id))
  })

  t.test('filters combine with text', async (t) => {
    const { body } = await list(app, 'q=ping&category=elder_care&limit=100')
    t.same(sorted(namesOf(body.data)), sorted(['平湖街道养老服务中心', '平湖街道社区养老服务站', '平湖街道小区长者服务点']))
  })
})

// ------------------------------------------------------------------ open now
forEachDatabase(t, 'open now is only for facilities that operate', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-03-04T02:00:00Z')
  const hours = 'Mo-Su 00:00-24:00'
  const operating = await addFacility(app, { slug: 'always-open', name: { zh: '全天开放馆' }, openingHours: hours })
  const closedForWorks = await addFacility(app, {
    slug: 'closed-for-works',
    name: { zh: '装修暂停馆' },
    status: 'temporarily_closed',
    openingHours: hours,
  })
  const planned = await addFacility(app, { slug: 'not-built-yet', name: { zh: '规划中馆' }, status: 'planned', openingHours: hours })

  t.test('the list: only the operating one is open; the others are closed, with their week but no next opening', async (t) => {
    t.same(slugsOf((await list(app, 'openNow=true&limit=100')).body.data), ['always-open'])
    const closed = (await list(app, 'openNow=false&limit=100')).body.data
    t.same(sorted(slugsOf(closed)), ['closed-for-works', 'not-built-yet'])
    for (const item of closed) {
      t.match(item.hours, {
        openNow: false,
        nextOpenAt: null,
        nextCloseAt: null,
        weekdayHours: [{ day: 'mo', intervals: ['00:00-24:00'] }],
      })
    }
  })

  t.test('the facility', async (t) => {
    t.equal((await app.inject({ url: `/v1/facilities/${operating.id}` })).json().hours.openNow, true)
    t.equal((await app.inject({ url: `/v1/facilities/${closedForWorks.id}` })).json().hours.openNow, false)
    t.equal((await app.inject({ url: `/v1/facilities/${planned.id}` })).json().hours.openNow, false)
  })

  t.test('the facets', async (t) => {
    const open = (await app.inject({ url: '/v1/facilities/facets?openNow=true' })).json()
    t.same(open.status, [{ value: 'operational', label: '运营中', count: 1 }])
    const closed = (await app.inject({ url: '/v1/facilities/facets?openNow=false' })).json()
    t.equal(closed.total, 2)
  })
})

forEachDatabase(t, 'open now', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine)
  const office = await addFacility(app, {
    slug: 'pinghu-party-service-centre',
    category: 'public_service',
    name: { zh: '平湖街道党群服务中心', en: 'Pinghu Street Party and Public Service Centre' },
    openingHours: 'Mo-Fr 08:00-17:30; PH off',
  })
  const week = [
    { day: 'mo', intervals: ['08:00-17:30'] },
    { day: 'tu', intervals: ['08:00-17:30'] },
    { day: 'we', intervals: ['08:00-17:30'] },
    { day: 'th', intervals: ['08:00-17:30'] },
    { day: 'fr', intervals: ['08:00-17:30'] },
    { day: 'sa', intervals: [] },
    { day: 'su', intervals: [] },
  ]

  t.test('a Wednesday at 10:00 in Shanghai: open, closing at 17:30', async (t) => {
    setNow('2026-03-04T02:00:00Z')
    const open = await list(app, 'openNow=true&limit=100')
    t.equal(open.status, 200)
    t.same(
      open.body.data.map((item) => item.id),
      [office.id],
    )
    t.same(open.body.data[0]?.hours, {
      openNow: true,
      nextOpenAt: '2026-03-05T08:00:00+08:00',
      nextCloseAt: '2026-03-04T17:30:00+08:00',
      weekdayHours: week,
    })
    t.same((await list(app, 'openNow=false&limit=100')).body.data, [])
  })

  t.test('the same day at 22:00: closed until 08:00 the next morning', async (t) => {
    setNow('2026-03-04T14:00:00Z')
    t.same((await list(app, 'openNow=true&limit=100')).body.data, [])
    const closed = await list(app, 'openNow=false&limit=100')
    t.same(
      closed.body.data.map((item) => item.id),
      [office.id],
    )
    t.same(closed.body.data[0]?.hours, {
      openNow: false,
      nextOpenAt: '2026-03-05T08:00:00+08:00',
      nextCloseAt: '2026-03-05T17:30:00+08:00',
      weekdayHours: week,
    })
  })

  t.test('Spring Festival 2026 (a Tuesday): closed, PH off', async (t) => {
    setNow('2026-02-17T02:00:00Z')
    t.same((await list(app, 'openNow=true&limit=100')).body.data, [])
    const closed = await list(app, 'openNow=false&limit=100')
    t.same(
      closed.body.data.map((item) => item.id),
      [office.id],
    )
    t.match(closed.body.data[0]?.hours, { openNow: false, nextOpenAt: '2026-02-24T08:00:00+08:00' })
  })

  t.test('a make-up working Saturday (2026-02-28): open', async (t) => {
    setNow('2026-02-28T02:00:00Z')
    const open = await list(app, 'openNow=true&limit=100')
    t.same(
      open.body.data.map((item) => item.id),
      [office.id],
    )
    t.match(open.body.data[0]?.hours, { openNow: true, nextCloseAt: '2026-02-28T17:30:00+08:00' })
  })

  t.test('seed facilities publish no hours: hours null, in neither openNow=true nor openNow=false', async (t) => {
    setNow('2026-03-04T02:00:00Z')
    const all = await list(app, 'limit=100')
    t.equal(all.body.data.length, seedCount + 1)
    t.same(
      all.body.data.filter((item) => item.id !== office.id).map((item) => item.hours),
      Array(seedCount).fill(null),
    )
    const open = await list(app, 'openNow=true&limit=100')
    const closed = await list(app, 'openNow=false&limit=100')
    t.equal(open.body.data.length + closed.body.data.length, 1)
  })

  t.test('the detail shows the same hours', async (t) => {
    setNow('2026-03-04T02:00:00Z')
    const detail = (await app.inject({ url: `/v1/facilities/${office.id}` })).json()
    t.equal(detail.openingHours, 'Mo-Fr 08:00-17:30; PH off')
    t.equal(detail.timeZone, 'Asia/Shanghai')
    t.match(detail.hours, { openNow: true, nextCloseAt: '2026-03-04T17:30:00+08:00' })
  })

  t.test('facets count only what is open now', async (t) => {
    setNow('2026-03-04T02:00:00Z')
    const open = (await app.inject({ url: '/v1/facilities/facets?openNow=true' })).json()
    t.same(open, {
      total: 1,
      category: [{ value: 'public_service', label: '公共服务', count: 1 }],
      status: [{ value: 'operational', label: '运营中', count: 1 }],
      area: [{ value: 'pinghu', label: '平湖街道', count: 1 }],
    })
    setNow('2026-03-04T14:00:00Z')
    t.equal((await app.inject({ url: '/v1/facilities/facets?openNow=true' })).json().total, 0)
  })

  t.test('paging through what is open now, one at a time', async (t) => {
    const always = await addFacility(app, {
      slug: 'pinghu-police-station',
      category: 'public_service',
      name: { zh: '平湖派出所' },
      openingHours: '24/7',
    })
    const mornings = await addFacility(app, {
      slug: 'pinghu-wet-market',
      category: 'market',
      name: { zh: '平湖农贸市场' },
      openingHours: 'Mo-Su 06:00-12:00',
    })
    const evenings = await addFacility(app, {
      slug: 'pinghu-night-market',
      category: 'market',
      name: { zh: '平湖夜市' },
      openingHours: 'Mo-Su 18:00-23:30',
    })
    setNow('2026-03-04T02:00:00Z') // 10:00
    const morning = await walk(t, app, 'openNow=true&limit=1')
    t.same(morning.ids, [office.id, always.id, mornings.id])
    t.equal(morning.pages, 3)
    const morningClosed = await walk(t, app, 'openNow=false&limit=1')
    t.same(morningClosed.ids, [evenings.id])
    setNow('2026-03-04T14:00:00Z') // 22:00
    t.same((await walk(t, app, 'openNow=true&limit=1')).ids, [always.id, evenings.id])
    t.same((await walk(t, app, 'openNow=false&limit=2')).ids, [office.id, mornings.id])
  })

  // Last in this group: it may leave a facility behind that breaks every list.
  t.test('opening hours that cannot be parsed are refused, and never break the list', async (t) => {
    let created = false
    try {
      await addFacility(app, {
        slug: 'whenever-market',
        category: 'market',
        name: { zh: '随缘市场' },
        openingHours: 'whenever we feel like it',
      })
      created = true
    } catch (error) {
      t.match(error, { code: 'validation_failed', errors: [{ in: 'body', name: '/openingHours' }] })
    }
    t.equal(created, false, 'refused with a validation_failed problem naming /openingHours')
    const response = await app.inject({ url: '/v1/facilities?limit=100' })
    t.equal(response.statusCode, 200, 'the list still answers')
  })
})

// ------------------------------------------------------------------ sorting and paging

forEachDatabase(t, 'sorting and paging', async (t, engine) => {
  const { app } = await buildClocked(t, engine)
  // Names chosen to sort after 丹平… in pinyin; dates and points to give every sort real keys.
  const clinic = await addFacility(app, {
    slug: 'xinnan-community-health-centre',
    category: 'hospital',
    name: { zh: '新南社区健康服务中心' },
    location: { lat: 22.6996, lng: 114.1301, precision: 'exact' },
    dates: { opening: { actual: { edtf: '2023-03' } } },
  })
  const square = await addFacility(app, {
    slug: 'shanxia-culture-square',
    category: 'culture_venue',
    status: 'planned',
    name: { zh: '山厦文化广场' },
    location: { lat: 22.6751, lng: 114.1417, precision: 'exact' },
    dates: { opening: { planned: { edtf: '2027' } } },
  })
  const college = await addFacility(app, {
    slug: 'xinmu-seniors-college',
    category: 'elder_care',
    status: 'under_construction',
    name: { zh: '新木社区老年大学' },
    dates: { opening: { expected: { edtf: '2026-40' } } },
  })
  const total = seedCount + 3

  t.test('sort=name is pinyin order', async (t) => {
    const { status, body } = await list(app, 'sort=name&limit=100')
    t.equal(status, 200)
    t.equal(body.data.length, total)
    const names = namesOf(body.data)
    t.same(names.slice(0, 5), ['丹平快速路二期', '丹平快速一期北延', '地铁10号线东延段', '第一批“瓶改管”天然气改造项目', '富康路跨铁路桥'])
    const shen = names.indexOf('深大城际')
    t.same(names.slice(shen, shen + 5), ['深大城际', '深惠城际', '深圳大学附属华南医院', '深圳国际海鲜城', '深圳外国语学校'])
    t.same(names.slice(-4), ['西宝线平湖段改造工程', '新木社区老年大学', '新南社区健康服务中心', '中环大道三期'])
    t.ok(names.indexOf('山厦文化广场') < names.indexOf('深大城际'), 'shan before shen')
    t.ok(names.indexOf('新木社区老年大学') < names.indexOf('新南社区健康服务中心'), 'xin mu before xin nan')
  })

  t.test('sort=openingDate: dated facilities first, in date order', async (t) => {
    const { status, body } = await list(app, 'sort=openingDate&limit=100')
    t.equal(status, 200)
    t.equal(body.data.length, total)
    t.same(namesOf(body.data).slice(0, 6), [
      '融湖盛世幼儿园', // 2022-05 actual
      '平湖街道新建普惠性托育园', // 2022-09 actual
      '深圳国际海鲜城', // 2022-Q4 expected
      '新南社区健康服务中心', // 2023-03 actual
      '新木社区老年大学', // 2026-H1 expected
      '山厦文化广场', // 2027 planned
    ])
    const rest = body.data.slice(6) as unknown as { dates: { opening?: unknown } }[]
    t.same(
      rest.map((item) => item.dates.opening),
      Array(total - 6).fill(undefined),
      'the rest have no opening date',
    )
  })

  t.test('sort=updatedAt: newest first', async (t) => {
    const { body } = await list(app, 'sort=updatedAt&limit=100')
    t.same(
      body.data.slice(0, 3).map((item) => item.id),
      [college.id, square.id, clinic.id],
    )
    const times = body.data.map((item) => Date.parse(item.updatedAt as string))
    t.ok(
      times.every((time, i) => i === 0 || time <= (times[i - 1] ?? 0)),
      'never increasing',
    )
  })

  const walks: [string, string][] = [
    ['default (creation) order', 'x=1'],
    ['name', 'sort=name'],
    ['openingDate', 'sort=openingDate'],
    ['updatedAt', 'sort=updatedAt'],
    ['relevance', 'q=ping'],
    ['relevance, fuzzy (a typo of pinghujiedao)', 'q=pinghujiedoa'],
    ['distance', 'near=22.6866,114.124&radius=10000'],
    ['distance, filtered', 'near=22.6866,114.124&status=operational,completed'],
  ]
  for (const [title, query] of walks) {
    t.test(`paging by ${title} with limit=5 walks the single page exactly`, async (t) => {
      const base = query === 'x=1' ? '' : `${query}&`
      const single = await list(app, `${base}limit=100`)
      t.equal(single.status, 200)
      t.equal(single.body.page.nextCursor, null)
      const expected = single.body.data.map((item) => item.id)
      t.ok(expected.length > 5, `${expected.length} results, more than one page`)
      const { ids, pages } = await walk(t, app, `${base}limit=5`)
      t.equal(new Set(ids).size, ids.length, 'no id repeats')
      t.same(ids, expected, 'the pages together are the single page, in order')
      t.equal(pages, Math.ceil(expected.length / 5))
    })
  }

  t.test('relevance paging covers every facility whose pinyin contains ping', async (t) => {
    const { body } = await list(app, 'q=ping&limit=100')
    t.equal(body.data.length, 13)
    t.ok(
      body.data.every((item) => /平|瓶/.test(item.name)),
      'every one has 平 or 瓶 (ping) in its name',
    )
  })

  t.test('a row inserted between pages appears exactly once (default order)', async (t) => {
    const first = await list(app, 'limit=10')
    t.equal(first.body.data.length, 10)
    const late = await addFacility(app, { slug: 'late-community-hall', name: { zh: '禾花社区活动室' }, area: 'hehua' })
    const after: string[] = []
    let cursor = first.body.page.nextCursor
    while (cursor !== null) {
      const page = await list(app, `limit=10&cursor=${cursor}`)
      t.equal(page.status, 200)
      after.push(...page.body.data.map((item) => item.id))
      cursor = page.body.page.nextCursor
    }
    const all = [...first.body.data.map((item) => item.id), ...after]
    t.equal(all.length, total + 1)
    t.equal(all.filter((id) => id === late.id).length, 1)
    t.equal(all.at(-1), late.id, 'the newest comes last')
    t.same((await walk(t, app, 'limit=10')).ids, all, 'a fresh walk sees the same')
  })
})

// ------------------------------------------------------------------ views, language, facets, bad input

forEachDatabase(t, 'views, languages, facets and bad input', async (t, engine) => {
  const { app } = await buildClocked(t, engine)

  t.test('view=full lists the same facilities', async (t) => {
    const full = await list(app, 'view=full&category=school&limit=100')
    const summary = await list(app, 'category=school&limit=100')
    t.equal(full.status, 200)
    t.equal(full.body.data.length, 4)
    t.same(
      full.body.data.map((item) => item.id),
      summary.body.data.map((item) => item.id),
    )
  })

  t.test('view=full items carry citations and the other full-record fields', async (t) => {
    const { body } = await list(app, 'view=full&category=school&limit=100')
    const school = body.data.find((item) => item.slug === 'longgang-experimental-senior-high-school') as unknown as {
      citations: unknown[]
      attributes: unknown
      aliases: unknown
      version: unknown
    }
    t.ok(school, 'listed')
    t.same(
      school?.citations,
      [
        {
          source: { id: 'pinghu-2022-10', title: '龙岗"西核"起风潮 幸福平湖"蝶变"来', publishedOn: '2022-10' },
          quote: '龙岗区实验高级中学完成改扩建，新增学位 400人',
        },
        {
          source: { id: 'pinghu-2022-10', title: '龙岗"西核"起风潮 幸福平湖"蝶变"来', publishedOn: '2022-10' },
          quote: '建成深圳大学附属华南医院、龙岗区实验高级中学、华南师范大学附属平湖学校等民生项目',
        },
      ],
      'citations',
    )
    t.same(school?.attributes, { placesAdded: 400 }, 'attributes')
    t.same(school?.aliases, [], 'aliases')
    t.equal(school?.version, 1, 'version')
  })

  t.test('the summary view has no citations', async (t) => {
    const { body } = await list(app, 'category=school&limit=100')
    t.notOk(body.data.some((item) => 'citations' in item))
  })

  t.test('Accept-Language: en gives English names and labels', async (t) => {
    const { response, body } = await list(app, 'category=kindergarten', { 'accept-language': 'en' })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-language'], 'en')
    t.match(response.headers.vary, /Accept-Language/)
    t.match(body.data[0], {
      name: 'Ronghu Shengshi Kindergarten',
      names: { 'zh-Hans': '融湖盛世幼儿园', en: 'Ronghu Shengshi Kindergarten' },
      categoryLabel: 'Kindergarten',
      statusLabel: 'Operational',
      area: { id: 'pinghu', level: 'street', name: 'Pinghu Subdistrict' },
    })
  })

  t.test('the default language is zh-Hans', async (t) => {
    const { response, body } = await list(app, 'category=kindergarten')
    t.equal(response.headers['content-language'], 'zh-Hans')
    t.match(response.headers.vary, /Accept-Language/)
    t.match(body.data[0], { name: '融湖盛世幼儿园', categoryLabel: '幼儿园', statusLabel: '运营中', area: { name: '平湖街道' } })
  })

  t.test('q-values decide the language', async (t) => {
    const english = await list(app, 'category=kindergarten', { 'accept-language': 'fr-FR, en;q=0.5' })
    t.equal(english.response.headers['content-language'], 'en')
    const chinese = await list(app, 'category=kindergarten', { 'accept-language': 'en;q=0.3, zh-CN;q=0.9' })
    t.equal(chinese.response.headers['content-language'], 'zh-Hans')
    t.equal(chinese.body.data[0]?.name, '融湖盛世幼儿园')
  })

  t.test('facets for launched projects (已启动: started, stage not reported)', async (t) => {
    const response = await app.inject({ url: '/v1/facilities/facets?status=launched' })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-language'], 'zh-Hans')
    t.same(response.json(), {
      total: 7,
      category: [
        { value: 'intercity_rail', label: '城际铁路', count: 2 },
        { value: 'road', label: '道路', count: 2 },
        { value: 'expressway', label: '高速公路', count: 1 },
        { value: 'logistics_hub', label: '物流枢纽', count: 1 },
        { value: 'utility', label: '市政公用设施', count: 1 },
      ],
      status: [{ value: 'launched', label: '已启动', count: 7 }],
      area: [{ value: 'pinghu', label: '平湖街道', count: 7 }],
    })
  })

  t.test('facet labels in English', async (t) => {
    const response = await app.inject({
      url: '/v1/facilities/facets?status=launched',
      headers: { 'accept-language': 'en' },
    })
    t.equal(response.headers['content-language'], 'en')
    const facets = response.json()
    t.equal(facets.total, 7)
    t.same(
      facets.category.map((entry: { label: string }) => entry.label),
      ['Intercity railway', 'Road', 'Expressway', 'Logistics hub', 'Utility'],
    )
    t.same(facets.status, [{ value: 'launched', label: 'Launched', count: 7 }])
    t.same(facets.area, [{ value: 'pinghu', label: 'Pinghu Subdistrict', count: 7 }])
  })

  t.test('facets of a text search', async (t) => {
    const facets = (await app.inject({ url: '/v1/facilities/facets?q=huanan' })).json()
    t.same(facets, {
      total: 3,
      category: [
        { value: 'hospital', label: '医院', count: 1 },
        { value: 'market', label: '市场', count: 1 },
        { value: 'school', label: '学校', count: 1 },
      ],
      status: [{ value: 'operational', label: '运营中', count: 3 }],
      area: [{ value: 'pinghu', label: '平湖街道', count: 3 }],
    })
    t.equal((await app.inject({ url: '/v1/facilities/facets?q=kindergarden' })).json().total, 1, 'fuzzy too')
  })

  t.test('bad parameters are 400 problems naming the parameter, never 500', async (t) => {
    const cases: [string, string][] = [
      ['near=abc', 'near'],
      ['near=91,0', 'near'],
      ['near=22.6', 'near'],
      ['near=22.6866,114.124&radius=0', 'radius'],
      ['near=22.6866,114.124&radius=50001', 'radius'],
      ['radius=500', 'radius'],
      ['bbox=114.2,22.75,114.0,22.6', 'bbox'],
      ['bbox=114.0,22.6,114.2', 'bbox'],
      ['category=zoo', 'category'],
      ['category=road,zoo', 'category'],
      ['status=open', 'status'],
      ['sort=sideways', 'sort'],
      ['sort=distance', 'sort'],
      ['sort=relevance', 'sort'],
      [`q=${'a'.repeat(101)}`, 'q'],
      ['q=%20%20%20', 'q'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['openedAfter=2022-13-01', 'openedAfter'],
      ['openedAfter=yesterday', 'openedAfter'],
      ['updatedSince=notadate', 'updatedSince'],
      ['crs=bd09', 'crs'],
      ['hasCapacity=maybe', 'hasCapacity'],
      ['nearby=22.6866,114.124', 'nearby'],
      ['area=nowhere', 'area'],
    ]
    for (const [query, parameter] of cases) {
      const response = await app.inject({ url: `/v1/facilities?${query}` })
      t.equal(response.statusCode, 400, query)
      t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', query)
      const problem = response.json()
      t.match(problem, { status: 400, code: 'validation_failed', instance: '/v1/facilities' }, query)
      t.equal(problem.errors?.[0]?.name, parameter, query)
      t.equal(problem.errors?.[0]?.in, 'query', query)
    }
  })

  t.test('a q of exactly 100 characters is fine', async (t) => {
    const response = await app.inject({ url: `/v1/facilities?q=${'a'.repeat(100)}` })
    t.equal(response.statusCode, 200)
    t.same(response.json().data, [])
  })

  t.test('facets refuse bad parameters the same way', async (t) => {
    const cases: [string, string][] = [
      ['near=abc', 'near'],
      ['category=zoo', 'category'],
      ['limit=5', 'limit'],
      ['area=nowhere', 'area'],
    ]
    for (const [query, parameter] of cases) {
      const response = await app.inject({ url: `/v1/facilities/facets?${query}` })
      t.equal(response.statusCode, 400, query)
      t.match(response.json(), { code: 'validation_failed', errors: [{ in: 'query', name: parameter }] }, query)
    }
  })

  t.test('a tampered cursor or one from another query is an invalid_cursor problem', async (t) => {
    const { body } = await list(app, 'category=road&limit=2')
    const cursor = body.page.nextCursor
    t.type(cursor, 'string')
    const other = await app.inject({ url: `/v1/facilities?category=bridge&limit=2&cursor=${cursor}` })
    t.equal(other.statusCode, 400)
    t.equal(other.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(other.json(), { code: 'invalid_cursor', errors: [{ in: 'query', name: 'cursor' }] })

    const byName = (await list(app, 'sort=name&limit=2')).body.page.nextCursor
    const otherSort = await app.inject({ url: `/v1/facilities?sort=updatedAt&limit=2&cursor=${byName}` })
    t.equal(otherSort.statusCode, 400)
    t.equal(
      otherSort.json().detail,
      'the cursor belongs to a query with other filters; start again without it',
      'a cursor of another sort order says so, rather than "not one this API issued"',
    )

    const decoded = JSON.parse(Buffer.from(String(cursor), 'base64url').toString())
    const tampered = Buffer.from(JSON.stringify({ ...decoded, q: 'AAAAAAAAAAAA' })).toString('base64url')
    for (const bad of [tampered, 'bm90IGpzb24', `${cursor}x`]) {
      const response = await app.inject({ url: `/v1/facilities?category=road&limit=2&cursor=${bad}` })
      t.equal(response.statusCode, 400, bad)
      t.match(response.json(), { code: 'invalid_cursor', errors: [{ in: 'query', name: 'cursor' }] }, bad)
    }
  })

  t.test('a cursor whose sort value was edited (fingerprint kept) is refused, not a 500', async (t) => {
    for (const query of ['near=22.6866,114.124&sort=distance&limit=2', 'sort=openingDate&limit=2', 'sort=updatedAt&limit=2']) {
      const { body } = await list(app, query)
      const decoded = JSON.parse(Buffer.from(String(body.page.nextCursor), 'base64url').toString())
      t.equal(decoded.after.length, 2, query)
      const edited = Buffer.from(JSON.stringify({ ...decoded, after: ['not-a-value', decoded.after[1]] })).toString('base64url')
      const response = await app.inject({ url: `/v1/facilities?${query}&cursor=${edited}` })
      t.equal(response.statusCode, 400, query)
      t.equal(response.json().code, 'invalid_cursor', query)
    }
  })
})
