// The change feed and facility history, on both databases: replaying the feed from the start
// rebuilds exactly the current directory (deletions included), paging never skips or repeats an
// event while writes go on, and history shows every change field by field.
import t from 'tap'
import { documentOf, type FacilityDocument } from '../../src/facilities/document.js'
import { readFullRecords } from '../../src/facilities/records.js'
import type { Database } from '../../src/db/database.js'
import { databaseOf, buildClocked, forEachDatabase, keyFor, type App } from '../helper.js'

interface ChangeEvent {
  cursor: string
  action: 'create' | 'update' | 'status_change' | 'delete'
  facilityId: string
  version: number
  fields: Record<string, unknown>
}

/** Every event after a cursor, page by page, as a third-party app would read them. */
async function readFeed(app: App, after: string | undefined, limit: number) {
  const events: ChangeEvent[] = []
  let cursor = after
  for (;;) {
    const response = await app.inject({ url: `/v1/changes?limit=${limit}${cursor === undefined ? '' : `&after=${cursor}`}` })
    const body = response.json() as { data: ChangeEvent[]; page: { nextCursor: string; hasMore: boolean } }
    events.push(...body.data)
    cursor = body.page.nextCursor
    if (!body.page.hasMore) return { events, cursor }
  }
}

/** The directory a feed consumer holds after applying events: each facility's document by id. */
function replay(events: ChangeEvent[], copy = new Map<string, Record<string, unknown>>()) {
  for (const event of events) {
    if (event.action === 'delete') {
      copy.delete(event.facilityId)
      continue
    }
    const document = event.action === 'create' ? {} : { ...copy.get(event.facilityId) }
    for (const [field, value] of Object.entries(event.fields)) {
      if (value === null) delete document[field]
      else document[field] = value
    }
    copy.set(event.facilityId, document)
  }
  return copy
}

async function currentDirectory(database: Database) {
  const directory = new Map<string, FacilityDocument>()
  let after: string | undefined
  for (;;) {
    const rows = await readFullRecords(database.readRows, { after, limit: 500 })
    for (const row of rows) directory.set(row.id, documentOf(row))
    if (rows.length < 500) return directory
    after = rows.at(-1)?.id
  }
}

const newFacility = (slug: string, extra: Record<string, unknown> = {}) => ({
  slug,
  category: 'elder_care',
  name: { zh: `长者服务站 ${slug}` },
  area: 'pinghu-community',
  status: 'planned',
  ...extra,
})

