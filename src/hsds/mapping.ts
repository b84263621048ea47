// A Linli facility (as GET /v1/facilities/{id} presents it) → the HSDS 3.0 objects it becomes:
// one organization, one service, one location and the service-at-location joining them; its
// category a taxonomy term, its weekly hours schedules, its age range eligibility, its
// accessibility features accessibility entries. docs/hsds.md is the same mapping in prose.
// Only services map: projects (roads, railways, …) are not services and never reach this file.
import { categoryLabels, kindOfCategory } from '../domain/categories.js'
import type { FacilityCategory, FacilityStatus } from '../generated/prisma/enums.js'
import type { Facility } from '../facilities/schemas.js'
import type { Language } from '../http/language.js'
import { hsdsIds } from './ids.js'
import type {
  HsdsLocation,
  HsdsOrganization,
  HsdsSchedule,
  HsdsService,
  HsdsServiceAtLocation,
  HsdsTaxonomy,
  HsdsTaxonomyTerm,
} from './schemas.js'

type Text = { zh: string; en: string }
const say = (text: Text, language: Language) => (language === 'en' ? text.en : text.zh)

/** The categories that are services, in the order of the vocabulary. */
export const serviceCategories = (Object.keys(kindOfCategory) as FacilityCategory[]).filter(
  (category) => kindOfCategory[category] === 'service',
)

export const hsdsStatusOf: Record<FacilityStatus, HsdsService['status'] | undefined> = {
  operational: 'active',
  temporarily_closed: 'temporarily closed',
  permanently_closed: 'defunct',
  // Not open yet: the service exists in the directory, but cannot be used.
  planned: 'inactive',
  under_construction: 'inactive',
  // Project statuses: projects are not services.
  in_preparation: undefined,
  launched: undefined,
  suspended: undefined,
  completed: undefined,
  in_service: undefined,
  cancelled: undefined,
}

export const accessibilityLabels: Record<Facility['accessibility'][number], Text> = {
  step_free_entrance: { zh: '无台阶入口', en: 'Step-free entrance' },
  lift: { zh: '电梯', en: 'Lift' },
  accessible_toilet: { zh: '无障碍卫生间', en: 'Accessible toilet' },
  accessible_parking: { zh: '无障碍停车位', en: 'Accessible parking' },
  hearing_loop: { zh: '助听感应线圈', en: 'Hearing loop' },
  braille_signage: { zh: '盲文标识', en: 'Braille signage' },
  wheelchair_loan: { zh: '轮椅借用', en: 'Wheelchair loan' },
}

const hsdsLanguage = (language: Language) => (language === 'en' ? 'en' : 'zh')

export function categoryTaxonomy(language: Language): HsdsTaxonomy {
  return {
    id: hsdsIds.taxonomy(),
    name: say({ zh: '邻里服务设施类别', en: 'Linli service categories' }, language),
    description: say(
      {
        zh: '邻里目录中服务类设施的类别（医院、学校、幼儿园等）；每个服务属于其中一个类别。',
        en: 'The categories of the services in the Linli directory (hospitals, schools, kindergartens, …); each service has one.',
      },
      language,
    ),
    version: '1',
  }
}

export function categoryTerm(category: FacilityCategory, language: Language, withTaxonomy = true): HsdsTaxonomyTerm {
  const taxonomy = categoryTaxonomy(language)
  const label = categoryLabels[category]
  return {
    id: hsdsIds.taxonomyTerm(category),
    code: category,
    name: say(label, language),
    description: say({ zh: `类别为「${label.zh}」的服务设施。`, en: `Services of the category ${label.en.toLowerCase()}.` }, language),
    taxonomy: taxonomy.name,
    taxonomy_id: taxonomy.id,
    language: hsdsLanguage(language),
    ...(withTaxonomy ? { taxonomy_detail: taxonomy } : {}),
  }
}

/** The name in the other language, when the facility has one (HSDS: alternate_name). */
function alternateName(facility: Facility): string | undefined {
  const { 'zh-Hans': zh, en } = facility.names
  const other = facility.name === zh ? en : zh
  return other === null || other === facility.name ? undefined : other
}

const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>

