// A facility document as the console's edit form: every field a person edits, one form value
// each (text as they typed it), and back — into the same FacilityDocument the API's PATCH writes,
// so the same validation (facilities.validate / the update's own) answers, field by field. The
// API's errors name JSON Pointers into the document; fieldOfPointer names the form field each
// belongs to, so the message sits next to it. For a merge after a conflict, each form field
// belongs to one top-level field of the document (the unit of the change log).
import type { FacilityDocument } from '../facilities/document.js'
import { DateBases, Milestones } from '../facilities/schemas.js'
import { AccessibilityFeature, CapacityUnit } from '../generated/prisma/enums.js'
import type { ProblemFieldError } from '../http/problems.js'

export const capacityUnits = Object.values(CapacityUnit)
export const accessibilityFeatures = Object.values(AccessibilityFeature)

/** The form fields, in the order the form shows them. */
export const formFields = [
  'nameZh',
  'nameEn',
  'aliases',
  'descriptionZh',
  'descriptionEn',
  'category',
  'slug',
  'externalId',
  'area',
  'addressZh',
  'addressEn',
  'lat',
  'lng',
  'precision',
  'locationNote',
  'locationNoteEn',
  'openingHours',
  'phone',
  'website',
  ...capacityUnits.flatMap((unit) => [`cap.${unit}.total`, `cap.${unit}.available`]),
  'ageMin',
  'ageMax',
  'elderCareTier',
  'accessibility',
  ...Milestones.flatMap((milestone) => DateBases.map((basis) => `date.${milestone}.${basis}`)),
] as const

/** The top-level document field a form field belongs to. */
export function documentFieldOf(formField: string): keyof FacilityDocument {
  if (formField.startsWith('cap.')) return 'capacity'
  if (formField.startsWith('date.')) return 'dates'
  const fields: Record<string, keyof FacilityDocument> = {
    nameZh: 'name',
    nameEn: 'name',
    descriptionZh: 'description',
    descriptionEn: 'description',
    addressZh: 'address',
    addressEn: 'address',
    lat: 'location',
    lng: 'location',
    precision: 'location',
    locationNote: 'location',
    locationNoteEn: 'location',
    ageMin: 'ageRange',
    ageMax: 'ageRange',
  }
  return fields[formField] ?? (formField as keyof FacilityDocument)
}

const text = (value: string | number | undefined | null) => (value === undefined || value === null ? '' : String(value))

/** The form values of a document. */
export function formValuesOf(document: FacilityDocument): Record<string, string> {
  const values: Record<string, string> = {
    nameZh: document.name.zh,
    nameEn: text(document.name.en),
    aliases: (document.aliases ?? []).join('\n'),
    descriptionZh: text(document.description?.zh),
    descriptionEn: text(document.description?.en),
    category: document.category,
    slug: document.slug,
    externalId: text(document.externalId),
    area: document.area,
    addressZh: text(document.address?.zh),
    addressEn: text(document.address?.en),
    lat: text(document.location?.lat),
    lng: text(document.location?.lng),
    precision: text(document.location?.precision ?? 'exact'),
    locationNote: text(typeof document.location?.note === 'string' ? document.location.note : document.location?.note?.zh),
    locationNoteEn: text(typeof document.location?.note === 'string' ? undefined : document.location?.note?.en),
    openingHours: text(document.openingHours),
    phone: text(document.phone),
    website: text(document.website),
    ageMin: text(document.ageRange?.minMonths),
    ageMax: text(document.ageRange?.maxMonths),
    elderCareTier: text(document.elderCareTier),
    accessibility: (document.accessibility ?? []).join(','),
  }
  for (const unit of capacityUnits) {
    const capacity = document.capacity?.find((c) => c.unit === unit)
    values[`cap.${unit}.total`] = text(capacity?.total)
    values[`cap.${unit}.available`] = text(capacity?.available)
  }
  for (const milestone of Milestones) {
    for (const basis of DateBases) {
      values[`date.${milestone}.${basis}`] = text(document.dates?.[milestone]?.[basis]?.edtf)
    }
  }
  return values
}

/** The form's values read from a post: every form field, trimmed (a missing one is empty). */
export function formValuesFrom(body: Record<string, unknown>, prefix = ''): Record<string, string> {
  const values: Record<string, string> = {}
  for (const field of formFields) {
    const value = body[`${prefix}${field}`]
    values[field] = typeof value === 'string' ? value.replace(/\r\n/g, '\n').trim() : ''
  }
  return values
}

export interface Messages {
  required: string
  notNumber: string
  notInteger: string
}

/**
 * The document the form's values make of the current one: the fields the form edits replaced,
 * the others (status, citations, provenance, attributes) kept. Numbers that are not numbers are
 * errors of their form field; everything else is left to the facility's validation.
 */