async function write(app: App, method: string, url: string, headers: Record<string, string>, body?: unknown, type = 'application/json') {
  const response = await app.inject({
    method: method as 'POST',
    url,
    headers: body === undefined ? headers : { ...headers, 'content-type': type },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`)
  return response
}

forEachDatabase(t, 'replaying the feed from the start rebuilds the directory, deletions included', async (t, engine) => {
  const { app, setNow } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const admin = await keyFor(app, 'admin')

  const a = (
    await write(
      app,
      'POST',
      '/v1/facilities',
      admin,
      newFacility('station-a', { capacity: [{ unit: 'elder_care_beds', total: 20, available: 4 }] }),
    )
  ).json() as { id: string }
  const b = (await write(app, 'POST', '/v1/facilities', admin, newFacility('station-b', { phone: '0755-1' }))).json() as { id: string }
  await write(
    app,
    'PATCH',
    `/v1/facilities/${a.id}`,
    { ...admin, 'if-match': '"1"' },
    { capacity: [{ unit: 'elder_care_beds', total: 20, available: 2 }], aliases: ['A站'] },
    'application/merge-patch+json',
  )
  await write(
    app,
    'PATCH',
    `/v1/facilities/${b.id}`,
    { ...admin, 'if-match': '"1"' },
    { phone: null, website: 'https://example.org/b' },
    'application/merge-patch+json',
  )
  await write(
    app,
    'POST',
    `/v1/facilities/${a.id}/status-changes`,
    { ...admin, 'if-match': '"2"' },
    { status: 'under_construction', reason: 'works began' },
  )
  await write(
    app,
    'POST',
    `/v1/facilities/${a.id}/status-changes`,
    { ...admin, 'if-match': '"3"' },
    { status: 'operational', effectiveAt: '2026-12-15T01:00:00Z', reason: 'opening day' },
  )

  // A consumer that read everything so far, then comes back later for the rest.
  const firstVisit = await readFeed(app, undefined, 7)
  const copy = replay(firstVisit.events)

  setNow('2026-12-16T00:00:00Z')
  const seeded = await databaseOf(app).prisma.facility.findFirstOrThrow({ where: { slug: 'south-china-hospital' } })
  await write(app, 'DELETE', `/v1/facilities/${b.id}`, { ...admin, 'if-match': '*' })
  await write(
    app,
    'PATCH',
    `/v1/facilities/${seeded.id}`,
    { ...admin, 'if-match': '*' },
    { phone: '0755-2882-9999' },
    'application/merge-patch+json',
  )
  const secondVisit = await readFeed(app, firstVisit.cursor, 3)
  replay(secondVisit.events, copy)

  const all = [...firstVisit.events, ...secondVisit.events]
  t.ok(
    all.some((e) => e.action === 'delete' && e.facilityId === b.id),
    'the deletion is in the feed',
  )
  t.ok(
    all.some((e) => e.action === 'status_change' && e.fields.status === 'operational'),
    'the scheduled change, once it took effect',
  )
  t.same(new Set(all.map((e) => e.cursor)).size, all.length, 'no event twice')
  const directory = await currentDirectory(databaseOf(app))
  t.equal(copy.size, directory.size, 'as many facilities as the directory has')
  t.notOk(copy.has(b.id), 'the deleted facility is gone from the copy')
  for (const [id, document] of directory) t.same(copy.get(id), document, `facility ${document.slug}`)

  const atEnd = (await app.inject({ url: `/v1/changes?after=${secondVisit.cursor}` })).json() as {
    data: unknown[]
    page: { nextCursor: string; hasMore: boolean }
  }
  t.same(
    atEnd,
    { data: [], page: { limit: 100, nextCursor: secondVisit.cursor, hasMore: false } },
    'at the end: nothing new, and where to resume',
  )
})

forEachDatabase(t, 'paging the feed while writes go on never skips or repeats an event', async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const ids = await Promise.all(
    ['p', 'q', 'r'].map(
      async (slug) => ((await write(app, 'POST', '/v1/facilities', editor, newFacility(`station-${slug}`))).json() as { id: string }).id,
    ),
  )
  const writes = (async () => {
    for (let round = 0; round < 8; round += 1) {
      await Promise.all(
        ids.map((id) =>
          write(
            app,
            'PATCH',
            `/v1/facilities/${id}`,
            { ...editor, 'if-match': '*' },
            { phone: `0755-${round}` },
            'application/merge-patch+json',
          ),
        ),
      )
    }
  })()
  const seen: string[] = []
  let cursor: string | undefined
  let writing = true
  void writes.finally(() => (writing = false))
  while (writing) {
    const page = await readFeed(app, cursor, 5)
    // A consumer polls; one that never pauses starves PGlite's single connection of writes.
    await new Promise((resolve) => setTimeout(resolve, 20))
    seen.push(...page.events.map((e) => e.cursor))
    cursor = page.cursor
  }
  await writes
  seen.push(...(await readFeed(app, cursor, 5)).events.map((e) => e.cursor))
  const committed = (await databaseOf(app).prisma.change.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((c) =>
    c.id.toString(),
  )
  t.same(seen, committed, 'every committed change exactly once, in order')
  t.ok(committed.length >= 29 + 3 + 24, 'seed, creates and updates all there')
})

forEachDatabase(t, "a facility's history, field by field, newest first", async (t, engine) => {
  const { app } = await buildClocked(t, engine, '2026-11-28T02:00:00Z')
  const editor = await keyFor(app, 'editor')
  const created = (
    await write(
      app,
      'POST',
      '/v1/facilities?reason=new%20station%20opened',
      editor,
      newFacility('station-h', { capacity: [{ unit: 'elder_care_beds', total: 10, available: 5 }] }),
    )
  ).json() as { id: string }
  await write(
    app,
    'PATCH',
    `/v1/facilities/${created.id}?reason=phoned%20them`,
    { ...editor, 'if-match': '"1"' },
    { capacity: [{ unit: 'elder_care_beds', total: 10, available: 1 }] },
    'application/merge-patch+json',
  )
  await write(
    app,
    'POST',
    `/v1/facilities/${created.id}/status-changes`,
    { ...editor, 'if-match': '"2"' },
    { status: 'operational', reason: 'opened' },
  )

  t.equal((await app.inject({ url: `/v1/facilities/${created.id}/history` })).statusCode, 401, 'history needs a key')
  const reader = await keyFor(app, 'reader')
  const first = await app.inject({ url: `/v1/facilities/${created.id}/history?limit=2`, headers: reader })
  t.equal(first.statusCode, 200)
  const page = first.json() as {
    data: {
      action: string
      version: number
      reason: string
      by: { client: { name: string } }
      fields: { field: string; oldValue: unknown; newValue: unknown }[]
    }[]
    page: { nextCursor: string }
  }
  t.same(
    page.data.map((e) => e.action),
    ['status_change', 'update'],
    'newest first',
  )
  t.match(page.data[0], { version: 3, reason: 'opened', by: { client: { name: 'test editor' } } })
  t.same(
    page.data[1]?.fields.filter((f) => f.field !== 'provenance'),
    [
      {
        field: 'capacity',
        oldValue: [{ unit: 'elder_care_beds', total: 10, available: 5 }],
        newValue: [{ unit: 'elder_care_beds', total: 10, available: 1 }],
      },
    ],
    'the field, its old and its new value',
  )
  t.equal(page.data[1]?.reason, 'phoned them')
  const rest = (
    await app.inject({ url: `/v1/facilities/${created.id}/history?limit=2&cursor=${page.page.nextCursor}`, headers: reader })
  ).json() as typeof page & { page: { nextCursor: string | null } }
  t.same(
    rest.data.map((e) => e.action),
    ['create'],
  )
  t.equal(rest.page.nextCursor, null)
  t.match(rest.data[0]?.fields, [{ field: 'area', oldValue: null, newValue: 'pinghu-community' }], 'a create lists every field it set')
  t.equal((await app.inject({ url: '/v1/facilities/0193a1b2-0000-7000-8000-000000000000/history', headers: reader })).statusCode, 404)
  t.equal(
    (await app.inject({ url: `/v1/facilities/${created.id}/history?cursor=abc`, headers: reader })).statusCode,
    400,
    'a cursor that is not one',
  )
  t.equal((await app.inject({ url: '/v1/changes?after=-1' })).statusCode, 400, 'a feed cursor that is not one')
})
