// Status changes on both databases: the lifecycle enforced in one place, changes scheduled for a
// moment to come applied at that moment (by an injected clock, never by sleeping), and applied
// once however many server processes share the database.
import t from 'tap'
import { databaseOf, buildClocked, create, forEachDatabase, keyFor, postStatus, type App } from '../helper.js'

forEachDatabase(t, 'status changes follow the lifecycle', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const admin = await keyFor(app, 'admin')
  const created = await create(app, editor)
  const { id } = created.json() as { id: string }

  t.equal((await postStatus(app, id, editor, { status: 'temporarily_closed', reason: 'renovation' })).statusCode, 428)
  const closed = await postStatus(
    app,
    id,
    { ...editor, 'if-match': created.headers.etag as string },
    { status: 'temporarily_closed', reason: 'renovation' },
  )
  t.equal(closed.statusCode, 201)
  t.match(closed.json(), {
    state: 'applied',
    fromStatus: 'operational',
    toStatus: 'temporarily_closed',
    facilityVersion: 2,
    effectiveAt: '2026-11-28T02:00:00.000Z',
  })
  t.match(closed.headers.etag, /^"2\./, 'the ETag of the new version, for the next write')
  const read = (await app.inject({ url: `/v1/facilities/${id}` })).json() as { status: string; statusEffective: { edtf: string } }
  t.equal(read.status, 'temporarily_closed')
  t.equal(read.statusEffective.edtf, '2026-11-28')

  const backwards = await postStatus(app, id, { ...editor, 'if-match': '"2"' }, { status: 'planned', reason: 'oops' })
  t.equal(backwards.statusCode, 422)
  t.match(backwards.json(), { code: 'transition_not_allowed', detail: /can go to: operational, permanently_closed/ })
  const shut = await postStatus(app, id, { ...editor, 'if-match': '"2"' }, { status: 'permanently_closed', reason: 'merged into another' })
  t.equal(shut.statusCode, 201)
  const reopenByEditor = await postStatus(app, id, { ...editor, 'if-match': '"3"' }, { status: 'operational', reason: 'mistake' })
  t.equal(reopenByEditor.statusCode, 422, 'only an admin reopens what was closed for good')
  t.match(reopenByEditor.json(), { detail: /Only an admin/ })
  t.equal(
    (await postStatus(app, id, { ...admin, 'if-match': '"3"' }, { status: 'operational', reason: 'closed by mistake' })).statusCode,
    201,
  )

  const road = await create(app, editor, {
    slug: 'pinghu-test-road',
    category: 'road',
    name: { zh: '平湖测试路' },
    area: 'pinghu',
    status: 'planned',
  })
  const roadId = (road.json() as { id: string }).id
  t.equal(
    (await postStatus(app, roadId, { ...editor, 'if-match': '"1"' }, { status: 'cancelled', reason: 'plan dropped' })).statusCode,
    201,
  )
  const afterCancel = await postStatus(app, roadId, { ...admin, 'if-match': '"2"' }, { status: 'under_construction', reason: 'revived' })
  t.equal(afterCancel.statusCode, 422, 'nothing follows cancelled, not even for an admin')
  t.match(afterCancel.json(), { detail: /nothing follows cancelled/ })

  for (const [why, body, name] of [
    ['an unknown status', { status: 'demolished', reason: 'x' }, '/status'],
    ['effectiveAt not a date', { status: 'operational', effectiveAt: 'next monday', reason: 'x' }, '/effectiveAt'],
    ['no reason', { status: 'operational' }, '/reason'],
  ] as const) {
    const response = await postStatus(app, id, { ...admin, 'if-match': '*' }, body)
    t.equal(response.statusCode, 400, why)
    t.ok(
      (response.json() as { errors?: { name: string }[] }).errors?.some((e) => e.name === name),
      `${why}: names ${name}`,
    )
  }
})

