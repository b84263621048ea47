// Residents' suggestions on both databases: submitted without a key, checked by the facility's
// rules, folded when repeated, tracked by token; moderated by editors within their scope, and
// applied only when accepted — through the ordinary audited writes, with the suggestion's id in
// the history and the change feed. Contact details never leave the staff's views.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { buildClocked, create, forEachDatabase, keyFor, preparedTestDatabase, type App } from '../helper.js'
import { enforceContract } from '../contract.js'

const json = { 'content-type': 'application/json' }
const contact = '13800138000 王女士'

const suggest = (app: App, body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/suggestions', headers: { ...json, ...headers }, payload: JSON.stringify(body) })

const post = (app: App, url: string, headers: Record<string, string>, body?: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: body === undefined ? headers : { ...json, ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })

async function kindergartenIn(app: App) {
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  return (created.json() as { id: string }).id
}

forEachDatabase(t, 'a resident suggests a correction; alone it changes nothing', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const id = await kindergartenIn(app)
  const before = (await app.inject({ url: `/v1/facilities/${id}` })).body

  const first = await suggest(app, { facilityId: id, proposal: { openingHours: 'Mo-Fr 08:00-17:00' }, message: '门口贴了新时间', contact })
  t.equal(first.statusCode, 202)
  const receipt = first.json() as { token: string }
  t.match(receipt.token, /^sg_[A-Za-z0-9_-]{22}$/)
  t.same(first.json(), { token: receipt.token, state: 'pending', folded: false })
  t.equal(first.headers.location, `/v1/suggestions/${receipt.token}`)

  const again = await suggest(app, { facilityId: id, proposal: { openingHours: 'Mo-Fr 08:00-17:00' }, message: '门口贴了新时间' })
  t.same(again.json(), { token: receipt.token, state: 'pending', folded: true }, 'the same suggestion again is counted, not stored twice')

  const tracked = await app.inject({ url: `/v1/suggestions/${receipt.token}` })
  t.equal(tracked.statusCode, 200)
  t.same(tracked.json(), {
    token: receipt.token,
    facilityId: id,
    state: 'pending',
    submittedAt: '2026-11-28T02:00:00.000Z',
    decision: null,
  })
  t.notMatch(tracked.body, /13800138000/, 'the tracking view never shows contact details')

  t.equal((await app.inject({ url: `/v1/facilities/${id}` })).body, before, 'a suggestion alone changes nothing')
  const feed = await app.inject({ url: '/v1/changes?limit=1000' })
  t.notMatch(feed.body, /08:00-17:00/, 'nor does it reach the change feed')

  const unknownToken = await app.inject({ url: '/v1/suggestions/sg_AAAAAAAAAAAAAAAAAAAAAA' })
  t.equal(unknownToken.statusCode, 404)
  t.match(unknownToken.json(), { code: 'not_found', detail: 'There is no suggestion with this token' })

  for (const [why, body, status, name] of [
    ['a status outside the lifecycle', { facilityId: id, proposal: { status: 'in_service' } }, 400, '/proposal/status'],
    ['opening hours that are not OSM syntax', { facilityId: id, proposal: { openingHours: 'sometimes' } }, 400, '/proposal/openingHours'],
    ['a field no resident proposes', { facilityId: id, proposal: { slug: 'mine' } }, 400, '/proposal/slug'],
    ['nothing at all', { facilityId: id }, 400, '/proposal'],
    [
      'capacity that is not a number',
      { facilityId: id, proposal: { capacity: [{ unit: 'places', total: 'many' }] } },
      400,
      '/proposal/capacity/0/total',
    ],
  ] as const) {
    const response = await suggest(app, body)
    t.equal(response.statusCode, status, why)
    t.ok(
      (response.json() as { errors?: { name: string }[] }).errors?.some((e) => e.name === name),
      `${why}: names ${name}`,
    )
  }
  const noFacility = await suggest(app, { facilityId: '00000000-0000-7000-8000-000000000000', message: '关门了' })
  t.equal(noFacility.statusCode, 404)
  t.same(noFacility.json(), {
    type: 'urn:linli:problem:not_found',
    title: 'Not found',
    status: 404,
    detail: 'There is no facility 00000000-0000-7000-8000-000000000000',
    code: 'not_found',
    instance: '/v1/suggestions',
    requestId: noFacility.headers['x-request-id'],
  })
  const tooBig = await suggest(app, { facilityId: id, message: 'x'.repeat(17 * 1024) })
  t.equal(tooBig.statusCode, 413, 'the body is capped at 16 KiB')
  t.equal(
    (await app.inject({ method: 'POST', url: '/v1/suggestions', headers: { 'content-type': 'text/plain' }, payload: 'closed' })).statusCode,
    415,
  )
})

