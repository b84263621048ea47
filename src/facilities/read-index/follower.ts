// The read index of this process, kept in step with the database. Built at start-up by reading
// every facility in id order; then it follows the change log (every write appends to it in the
// writer's transaction, in commit order): after a change id it re-reads the facilities changed
// since. The process that writes catches up before it answers (read-your-writes); others are woken
// by NOTIFY (recordChange sends it with each change) and poll in case a notice is lost. When the log
// is behind what the index has seen (a database restored or replaced), it cannot tell what it
// missed, and builds again.
import type { Database, Reader } from '../../db/database.js'
import { Prisma } from '../../generated/prisma/client.js'
import type { FacilityCategory, FacilityStatus } from '../../generated/prisma/enums.js'
import {
  type IndexedHit,
  type ListItem,
  listItemsOf,
  type SearchFilters,
  type SearchHit,
  type Searcher,
  type Sort,
  type SortKey,
  sqlSearcher,
} from '../search/query.js'
import { normalizeSearch } from '../search/text.js'
import { earthPointOf } from '../../domain/geo.js'
import { attributeSynonyms, FacilityIndex, type IndexedFacility } from './index.js'

/** The channel recordChange notifies on. */
export const changeChannel = 'facility_change'
/**
 * Facilities read at a time while building: 1,000 rather than 10,000 took 100,000 facilities' build
 * from a peak of 330 MB to 285 (a batch lives long enough to be promoted, and garbage of the old
 * generation is what the process keeps), in the same 2.4 s.
 */
const buildBatch = 1_000
const changeBatch = 1_000
/** A change as the log recorded it, to recognise it again: its facility and its moment. */
const changeOf = Prisma.sql`facility_id::text || ' ' || (extract(epoch FROM at) * 1000)::bigint::text`
/** How often the change log is read without a notice. */
const pollMs = 1_000
/** List items kept (about a kilobyte each): the facilities of the most recent answers. */
const listItemCacheSize = 10_000

/**
 * Deletes the first `count` entries of a map (the oldest kept), in one pass. One at a time, each
 * `keys().next()` walked past every entry deleted before it (V8 keeps them until the map is
 * rebuilt): 47 µs a nearby search from a new point, when most of its items were new.
 */
function forgetOldest(map: Map<string, unknown>, count: number) {
  let left = count
  for (const key of map.keys()) {
    if (left <= 0) return
    map.delete(key)
    left -= 1
  }
}

interface FacilityRow {
  id: string
  search_text: string | null
  category: FacilityCategory
  status: FacilityStatus
  exact: boolean
  latitude: number | null
  longitude: number | null
  x: number | null
  y: number | null
  z: number | null
  has_opening_hours: boolean
  shorter_name_bonus: string
  attribute_synonyms: number
  deleted: boolean
  updated_at: Date | string
}

const attributeSynonymsSql =
  attributeSynonyms.length === 0
    ? Prisma.sql`0`
    : Prisma.join(
        attributeSynonyms.map(
          (synonym, i) =>
            Prisma.sql`(CASE WHEN f.attributes @> CAST(${JSON.stringify(synonym.attributes)} AS jsonb) THEN ${2 ** i} ELSE 0 END)`,
        ),
        ' + ',
      )

const facilityRowsSql = (where: Prisma.Sql, limit?: number) => Prisma.sql`SELECT f.id::text AS id, f.search_text,
    f.category::text AS category, f.status::text AS status, f.location_precision = 'exact' AS exact,
    f.latitude, f.longitude, cube_ll_coord(f.earth_point, 1) AS x, cube_ll_coord(f.earth_point, 2) AS y,
    cube_ll_coord(f.earth_point, 3) AS z, f.opening_hours IS NOT NULL AS has_opening_hours,
    (0.005 / char_length(f.name_zh))::text AS shorter_name_bonus, (${attributeSynonymsSql})::int AS attribute_synonyms,
    f.deleted_at IS NOT NULL AS deleted, f.updated_at
  FROM facility f WHERE ${where}
  ORDER BY f.id ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}`

const indexed = (row: FacilityRow): IndexedFacility => ({
  id: row.id,
  searchText: row.search_text ?? '',
  category: row.category,
  status: row.status,
  exact: row.exact,
  latitude: row.latitude,
  longitude: row.longitude,
  point: row.x === null || row.y === null || row.z === null ? null : [row.x, row.y, row.z],
  hasOpeningHours: row.has_opening_hours,
  shorterNameBonus: row.shorter_name_bonus,
  attributeSynonyms: Number(row.attribute_synonyms),
})

