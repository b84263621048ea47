// The facilities as routes, pages and integrations see them: reads and writes in the domain's
// terms, published as `fastify.facilities`. How each reaches the database is decided here and
// below, never by a caller: frequent and large reads go through the driver (Database.readRows:
// Prisma's per-row conversion cost more than the rest of those requests), writes through Prisma
// transactions (src/facilities/writes.ts). Reads that may lag behind the last writes by a moment
// (searches, facets, view=full lists, the export) go to db.reader() — a read replica when one is
// configured — while a facility by id, the answer to every write, and reads inside writes stay on
// the primary, so a writer always reads what it wrote.
import type { Readable } from 'node:stream'
import type { Database } from '../db/database.js'
import { Prisma } from '../generated/prisma/client.js'
import type { FacilityDocument } from './document.js'
import { importFacilities, type ImportOptions } from './import.js'
import type { FullSource } from './presenter.js'
import { eachFullRecord, readFullRecords } from './records.js'
import { countFacets, countMatches, findPage, searchPage, type PageOptions } from './search/page.js'
import type { SearchQuery } from './search/params.js'
import type { SearchFilters } from './search/query.js'
import { facilityReadIndex } from './read-index/follower.js'
import {
  applyDueStatusChanges,
  changeStatus,
  countScheduledChanges,
  listStatusChanges,
  nextScheduledChange,
  type StatusChangeRequest,
} from './status-changes.js'
import { staffView } from './staff-view.js'
import { validateDocument } from './validation.js'
import { createFacility, deleteFacility, updateFacility, type VersionedWrite, type WriteOptions } from './writes.js'

