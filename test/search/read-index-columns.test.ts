// The read index's columns through churn: the search texts live in one UTF-8 arena, copied into a
// new one when it fills (dropping the replaced and removed texts), and the word-start postings are
// rebuilt when many are stale. The oracle test (read-index.test.ts) writes too few facilities to
// reach either, so here an index that went through both must answer as one built fresh from the
// same facilities, and find what it holds and nothing else.
import t from 'tap'
import { type EarthPoint, earthPointOf } from '../../src/domain/geo.js'
import { FacilityIndex, type IndexedFacility } from '../../src/facilities/read-index/index.js'
import type { SearchFilters, Sort, SortKey } from '../../src/facilities/search/query.js'

const idOf = (i: number) => `0192f000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`

/** Facility i in its `generation`-th version: Chinese, pinyin and English words, as searchTextOf spells them. */
function facilityOf(i: number, generation: number): IndexedFacility {
  const lat = 22.6 + (i % 100) * 0.001
  const lng = 114.1 + Math.floor(i / 100) * 0.001
  const name = `平湖第${generation}代${i}号幼儿园`
  return {
    id: idOf(i),
    searchText: ` ${name} pinghudi${generation}dai${i}haoyoueryuan phd${generation}d${i}hyey kindergarten gen${generation}x${i} 平 湖 幼 儿 园 平湖 幼儿 儿园 `,
    category: i % 3 === 0 ? 'hospital' : 'kindergarten',
    status: i % 5 === 0 ? 'planned' : 'operational',
    exact: i % 4 !== 0,
    latitude: lat,
    longitude: lng,
    point: earthPointOf(lat, lng),
    hasOpeningHours: i % 2 === 0,
    shorterNameBonus: `0.000${(i % 7) + 1}`,
    attributeSynonyms: 0,
  }
}

/** The first pages (of 25) of a search, through their cursors. */
function firstPages(index: FacilityIndex, filters: SearchFilters, sort: Sort, point?: EarthPoint) {
  const pages: unknown[] = []
  let after: SortKey | undefined
  for (let page = 0; page < 4; page += 1) {
    const hits = index.search({ ...filters, textMode: 'substring' }, { sort, limit: 25, after }, point)
    pages.push(hits)
    const last = hits.at(-1)
    if (hits.length < 25 || last === undefined) break
    after = last.key
  }
  return pages
}

t.test('an index through arena copies and a rebuild of its postings answers as a fresh one', async (t) => {
  const count = 12_000
  const churned = new FacilityIndex()
  for (let i = 0; i < count; i += 1) churned.put(facilityOf(i, 0))
  // Every facility replaced (the old texts become garbage in the arena), then a third removed:
  // more than 100,000 stale postings, so they are rebuilt.
  for (let i = count - 1; i >= 0; i -= 1) churned.put(facilityOf(i, 1))
  const removed = new Set<number>()
  for (let i = 0; i < count; i += 3) {
    churned.remove(idOf(i))
    removed.add(i)
  }
  const fresh = new FacilityIndex()
  for (let i = 0; i < count; i += 1) if (!removed.has(i)) fresh.put(facilityOf(i, 1))
  t.equal(churned.size, fresh.size)
  t.equal(churned.size, count - removed.size)

  const near = { lat: 22.65, lng: 114.15, radius: 1500 }
  const point = earthPointOf(near.lat, near.lng)
  const searches: [SearchFilters, Sort][] = [
    [{ q: '幼儿园' }, 'relevance'],
    [{ q: '儿园', statuses: ['planned'] }, 'relevance'],
    [{ q: 'pinghudi1dai4' }, 'relevance'],
    [{ q: 'phd1d77' }, 'relevance'],
    [{ q: '第1代11' }, 'relevance'],
    [{ categories: ['kindergarten'], hasOpeningHours: true }, 'created'],
    [{ near, statuses: ['operational'] }, 'distance'],
    [{ near, q: 'gen1x5' }, 'relevance'],
  ]
  for (const [filters, sort] of searches) {
    const label = `${JSON.stringify(filters)} by ${sort}`
    t.ok(churned.supports(filters, sort), `${label}: answered by the index`)
    const expected = firstPages(fresh, filters, sort, point)
    t.ok(expected.flat().length > 0, `${label}: finds something`)
    t.same(firstPages(churned, filters, sort, point), expected, label)
  }

  // A cursor's id in capitals is the same uuid to PostgreSQL, and so to the index.
  const [first] = firstPages(churned, { q: '幼儿园' }, 'relevance') as { key: SortKey }[][]
  const lastKey = first?.at(-1)?.key as SortKey
  const next = (key: SortKey) =>
    churned.search({ q: '幼儿园', textMode: 'substring' }, { sort: 'relevance', limit: 25, after: key }).map((hit) => hit.id)
  t.same(next([lastKey[0], lastKey[1].toUpperCase()]), next(lastKey), 'a cursor in capitals')

  const found = (q: string) => churned.search({ q, textMode: 'substring' }, { sort: 'relevance', limit: 5 }).map((hit) => hit.id)
  t.same(found('gen1x4001'), [idOf(4001)], 'a facility’s own word finds it')
  t.same(found('平湖第1代4001号幼儿园'), [idOf(4001)], 'and its Chinese name')
  t.same(found('gen1x4004'), [idOf(4004)])
  t.same(found('gen1x4004'.toUpperCase()), [idOf(4004)], 'normalized as the SQL normalizes')
  t.same(found('gen1x4200'), [], 'a removed facility is not found')
  t.same(found('gen0x4001'), [], 'a replaced text is not found')
  t.same(found('第0代'), [])
})

t.test('grid cells far apart that share a key find only what is near', async (t) => {
  // Cell keys wrap every 32,768 rows (65.536°) and 65,536 columns (131.072°) of 0.002°.
  const places: [number, number][] = [
    [22.6, 114.1],
    [22.6 - 65.536, 114.1],
    [22.6, 114.1 - 131.072],
    [22.6 - 65.536, 114.1 - 131.072],
  ]
  const index = new FacilityIndex()
  places.forEach(([lat, lng], i) => {
    index.put({ ...facilityOf(i + 1, 0), latitude: lat, longitude: lng, point: earthPointOf(lat, lng), exact: true })
  })
  places.forEach(([lat, lng], i) => {
    for (const sort of ['distance', 'created'] as const) {
      const hits = index.search({ near: { lat, lng, radius: 1000 } }, { sort, limit: 10 }, earthPointOf(lat, lng))
      t.same(
        hits.map((hit) => hit.id),
        [idOf(i + 1)],
        `around ${lat.toFixed(3)},${lng.toFixed(3)} by ${sort}: itself only`,
      )
    }
  })
})
