// Two server processes on one PostgreSQL database, each with its read index: what one writes, the
// other's index follows (woken by NOTIFY, or its polling), and then both answer every search as the
// SQL does. The lag is measured and reported, not asserted by time: the test waits until the
// answers are equal, with a generous timeout.
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { Reader } from '../../src/db/database.js'
import { searchFacilities, type SearchFilters, type Sort } from '../../src/facilities/search/query.js'
import type { FacilityInput } from '../../src/facilities/schemas.js'
import { type App, appOnPostgres, postgresUrlOf, preparedTestDatabase, testEngines } from '../helper.js'

const near = { lat: 22.69, lng: 114.12, radius: 3000 }
const searches: [SearchFilters, Sort][] = [
  [{}, 'created'],
  [{ near, categories: ['kindergarten'] }, 'distance'],
  [{ q: '跟随' }, 'relevance'],
  [{ q: 'gensui' }, 'relevance'],
  [{ q: 'Follower' }, 'relevance'],
]
const actor = { actor: { name: 'two processes' } }

/** Each search's first page from a process's index (a mismatch or a decline shows as undefined). */
async function answers(app: App, reader: Reader, sql: (filters: SearchFilters, sort: Sort) => Promise<unknown>) {
  const searcher = app.facilities.readIndex.searcher(reader)
  const pages = []
  for (const [filters, sort] of searches) {
    const options = { sort, limit: 50 }
    const [fromIndex, fromSql] = await Promise.all([searcher.hits({ ...filters, textMode: 'substring' }, options), sql(filters, sort)])
    pages.push(JSON.stringify(fromIndex) === JSON.stringify(fromSql))
  }
  return pages.every(Boolean)
}

t.test('a second process follows the first one’s writes', { skip: !testEngines.includes('postgresql') }, async (t) => {
  const shared = await preparedTestDatabase(t, 'postgresql')
  const writer = await appOnPostgres(t, postgresUrlOf(shared), { searchIndex: true })
  const follower = await appOnPostgres(t, postgresUrlOf(shared), { searchIndex: true })
  const sql = (filters: SearchFilters, sort: Sort) => searchFacilities(shared, { ...filters, textMode: 'substring' }, { sort, limit: 50 })
  t.ok(await answers(follower, shared, sql), 'both built from the same database')

  const lags: number[] = []
  const ids: string[] = []
  for (let round = 0; round < 12; round += 1) {
    if (round % 4 === 3 && ids.length > 0) {
      await writer.facilities.remove(ids.shift() as string, { ...actor, ifMatch: 'any' })
    } else if (round % 4 === 2 && ids.length > 0) {
      await writer.facilities.update(
        ids[0] as string,
        (current) => ({ ...current, name: { zh: `跟随改名${round}`, en: `Follower renamed ${round}` } }),
        {
          ...actor,
          ifMatch: 'any',
        },
      )
    } else {
      const created = await writer.facilities.create(
        {
          slug: `follower-${round}`,
          category: 'kindergarten',
          status: 'operational',
          area: 'pinghu',
          name: { zh: `跟随幼儿园${round}`, en: `Follower Kindergarten ${round}` },
          location: { lat: near.lat + round / 1000, lng: near.lng, precision: 'exact' },
        } as FacilityInput,
        actor,
      )
      ids.push(created.id)
    }
    const started = performance.now()
    const deadline = started + 10_000
    while (!(await answers(follower, shared, sql))) {
      if (performance.now() > deadline) break
      await sleep(5)
    }
    lags.push(performance.now() - started)
    t.ok(await answers(follower, shared, sql), `round ${round}: the follower caught up`)
    // The writer's index took the write before the write returned: no waiting.
    t.ok(await answers(writer, shared, sql), `round ${round}: the writer answers its own write`)
  }
  t.equal(follower.facilities.readIndex.stats().changeId, writer.facilities.readIndex.stats().changeId, 'at the same change')
  t.equal(follower.facilities.readIndex.stats().builds, 1, 'by following the log, without building again')
  lags.sort((a, b) => a - b)
  t.comment(`follower lag after a write (ms): median ${lags[lags.length >> 1]?.toFixed(1)}, max ${lags.at(-1)?.toFixed(1)}`)
})