export function organizationOf(facility: Facility): HsdsOrganization {
  return {
    id: hsdsIds.organization(facility.id),
    name: facility.name,
    ...optional('alternate_name', alternateName(facility)),
    // HSDS requires a description; without one of its own, it says what and where the facility is.
    description: facility.description ?? `${facility.categoryLabel} · ${facility.area.name}`,
    ...optional('website', facility.contact.website),
  }
}

const round = (value: number) => Math.round(value * 1e6) / 1e6

export function locationOf(facility: Facility, language: Language): HsdsLocation {
  const { location } = facility
  const lines: string[] = []
  if (facility.address !== null) lines.push(say({ zh: `地址：${facility.address}`, en: `Address: ${facility.address}` }, language))
  // HSDS has no way to say a point is approximate: only an exact site goes in latitude/longitude,
  // an approximate one is described for what it is.
  if (location !== null && location.precision === 'approximate') {
    const where = `${round(location.lat)}, ${round(location.lng)}`
    const note = location.note === null ? '' : location.note
    lines.push(
      say(
        {
          zh: `位置为近似（WGS-84 ${where}）${note === '' ? '' : `：${note}`}`,
          en: `Approximate location (WGS-84 ${where})${note === '' ? '' : `: ${note}`}`,
        },
        language,
      ),
    )
  } else if (location?.note) {
    lines.push(location.note)
  }
  const exact = location !== null && location.precision === 'exact'
  const id = hsdsIds.location(facility.id)
  return {
    id,
    location_type: 'physical',
    organization_id: hsdsIds.organization(facility.id),
    name: facility.name,
    ...optional('alternate_name', alternateName(facility)),
    ...optional('description', lines.length === 0 ? undefined : lines.join('\n')),
    ...(exact ? { latitude: location.lat, longitude: location.lng } : {}),
    ...(facility.externalId === null
      ? {}
      : {
          external_identifier: facility.externalId,
          external_identifier_type: say({ zh: '数据所有者编号', en: "data owner's id" }, language),
        }),
    accessibility: facility.accessibility.map((feature) => ({
      id: hsdsIds.accessibility(facility.id, feature),
      location_id: id,
      description: say(accessibilityLabels[feature], language),
      details: feature,
    })),
  }
}

function years(months: number, language: Language): string {
  if (months % 12 === 0) return say({ zh: `${months / 12}岁`, en: `${months / 12} years` }, language)
  return say({ zh: `${months}个月`, en: `${months} months` }, language)
}

function eligibilityOf(facility: Facility, language: Language): Partial<HsdsService> {
  const range = facility.ageRange
  if (range === null) return {}
  const { minMonths: min, maxMonths: max } = range
  let description: string
  if (min !== null && max !== null)
    description = say(
      { zh: `适用年龄：${years(min, 'zh-Hans')}至${years(max, 'zh-Hans')}`, en: `Ages ${years(min, 'en')} to ${years(max, 'en')}` },
      language,
    )
  else if (min !== null)
    description = say({ zh: `适用年龄：${years(min, 'zh-Hans')}及以上`, en: `Aged ${years(min, 'en')} and over` }, language)
  else if (max !== null)
    description = say({ zh: `适用年龄：${years(max, 'zh-Hans')}及以下`, en: `Aged up to ${years(max, 'en')}` }, language)
  else return {}
  return {
    eligibility_description: description,
    ...optional('minimum_age', min === null ? null : Math.round((min / 12) * 100) / 100),
    ...optional('maximum_age', max === null ? null : Math.round((max / 12) * 100) / 100),
  }
}

/** A service not active says why: its Linli status, and its expected (else planned) opening. */
function alertOf(facility: Facility, language: Language): string | undefined {
  if (facility.status === 'operational') return undefined
  const opening = facility.dates.opening
  const expected = opening?.actual === undefined ? (opening?.expected ?? opening?.planned) : undefined
  if (expected === undefined) return facility.statusLabel
  return say(
    { zh: `${facility.statusLabel}，预计开放：${expected.edtf}`, en: `${facility.statusLabel}; expected to open: ${expected.edtf}` },
    language,
  )
}

