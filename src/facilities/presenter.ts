// Database rows → the API's facility representations (schemas.ts), in the response language,
// the asked coordinate system, and with opening hours evaluated at the request's moment.
import { categoryLabels, kindOfCategory } from '../domain/categories.js'
import { statusLabels } from '../domain/lifecycle.js'
import { openingStateOf } from '../domain/opening-hours.js'
import { parseUncertainDate, type UncertainDate } from '../domain/uncertain-date.js'
import { fromWgs84, type Crs } from '../domain/geo.js'
import type {
  Area,
  Capacity,
  Facility as FacilityModel,
  FacilityDate,
  Source,
  StatusChange as StatusChangeRow,
} from '../generated/prisma/client.js'
import type { Milestone } from '../generated/prisma/enums.js'
import { pick, type Language } from '../http/language.js'

/**
 * What a list item is made from: the columns it shows, read by the search query itself (search/query.ts).
 */
export type SummarySource = Pick<
  FacilityModel,
  | 'id'
  | 'slug'
  | 'category'
  | 'nameZh'
  | 'nameEn'
  | 'status'
  | 'statusEffectiveAt'
  | 'statusEffectiveEdtf'
  | 'latitude'
  | 'longitude'
  | 'locationPrecision'
  | 'locationNoteZh'
  | 'locationNoteEn'
  | 'openingHours'
  | 'timeZone'
  | 'updatedAt'
> & {
  area: Pick<Area, 'id' | 'level' | 'nameZh' | 'nameEn'>
  dates: Pick<FacilityDate, 'milestone' | 'basis' | 'edtf' | 'precision' | 'earliest' | 'latest' | 'sourceText'>[]
}
import type { Facility, FacilityListItem, ProvenanceEntry, StatusChange } from './schemas.js'

export interface PresentationContext {
  language: Language
  crs: Crs
  /** The moment opening hours are evaluated at. */
  now: Date
}

const milestoneKeys: Record<Milestone, keyof FacilityListItem['dates']> = {
  construction_start: 'constructionStart',
  completion: 'completion',
  opening: 'opening',
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10)

function presentDates(rows: SummarySource['dates']): FacilityListItem['dates'] {
  const dates: FacilityListItem['dates'] = {}
  for (const row of rows) {
    const key = milestoneKeys[row.milestone]
    const milestone = dates[key] ?? { delayed: null }
    dates[key] = milestone
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
    milestone.delayed = milestone.planned === undefined || latestKnown === undefined ? null : latestKnown.latest > milestone.planned.latest
  }
  return dates
}

function presentStatusEffective(row: SummarySource): UncertainDate | null {
  if (row.statusEffectiveEdtf !== null) return parseUncertainDate(row.statusEffectiveEdtf)
  if (row.statusEffectiveAt === null) return null
  const day = isoDay(row.statusEffectiveAt)
  return { edtf: day, precision: 'day', earliest: day, latest: day }
}

const presentArea = (area: SummarySource['area'], language: Language) => ({
  id: area.id,
  level: area.level,
  name: pick({ zh: area.nameZh, en: area.nameEn }, language),
})

function presentLocation(row: SummarySource, crs: Crs, language: Language): FacilityListItem['location'] {
  if (row.latitude === null || row.longitude === null || row.locationPrecision === 'unknown') return null
  const { lat, lng } = fromWgs84({ lat: row.latitude, lng: row.longitude }, crs)
  return { lat, lng, crs: crs === 'gcj02' ? 'GCJ02' : 'WGS84', precision: row.locationPrecision, note: locationNoteIn(row, language) }
}

/** The note in the response language, or in the other where only that one is known. */
function locationNoteIn(row: Pick<SummarySource, 'locationNoteZh' | 'locationNoteEn'>, language: Language): string | null {
  return language === 'en' ? (row.locationNoteEn ?? row.locationNoteZh) : (row.locationNoteZh ?? row.locationNoteEn)
}

/**
 * Hours are validated on every write; a text that still does not evaluate (written before a rule
 * existed, or by hand) is shown as unknown hours rather than failing the whole response.
 */