forEachDatabase(t, 'a scheduled status change takes effect at its moment, in reads and in the feed', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor, {
    slug: 'pinghu-new-kindergarten',
    category: 'kindergarten',
    name: { zh: '平湖新城幼儿园' },
    area: 'pinghu',
    status: 'under_construction',
  })
  const { id } = created.json() as { id: string }
  const scheduled = await postStatus(
    app,
    id,
    { ...editor, 'if-match': created.headers.etag as string },
    {
      status: 'operational',
      effectiveAt: '2026-12-01T00:00:00+08:00',
      reason: 'opens on 1 December',
    },
  )
  t.equal(scheduled.statusCode, 202)
  t.match(scheduled.json(), { state: 'scheduled', effectiveAt: '2026-11-30T16:00:00.000Z', facilityVersion: 1 })

  const statusNow = async () => (await app.inject({ url: `/v1/facilities/${id}` })).json() as { status: string; version: number }
  const feedActions = async () =>
    (
      (await app.inject({ url: '/v1/changes?limit=1000' })).json() as {
        data: { facilityId: string; action: string; at: string; fields: Record<string, unknown> }[]
      }
    ).data.filter((e) => e.facilityId === id)
  t.equal((await statusNow()).status, 'under_construction', 'not before its moment')
  const timeline = async () =>
    ((await app.inject({ url: `/v1/facilities/${id}/status-changes` })).json() as { data: { toStatus: string; state: string }[] }).data.map(
      (c) => `${c.toStatus}:${c.state}`,
    )
  t.same(await timeline(), ['operational:scheduled', 'under_construction:applied'], 'what is to come, and what was')
  setNow('2026-11-30T15:59:59Z')
  t.equal((await statusNow()).status, 'under_construction', 'a second before')
  t.same(
    (await feedActions()).map((e) => e.action),
    ['create'],
  )

  setNow('2026-11-30T16:00:00Z')
  t.match(await statusNow(), { status: 'operational', version: 2 }, 'at the moment')
  t.same(await timeline(), ['operational:applied', 'under_construction:applied'])
  const events = await feedActions()
  t.same(
    events.map((e) => e.action),
    ['create', 'status_change'],
  )
  t.match(events[1], { at: '2026-11-30T16:00:00.000Z', fields: { status: 'operational', statusEffective: '2026-12-01' } })
  const counted = await app.inject({ url: '/v1/facilities/facets?category=kindergarten&status=operational&q=平湖新城' })
  t.equal((counted.json() as { total: number }).total, 1, 'searches see it too')

  setNow('2026-12-05T00:00:00Z')
  await statusNow()
  t.equal((await feedActions()).length, 2, 'applied once')
})

forEachDatabase(t, 'a scheduled change the lifecycle no longer allows is discarded, with the reason kept', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const admin = await keyFor(app, 'admin')
  const created = await create(app, admin)
  const { id } = created.json() as { id: string }
  await postStatus(
    app,
    id,
    { ...admin, 'if-match': '"1"' },
    { status: 'temporarily_closed', effectiveAt: '2027-01-01T00:00:00Z', reason: 'holiday works' },
  )
  await postStatus(app, id, { ...admin, 'if-match': '"1"' }, { status: 'permanently_closed', reason: 'closed for good' })
  setNow('2027-01-02T00:00:00Z')
  const read = (await app.inject({ url: `/v1/facilities/${id}` })).json() as { status: string }
  t.equal(read.status, 'permanently_closed', 'the closure stands')
  const change = await databaseOf(app).prisma.statusChange.findFirstOrThrow({ where: { facilityId: id, toStatus: 'temporarily_closed' } })
  t.match(change.discardedReason, /permanently_closed by then/)
  const listed = (await app.inject({ url: `/v1/facilities/${id}/status-changes` })).json() as {
    data: { toStatus: string; state: string; discardedReason: string | null }[]
  }
  t.match(
    listed.data.find((c) => c.toStatus === 'temporarily_closed'),
    { state: 'discarded', discardedReason: /by then/ },
  )
  t.ok(change.appliedAt)
})