export function facilityService(db: Database) {
  const { prisma } = db
  const staff = staffView(prisma)
  const readIndex = facilityReadIndex(db)
  /**
   * Searches through this process's read index where it answers them (its list items read from
   * the primary, which it follows), through the SQL on the reader otherwise.
   */
  const searcher = async () => readIndex.searcher(await db.reader())
  /** Writes this process has made: some (a status change scheduled, or cancelled) leave the change log as it was. */
  let writes = 0
  /**
   * Runs a write, then tells the database, so this process's next lagging reads wait for the
   * replica to have it, and brings the read index up to it before the write is answered.
   */
  const written = async <Result>(write: Promise<Result>): Promise<Result> => {
    const result = await write
    await db.wrote()
    await readIndex.catchUp()
    writes += 1
    return result
  }
  return {
    // ------------------------------------------------------------ reads that may lag (the replica's)

    /** A page of search hits (and one more, to tell whether a next page exists). */
    search: async (filters: SearchFilters, options: PageOptions) => findPage(await searcher(), filters, options),
    /** A page of a search from its query parameters: cursor read, fuzzy when nothing matches, the next cursor. */
    searchPage: async (query: Omit<SearchQuery, 'view'>, now: Date) => searchPage(await searcher(), query, now),
    /** Whether text matches as a substring, or (nothing contains it) fuzzily. */
    textModeFor: async (filters: SearchFilters) => (await searcher()).textMode(filters),
    facets: async (filters: SearchFilters, options: { openNow?: boolean; now: Date }) => countFacets(await db.reader(), filters, options),
    /** How many facilities match, up to a cap (`atLeast` when more do). */
    countMatches: async (filters: SearchFilters, options: { openNow?: boolean; now: Date; cap: number }) => {
      const reader = await db.reader()
      return countMatches(readIndex.searcher(reader), reader, filters, options)
    },
    /** Facilities in full, in id order; deleted ones are left out (the hits of a view=full list). */
    inFull: async (ids: string[]) => readFullRecords((await db.reader()).readRows, { ids }),
    /** One facility in full by its slug (the residents' pages), unless there is none. */
    async bySlug(slug: string) {
      const [record] = await readFullRecords(db.readRows, { slug })
      return record
    },
    /** The next batch of every facility in full, in id order, each handed to `visit` as it is read (the export). */
    eachInFullAfter: async (after: string | undefined, limit: number, visit: (record: FullSource) => void) =>
      eachFullRecord((await db.reader()).eachRow, { after, limit }, visit),
    /**
     * The directory's last change, deletions included: the Last-Modified of any list. Read where
     * the list is read (and before its rows), so a list never carries a date newer than its rows.
     * The read index knows it as of the changes it has applied, which the primary has: from the
     * index when the list is read from the primary, from the replica when it is read there.
     */
    async lastModified(): Promise<Date | undefined> {
      const reader = await db.reader()
      const known = reader.readRows === db.readRows ? readIndex.lastModified() : undefined
      if (known !== undefined) return known.at
      // Raw (Prisma's aggregate wraps the table in a subquery that cannot use the updated_at index),
      // through the driver: one query on every list request, and Prisma's raw path cost more than it.
      const [row] = await reader.readRows<{ last: Date | null }>(Prisma.sql`SELECT max(updated_at) AS last FROM facility`)
      return row?.last == null ? undefined : new Date(row.last)
    },

    // ------------------------------------------------------------ reads that see every write (the primary's)

    /** One facility in full, unless there is none (or it was deleted): what If-Match is based on. */
    async byId(id: string) {
      const [record] = await readFullRecords(db.readRows, { ids: [id] })
      return record
    },
    statusChanges: (id: string) => listStatusChanges(prisma, id),
    /** The slug of every facility, in slug order (the sitemap). */
    async slugs(): Promise<string[]> {
      const rows = await prisma.facility.findMany({ where: { deletedAt: null }, select: { slug: true }, orderBy: { slug: 'asc' } })
      return rows.map((row) => row.slug)
    },
    /** Scheduled status changes not applied yet, and how many of them are due at `now`. */
    scheduledChanges: (now: Date) => countScheduledChanges(prisma, now),

    /** The in-memory read index of searches: built when the app is ready, closed with it (plugins/services.ts). */
    readIndex,
    /**
     * What reads of this process are as of, for answers kept in memory (src/http/answer-cache.ts):
     * the read index's generation and this process's own writes. Undefined when it cannot tell: no
     * index (yet), or a replica, whose reads may be older than the changes the index has applied.
     */
    answersGeneration(): string | undefined {
      const generation = db.replicated ? undefined : readIndex.generation()
      return generation === undefined ? undefined : `${generation}.${writes}`
    },

    // ------------------------------------------------------------ writes

    /** Every error of a facility document, its areas and sources included (before a create). */
    validate: (input: unknown) => validateDocument(prisma, input),
    create: (input: FacilityDocument, options: WriteOptions) => written(createFacility(prisma, input, options)),
    update: (id: string, next: (current: FacilityDocument) => unknown, options: VersionedWrite) =>
      written(updateFacility(prisma, id, next, options)),
    remove: (id: string, options: VersionedWrite) => written(deleteFacility(prisma, id, options)),
    changeStatus: (id: string, request: StatusChangeRequest, options: VersionedWrite) =>
      written(changeStatus(prisma, id, request, options)),
    import: (body: Readable, options: ImportOptions) => written(importFacilities(prisma, body, options)),
    applyDueStatusChanges: (now: Date) => written(applyDueStatusChanges(prisma, now)),
    nextScheduledChange: () => nextScheduledChange(prisma),

    // ------------------------------------------------------------ the staff console

    /** The facilities within an editor's scope, with search and filters (the console's list). */
    forStaff: staff.list,
    /** What needs attention within a scope: scheduled changes due soon, unverified facilities, late projects. */
    attention: staff.attention,
    /** Cancels a scheduled status change (kept as discarded, with who and why). */
    cancelScheduledChange: (...args: Parameters<typeof staff.cancelScheduled>) => written(staff.cancelScheduled(...args)),
  }
}

export type FacilityService = ReturnType<typeof facilityService>
// What callers of the service name in its calls.
export { isSortValueOf, type SearchFilters, type SearchHit, type SortKey } from './search/query.js'
export type { Actor, VersionedWrite, WriteOptions } from './writes.js'