export function documentFrom(
  current: FacilityDocument,
  values: Record<string, string>,
  messages: Messages,
): { document: FacilityDocument; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const optional = (value: string | undefined) => (value === undefined || value === '' ? undefined : value)
  const number = (field: string, integer: boolean) => {
    const value = values[field] ?? ''
    if (value === '') return undefined
    const parsed = Number(value)
    if (!Number.isFinite(parsed)) {
      errors[field] = messages.notNumber
      return undefined
    }
    if (integer && !Number.isInteger(parsed)) {
      errors[field] = messages.notInteger
      return undefined
    }
    return parsed
  }
  const bilingual = (zh: string, en: string) => {
    const [zhValue, enValue] = [optional(values[zh]), optional(values[en])]
    if (zhValue === undefined && enValue !== undefined) errors[zh] = messages.required
    return zhValue === undefined ? undefined : { zh: zhValue, en: enValue }
  }
  const lat = number('lat', false)
  const lng = number('lng', false)
  let location: FacilityDocument['location']
  if (lat !== undefined && lng !== undefined) {
    location = {
      lat,
      lng,
      precision: (values.precision === 'approximate' ? 'approximate' : 'exact') as 'exact' | 'approximate',
      note: bilingual('locationNote', 'locationNoteEn'),
    }
  } else if (lat !== undefined || lng !== undefined) {
    errors[lat === undefined ? 'lat' : 'lng'] = errors[lat === undefined ? 'lat' : 'lng'] ?? messages.required
  }
  const capacity = capacityUnits.flatMap((unit) => {
    const total = number(`cap.${unit}.total`, true)
    const available = number(`cap.${unit}.available`, true)
    return total === undefined && available === undefined ? [] : [{ unit, total, available }]
  })
  const dates: NonNullable<FacilityDocument['dates']> = {}
  for (const milestone of Milestones) {
    for (const basis of DateBases) {
      const edtf = optional(values[`date.${milestone}.${basis}`])
      if (edtf === undefined) continue
      const before = current.dates?.[milestone]?.[basis]
      const bases = (dates[milestone] ?? {}) as Record<string, { edtf: string; text?: string }>
      dates[milestone] = bases
      // The source's own words stay with the date they describe, not with a date a person changed.
      bases[basis] = { edtf, text: before?.edtf === edtf ? before.text : undefined }
    }
  }
  const name = bilingual('nameZh', 'nameEn')
  if (name === undefined && errors.nameZh === undefined) errors.nameZh = messages.required
  const document: FacilityDocument = {
    ...current,
    slug: values.slug ?? current.slug,
    externalId: optional(values.externalId),
    category: (values.category || current.category) as FacilityDocument['category'],
    name: name ?? { zh: '' },
    aliases: (values.aliases ?? '')
      .split('\n')
      .map((alias) => alias.trim())
      .filter((alias) => alias !== ''),
    description: bilingual('descriptionZh', 'descriptionEn'),
    area: values.area || current.area,
    address: bilingual('addressZh', 'addressEn'),
    location,
    openingHours: optional(values.openingHours),
    phone: optional(values.phone),
    website: optional(values.website),
    capacity,
    ageRange: { minMonths: number('ageMin', true), maxMonths: number('ageMax', true) },
    elderCareTier: optional(values.elderCareTier) as FacilityDocument['elderCareTier'],
    accessibility: (values.accessibility ?? '').split(',').filter((f) => f !== '') as FacilityDocument['accessibility'],
    dates,
  }
  return { document, errors }
}

/** The form field a JSON Pointer into the document names, or undefined (a message for the whole form). */
export function fieldOfPointer(pointer: string, document: FacilityDocument): string | undefined {
  const parts = pointer.split('/').slice(1)
  const [top, second, third] = parts
  switch (top) {
    case 'name':
    case 'description':
    case 'address':
      return `${top}${second === 'en' ? 'En' : 'Zh'}`
    case 'location':
      if (second === 'note') return third === 'en' ? 'locationNoteEn' : 'locationNote'
      return second === 'lng' ? 'lng' : second === 'precision' ? 'precision' : 'lat'
    case 'ageRange':
      return second === 'maxMonths' ? 'ageMax' : 'ageMin'
    case 'capacity': {
      const unit = document.capacity?.[Number(second)]?.unit
      if (unit === undefined) return undefined
      return `cap.${unit}.${third === 'available' ? 'available' : 'total'}`
    }
    case 'dates':
      return second !== undefined && third !== undefined ? `date.${second}.${third}` : undefined
    case 'slug':
    case 'externalId':
    case 'category':
    case 'aliases':
    case 'area':
    case 'openingHours':
    case 'phone':
    case 'website':
    case 'elderCareTier':
    case 'accessibility':
      return top
    default:
      return undefined
  }
}

/** The API's field errors as form errors: each next to its field, or for the whole form. */
export function formErrorsOf(errors: ProblemFieldError[], document: FacilityDocument) {
  const byField: Record<string, string> = {}
  const general: string[] = []
  for (const error of errors) {
    const field = fieldOfPointer(error.name, document)
    if (field === undefined) general.push(`${error.name}: ${error.message}`)
    else byField[field] = byField[field] === undefined ? error.message : `${byField[field]}; ${error.message}`
  }
  return { errors: byField, general }
}
