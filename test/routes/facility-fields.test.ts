// Sparse fieldsets on the search: `fields` names the fields of each list item (any field of the
// full record), the id always comes with them, and a name that is no field is a 400 naming those
// that are. On PGlite and on PostgreSQL.
import t from 'tap'
import { addFacility, buildClocked, forEachDatabase } from '../helper.js'

const allowedFields =
  'id, slug, category, categoryLabel, kind, name, names, status, statusLabel, statusEffective, area, location, ' +
  'distanceMeters, distanceApproximate, hours, openNow, dates, updatedAt, externalId, aliases, description, address, ' +
  'geometry, elderCareTier, ageRange, accessibility, openingHours, timeZone, contact, capacity, attributes, citations, ' +
  'provenance, verifiedAt, version, createdAt'

forEachDatabase(t, 'GET /v1/facilities?fields=', async (t, engine) => {
  // A Wednesday, 10:00 in Shanghai.
  const { app } = await buildClocked(t, engine, '2026-03-04T02:00:00Z')
  const library = await addFacility(app, {
    slug: 'pinghu-night-library',
    name: { zh: '平湖夜读馆', en: 'Pinghu Night Library' },
    address: { zh: '平湖街道平安大道1号', en: '1 Ping’an Avenue, Pinghu' },
    openingHours: 'Mo-Fr 08:00-17:30',
    capacity: [{ unit: 'places', total: 80, available: 12 }],
  })
  const search = `/v1/facilities?q=${encodeURIComponent('夜读馆')}`

  t.test('only the fields asked for, and the id', async (t) => {
    const response = await app.inject({ url: `${search}&fields=name,status,openNow` })
    t.equal(response.statusCode, 200)
    t.same(response.json().data, [{ id: library.id, name: '平湖夜读馆', status: 'operational', openNow: true }])
  })

  t.test('fields of the full record come as the full record has them', async (t) => {
    const response = await app.inject({ url: `${search}&fields=address,capacity&fields=id`, headers: { 'accept-language': 'en' } })
    t.equal(response.statusCode, 200)
    const [item] = response.json().data
    t.same(Object.keys(item).sort(), ['address', 'capacity', 'id'])
    t.equal(item.address, '1 Ping’an Avenue, Pinghu')
    t.match(item.capacity, [{ unit: 'places', total: 80, available: 12 }])
    const full = (await app.inject({ url: `/v1/facilities/${library.id}`, headers: { 'accept-language': 'en' } })).json()
    t.same(item.capacity, full.capacity)
  })

  t.test('the week of hours, both names and the status date are fields too', async (t) => {
    const [item] = (await app.inject({ url: `${search}&fields=names,hours,statusEffective` })).json().data
    t.same(item.names, { 'zh-Hans': '平湖夜读馆', en: 'Pinghu Night Library' })
    t.equal(item.hours.openNow, true)
    t.same(item.hours.weekdayHours[0], { day: 'mo', intervals: ['08:00-17:30'] })
    t.equal(item.statusEffective, null)
  })

  t.test('the list item carries openNow beside its hours', async (t) => {
    const [item] = (await app.inject({ url: search })).json().data
    t.equal(item.openNow, true)
    const [seeded] = (await app.inject({ url: `/v1/facilities?q=hnyy&fields=openNow` })).json().data
    t.equal(seeded.openNow, null, 'no published hours: unknown, not closed')
  })

  t.test('distanceMeters comes when asked for and searching near a point', async (t) => {
    const near = (fields: string) => app.inject({ url: `/v1/facilities?q=hnyy&near=22.6866,114.124&fields=${fields}` })
    const [item] = (await near('distanceMeters,distanceApproximate')).json().data
    t.same(Object.keys(item).sort(), ['distanceApproximate', 'distanceMeters', 'id'])
    t.equal(item.distanceApproximate, true)
    const [without] = (await near('name')).json().data
    t.same(Object.keys(without).sort(), ['id', 'name'])
  })

  t.test('fields take the place of view=full', async (t) => {
    const [item] = (await app.inject({ url: `${search}&view=full&fields=name` })).json().data
    t.same(item, { id: library.id, name: '平湖夜读馆' })
  })

  t.test('a name that is no field is a 400 that lists the fields', async (t) => {
    const response = await app.inject({ url: `${search}&fields=name,nmae` })
    t.equal(response.statusCode, 400)
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(response.json(), {
      code: 'validation_failed',
      detail: 'Invalid query parameter: fields',
      errors: [{ in: 'query', name: 'fields', message: `must be one of: ${allowedFields}` }],
    })
  })

  t.test('an empty list of fields is a 400', async (t) => {
    const response = await app.inject({ url: `${search}&fields=` })
    t.equal(response.statusCode, 400)
    t.match(response.json(), { code: 'validation_failed', errors: [{ name: 'fields', message: 'must name at least 1 value' }] })
  })

  t.test('GeoJSON: the fields are the properties, the point is always there', async (t) => {
    const response = await app.inject({ url: `/v1/facilities?q=hnyy&fields=name`, headers: { accept: 'application/geo+json' } })
    t.equal(response.statusCode, 200)
    const [feature] = response.json().features
    t.same(feature.geometry, { type: 'Point', coordinates: [114.124, 22.6866] })
    t.same(feature.properties, { id: feature.id, name: '深圳大学附属华南医院', locationPrecision: 'approximate', crs: 'WGS84' })
  })

  t.test('CSV keeps every import column whatever the fields', async (t) => {
    const csv = (url: string) => app.inject({ url, headers: { accept: 'text/csv' } })
    const withFields = await csv(`${search}&fields=name`)
    t.equal(withFields.statusCode, 200)
    t.equal(withFields.body, (await csv(search)).body)
  })
})
