// Staff writes through real HTTP (inject) on both databases: keys and roles, create, merge-patch
// updates with If-Match, soft deletes, and every bad input answered with a 4xx problem and nothing
// written. Status changes are in status-changes.test.ts.
import t from 'tap'
import { AccessibilityFeature } from '../../src/generated/prisma/enums.js'
import { revokeClient } from '../../src/clients/keys.js'
import { build, buildClocked, create, databaseOf, forEachDatabase, keyFor, kindergarten, patch, type App } from '../helper.js'

interface RawRequest {
  payload: string
  headers: Record<string, string>
}
const json = (body: unknown): RawRequest => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) })

const facilityCount = (app: App) => databaseOf(app).prisma.facility.count()
const changeCount = (app: App) => databaseOf(app).prisma.change.count()

forEachDatabase(t, 'keys and roles', async (t, engine) => {
  const app = await build(t, engine)
  const problem = (response: Awaited<ReturnType<App['inject']>>) => response.json() as { code: string; status: number; detail: string }

  const anonymous = await create(app, {})
  t.equal(anonymous.statusCode, 401)
  t.equal(problem(anonymous).code, 'unauthorized')
  t.match(anonymous.headers['www-authenticate'], /^Bearer realm="linli"/)
  t.match(anonymous.headers['content-type'], /application\/problem\+json/)

  for (const [authorization, why] of [
    ['Basic dXNlcjpwYXNz', 'another scheme'],
    ['Bearer', 'no key'],
    ['Bearer lk_short', 'malformed key'],
    [`Bearer lk_${'A'.repeat(43)}`, 'unknown key'],
  ] as const) {
    const response = await app.inject({ method: 'GET', url: '/v1/facilities', headers: { authorization } })
    t.equal(response.statusCode, 401, `${why}: 401 even on a public read`)
    t.equal(problem(response).code, 'invalid_key', why)
    t.match(response.headers['www-authenticate'], /error="invalid_token"/, why)
  }

  const reader = await keyFor(app, 'reader')
  t.equal((await app.inject({ method: 'GET', url: '/v1/facilities', headers: reader })).statusCode, 200, 'a reader reads')
  const readerWrite = await create(app, reader)
  t.equal(readerWrite.statusCode, 403, 'a reader may not write')
  t.equal(problem(readerWrite).code, 'forbidden')

  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  t.equal(created.statusCode, 201, 'an editor writes')
  const { id } = created.json() as { id: string }
  const etag = created.headers.etag as string
  const deleteByEditor = await app.inject({ method: 'DELETE', url: `/v1/facilities/${id}`, headers: { ...editor, 'if-match': etag } })
  t.equal(deleteByEditor.statusCode, 403, 'only an admin deletes')

  // An editor limited to the Pinghu community and to elder care.
  const limited = await keyFor(app, 'editor', { areaIds: ['pinghu-community'], categories: ['elder_care'] })
  const outOfArea = await create(app, limited, { ...kindergarten, slug: 'a', category: 'elder_care', area: 'hehua' })
  t.equal(outOfArea.statusCode, 403, 'an area the key is not for')
  t.match(problem(outOfArea).detail, /pinghu-community/)
  const wrongCategory = await create(app, limited, { ...kindergarten, slug: 'b', area: 'pinghu-community' })
  t.equal(wrongCategory.statusCode, 403, 'a category the key is not for')
  const inScope = await create(app, limited, {
    slug: 'pinghu-community-elder-care-station',
    category: 'elder_care',
    name: { zh: '平湖社区长者服务站' },
    area: 'pinghu-community',
    status: 'planned',
  })
  t.equal(inScope.statusCode, 201, 'within its areas and categories')
  const moveOut = await patch(
    app,
    (inScope.json() as { id: string }).id,
    { ...limited, 'if-match': inScope.headers.etag as string },
    { area: 'hehua' },
  )
  t.equal(moveOut.statusCode, 403, 'nor may it move a facility out of its areas')

  const { client } = await databaseOf(app)
    .prisma.apiClient.findFirstOrThrow({ where: { role: 'reader' } })
    .then((c) => ({ client: c }))
  await revokeClient(databaseOf(app).prisma, client.id)
  const revoked = await app.inject({ method: 'GET', url: '/v1/facilities', headers: reader })
  t.equal(revoked.statusCode, 401, 'a revoked key')
  t.equal(problem(revoked).code, 'invalid_key')
  t.ok((await databaseOf(app).prisma.apiClient.findFirstOrThrow({ where: { id: client.id } })).lastUsedAt, 'use of a key is noted')
})