/** What the index has done, for tests and /metrics. */
export interface ReadIndexStats {
  facilities: number
  /** The last change applied. */
  changeId: string
  builds: number
  lastBuildMs: number
  /** Searches answered by the index, and by the SQL (shapes the index does not answer). */
  answered: number
  declined: number
}

export function facilityReadIndex(db: Database) {
  let index: FacilityIndex | undefined
  /** The largest updated_at of the facilities as applied (deleted ones too): the directory's last change. */
  let lastModified: Date | undefined
  let changeId = 0n
  /**
   * The last change applied, as the log recorded it (its facility and moment): a log restored from a
   * backup may give its id to another change, so the id alone cannot tell the index it missed one.
   */
  let lastChange = ''
  const stats = { builds: 0, lastBuildMs: 0, answered: 0, declined: 0 }

  // The list items of recent hits, by id, as last read from the primary. The follower drops a
  // facility's as it applies a change of it; a read that overlapped a change is not kept.
  const listItems = new Map<string, ListItem>()
  let applied = 0
  function forget(ids: Iterable<string> | 'all') {
    applied += 1
    if (ids === 'all') listItems.clear()
    else for (const id of ids) listItems.delete(id)
  }
  async function hitsOf(found: IndexedHit[]): Promise<SearchHit[]> {
    const missing = found.filter((hit) => !listItems.has(hit.id)).map((hit) => hit.id)
    const before = applied
    const read = await listItemsOf(db, missing)
    if (applied === before) {
      if (listItems.size + read.size > listItemCacheSize) forgetOldest(listItems, listItems.size + read.size - listItemCacheSize * 0.9)
      for (const [id, item] of read) listItems.set(id, item)
    }
    return found.flatMap((hit): SearchHit[] => {
      const item = read.get(hit.id) ?? listItems.get(hit.id)
      if (item === undefined) return []
      // Spelt out: V8 copies a spread of two objects through its slow path (68 µs a page of 21).
      const { id, key, distanceMeters } = hit
      return [{ id, key, distanceMeters, openingHours: item.openingHours, timeZone: item.timeZone, row: item.row }]
    })
  }

  async function build() {
    const started = performance.now()
    // The log's end first: a change committed while the facilities are read is read again after.
    const [newest] = await db.readRows<{ id: string; change: string }>(Prisma.sql`SELECT id::text AS id, ${changeOf} AS change
      FROM change ORDER BY change.id DESC LIMIT 1`)
    const next = new FacilityIndex()
    // Its size, to allocate once; and its last change, read before the facilities: never newer than them.
    const [size] = await db.readRows<{ facilities: number; bytes: number; last: Date | string | null }>(Prisma.sql`SELECT
        count(*) FILTER (WHERE deleted_at IS NULL)::int AS facilities,
        coalesce(sum(octet_length(search_text)) FILTER (WHERE deleted_at IS NULL), 0)::float8 AS bytes,
        max(updated_at) AS last FROM facility`)
    next.reserve(size?.facilities ?? 0, size?.bytes ?? 0)
    const last = size?.last == null ? undefined : new Date(size.last)
    let after: string | undefined
    for (;;) {
      const where =
        after === undefined ? Prisma.sql`f.deleted_at IS NULL` : Prisma.sql`f.deleted_at IS NULL AND f.id > CAST(${after} AS uuid)`
      const rows = await db.readRows<FacilityRow>(facilityRowsSql(where, buildBatch))
      for (const row of rows) next.put(indexed(row))
      after = rows.at(-1)?.id
      if (rows.length < buildBatch) break
    }
    next.freeze()
    index = next
    lastModified = last
    forget('all')
    changeId = BigInt(newest?.id ?? '0')
    lastChange = newest?.change ?? ''
    stats.builds += 1
    stats.lastBuildMs = Math.round(performance.now() - started)
  }

  /** Reads the facilities changed after the last change applied, until the log's end. */
  async function follow() {
    if (index === undefined) return
    // The log no longer holds the last change applied as it was (restored from a backup, or
    // replaced): the index cannot tell what it missed, and builds again.
    if (changeId > 0n) {
      const [applied] = await db.readRows<{ change: string }>(
        Prisma.sql`SELECT ${changeOf} AS change FROM change WHERE id = CAST(${changeId.toString()} AS bigint)`,
      )
      if (applied?.change !== lastChange) return build()
    }
    for (;;) {
      // `change.id`, not `id`: ORDER BY a bare name sorts by the output column of that name, here
      // text, and "10" comes before "9".
      const changes = await db.readRows<{ id: string; facility_id: string; change: string }>(Prisma.sql`SELECT id::text AS id,
          facility_id::text AS facility_id, ${changeOf} AS change FROM change WHERE id > CAST(${changeId.toString()} AS bigint)
          ORDER BY change.id LIMIT ${changeBatch}`)
      if (changes.length === 0) return
      const ids = [...new Set(changes.map((change) => change.facility_id))]
      const rows = await db.readRows<FacilityRow>(
        facilityRowsSql(Prisma.sql`f.id IN (${Prisma.join(ids.map((id) => Prisma.sql`CAST(${id} AS uuid)`))})`),
      )
      const live = new Set<string>()
      for (const row of rows) {
        if (!row.deleted) {
          index.put(indexed(row))
          live.add(row.id)
        }
        const updated = new Date(row.updated_at)
        if (lastModified === undefined || updated > lastModified) lastModified = updated
      }
      for (const id of ids) if (!live.has(id)) index.remove(id)
      forget(ids)
      const last = changes.at(-1) as { id: string; change: string }
      changeId = BigInt(last.id)
      lastChange = last.change
      if (changes.length < changeBatch) return
    }
  }

  // One reading of the log at a time; calls made while one runs share the next, which starts
  // after they were made (so a writer's catchUp sees its own commit).
  let running: Promise<void> = Promise.resolve()
  let pending: Promise<void> | undefined
  function catchUp(): Promise<void> {
    pending ??= running
      .catch(() => {})
      .then(() => {
        pending = undefined
        return follow()
      })
    running = pending
    return pending
  }

  let timer: NodeJS.Timeout | undefined
  let unlisten: (() => Promise<void>) | undefined
  let closed = false

  return {
    /** Builds the index and starts following the log. */
    async start() {
      await build()
      unlisten = await db.listen(changeChannel, () => void catchUp().catch(() => {}))
      const poll = () => {
        timer = setTimeout(() => {
          void catchUp()
            .catch(() => {})
            .finally(() => {
              if (!closed) poll()
            })
        }, pollMs).unref()
      }
      poll()
    },
    catchUp,
    async close() {
      closed = true
      clearTimeout(timer)
      // The database may be gone already (closed first, or lost): nothing is left to stop then.
      await unlisten?.().catch(() => {})
      await running.catch(() => {})
    },
    /**
     * The directory's last change as of the changes applied (never newer than the primary's rows),
     * once the index is built: `at` is undefined when there has been none.
     */
    lastModified: (): { at: Date | undefined } | undefined => (index === undefined ? undefined : { at: lastModified }),
    stats: (): ReadIndexStats => ({ facilities: index?.size ?? 0, changeId: changeId.toString(), ...stats }),
    /**
     * A number that changes whenever the index applies a change or builds again (undefined before
     * it is built): what was read from the primary at one generation is current until the next.
     */
    generation: (): number | undefined => (index === undefined ? undefined : applied),

    /**
     * Searches through the index where it answers them, else through the SQL; the list items are
     * read from `db` (the primary, which the index follows).
     */
    searcher(reader: Reader): Searcher {
      const sql = sqlSearcher(reader)
      const pointFor = (filters: SearchFilters) =>
        filters.near === undefined ? undefined : earthPointOf(filters.near.lat, filters.near.lng)
      return {
        async hits(filters, options: { sort: Sort; limit: number; after?: SortKey }) {
          const current = index
          if (current === undefined || !current.supports(filters, options.sort)) {
            stats.declined += 1
            return sql.hits(filters, options)
          }
          stats.answered += 1
          const point = pointFor(filters)
          return hitsOf(current.search(filters, options, point))
        },
        async textMode(filters) {
          const current = index
          const substring = { ...filters, textMode: 'substring' as const }
          if (
            filters.q === undefined ||
            [...normalizeSearch(filters.q)].length < 3 ||
            current === undefined ||
            !current.supports(substring, 'created')
          ) {
            return sql.textMode(filters)
          }
          return current.hasMatch(substring, pointFor(filters)) ? 'substring' : 'fuzzy'
        },
        async count(filters, cap) {
          const current = index
          if (current === undefined || !current.supports(filters, 'created')) {
            stats.declined += 1
            return sql.count(filters, cap)
          }
          stats.answered += 1
          return current.count(filters, cap, pointFor(filters))
        },
      }
    },
  }
}

export type FacilityReadIndex = ReturnType<typeof facilityReadIndex>
