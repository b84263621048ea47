// The read index against its oracle, the SQL search: random writes (creates, updates, status
// changes, deletes) through the service, and after each batch the same pages (every page, by
// cursor) of a fixed set of searches from both — text in Chinese, pinyin and English, nearby,
// filters — must be equal, and the index must have answered every one of them itself.
import t, { type Test } from 'tap'
import {
  matchCount,
  searchFacilities,
  resolveTextMode,
  type SearchFilters,
  type Sort,
  type SortKey,
} from '../../src/facilities/search/query.js'
import type { FacilityInput } from '../../src/facilities/schemas.js'
import { httpDate } from '../../src/http/caching.js'
import { build, databaseOf, forEachDatabase, type App } from '../helper.js'

const near = { lat: 22.69, lng: 114.12, radius: 3000 }
/** The searches compared: [filters, sort]. */
const searches: [SearchFilters, Sort][] = [
  [{}, 'created'],
  [{ categories: ['kindergarten'], statuses: ['operational'] }, 'created'],
  [{ hasOpeningHours: true }, 'created'],
  [{ near }, 'distance'],
  [{ near: { ...near, radius: 800 }, categories: ['kindergarten', 'hospital'], statuses: ['operational'] }, 'distance'],
  [{ near }, 'created'],
  [{ q: '幼儿园' }, 'relevance'],
  [{ q: '园' }, 'relevance'],
  [{ q: '阳光' }, 'relevance'],
  [{ q: 'youeryuan' }, 'relevance'],
  [{ q: 'yey' }, 'relevance'],
  [{ q: 'pinghu' }, 'relevance'],
  [{ q: 'hospital' }, 'relevance'],
  [{ q: 'Sunshine Kindergarten' }, 'relevance'],
  [{ q: '医院' }, 'relevance'],
  [{ q: '儿童友好' }, 'relevance'],
  [{ q: 'yanglao' }, 'relevance'],
  [{ q: '华南', statuses: ['operational'] }, 'relevance'],
  [{ q: 'yuan', near }, 'relevance'],
  [{ q: 'ditie', near }, 'distance'],
  // Near a pole and across the antimeridian the grid is not read by cells: every facility is checked.
  [{ near: { lat: 89.9, lng: 179.99, radius: 50_000 } }, 'distance'],
  [{ near: { lat: -10, lng: -179.99, radius: 50_000 }, q: 'yuan' }, 'relevance'],
]

const names = [
  ['阳光幼儿园', 'Sunshine Kindergarten'],
  ['华南医院', 'Huanan Hospital'],
  ['平湖长者服务中心', 'Pinghu Elder Care Centre'],
  ['禾花社区图书馆', null],
  ['园', null],
  ['幼儿园', 'Kindergarten'],
  ['深大城际', 'Shenda Intercity'],
  ['深大城际宝龙站', null],
  ['平湖地铁站', 'Pinghu Metro Station'],
  ['华南城', 'China South City'],
  ['阳光托育园', 'Sunshine Daycare'],
] as const
const categories = ['kindergarten', 'hospital', 'elder_care', 'culture_venue', 'childcare', 'metro', 'road'] as const
const projects = new Set(['metro', 'road'])

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0
    return state / 2 ** 32
  }
  return { next, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T }
}

function documentOf(rng: ReturnType<typeof random>, n: number): FacilityInput {
  const [zh, en] = rng.pick(names)
  const category = rng.pick(categories)
  const located = rng.next() < 0.85
  return {
    slug: `oracle-${n}`,
    category,
    status: projects.has(category) ? 'planned' : 'operational',
    area: 'pinghu',
    name: { zh: rng.next() < 0.5 ? zh : `${zh}${n}`, ...(en === null ? {} : { en }) },
    ...(rng.next() < 0.3 ? { aliases: [rng.pick(names)[0]] } : {}),
    ...(located && {
      location: {
        lat: near.lat + (rng.next() - 0.5) * 0.06,
        lng: near.lng + (rng.next() - 0.5) * 0.06,
        precision: rng.next() < 0.8 ? 'exact' : 'approximate',
      },
    }),
    ...(rng.next() < 0.5 ? { openingHours: 'Mo-Fr 08:00-18:00' } : {}),
    ...(rng.next() < 0.2 ? { attributes: { childFriendly: true } } : {}),
  } as FacilityInput
}

const actor = { actor: { name: 'oracle test' } }