t.test('keys never reach the log', async (t) => {
  const lines: string[] = []
  const { buildApp } = await import('../../src/app.js')
  const { preparedTestDatabase } = await import('../helper.js')
  const database = await preparedTestDatabase(t, 'pglite', { seed: false })
  const app = await buildApp({ database, logLevel: 'info', logStream: { write: (line: string) => void lines.push(line) } })
  t.teardown(() => app.close())
  const headers = await keyFor(app, 'editor')
  await app.inject({ method: 'GET', url: '/v1/facilities', headers })
  await app.inject({ method: 'GET', url: '/v1/facilities', headers: { authorization: 'Bearer lk_not-a-real-key' } })
  const key = headers.authorization.slice('Bearer '.length)
  t.ok(lines.length >= 4, 'requests were logged')
  t.notOk(
    lines.some((line) => line.includes(key) || line.includes('lk_not-a-real-key')),
    'no key in any log line',
  )
})

forEachDatabase(t, 'creating a facility', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')

  const created = await create(app, editor)
  t.equal(created.statusCode, 201)
  const body = created.json() as { id: string; version: number; name: string; capacity: { available: number }[]; hours: unknown }
  t.equal(created.headers.location, `/v1/facilities/${body.id}`)
  t.match(created.headers.etag, /^"1\.[A-Za-z0-9_-]+"$/, 'the ETag names version 1')
  t.equal(body.version, 1)
  t.equal(body.name, '禾花阳光幼儿园')
  t.equal(body.capacity[0]?.available, 12)
  t.ok(body.hours, 'opening hours are evaluated')

  const read = await app.inject({ url: `/v1/facilities/${body.id}` })
  t.equal(read.statusCode, 200)
  t.match(read.headers.etag, /^"1\./)
  const found = await app.inject({ url: '/v1/facilities?q=hhygyey' })
  t.same(
    (found.json() as { data: { id: string }[] }).data.map((f) => f.id),
    [body.id],
    'searchable at once, by pinyin initials too',
  )

  const again = await create(app, editor, { ...kindergarten, externalId: 'other' })
  t.equal(again.statusCode, 409, 'a slug is unique')
  t.match((again.json() as { errors: { name: string }[] }).errors, [{ name: '/slug' }])
  const sameExternal = await create(app, editor, { ...kindergarten, slug: 'another-one' })
  t.equal(sameExternal.statusCode, 409, 'an external id is unique')
  t.match((sameExternal.json() as { errors: { name: string }[] }).errors, [{ name: '/externalId' }])
})

