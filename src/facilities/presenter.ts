// Database rows → the API's facility representations (schemas.ts).
import { kindOfCategory } from '../domain/categories.js'
import { parseUncertainDate, type UncertainDate } from '../domain/uncertain-date.js'
import type { Area, FacilityDate } from '../generated/prisma/client.js'
import type { Milestone } from '../generated/prisma/enums.js'
import type { FacilityRow, FacilitySummaryRow } from './repository.js'
import type { Facility, FacilitySummary } from './schemas.js'

const milestoneKeys: Record<Milestone, keyof FacilitySummary['dates']> = {
  construction_start: 'constructionStart',
  completion: 'completion',
  opening: 'opening',
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10)

const localized = (zh: string, en: string | null) => ({ 'zh-Hans': zh, en })

function presentDates(rows: FacilityDate[]): FacilitySummary['dates'] {
  const dates: FacilitySummary['dates'] = {}
  for (const row of rows) {
    const key = milestoneKeys[row.milestone]
    const milestone = (dates[key] ??= { delayed: null })
    milestone[row.basis] = {
      edtf: row.edtf,
      precision: row.precision,
      earliest: isoDay(row.earliest),
      latest: isoDay(row.latest),
      sourceText: row.sourceText,
    }
  }
  // "Delayed" is computed against the frozen first published date, never typed in.
  for (const milestone of Object.values(dates)) {
    const latestKnown = milestone.actual ?? milestone.expected
    milestone.delayed =
      milestone.planned === undefined || latestKnown === undefined ? null : latestKnown.latest > milestone.planned.latest
  }
  return dates
}

function presentStatusEffective(row: FacilitySummaryRow): UncertainDate | null {
  if (row.statusEffectiveEdtf !== null) return parseUncertainDate(row.statusEffectiveEdtf)
  if (row.statusEffectiveAt === null) return null
  const day = isoDay(row.statusEffectiveAt)
  return { edtf: day, precision: 'day', earliest: day, latest: day }
}

const presentArea = (area: Area) => ({ id: area.id, level: area.level, name: localized(area.nameZh, area.nameEn) })

export function presentSummary(row: FacilitySummaryRow): FacilitySummary {
  return {
    id: row.id,
    slug: row.slug,
    category: row.category,
    kind: kindOfCategory[row.category],
    name: localized(row.nameZh, row.nameEn),
    status: row.status,
    statusEffective: presentStatusEffective(row),
    area: presentArea(row.area),
    location:
      row.latitude === null || row.longitude === null || row.locationPrecision === 'unknown'
        ? null
        : {
            lat: row.latitude,
            lng: row.longitude,
            crs: 'WGS84',
            precision: row.locationPrecision,
            note: row.locationNote,
          },
    dates: presentDates(row.dates),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function presentFacility(row: FacilityRow): Facility {
  return {
    ...presentSummary(row),
    externalId: row.externalId,
    aliases: row.aliases,
    description: row.descriptionZh === null ? null : localized(row.descriptionZh, row.descriptionEn),
    address: row.addressZh === null ? null : localized(row.addressZh, row.addressEn),
    geometry: row.geometry as Facility['geometry'],
    elderCareTier: row.elderCareTier,
    ageRange:
      row.ageMinMonths === null && row.ageMaxMonths === null
        ? null
        : { minMonths: row.ageMinMonths, maxMonths: row.ageMaxMonths },
    accessibility: row.accessibility,
    openingHours: row.openingHours,
    timeZone: row.timeZone,
    contact: { phone: row.phone, website: row.website },
    capacity: row.capacities.map((c) => ({
      unit: c.unit,
      total: c.total,
      available: c.available,
      asOf: c.asOf.toISOString(),
    })),
    attributes: row.attributes as Facility['attributes'],
    citations: row.citations.map((c) => ({
      source: { id: c.source.id, title: c.source.title, publishedOn: c.source.publishedOn },
      quote: c.quote,
    })),
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  }
}
