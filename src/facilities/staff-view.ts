// What the staff console reads about the facilities a key may edit: its list (with search and
// filters), and what needs attention — scheduled status changes coming soon, facilities not
// verified for a long time, projects past their planned date. Also cancelling a scheduled status
// change, which (like every write) is checked against the editor's scope and recorded with a reason.
import type { FacilityCategory, FacilityStatus } from '../generated/prisma/enums.js'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import { ProblemError } from '../http/problems.js'
import type { FacilityDocument } from './document.js'
import { areasWithin } from '../areas/directory.js'

/** What an editor's key is limited to; empty lists mean everything. */
export interface StaffScope {
  areaIds: readonly string[]
  categories: readonly FacilityCategory[]
}

export interface StaffListFilters {
  q?: string
  category?: FacilityCategory
  status?: FacilityStatus
  area?: string
  limit: number
}

async function scopeWhere(prisma: PrismaClient, scope: StaffScope, area?: string): Promise<Prisma.FacilityWhereInput> {
  const and: Prisma.FacilityWhereInput[] = [{ deletedAt: null }]
  if (scope.categories.length > 0) and.push({ category: { in: [...scope.categories] } })
  if (scope.areaIds.length > 0) and.push({ areaId: { in: await areasWithin(prisma, scope.areaIds) } })
  if (area !== undefined) and.push({ areaId: { in: await areasWithin(prisma, [area]) } })
  return { AND: and }
}

const listSelect = {
  id: true,
  slug: true,
  nameZh: true,
  nameEn: true,
  category: true,
  status: true,
  areaId: true,
  verifiedAt: true,
  updatedAt: true,
  version: true,
} satisfies Prisma.FacilitySelect

export type StaffFacility = Prisma.FacilityGetPayload<{ select: typeof listSelect }>

/** Days after which a facility nobody verified needs a look. */
export const verifyAfterDays = 365
/** How far ahead scheduled status changes count as "soon". */
export const soonDays = 14

export function staffView(prisma: PrismaClient) {
  return {
    /** The facilities within a scope matching the filters, by name; one more than `limit` tells of more. */
    async list(scope: StaffScope, filters: StaffListFilters): Promise<StaffFacility[]> {
      const where = await scopeWhere(prisma, scope, filters.area)
      const q = filters.q?.trim()
      return prisma.facility.findMany({
        where: {
          ...where,
          ...(filters.category !== undefined && { category: filters.category }),
          ...(filters.status !== undefined && { status: filters.status }),
          ...(q !== undefined &&
            q !== '' && {
              OR: [
                { nameZh: { contains: q } },
                { nameEn: { contains: q, mode: 'insensitive' } },
                { slug: { contains: q.toLowerCase() } },
                { externalId: { contains: q } },
              ],
            }),
        },
        orderBy: [{ namePinyin: 'asc' }, { id: 'asc' }],
        take: filters.limit + 1,
        select: listSelect,
      })
    },

    /** What needs a look within a scope, at a moment. */
    async attention(scope: StaffScope, now: Date) {
      const where = await scopeWhere(prisma, scope)
      const soon = new Date(now.getTime() + soonDays * 86_400_000)
      const stale = new Date(now.getTime() - verifyAfterDays * 86_400_000)
      const today = new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`)
      const [scheduled, unverified, late] = await Promise.all([
        prisma.statusChange.findMany({
          where: { appliedAt: null, effectiveAt: { lte: soon }, facility: where },
          orderBy: [{ effectiveAt: 'asc' }, { id: 'asc' }],
          take: 50,
          select: { id: true, toStatus: true, effectiveAt: true, reason: true, facility: { select: listSelect } },
        }),
        prisma.facility.findMany({
          where: { ...where, OR: [{ verifiedAt: null }, { verifiedAt: { lt: stale } }] },
          orderBy: [{ verifiedAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
          take: 50,
          select: listSelect,
        }),
        prisma.facility.findMany({
          where: {
            ...where,
            status: { notIn: ['in_service', 'completed', 'cancelled', 'operational', 'permanently_closed'] },
            dates: { some: { milestone: { in: ['completion', 'opening'] }, basis: 'planned', latest: { lt: today } } },
            NOT: { dates: { some: { basis: 'actual', milestone: 'opening' } } },
          },
          orderBy: [{ openingOn: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
          take: 50,
          select: { ...listSelect, dates: { where: { basis: 'planned' }, select: { milestone: true, edtf: true } } },
        }),
      ])
      const unverifiedCount = await prisma.facility.count({
        where: { ...where, OR: [{ verifiedAt: null }, { verifiedAt: { lt: stale } }] },
      })
      return { scheduled, unverified, unverifiedCount, late }
    },

    /**
     * Cancels a scheduled status change that has not taken effect: it stays in the facility's
     * status history as discarded, with who cancelled it and why.
     */
    async cancelScheduled(
      facilityId: string,
      changeId: number,
      options: { authorize: (document: Pick<FacilityDocument, 'category' | 'area'>) => void; by: string; reason: string; now: Date },
    ) {
      const change = await prisma.statusChange.findUnique({
        where: { id: changeId },
        select: { id: true, facilityId: true, appliedAt: true, facility: { select: { category: true, areaId: true, deletedAt: true } } },
      })
      if (change === null || change.facilityId !== facilityId || change.facility.deletedAt !== null) {
        throw new ProblemError('not_found', `There is no status change ${changeId} of facility ${facilityId}`)
      }
      options.authorize({ category: change.facility.category, area: change.facility.areaId })
      const { count } = await prisma.statusChange.updateMany({
        where: { id: changeId, appliedAt: null },
        data: { appliedAt: options.now, discardedReason: `cancelled by ${options.by}: ${options.reason}` },
      })
      if (count === 0) throw new ProblemError('conflict', `The status change ${changeId} has already taken effect or was cancelled`)
    },
  }
}

export type StaffView = ReturnType<typeof staffView>