/** The service's own fields and its organization: what HSDS lists show. */
export function serviceOf(facility: Facility, language: Language): HsdsService {
  const status = hsdsStatusOf[facility.status]
  if (status === undefined || kindOfCategory[facility.category] !== 'service') {
    throw new Error(`facility ${facility.id} is a project, not a service`)
  }
  return {
    id: hsdsIds.service(facility.id),
    organization_id: hsdsIds.organization(facility.id),
    name: facility.name,
    ...optional('alternate_name', alternateName(facility)),
    ...optional('description', facility.description),
    ...optional('url', facility.contact.website),
    status,
    ...eligibilityOf(facility, language),
    ...optional('assured_date', facility.verifiedAt?.slice(0, 10)),
    ...optional('alert', alertOf(facility, language)),
    last_modified: facility.updatedAt,
    organization: organizationOf(facility),
  }
}

/** UTC offset, in hours, of a time zone at an instant (Asia/Shanghai: 8). */
function utcOffsetHours(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '')
  if (match === null) return 0
  const hours = Number(match[2]) + Number(match[3]) / 60
  return match[1] === '-' ? -hours : hours
}

const offsetText = (hours: number) => {
  if (hours === 0) return 'Z'
  const sign = hours < 0 ? '-' : '+'
  const minutes = Math.abs(hours) * 60
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/**
 * The regular week as RRULE-style schedules: one per opening interval, shared by the days that
 * have the same intervals. Holidays and make-up working days (which Linli evaluates for "open
 * now") have no place in a weekly rule; `notes` keeps the full rule.
 */
export function schedulesOf(facility: Facility, language: Language, now: Date): HsdsSchedule[] {
  if (facility.hours === null || facility.openingHours === null) return []
  const offset = utcOffsetHours(facility.timeZone, now)
  const days = new Map<string, string[]>()
  for (const { day, intervals } of facility.hours.weekdayHours) {
    if (intervals.length === 0) continue
    const key = intervals.join(',')
    days.set(key, [...(days.get(key) ?? []), day.toUpperCase()])
  }
  const schedules: HsdsSchedule[] = []
  for (const [key, byday] of days) {
    for (const interval of key.split(',')) {
      const [opens = '', closes = ''] = interval.split('-')
      schedules.push({
        id: hsdsIds.schedule(facility.id, schedules.length),
        service_id: hsdsIds.service(facility.id),
        timezone: offset,
        freq: 'WEEKLY',
        wkst: 'MO',
        byday: byday.join(','),
        opens_at: `${opens}${offsetText(offset)}`,
        closes_at: `${closes}${offsetText(offset)}`,
        description: say(
          {
            zh: `每周 ${byday.join('、')} ${interval}（${facility.timeZone}）`,
            en: `Weekly on ${byday.join(', ')}, ${interval} (${facility.timeZone})`,
          },
          language,
        ),
        notes: say(
          {
            zh: `开放时间规则（OpenStreetMap opening_hours）：${facility.openingHours}。法定节假日与调休按此规则。`,
            en: `Opening hours rule (OpenStreetMap opening_hours): ${facility.openingHours}. Public holidays and make-up working days follow this rule.`,
          },
          language,
        ),
      })
    }
  }
  return schedules
}

/** The service in full, as GET /hsds/services/{id} answers it. */
export function fullServiceOf(facility: Facility, language: Language, now: Date): HsdsService {
  const service = serviceOf(facility, language)
  const term = categoryTerm(facility.category, language)
  return {
    ...service,
    phones:
      facility.contact.phone === null ? [] : [{ id: hsdsIds.phone(facility.id), service_id: service.id, number: facility.contact.phone }],
    schedules: schedulesOf(facility, language, now),
    service_at_locations: [
      {
        id: hsdsIds.serviceAtLocation(facility.id),
        service_id: service.id,
        location_id: hsdsIds.location(facility.id),
        location: locationOf(facility, language),
      },
    ],
    attributes: [
      {
        id: hsdsIds.attribute(facility.id, facility.category),
        link_id: service.id,
        link_type: 'category',
        link_entity: 'service',
        taxonomy_term_id: term.id,
        taxonomy_term: term,
      },
    ],
  }
}

export function serviceAtLocationOf(facility: Facility, language: Language): HsdsServiceAtLocation {
  return {
    id: hsdsIds.serviceAtLocation(facility.id),
    service_id: hsdsIds.service(facility.id),
    location_id: hsdsIds.location(facility.id),
    location: locationOf(facility, language),
    service: serviceOf(facility, language),
  }
}