function hoursOf(row: SummarySource, now: Date): FacilityListItem['hours'] {
  if (row.openingHours === null) return null
  try {
    return openingStateOf(row.status, row.openingHours, { timeZone: row.timeZone, now })
  } catch {
    return null
  }
}

/** A distance, and whether it is only a rough guide because the location is approximate. */
export const distanceOf = (row: Pick<SummarySource, 'locationPrecision'>, distanceMeters: number) => ({
  distanceMeters,
  distanceApproximate: row.locationPrecision !== 'exact',
})

export function presentListItem(row: SummarySource, context: PresentationContext, distanceMeters?: number | null): FacilityListItem {
  const { language } = context
  const hours = hoursOf(row, context.now)
  return {
    id: row.id,
    slug: row.slug,
    category: row.category,
    categoryLabel: pick(categoryLabels[row.category], language),
    kind: kindOfCategory[row.category],
    name: pick({ zh: row.nameZh, en: row.nameEn }, language),
    names: { 'zh-Hans': row.nameZh, en: row.nameEn },
    status: row.status,
    statusLabel: pick(statusLabels[row.status], language),
    statusEffective: presentStatusEffective(row),
    area: presentArea(row.area, language),
    location: presentLocation(row, context.crs, language),
    ...(distanceMeters === undefined || distanceMeters === null ? {} : distanceOf(row, distanceMeters)),
    hours,
    openNow: hours?.openNow ?? null,
    dates: presentDates(row.dates),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** What a full record is made from: a row of records.ts. */
export type FullSource = SummarySource &
  Pick<
    FacilityModel,
    | 'externalId'
    | 'aliases'
    | 'descriptionZh'
    | 'descriptionEn'
    | 'addressZh'
    | 'addressEn'
    | 'geometry'
    | 'elderCareTier'
    | 'ageMinMonths'
    | 'ageMaxMonths'
    | 'accessibility'
    | 'phone'
    | 'website'
    | 'attributes'
    | 'provenance'
    | 'verifiedAt'
    | 'version'
    | 'createdAt'
  > & {
    capacities: Pick<Capacity, 'unit' | 'total' | 'available' | 'asOf'>[]
    citations: { quote: string; source: Pick<Source, 'id' | 'title' | 'publishedOn'> }[]
  }

export function presentFacility(row: FullSource, context: PresentationContext): Facility {
  const { language } = context
  // Object.assign rather than a spread: the export presents 100,000 rows, and V8 copies a spread
  // of these varied shapes through its slow path (37 µs a row against 4).
  return Object.assign(presentListItem(row, context), {
    externalId: row.externalId,
    aliases: row.aliases,
    description: row.descriptionZh === null ? null : pick({ zh: row.descriptionZh, en: row.descriptionEn }, language),
    address: row.addressZh === null ? null : pick({ zh: row.addressZh, en: row.addressEn }, language),
    geometry: row.geometry as Facility['geometry'],
    elderCareTier: row.elderCareTier,
    ageRange: row.ageMinMonths === null && row.ageMaxMonths === null ? null : { minMonths: row.ageMinMonths, maxMonths: row.ageMaxMonths },
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
    provenance: ((row.provenance ?? []) as ProvenanceEntry[]).map((entry) => ({
      field: entry.field,
      basis: entry.basis,
      source: entry.source ?? null,
      quote: entry.quote ?? null,
      note: entry.note ?? null,
      by: entry.by ?? null,
      at: entry.at ?? null,
    })),
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  })
}

/** A status change, applied, scheduled or discarded. */
export function presentStatusChange(change: StatusChangeRow): StatusChange {
  return {
    id: change.id,
    facilityId: change.facilityId,
    fromStatus: change.fromStatus,
    toStatus: change.toStatus,
    effectiveAt: change.effectiveAt?.toISOString() ?? null,
    reason: change.reason,
    state: change.appliedAt === null ? 'scheduled' : change.discardedReason === null ? 'applied' : 'discarded',
    discardedReason: change.discardedReason,
    recordedAt: change.recordedAt.toISOString(),
  }
}