async function randomWrites(app: App, rng: ReturnType<typeof random>, ids: string[], count: number, serial: { n: number }) {
  for (let i = 0; i < count; i += 1) {
    const roll = rng.next()
    if (roll < 0.45 || ids.length === 0) {
      serial.n += 1
      const created = await app.facilities.create(documentOf(rng, serial.n), actor)
      ids.push(created.id)
      continue
    }
    const id = rng.pick(ids)
    if (roll < 0.7) {
      serial.n += 1
      const next = documentOf(rng, serial.n)
      await app.facilities.update(
        id,
        (current) => ({ ...current, name: next.name, location: next.location, openingHours: next.openingHours, aliases: next.aliases }),
        { ...actor, ifMatch: 'any' },
      )
    } else if (roll < 0.85) {
      const status = rng.pick(['temporarily_closed', 'operational', 'under_construction', 'permanently_closed'] as const)
      await app.facilities.changeStatus(id, { status, reason: 'oracle test' }, { ...actor, ifMatch: 'any' }).catch(() => {})
    } else {
      await app.facilities.remove(id, { ...actor, ifMatch: 'any' })
      ids.splice(ids.indexOf(id), 1)
    }
  }
}

/** Every page (of 4) of a search from both, compared page by page; how many pages. */
async function comparePages(t: Test, app: App, filters: SearchFilters, sort: Sort, label: string) {
  const db = databaseOf(app)
  const searcher = app.facilities.readIndex.searcher(db)
  let after: SortKey | undefined
  for (let page = 1; page <= 30; page += 1) {
    const options = { sort, limit: 4, after }
    const answered = app.facilities.readIndex.stats().answered
    const fromIndex = await searcher.hits({ ...filters, textMode: 'substring' }, options)
    t.equal(app.facilities.readIndex.stats().answered, answered + 1, `${label}: the index answered`)
    const fromSql = await searchFacilities(db, { ...filters, textMode: 'substring' }, options)
    t.same(fromIndex, fromSql, `${label}, page ${page}`)
    const last = fromSql.at(-1)
    if (fromSql.length < 4 || last === undefined) return page
    after = last.key
  }
  return 30
}

forEachDatabase(t, 'the read index answers as the SQL does, through random writes', async (t, engine) => {
  const app = await build(t, engine, { searchIndex: true })
  const db = databaseOf(app)
  const rng = random(engine === 'pglite' ? 7 : 11)
  const ids: string[] = []
  const serial = { n: 0 }
  const batches = engine === 'pglite' ? 4 : 6
  for (let batch = 0; batch <= batches; batch += 1) {
    if (batch > 0) await randomWrites(app, rng, ids, 15, serial)
    let pages = 0
    for (const [filters, sort] of searches) {
      pages += await comparePages(t, app, filters, sort, `batch ${batch}: ${JSON.stringify(filters)} by ${sort}`)
      // The count a results page shows ("N results", "more than 1,000"): a cap below and above the matches.
      for (const cap of [3, 1000]) {
        const searcher = app.facilities.readIndex.searcher(db)
        const answered = app.facilities.readIndex.stats().answered
        const substring = { ...filters, textMode: 'substring' as const }
        t.equal(
          await searcher.count(substring, cap),
          await matchCount(db.prisma, substring, cap),
          `count of ${JSON.stringify(filters)} to ${cap}`,
        )
        t.equal(app.facilities.readIndex.stats().answered, answered + 1, 'counted by the index')
      }
      if (filters.q !== undefined) {
        const searcher = app.facilities.readIndex.searcher(db)
        t.equal(await searcher.textMode(filters), await resolveTextMode(db.prisma, filters), `text mode of ${filters.q}`)
      }
    }
    t.ok(pages >= searches.length, `batch ${batch}: ${pages} pages compared`)
    const newest = await db.prisma.facility.aggregate({ _max: { updatedAt: true } })
    t.same(app.facilities.readIndex.lastModified()?.at, newest._max.updatedAt, `batch ${batch}: the directory's last change`)
  }
  t.equal(app.facilities.readIndex.stats().facilities, await db.prisma.facility.count({ where: { deletedAt: null } }))
})

