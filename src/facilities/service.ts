// The facilities as routes, pages and integrations see them: reads and writes in the domain's
// terms, published as `fastify.facilities`. How each reaches the database is decided here and
// below, never by a caller: frequent and large reads go through the driver (Database.readRows:
// Prisma's per-row conversion cost more than the rest of those requests), writes through Prisma
// transactions (src/facilities/writes.ts).
import type { Readable } from 'node:stream'
import type { Database } from '../db/database.js'
import type { FacilityDocument } from './document.js'
import { importFacilities, type ImportOptions } from './import.js'
import { readFullRecords } from './records.js'
import { countFacets, findPage, searchPage, type PageOptions } from './search/page.js'
import type { SearchQuery } from './search/params.js'
import { resolveTextMode, type SearchFilters } from './search/query.js'
import { applyDueStatusChanges, changeStatus, listStatusChanges, nextScheduledChange, type StatusChangeRequest } from './status-changes.js'
import { staffView } from './staff-view.js'
import { validateDocument } from './validation.js'
import { createFacility, deleteFacility, updateFacility, type VersionedWrite, type WriteOptions } from './writes.js'

export function facilityService(db: Database) {
  const { prisma } = db
  const staff = staffView(prisma)
  return {
    // ------------------------------------------------------------ reads

    /** A page of search hits (and one more, to tell whether a next page exists). */
    search: (filters: SearchFilters, options: PageOptions) => findPage(db, filters, options),
    /** A page of a search from its query parameters: cursor read, fuzzy when nothing matches, the next cursor. */
    searchPage: (query: Omit<SearchQuery, 'view'>, now: Date) => searchPage(db, query, now),
    /** Whether text matches as a substring, or (nothing contains it) fuzzily. */
    textModeFor: (filters: SearchFilters) => resolveTextMode(prisma, filters),
    facets: (filters: SearchFilters, options: { openNow?: boolean; now: Date }) => countFacets(db, filters, options),
    /** Facilities in full, in id order; deleted ones are left out. */
    inFull: (ids: string[]) => readFullRecords(db.readRows, { ids }),
    /** One facility in full, unless there is none (or it was deleted). */
    async byId(id: string) {
      const [record] = await readFullRecords(db.readRows, { ids: [id] })
      return record
    },
    /** One facility in full by its slug (the residents' pages), unless there is none. */
    async bySlug(slug: string) {
      const [record] = await readFullRecords(db.readRows, { slug })
      return record
    },
    /** The next batch of every facility in full, in id order (the export). */
    batchAfter: (after: string | undefined, limit: number) => readFullRecords(db.readRows, { after, limit }),
    /** The directory's last change, deletions included: the Last-Modified of any list. */
    async lastModified(): Promise<Date | undefined> {
      // Raw: Prisma's aggregate wraps the table in a subquery that cannot use the updated_at index.
      const [row] = await prisma.$queryRaw<{ last: Date | null }[]>`SELECT max(updated_at) AS last FROM facility`
      return row?.last == null ? undefined : new Date(row.last)
    },
    statusChanges: (id: string) => listStatusChanges(prisma, id),
    /** The slug of every facility, in slug order (the sitemap). */
    async slugs(): Promise<string[]> {
      const rows = await prisma.facility.findMany({ where: { deletedAt: null }, select: { slug: true }, orderBy: { slug: 'asc' } })
      return rows.map((row) => row.slug)
    },

    // ------------------------------------------------------------ writes

    /** Every error of a facility document, its areas and sources included (before a create). */
    validate: (input: unknown) => validateDocument(prisma, input),
    create: (input: FacilityDocument, options: WriteOptions) => createFacility(prisma, input, options),
    update: (id: string, next: (current: FacilityDocument) => unknown, options: VersionedWrite) =>
      updateFacility(prisma, id, next, options),
    remove: (id: string, options: VersionedWrite) => deleteFacility(prisma, id, options),
    changeStatus: (id: string, request: StatusChangeRequest, options: VersionedWrite) => changeStatus(prisma, id, request, options),
    import: (body: Readable, options: ImportOptions) => importFacilities(prisma, body, options),
    applyDueStatusChanges: (now: Date) => applyDueStatusChanges(prisma, now),
    nextScheduledChange: () => nextScheduledChange(prisma),

    // ------------------------------------------------------------ the staff console

    /** The facilities within an editor's scope, with search and filters (the console's list). */
    forStaff: staff.list,
    /** What needs attention within a scope: scheduled changes due soon, unverified facilities, late projects. */
    attention: staff.attention,
    /** Cancels a scheduled status change (kept as discarded, with who and why). */
    cancelScheduledChange: staff.cancelScheduled,
  }
}

export type FacilityService = ReturnType<typeof facilityService>
// What callers of the service name in its calls.
export { isSortValueOf, type SearchFilters, type SearchHit, type SortKey } from './search/query.js'
export type { Actor, VersionedWrite, WriteOptions } from './writes.js'