forEachDatabase(t, 'bad input to a create: a clear 4xx, and nothing written', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const before = { facilities: await facilityCount(app), changes: await changeCount(app) }
  const cases: { why: string; status: number; code: string; name?: string; request: RawRequest }[] = [
    {
      why: 'malformed JSON',
      status: 400,
      code: 'validation_failed',
      request: { payload: '{"slug": ', headers: { 'content-type': 'application/json' } },
    },
    {
      why: 'an empty body',
      status: 400,
      code: 'validation_failed',
      request: { payload: '', headers: { 'content-type': 'application/json' } },
    },
    {
      why: 'wrong content type',
      status: 415,
      code: 'unsupported_media_type',
      request: { payload: 'slug=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    },
    {
      why: 'a merge patch is not a create',
      status: 415,
      code: 'unsupported_media_type',
      request: { payload: JSON.stringify(kindergarten), headers: { 'content-type': 'application/merge-patch+json' } },
    },
    { why: 'an unknown field', status: 400, code: 'validation_failed', name: '/colour', request: json({ ...kindergarten, colour: 'red' }) },
    {
      why: 'a number as a string',
      status: 400,
      code: 'validation_failed',
      name: '/location/lat',
      request: json({ ...kindergarten, location: { ...kindergarten.location, lat: '22.69' } }),
    },
    {
      why: 'an empty name',
      status: 400,
      code: 'validation_failed',
      name: '/name/zh',
      request: json({ ...kindergarten, name: { zh: '' } }),
    },
    {
      why: 'an over-long name',
      status: 400,
      code: 'validation_failed',
      name: '/name/zh',
      request: json({ ...kindergarten, name: { zh: '园'.repeat(201) } }),
    },
    { why: 'a missing name', status: 400, code: 'validation_failed', name: '/name', request: json({ ...kindergarten, name: undefined }) },
    {
      why: 'latitude out of range',
      status: 400,
      code: 'validation_failed',
      name: '/location/lat',
      request: json({ ...kindergarten, location: { ...kindergarten.location, lat: 91 } }),
    },
    {
      why: 'longitude out of range',
      status: 400,
      code: 'validation_failed',
      name: '/location/lng',
      request: json({ ...kindergarten, location: { ...kindergarten.location, lng: -181 } }),
    },
    {
      why: 'an unknown status',
      status: 400,
      code: 'validation_failed',
      name: '/status',
      request: json({ ...kindergarten, status: 'open' }),
    },
    {
      why: 'a project status for a service',
      status: 400,
      code: 'validation_failed',
      name: '/status',
      request: json({ ...kindergarten, status: 'in_service' }),
    },
    {
      why: 'opening hours that do not parse',
      status: 400,
      code: 'validation_failed',
      name: '/openingHours',
      request: json({ ...kindergarten, openingHours: 'Mo-Fr 08:00-' }),
    },
    {
      why: 'a date that is not a date',
      status: 400,
      code: 'validation_failed',
      name: '/dates/opening/expected/edtf',
      request: json({ ...kindergarten, dates: { opening: { expected: { edtf: '2026-13' } } } }),
    },
    {
      why: 'a range ending before it starts',
      status: 400,
      code: 'validation_failed',
      name: '/dates/completion/expected/edtf',
      request: json({ ...kindergarten, dates: { completion: { expected: { edtf: '2027/2025' } } } }),
    },
    {
      why: 'an age range upside down',
      status: 400,
      code: 'validation_failed',
      name: '/ageRange/maxMonths',
      request: json({ ...kindergarten, ageRange: { minMonths: 72, maxMonths: 24 } }),
    },
    {
      why: 'more places available than there are',
      status: 400,
      code: 'validation_failed',
      name: '/capacity/0/available',
      request: json({ ...kindergarten, capacity: [{ unit: 'places', total: 10, available: 11 }] }),
    },
    { why: 'an unknown area', status: 400, code: 'validation_failed', name: '/area', request: json({ ...kindergarten, area: 'atlantis' }) },
    {
      why: 'an opening before the construction started',
      status: 400,
      code: 'validation_failed',
      name: '/dates/opening/expected/edtf',
      request: json({
        ...kindergarten,
        dates: { construction_start: { expected: { edtf: '2026-05' } }, opening: { expected: { edtf: '2025-36' } } },
      }),
    },
    {
      why: 'an oversized body',
      status: 413,
      code: 'payload_too_large',
      request: json({ ...kindergarten, attributes: { padding: 'x'.repeat(1_100_000) } }),
    },
  ]
  for (const { why, status, code, name, request } of cases) {
    const response = await app.inject({ method: 'POST', url: '/v1/facilities', ...request, headers: { ...editor, ...request.headers } })
    t.equal(response.statusCode, status, why)
    const body = response.json() as { code: string; errors?: { name: string }[] }
    t.equal(body.code, code, why)
    if (name !== undefined)
      t.ok(
        body.errors?.some((e) => e.name === name),
        `${why}: names ${name} (got ${JSON.stringify(body.errors)})`,
      )
  }
  t.same({ facilities: await facilityCount(app), changes: await changeCount(app) }, before, 'nothing was written')

  t.test('an enum error lists the values; past the shape, every error at once (unknown area and contradictory dates)', async (t) => {
    const response = await create(app, editor, {
      ...kindergarten,
      area: 'atlantis',
      accessibility: ['elevator'],
      dates: { completion: { actual: { edtf: '2024' } }, opening: { actual: { edtf: '2023-10' } } },
    })
    t.equal(response.statusCode, 400)
    t.same(response.json().errors, [
      {
        in: 'body',
        name: '/accessibility/0',
        message: `must be one of: ${Object.values(AccessibilityFeature).join(', ')}`,
      },
    ])
    const fixed = await create(app, editor, {
      ...kindergarten,
      area: 'atlantis',
      dates: { completion: { actual: { edtf: '2024' } }, opening: { actual: { edtf: '2023-10' } } },
    })
    t.same(fixed.json().errors, [
      { in: 'body', name: '/area', message: 'no area with id atlantis; GET /v1/areas lists them' },
      { in: 'body', name: '/dates/opening/actual/edtf', message: '2023-10 is before completion (actual: 2024)' },
    ])
  })
})

forEachDatabase(t, 'updating with JSON Merge Patch and If-Match', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  const { id } = created.json() as { id: string }
  const v1 = created.headers.etag as string

  t.equal((await patch(app, id, editor, { phone: '0755-1234' })).statusCode, 428, 'If-Match is required')
  t.equal(((await patch(app, id, editor, { phone: '0755-1234' })).json() as { code: string }).code, 'precondition_required')
  const malformed = await patch(app, id, { ...editor, 'if-match': 'version 1' }, { phone: '0755-1234' })
  t.equal(malformed.statusCode, 400, 'a malformed If-Match')
  t.match((malformed.json() as { errors: unknown[] }).errors, [{ in: 'header', name: 'if-match' }])
  const asJson = await app.inject({
    method: 'PATCH',
    url: `/v1/facilities/${id}`,
    payload: JSON.stringify({ phone: '1' }),
    headers: { ...editor, 'if-match': v1, 'content-type': 'application/json' },
  })
  t.equal(asJson.statusCode, 415, 'a patch must say it is a merge patch')

  const updated = await patch(
    app,
    id,
    { ...editor, 'if-match': v1 },
    {
      phone: '0755-8888-1234',
      capacity: [{ unit: 'places', total: 360, available: 3 }],
      name: { en: 'Hehua Sunshine Kindergarten (Hehua)' },
      openingHours: null,
    },
  )
  t.equal(updated.statusCode, 200)
  const body = updated.json() as {
    version: number
    contact: { phone: string }
    capacity: { available: number }[]
    names: { en: string; 'zh-Hans': string }
    openingHours: null
  }
  t.equal(body.version, 2)
  t.match(updated.headers.etag, /^"2\./)
  t.equal(body.contact.phone, '0755-8888-1234')
  t.equal(body.capacity[0]?.available, 3, 'available places are an ordinary update')
  t.same(body.names, { 'zh-Hans': '禾花阳光幼儿园', en: 'Hehua Sunshine Kindergarten (Hehua)' }, 'objects merge')
  t.equal(body.openingHours, null, 'null removes')

  const stale = await patch(app, id, { ...editor, 'if-match': v1 }, { phone: '0' })
  t.equal(stale.statusCode, 412, 'a stale If-Match')
  t.match(stale.json(), { code: 'version_mismatch', currentVersion: 2 })
  t.equal(
    ((await app.inject({ url: `/v1/facilities/${id}` })).json() as { contact: { phone: string } }).contact.phone,
    '0755-8888-1234',
    'nothing overwritten',
  )

  const bareVersion = await patch(app, id, { ...editor, 'if-match': '"2"' }, { website: 'https://example.org/kg' })
  t.equal(bareVersion.statusCode, 200, 'If-Match may name just the version')
  const noChange = await patch(app, id, { ...editor, 'if-match': '*' }, { website: 'https://example.org/kg' })
  t.equal((noChange.json() as { version: number }).version, 3, 'a patch that changes nothing keeps the version')

  for (const [why, body, name] of [
    ['the status is not patched', { status: 'temporarily_closed' }, '/status'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['a required field removed', { name: null }, '/name'],
    ['a nested wrong type', { location: { lat: 'north' } }, '/location/lat'],
    ['hours that do not parse', { openingHours: 'sometimes' }, '/openingHours'],
  ] as const) {
    const response = await patch(app, id, { ...editor, 'if-match': '"3"' }, body)
    t.equal(response.statusCode, 400, why)
    t.ok(
      (response.json() as { errors?: { name: string }[] }).errors?.some((e) => e.name.endsWith(name)),
      `${why}: names ${name}`,
    )
  }
  const notObject = await patch(app, id, { ...editor, 'if-match': '"3"' }, ['a', 'list'])
  t.equal(notObject.statusCode, 400, 'a patch that is not an object')
  t.equal((await databaseOf(app).prisma.facility.findUniqueOrThrow({ where: { id } })).version, 3, 'bad patches wrote nothing')

  const missing = await patch(app, '0193a1b2-0000-7000-8000-000000000000', { ...editor, 'if-match': '*' }, { phone: '1' })
  t.equal(missing.statusCode, 404)
})

forEachDatabase(t, 'two staff patch the same version at once: one wins, the other is told', async (t, engine) => {
  const app = await build(t, engine)
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  const { id } = created.json() as { id: string }
  const etag = created.headers.etag as string
  const [a, b] = await Promise.all([
    patch(app, id, { ...editor, 'if-match': etag }, { phone: '111' }),
    patch(app, id, { ...editor, 'if-match': etag }, { phone: '222' }),
  ])
  t.same([a.statusCode, b.statusCode].sort(), [200, 412])
  const winner = a.statusCode === 200 ? '111' : '222'
  const stored = await databaseOf(app).prisma.facility.findUniqueOrThrow({ where: { id } })
  t.equal(stored.phone, winner, "the winner's value is stored")
  t.equal(stored.version, 2)
  t.equal(await databaseOf(app).prisma.change.count({ where: { facilityId: id, action: 'update' } }), 1, 'one update recorded')
})

forEachDatabase(t, 'deleting a facility', async (t, engine) => {
  const app = await build(t, engine)
  const admin = await keyFor(app, 'admin')
  const created = await create(app, admin)
  const { id } = created.json() as { id: string }
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/facilities/${id}`, headers: admin })).statusCode, 428)
  const stale = await app.inject({ method: 'DELETE', url: `/v1/facilities/${id}`, headers: { ...admin, 'if-match': '"7"' } })
  t.equal(stale.statusCode, 412)
  const deleted = await app.inject({
    method: 'DELETE',
    url: `/v1/facilities/${id}?reason=closed%20and%20merged`,
    headers: { ...admin, 'if-match': created.headers.etag as string },
  })
  t.equal(deleted.statusCode, 204)
  t.equal((await app.inject({ url: `/v1/facilities/${id}` })).statusCode, 404, 'gone from reads')
  const listed = (await app.inject({ url: '/v1/facilities?q=禾花' })).json() as { data: unknown[] }
  t.same(listed.data, [], 'gone from search')
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/facilities/${id}`, headers: { ...admin, 'if-match': '*' } })).statusCode,
    404,
    'deleting twice',
  )
  const tombstone = await databaseOf(app).prisma.facility.findUniqueOrThrow({ where: { id } })
  t.ok(tombstone.deletedAt, 'the row stays as a tombstone')
})