forEachDatabase(t, 'a list’s Last-Modified comes from the index, as the SQL would give it', async (t, engine) => {
  const app = await build(t, engine, { searchIndex: true })
  const db = databaseOf(app)
  const lastModifiedOf = async () => {
    const newest = await db.prisma.facility.aggregate({ _max: { updatedAt: true } })
    const response = await app.inject({ url: '/v1/facilities?category=school' })
    t.equal(response.statusCode, 200)
    return [response.headers['last-modified'], newest._max.updatedAt === null ? undefined : httpDate(newest._max.updatedAt)]
  }
  const [before, expected] = await lastModifiedOf()
  t.equal(before, expected, 'at the start')
  // A write later than any before it, then a deletion: each is the list's new Last-Modified.
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  const created = await app.facilities.create(documentOf(random(13), 1), actor)
  const [afterCreate, expectedAfterCreate] = await lastModifiedOf()
  t.equal(afterCreate, expectedAfterCreate, 'after a write')
  t.not(afterCreate, before, 'later than before it')
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  await app.facilities.remove(created.id, { ...actor, ifMatch: 'any' })
  const [afterDelete, expectedAfterDelete] = await lastModifiedOf()
  t.equal(afterDelete, expectedAfterDelete, 'after a deletion')
  t.not(afterDelete, afterCreate, 'a deletion is a change')
  // A write that bypasses the service is not in the change log: the index, and so the header, do
  // not see it (as its searches do not) — the header is the index's, not a query's.
  const later = new Date(Date.now() + 60_000)
  await db.prisma.facility.update({ where: { id: created.id }, data: { updatedAt: later } })
  const [bypassed] = await lastModifiedOf()
  t.equal(bypassed, afterDelete, 'from the index')
})

forEachDatabase(t, 'a change log behind the index (a database restored from a backup) makes the index build again', async (t, engine) => {
  const app = await build(t, engine, { searchIndex: true })
  const db = databaseOf(app)
  const before = app.facilities.readIndex.stats()
  const created = await app.facilities.create(documentOf(random(3), 1), actor)
  t.equal(app.facilities.readIndex.stats().facilities, before.facilities + 1, 'the write is in the index')

  // The backup was taken before that write: its change and its facility are not in it, and the
  // change log's sequence is where it was then.
  await db.prisma.$transaction([
    db.prisma.change.deleteMany({ where: { facilityId: created.id } }),
    db.prisma.facility.delete({ where: { id: created.id } }),
    db.prisma.$queryRaw`SELECT setval(pg_get_serial_sequence('change', 'id'), (SELECT max(id) FROM change))`,
  ])
  // The next look at the log (the poll's, each second) no longer finds the last change the index
  // applied: the index cannot tell what it missed, and builds from the database.
  const deadline = Date.now() + 10_000
  while (app.facilities.readIndex.stats().builds === before.builds && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(app.facilities.readIndex.stats().builds, before.builds + 1, 'built again')
  t.equal(app.facilities.readIndex.stats().facilities, before.facilities, 'the restored facilities, no more')
  for (const [filters, sort] of searches.slice(0, 4))
    await comparePages(t, app, filters, sort, `after the rebuild: ${JSON.stringify(filters)} by ${sort}`)
})

forEachDatabase(
  t,
  'a write right after such a restore, which takes the missing change’s id again, makes the index build again too',
  async (t, engine) => {
    const app = await build(t, engine, { searchIndex: true })
    const db = databaseOf(app)
    const before = app.facilities.readIndex.stats()
    const lost = await app.facilities.create(documentOf(random(3), 1), actor)
    await db.prisma.$transaction([
      db.prisma.change.deleteMany({ where: { facilityId: lost.id } }),
      db.prisma.facility.delete({ where: { id: lost.id } }),
      db.prisma.$queryRaw`SELECT setval(pg_get_serial_sequence('change', 'id'), (SELECT max(id) FROM change))`,
    ])
    // Before the poll looks: the log is not behind the index (the new change has the lost one's id),
    // but the change at that id is another one.
    const created = await app.facilities.create(documentOf(random(5), 2), actor)
    t.equal(app.facilities.readIndex.stats().changeId, String(BigInt(before.changeId) + 1n), 'the new change took the lost one’s id')
    t.equal(app.facilities.readIndex.stats().builds, before.builds + 1, 'built again before the write answered')
    t.equal(app.facilities.readIndex.stats().facilities, before.facilities + 1, 'the restored facilities and the new one, no more')
    const ids = (await app.facilities.readIndex.searcher(db).hits({ textMode: 'substring' }, { sort: 'created', limit: 100 }))?.map(
      (hit) => hit.id,
    )
    t.ok(ids?.includes(created.id) && !ids.includes(lost.id), 'the new facility is found, the lost one is not')
  },
)
