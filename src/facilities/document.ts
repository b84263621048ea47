// A facility as a document in the shape staff write it (FacilityInput). Writes are expressed as
// changes to its top-level fields: PATCH merges into it, history shows its fields' old and new
// values, and the change feed carries them, so replaying the feed rebuilds these documents.
import { isDeepStrictEqual } from 'node:util'
import type { Prisma } from '../generated/prisma/client.js'
import type { DateBasis, Milestone } from '../generated/prisma/enums.js'
import type { FullSource } from './presenter.js'
import type { FacilityInput } from './schemas.js'

export type FacilityDocument = FacilityInput
export type DocumentField = keyof FacilityDocument

/** A field's value, or null for a field the document does not have. */
export type FieldValue = Prisma.InputJsonValue | null

const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(isEmpty))

/**
 * One spelling for one document: absent, null, [] and {} all mean "not given", so two documents
 * that say the same thing compare equal. Applied to every document before it is compared or stored.
 */
export function canonicalDocument(document: FacilityDocument): FacilityDocument {
  const prune = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(prune)
    if (typeof value !== 'object' || value === null) return value
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, inner]) => [key, prune(inner)] as const)
        .filter(([, inner]) => !isEmpty(inner)),
    )
  }
  // attributes are the data owner's own: keep their inner values as written.
  const { attributes, ...rest } = document
  const pruned = prune(rest) as FacilityDocument
  return attributes === undefined || Object.keys(attributes).length === 0 ? pruned : { ...pruned, attributes }
}

const optional = <T>(value: T | null | undefined) => (value === null ? undefined : value)

/** The document of a stored facility (a row of records.ts). */
export function documentOf(row: FullSource): FacilityDocument {
  const dates: Partial<Record<Milestone, Partial<Record<DateBasis, { edtf: string; text?: string }>>>> = {}
  for (const date of row.dates) {
    const bases = dates[date.milestone] ?? {}
    bases[date.basis] = { edtf: date.edtf, text: optional(date.sourceText) }
    dates[date.milestone] = bases
  }
  return canonicalDocument({
    slug: row.slug,
    externalId: optional(row.externalId),
    category: row.category,
    name: { zh: row.nameZh, en: optional(row.nameEn) },
    aliases: row.aliases,
    description: row.descriptionZh === null ? undefined : { zh: row.descriptionZh, en: optional(row.descriptionEn) },
    area: row.area.id,
    address: row.addressZh === null ? undefined : { zh: row.addressZh, en: optional(row.addressEn) },
    status: row.status,
    statusEffective: optional(row.statusEffectiveEdtf),
    elderCareTier: optional(row.elderCareTier),
    ageRange: { minMonths: optional(row.ageMinMonths), maxMonths: optional(row.ageMaxMonths) },
    location:
      row.latitude === null || row.longitude === null || row.locationPrecision === 'unknown'
        ? undefined
        : { lat: row.latitude, lng: row.longitude, precision: row.locationPrecision, note: locationNoteOf(row) },
    accessibility: row.accessibility,
    openingHours: optional(row.openingHours),
    phone: optional(row.phone),
    website: optional(row.website),
    capacity: row.capacities.map((c) => ({ unit: c.unit, total: optional(c.total), available: optional(c.available) })),
    dates,
    attributes: row.attributes as FacilityDocument['attributes'],
    citations: row.citations.map((c) => ({ source: c.source.id, quote: c.quote })),
    provenance: row.provenance as FacilityDocument['provenance'],
  })
}

/** The top-level fields whose values differ, with both values (null where absent). */
export function changedFields(before: FacilityDocument | null, after: FacilityDocument | null) {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]) as Set<DocumentField>
  return [...fields]
    .filter((field) => !isDeepStrictEqual(before?.[field], after?.[field]))
    .sort()
    .map((field) => ({
      field,
      oldValue: (before?.[field] ?? null) as FieldValue,
      newValue: (after?.[field] ?? null) as FieldValue,
    }))
}

/** The note as the document takes it: both languages, or the English text alone. */
function locationNoteOf(row: { locationNoteZh: string | null; locationNoteEn: string | null }) {
  if (row.locationNoteZh !== null) return { zh: row.locationNoteZh, en: optional(row.locationNoteEn) }
  return optional(row.locationNoteEn)
}
