// A page of search hits and the facet counts for a search, including the one filter SQL cannot
// decide: whether a facility is open now depends on holiday calendars, so candidates are read in
// batches and their hours evaluated here.
import type { Reader } from '../../db/database.js'
import { isUuid } from '../../domain/ids.js'
import { openingStateOf } from '../../domain/opening-hours.js'
import { decodeCursor, encodeCursor } from '../../http/paging.js'
import { parseFilters, parseSort, type SearchQuery } from './params.js'
import {
  facetCandidates,
  facetCounts,
  isSortValueOf,
  type SearchFilters,
  type SearchHit,
  type Searcher,
  type Sort,
  type SortKey,
} from './query.js'

export interface PageOptions {
  sort: Sort
  limit: number
  after?: SortKey
  /** Only facilities that are (true) or are not (false) open at `now`. */
  openNow?: boolean
  now: Date
}

/** One page of hits, and one more to tell whether there is a next page. */
export async function findPage(searcher: Searcher, filters: SearchFilters, options: PageOptions): Promise<SearchHit[]> {
  if (options.openNow === undefined) {
    return searcher.hits(filters, { sort: options.sort, limit: options.limit + 1, after: options.after })
  }
  const wanted = options.limit + 1
  const batchSize = 200
  const hits: SearchHit[] = []
  let after = options.after
  for (;;) {
    const batch = await searcher.hits({ ...filters, hasOpeningHours: true }, { sort: options.sort, limit: batchSize, after })
    for (const hit of batch) {
      if (hit.openingHours === null) continue
      const { openNow } = openingStateOf(hit.row.status, hit.openingHours, { timeZone: hit.timeZone, now: options.now })
      if (openNow === options.openNow) hits.push(hit)
      if (hits.length === wanted) return hits
    }
    const last = batch.at(-1)
    if (batch.length < batchSize || last === undefined) return hits
    after = last.key
  }
}

export interface FacetCount {
  value: string
  count: number
}

/** Counts by category, status and area of the facilities matching the filters (and openNow at `now`). */
export async function countFacets(
  db: Reader,
  filters: SearchFilters,
  options: { openNow?: boolean; now: Date },
): Promise<Record<'category' | 'status' | 'area', FacetCount[]>> {
  if (options.openNow === undefined) return facetCounts(db.prisma, filters)
  const candidates = await facetCandidates(db.prisma, filters)
  return countBy(
    candidates.filter(
      (c) =>
        c.openingHours !== null &&
        openingStateOf(c.status, c.openingHours, { timeZone: c.timeZone, now: options.now }).openNow === options.openNow,
    ),
  )
}

/** How many facilities match, up to a cap: `atLeast` when there are more than `cap`. */
export async function countMatches(
  searcher: Searcher,
  db: Reader,
  filters: SearchFilters,
  options: { openNow?: boolean; now: Date; cap: number },
): Promise<{ count: number; atLeast: boolean }> {
  // Open now is decided by evaluating hours, row by row: counted as the facets count it.
  const count =
    options.openNow === undefined
      ? await searcher.count(filters, options.cap)
      : (await countFacets(db, filters, options)).category.reduce((sum, entry) => sum + entry.count, 0)
  return count > options.cap ? { count: options.cap, atLeast: true } : { count, atLeast: false }
}

function countBy(candidates: { category: string; status: string; areaId: string }[]) {
  const tally = (key: 'category' | 'status' | 'areaId') => {
    const counts = new Map<string, number>()
    for (const candidate of candidates) counts.set(candidate[key], (counts.get(candidate[key]) ?? 0) + 1)
    return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
  }
  return { category: tally('category'), status: tally('status'), area: tally('areaId') }
}

function isSortKey(value: unknown): value is SortKey {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (value[0] === null || typeof value[0] === 'string' || typeof value[0] === 'number') &&
    typeof value[1] === 'string' &&
    isUuid(value[1])
  )
}

export interface SearchPage {
  hits: SearchHit[]
  nextCursor: string | null
  /** The filters as parsed, with the text mode the page was answered in. */
  filters: ReturnType<typeof parseFilters>
}

/**
 * A page of a search as GET /v1/facilities and the residents' results page both answer it: the
 * parameters parsed, the cursor read, text matched by substring unless nothing contains it (then
 * fuzzily, for a typo), and the cursor of the next page. (Whether an `area` exists is the
 * caller's question: an unknown one is a 400.)
 */
export async function searchPage(searcher: Searcher, query: Omit<SearchQuery, 'view'>, now: Date): Promise<SearchPage> {
  const { limit, cursor, sort: _sort, openNow, ...filterQuery } = query
  const filters = parseFilters(filterQuery)
  const sort = parseSort(query, filters)
  const fingerprinted = { ...filterQuery, openNow, sort }
  const position =
    cursor === undefined ? undefined : decodeCursor(cursor, fingerprinted, (key) => isSortKey(key) && isSortValueOf(sort, key[0]))
  const after = position?.after as SortKey | undefined
  const pageOptions = { sort, limit, after, openNow, now }
  // Text matches substrings unless nothing contains it (then fuzzily, for a typo); a first page
  // with substring hits answers that question without asking the database separately.
  filters.textMode = position?.mode === 'fuzzy' ? 'fuzzy' : 'substring'
  let hits = await findPage(searcher, filters, pageOptions)
  if (hits.length === 0 && position === undefined && (await searcher.textMode(filters)) === 'fuzzy') {
    filters.textMode = 'fuzzy'
    hits = await findPage(searcher, filters, pageOptions)
  }
  const pageHits = hits.slice(0, limit)
  const last = pageHits.at(-1)
  const nextCursor =
    hits.length > limit && last !== undefined
      ? encodeCursor({ after: last.key, ...(filters.textMode === 'fuzzy' ? { mode: 'fuzzy' } : {}) }, fingerprinted)
      : null
  return { hits: pageHits, nextCursor, filters }
}