forEachDatabase(t, 'editors moderate within their scope; accepting applies the change through the audited writes', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const id = await kindergartenIn(app) // in hehua
  const hehuaEditor = await keyFor(app, 'editor', { areaIds: ['hehua'] })
  const otherEditor = await keyFor(app, 'editor', { areaIds: ['shanxia'] })
  const schoolsEditor = await keyFor(app, 'editor', { categories: ['school'] })
  const reader = await keyFor(app, 'reader')

  const hours = (
    await suggest(app, { facilityId: id, proposal: { openingHours: 'Mo-Fr 08:00-17:00', phone: '0755-8888 0000' }, contact })
  ).json() as {
    token: string
  }
  setNow('2026-11-28T03:00:00Z')
  const closing = (await suggest(app, { facilityId: id, proposal: { status: 'temporarily_closed' }, message: '在装修' })).json() as {
    token: string
  }
  const impossible = (await suggest(app, { facilityId: id, proposal: { status: 'planned' } })).json() as { token: string }

  t.equal((await app.inject({ url: '/v1/suggestions' })).statusCode, 401, 'moderation needs a key')
  t.equal((await app.inject({ url: '/v1/suggestions', headers: reader })).statusCode, 403, 'a reader cannot moderate')

  const listed = await app.inject({ url: '/v1/suggestions?state=pending', headers: hehuaEditor })
  t.equal(listed.statusCode, 200)
  const items = (listed.json() as { items: { id: string; proposal: object; contact: string | null; count: number }[]; next: null }).items
  t.same(
    items.map((item) => item.proposal),
    [{ status: 'planned' }, { status: 'temporarily_closed' }, { openingHours: 'Mo-Fr 08:00-17:00', phone: '0755-8888 0000' }],
    'newest first',
  )
  t.equal(items[2]?.contact, contact, 'editors see the contact details')
  t.same((await app.inject({ url: '/v1/suggestions', headers: otherEditor })).json(), { items: [], next: null }, 'another area: none')
  t.same((await app.inject({ url: '/v1/suggestions', headers: schoolsEditor })).json(), { items: [], next: null }, 'another category: none')
  const paged = (await app.inject({ url: '/v1/suggestions?limit=2', headers: hehuaEditor })).json() as { items: unknown[]; next: string }
  t.equal(paged.items.length, 2)
  t.same((await app.inject({ url: paged.next, headers: hehuaEditor })).json(), { items: [items[2]], next: null }, 'the next page')

  const [impossibleItem, closingItem, hoursItem] = items as unknown as [{ id: string }, { id: string }, { id: string }]
  const review = await app.inject({ url: `/v1/suggestions/${hoursItem.id}`, headers: hehuaEditor })
  t.equal(review.statusCode, 200)
  t.same(review.json(), {
    ...items[2],
    current: { openingHours: 'Mo-Fr 07:30-17:30', phone: null },
    facilityVersion: 1,
  })
  t.equal((await app.inject({ url: `/v1/suggestions/${hoursItem.id}` })).statusCode, 401, 'an id needs an editor key')
  const outside = await app.inject({ url: `/v1/suggestions/${hoursItem.id}`, headers: otherEditor })
  t.equal(outside.statusCode, 403, 'outside the scope')
  t.match(outside.json(), { code: 'forbidden', detail: /may edit only facilities in shanxia, not in hehua/ })
  t.equal((await post(app, `/v1/suggestions/${hoursItem.id}/accept`, { ...otherEditor, 'if-match': '"1"' })).statusCode, 403)
  t.equal((await post(app, `/v1/suggestions/${hoursItem.id}/reject`, otherEditor, { reason: 'no' })).statusCode, 403)

  t.equal((await post(app, `/v1/suggestions/${hoursItem.id}/accept`, hehuaEditor)).statusCode, 428, 'If-Match is required')
  const accepted = await post(app, `/v1/suggestions/${hoursItem.id}/accept?reason=phoned%20them`, { ...hehuaEditor, 'if-match': '"1"' })
  t.equal(accepted.statusCode, 200)
  t.same(accepted.json(), { state: 'accepted', facilityVersion: 2, changed: true })
  const facility = (await app.inject({ url: `/v1/facilities/${id}` })).json() as { contact: { phone: string } }
  t.equal(facility.contact.phone, '0755-8888 0000')
  const again = await post(app, `/v1/suggestions/${hoursItem.id}/accept`, { ...hehuaEditor, 'if-match': '"2"' })
  t.equal(again.statusCode, 409, 'decided once')

  const stale = await post(app, `/v1/suggestions/${closingItem.id}/accept`, { ...hehuaEditor, 'if-match': '"1"' })
  t.equal(stale.statusCode, 412, 'the facility changed since the review')
  t.match(stale.json(), { code: 'version_mismatch', currentVersion: 2 })
  const closed = await post(app, `/v1/suggestions/${closingItem.id}/accept`, { ...hehuaEditor, 'if-match': '"2"' })
  t.same(closed.json(), { state: 'accepted', facilityVersion: 3, changed: true })
  t.equal(
    ((await app.inject({ url: `/v1/facilities/${id}` })).json() as { status: string }).status,
    'temporarily_closed',
    'as a status change',
  )

  const refused = await post(app, `/v1/suggestions/${impossibleItem.id}/accept`, { ...hehuaEditor, 'if-match': '"3"' })
  t.equal(refused.statusCode, 422)
  t.same(refused.json(), {
    type: 'urn:linli:problem:transition_not_allowed',
    title: 'The status change is not allowed',
    status: 422,
    detail:
      'The suggestion cannot be accepted: A kindergarten cannot go from temporarily_closed to planned; it can go to: operational, permanently_closed',
    code: 'transition_not_allowed',
    instance: `/v1/suggestions/${impossibleItem.id}/accept`,
    requestId: refused.headers['x-request-id'],
    errors: [
      {
        in: 'body',
        name: '/proposal/status',
        message: 'A kindergarten cannot go from temporarily_closed to planned; it can go to: operational, permanently_closed',
      },
    ],
  })
  t.equal(
    ((await app.inject({ url: `/v1/facilities/${id}` })).json() as { status: string }).status,
    'temporarily_closed',
    'nothing written',
  )
  t.equal((await post(app, `/v1/suggestions/${impossibleItem.id}/reject`, hehuaEditor, {})).statusCode, 400, 'a rejection needs a reason')
  const rejected = await post(app, `/v1/suggestions/${impossibleItem.id}/reject`, hehuaEditor, { reason: '幼儿园已在运营，不会回到规划' })
  t.same(rejected.json(), { state: 'rejected' })

  t.same((await app.inject({ url: `/v1/suggestions/${impossible.token}` })).json(), {
    token: impossible.token,
    facilityId: id,
    state: 'rejected',
    submittedAt: '2026-11-28T03:00:00.000Z',
    decision: { at: '2026-11-28T03:00:00.000Z', reason: '幼儿园已在运营，不会回到规划' },
  })
  t.same((await app.inject({ url: `/v1/suggestions/${hours.token}` })).json(), {
    token: hours.token,
    facilityId: id,
    state: 'accepted',
    submittedAt: '2026-11-28T02:00:00.000Z',
    decision: { at: '2026-11-28T03:00:00.000Z', reason: 'phoned them' },
  })
  t.equal(((await app.inject({ url: `/v1/suggestions/${closing.token}` })).json() as { state: string }).state, 'accepted')

  const history = (await app.inject({ url: `/v1/facilities/${id}/history`, headers: hehuaEditor })).json() as {
    data: { action: string; reason: string; fields: { field: string }[] }[]
  }
  t.same(
    history.data.slice(0, 2).map((change) => [change.action, change.reason, change.fields.map((f) => f.field)]),
    [
      // Each accepted change also records where the new values come from (provenance: staff).
      ['status_change', `suggestion ${closingItem.id}`, ['provenance', 'status', 'statusEffective']],
      ['update', `suggestion ${hoursItem.id}: phoned them`, ['openingHours', 'phone', 'provenance']],
    ],
    "the history names the suggestion in each change's reason",
  )
  const feed = (await app.inject({ url: '/v1/changes?limit=1000' })).json() as { data: { reason: string | null; facilityId: string }[] }
  t.same(
    feed.data
      .filter((event) => event.facilityId === id)
      .map((event) => event.reason)
      .slice(-2),
    [`suggestion ${hoursItem.id}: phoned them`, `suggestion ${closingItem.id}`],
    'and so does the change feed',
  )
  const everything = [
    (await app.inject({ url: '/v1/changes?limit=1000' })).body,
    (await app.inject({ url: `/v1/facilities/${id}` })).body,
    (await app.inject({ url: '/v1/export', headers: { accept: 'application/x-ndjson' } })).body,
    (await app.inject({ url: `/v1/suggestions/${hours.token}` })).body,
  ].join('\n')
  t.notMatch(everything, /13800138000|王女士/, 'contact details are in no public response, export or feed')
})

