// A checked facility document as the rows that store it: the facility's own columns (with those
// derived for search and sorting), and its capacity, dates and citations.
import { startOfDayInShanghai, utcMidnight } from '../domain/dates.js'
import type { Prisma } from '../generated/prisma/client.js'
import type { FacilityDocument } from './document.js'
import { namePinyinOf, searchTextOf } from './search/text.js'
import type { CheckedDocument } from './validation.js'

/** The facility's own columns, and the ones derived from them for search and sorting. */
export function columnsOf({ document, statusEffective, dates }: CheckedDocument) {
  const columns = {
    slug: document.slug,
    externalId: document.externalId ?? null,
    category: document.category,
    nameZh: document.name.zh,
    nameEn: document.name.en ?? null,
    aliases: document.aliases ?? [],
    descriptionZh: document.description?.zh ?? null,
    descriptionEn: document.description?.en ?? null,
    status: document.status,
    statusEffectiveAt: statusEffective ? startOfDayInShanghai(statusEffective.earliest) : null,
    statusEffectiveEdtf: statusEffective?.edtf ?? null,
    areaId: document.area,
    addressZh: document.address?.zh ?? null,
    addressEn: document.address?.en ?? null,
    latitude: document.location?.lat ?? null,
    longitude: document.location?.lng ?? null,
    locationPrecision: document.location?.precision ?? 'unknown',
    ...locationNoteColumns(document.location?.note),
    elderCareTier: document.elderCareTier ?? null,
    ageMinMonths: document.ageRange?.minMonths ?? null,
    ageMaxMonths: document.ageRange?.maxMonths ?? null,
    accessibility: document.accessibility ?? [],
    openingHours: document.openingHours ?? null,
    phone: document.phone ?? null,
    website: document.website ?? null,
    attributes: (document.attributes ?? {}) as Prisma.InputJsonObject,
    provenance: (document.provenance ?? []) as Prisma.InputJsonArray,
  } satisfies Prisma.FacilityUncheckedCreateInput
  const opening = (['actual', 'expected', 'planned'] as const)
    .map((basis) => dates.find((d) => d.milestone === 'opening' && d.basis === basis))
    .find((d) => d !== undefined)
  return {
    ...columns,
    searchText: searchTextOf(columns),
    namePinyin: namePinyinOf(columns.nameZh),
    openingOn: opening === undefined ? null : utcMidnight(opening.date.earliest),
  }
}

export const capacityRows = (document: FacilityDocument, asOf: Date) =>
  (document.capacity ?? []).map((c) => ({ unit: c.unit, total: c.total ?? null, available: c.available ?? null, asOf }))

export const dateRows = (dates: CheckedDocument['dates']) =>
  dates.map(({ milestone, basis, date, sourceText }) => ({
    milestone,
    basis,
    edtf: date.edtf,
    precision: date.precision,
    earliest: utcMidnight(date.earliest),
    latest: utcMidnight(date.latest),
    sourceText: sourceText ?? null,
  }))

export const citationRows = (document: FacilityDocument) => (document.citations ?? []).map((c) => ({ sourceId: c.source, quote: c.quote }))

/** A note given as one text goes under the language of its script (mostly Han: Chinese), as the migration filed old notes. */
function locationNoteColumns(note: NonNullable<FacilityDocument['location']>['note']) {
  if (note === undefined) return { locationNoteZh: null, locationNoteEn: null }
  if (typeof note !== 'string') return { locationNoteZh: note.zh, locationNoteEn: note.en ?? null }
  const count = (pattern: RegExp) => note.match(pattern)?.length ?? 0
  return count(/\p{Script=Han}/gu) > count(/[A-Za-z]/g)
    ? { locationNoteZh: note, locationNoteEn: null }
    : { locationNoteZh: null, locationNoteEn: note }
}