forEachDatabase(t, 'provenance of what staff write', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-30T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  t.equal(created.statusCode, 201)
  const staff = (field: string, at: string) => ({ field, basis: 'staff', source: null, quote: null, note: null, by: 'test editor', at })
  const first = '2026-11-30T02:00:00.000Z'
  t.same(
    created.json().provenance,
    ['/capacity', '/location', '/name', '/openingHours', '/status'].map((field) => staff(field, first)),
    'each fact staff give without saying where it comes from is recorded as theirs, with who and when',
  )

  setNow('2026-12-01T02:00:00Z')
  const phoned = await patch(app, created.json().id, { ...editor, 'if-match': '"1"' }, { openingHours: 'Mo-Fr 08:00-17:30' })
  t.equal(phoned.statusCode, 200)
  const entries = phoned.json().provenance as { field: string; at: string }[]
  t.same(
    entries.map((entry) => [entry.field, entry.at]),
    [
      ['/capacity', first],
      ['/location', first],
      ['/name', first],
      ['/openingHours', '2026-12-01T02:00:00.000Z'],
      ['/status', first],
    ],
    'a changed field is re-stamped; the others keep theirs',
  )

  const sourced = await patch(
    app,
    created.json().id,
    { ...editor, 'if-match': '"2"' },
    {
      name: { zh: '禾花阳光幼儿园', en: 'Hehua Sunshine Kindergarten (Pinghu)' },
      provenance: [
        ...entries.filter((entry) => entry.field !== '/name').map(({ field, at }) => ({ field, basis: 'staff', by: 'test editor', at })),
        { field: '/name/en', basis: 'translation', note: 'As the kindergarten spells it on its sign.' },
      ],
    },
  )
  t.equal(sourced.statusCode, 200)
  t.match(
    (sourced.json().provenance as { field: string }[]).find((entry) => entry.field === '/name/en'),
    { basis: 'translation', note: 'As the kindergarten spells it on its sign.' },
    'provenance given with a change is kept as given',
  )
})