forEachDatabase(t, 'suggestions have a stricter budget per address', async (t, engine) => {
  const database = await preparedTestDatabase(t, engine)
  const app = await buildApp({
    database,
    logLevel: 'silent',
    rateLimits: { anonymous: 100, reader: 100, editor: 100, admin: 100, suggestions: 2 },
  })
  t.teardown(() => app.close())
  await app.ready()
  enforceContract(app)
  const id = await kindergartenIn(app as App)
  t.equal((await suggest(app as App, { facilityId: id, message: 'a' })).statusCode, 202)
  t.equal((await suggest(app as App, { facilityId: id, message: 'b' })).statusCode, 202)
  const third = await suggest(app as App, { facilityId: id, message: 'c' })
  t.equal(third.statusCode, 429)
  t.match(third.json(), { code: 'rate_limited', detail: /^This address may make 2 suggestions per 3600 s; retry in/ })
  t.equal((await app.inject({ url: `/v1/facilities/${id}` })).statusCode, 200, 'reading is not held back')
  const fromAnother = await app.inject({
    method: 'POST',
    url: '/v1/suggestions',
    headers: json,
    remoteAddress: '10.0.0.9',
    payload: JSON.stringify({ facilityId: id, message: 'd' }),
  })
  t.equal(fromAnother.statusCode, 202, 'another address has its own budget')
})

forEachDatabase(t, 'contact details never reach a log line', async (t, engine) => {
  const database = await preparedTestDatabase(t, engine)
  const lines: string[] = []
  const app = await buildApp({ database, logLevel: 'trace', logStream: { write: (line) => void lines.push(line) } })
  t.teardown(() => app.close())
  await app.ready()
  const id = await kindergartenIn(app as App)
  const response = await suggest(app as App, { facilityId: id, message: '电话打不通', contact })
  t.equal(response.statusCode, 202)
  const invalid = await suggest(app as App, { facilityId: id, proposal: { openingHours: 'never' }, contact })
  t.equal(invalid.statusCode, 400)
  t.ok(lines.length > 0, 'the requests were logged')
  t.notOk(
    lines.some((line) => line.includes('13800138000') || line.includes('王女士')),
    'but never their contact details',
  )
})