t.test('several server processes on one PostgreSQL apply a scheduled change once', async (t) => {
  const { testEngines, preparedTestDatabase } = await import('../helper.js')
  if (!testEngines.includes('postgresql')) return t.pass('PostgreSQL is not under test')
  const { buildApp } = await import('../../src/app.js')
  const { openPostgresDatabase } = await import('../../src/db/database.js')
  let now = new Date('2026-11-28T02:00:00Z')
  const first = await preparedTestDatabase(t, 'postgresql')
  const apps: App[] = []
  const { postgresUrlOf } = await import('../helper.js')
  for (let i = 0; i < 3; i += 1) {
    const database = i === 0 ? first : await openPostgresDatabase(postgresUrlOf(first), 4)
    if (i > 0) t.teardown(() => database.close())
    const app = (await buildApp({ database, logLevel: 'silent', clock: () => now })) as unknown as App
    t.teardown(() => app.close())
    await app.ready()
    apps.push(app)
  }
  const [one, two, three] = apps as [App, App, App]
  const editor = await keyFor(one, 'editor')
  const created = await create(one, editor)
  const { id } = created.json() as { id: string }
  await postStatus(
    one,
    id,
    { ...editor, 'if-match': created.headers.etag as string },
    { status: 'temporarily_closed', effectiveAt: '2026-12-01T00:00:00Z', reason: 'works' },
  )
  // Let the other processes' idea of "next due" go stale, then all three answer at the moment.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  now = new Date('2026-12-01T00:00:01Z')
  const reads = await Promise.all([one, two, three, one, two, three].map((app) => app.inject({ url: `/v1/facilities/${id}` })))
  t.same(
    reads.map((r) => (r.json() as { status: string }).status),
    Array(6).fill('temporarily_closed'),
    'every process shows it',
  )
  t.equal(await first.prisma.change.count({ where: { facilityId: id, action: 'status_change' } }), 1, 'applied exactly once')
})

forEachDatabase(t, 'the ETag of a scheduled change (202) is good for the next write', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const created = await create(app, editor)
  const { id } = created.json() as { id: string }
  const scheduled = await postStatus(
    app,
    id,
    { ...editor, 'if-match': created.headers.etag as string },
    { status: 'temporarily_closed', effectiveAt: '2026-12-01T00:00:00+08:00', reason: 'works in December' },
  )
  t.equal(scheduled.statusCode, 202)
  t.match(scheduled.headers.etag, /^"1\./, 'the ETag names the version the facility is still at')
  const describe = await app.inject({
    method: 'PATCH',
    url: `/v1/facilities/${id}`,
    headers: { ...editor, 'content-type': 'application/merge-patch+json', 'if-match': scheduled.headers.etag as string },
    payload: JSON.stringify({ phone: '0755-12345678' }),
  })
  t.equal(describe.statusCode, 200, 'the ETag the 202 sent is accepted back in If-Match')
  const stale = await app.inject({
    method: 'PATCH',
    url: `/v1/facilities/${id}`,
    headers: { ...editor, 'content-type': 'application/merge-patch+json', 'if-match': scheduled.headers.etag as string },
    payload: JSON.stringify({ phone: '0755-87654321' }),
  })
  t.equal(stale.statusCode, 412, 'and, once the facility moved on, is stale like any other')
  const listETag = (await app.inject({ url: '/v1/areas' })).headers.etag as string
  const notAFacility = await app.inject({
    method: 'PATCH',
    url: `/v1/facilities/${id}`,
    headers: { ...editor, 'content-type': 'application/merge-patch+json', 'if-match': listETag },
    payload: JSON.stringify({ phone: '0755-87654321' }),
  })
  t.equal(notAFacility.statusCode, 412, "another representation's ETag is simply not this facility's version")
})
