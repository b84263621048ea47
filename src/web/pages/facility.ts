// A facility or project, for a person: status and what is scheduled, hours as a week with today
// marked, places, ages, accessibility, address and contact where known, the source sentences,
// when it was last verified, its status history, and where to report a mistake.
import { categoryLabels } from '../../domain/categories.js'
import { statusLabels } from '../../domain/lifecycle.js'
import { weekOf, type Week } from '../../domain/opening-hours.js'
import { parseUncertainDate } from '../../domain/uncertain-date.js'
import type { Facility } from '../../facilities/schemas.js'
import type { StatusChange } from '../directory.js'
import { breadcrumbs, openState, statusBadge } from '../components.js'
import { provenanceMark, provenanceSection } from '../provenance.js'
import { mapFigure, type MapTiles } from '../map.js'
import { html, jsonLd, type Html } from '../html.js'
import {
  accessibilityLabels,
  capacityUnitLabels,
  dateInWords,
  dayInWords,
  elderCareTierLabels,
  instantInWords,
  label,
  prefixOf,
  words,
  type Language,
} from '../i18n.js'

/** The week's hours as they really are, or null when the text does not evaluate (shown as unknown). */
function weekOrNull(facility: Facility, now: Date): Week | null {
  if (facility.openingHours === null) return null
  try {
    return weekOf(facility.openingHours, { timeZone: facility.timeZone, now })
  } catch {
    return null
  }
}

/**
 * Hours as this week's table: each day with its date, today marked, public holidays and
 * make-up working days (调休) named, and what the hours mean then — only what the text says:
 * a text with a PH rule gives holiday hours, one without it says nothing, and we say so.
 */
function hoursSection(facility: Facility, language: Language, now: Date): Html | null {
  const w = words[language]
  const hours = facility.hours
  const table = weekTable(facility, language, now)
  if (hours === null || table === null) return null
  return html`<section aria-labelledby="hours"><h2 id="hours">${w.hours}${provenanceMark(facility, '/openingHours', language)}</h2>
<p>${openState(hours, language)}${
    hours.openNow && hours.nextCloseAt !== null
      ? html` · ${w.nextClose(instantInWords(hours.nextCloseAt, facility.timeZone, language))}`
      : !hours.openNow && hours.nextOpenAt !== null
        ? html` · ${w.nextOpen(instantInWords(hours.nextOpenAt, facility.timeZone, language))}`
        : null
  }</p>
${table}</section>`
}

/** This week's hours, day by day (also the staff console's preview of what it saved). */
export function weekTable(facility: Facility, language: Language, now: Date): Html | null {
  const w = words[language]
  const week = weekOrNull(facility, now)
  if (week === null) return null
  const today = week.days.findIndex((day) => day.date === todayIn(now, facility.timeZone))
  const times = (intervals: string[]) => (intervals.length === 0 ? w.closedDay : intervals.join(', '))
  const unknownYear = week.days.find((day) => !day.calendarKnown)
  const special = week.days.some((day) => day.holiday !== null || day.makeUpWorkday !== null)
  const caption =
    unknownYear !== undefined ? w.calendarUnknown(Number(unknownYear.date.slice(0, 4))) : special ? w.weekHolidays : w.weekPlain
  return html`<table class="week"><caption class="hint">${caption}</caption>
<thead><tr><th scope="col">${w.hoursDay}</th><th scope="col">${w.hoursTimes}</th></tr></thead>
<tbody>
${week.days.map((day, index) => {
  const [, month = 0, date = 0] = day.date.split('-').map(Number)
  const isToday = index === today
  const name = (holiday: { zh: string; en: string }) => (language === 'en' ? holiday.en : holiday.zh)
  const differs = day.intervals.join() !== day.regularIntervals.join()
  const note =
    day.holiday !== null
      ? `${w.publicHoliday(name(day.holiday))}${language === 'en' ? '. ' : '：'}${week.holidayRule ? w.holidayHoursPublished : w.holidayHoursUnknown}`
      : day.makeUpWorkday !== null
        ? `${w.makeUpWorkday(name(day.makeUpWorkday))}${language === 'en' ? '. ' : '：'}${w.makeUpHours}`
        : null
  return html`<tr${isToday ? html` class="today" aria-current="date"` : null}${day.holiday !== null || day.makeUpWorkday !== null ? html` data-special` : null}>
<th scope="row"><span class="nowrap">${w.weekdays[index]}</span> <span class="nowrap">${w.dayDate(month, date)}${isToday ? (language === 'en' ? ` (${w.today})` : `（${w.today}）`) : null}</span></th>
<td><span class="nowrap">${times(day.intervals)}</span>${differs ? html` <span class="hint nowrap">${language === 'en' ? `(${w.usually(times(day.regularIntervals))})` : `（${w.usually(times(day.regularIntervals))}）`}</span>` : null}${note === null ? null : html`<span class="day-note">${note}</span>`}</td></tr>`
})}
</tbody></table>`
}

/**
 * When a status change took effect, as precisely as it is known: its EDTF period (2022年9月) when
 * one was given, else its day in the facility's zone (not in UTC, which is the day before in
 * Shenzhen until 08:00).
 */
function changeDate(change: StatusChange, timeZone: string, language: Language): string | null {
  const separator = language === 'en' ? ': ' : '：'
  if (change.effectiveEdtf !== null) return `${dateInWords(parseUncertainDate(change.effectiveEdtf), language)}${separator}`
  if (change.effectiveAt === null) return null
  return `${dayInWords(todayIn(change.effectiveAt, timeZone), language)}${separator}`
}

/** Today's date (YYYY-MM-DD) in a time zone. */
const todayIn = (now: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(now)

function ageText(range: NonNullable<Facility['ageRange']>, language: Language): string {
  const w = words[language]
  const { minMonths: min, maxMonths: max } = range
  if (min !== null && max !== null) return w.ageRangeText(w.months(min), w.months(max))
  if (min !== null) return w.ageFrom(w.months(min))
  return w.ageUpTo(w.months(max ?? 0))
}

function datesSection(facility: Facility, language: Language): Html | null {
  const w = words[language]
  const milestones = (['constructionStart', 'completion', 'opening'] as const).filter((key) => facility.dates[key] !== undefined)
  if (milestones.length === 0) return null
  return html`<section aria-labelledby="dates"><h2 id="dates">${facility.kind === 'project' ? w.timeline : w.dates}</h2>
<ol class="timeline">
${milestones.map((key) => {
  const m = facility.dates[key]
  if (m === undefined) return null
  const basis = (['planned', 'expected', 'actual'] as const).filter((b) => m[b] !== undefined)
  const pointer = `/dates/${milestonePointers[key]}`
  return html`<li><h3>${w.milestones[key]}</h3>
<dl class="facts">${basis.map((b) => {
    const date = m[b]
    return date === undefined
      ? null
      : html`<dt>${w[b]}</dt><dd>${dateInWords(date, language)}${date.sourceText === null ? null : html` <span class="hint">（${date.sourceText}）</span>`}${provenanceMark(facility, `${pointer}/${b}`, language)}</dd>`
  })}</dl>
${m.delayed === true ? html`<p class="delayed">${w.delayed}</p>` : m.delayed === false ? html`<p>${w.onTime}</p>` : null}
</li>`
})}
</ol></section>`
}

/** The milestones as the facility is written (the JSON Pointers of its provenance). */
const milestonePointers = { constructionStart: 'construction_start', completion: 'completion', opening: 'opening' } as const

const schemaTypes: Partial<Record<Facility['category'], string>> = {
  hospital: 'Hospital',
  school: 'School',
  kindergarten: 'Preschool',
  childcare: 'ChildCare',
  sports_venue: 'SportsActivityLocation',
  public_service: 'GovernmentOffice',
  culture_venue: 'CivicStructure',
  elder_care: 'CivicStructure',
  market: 'CivicStructure',
}

/** schema.org JSON-LD: only what the record says. */
export function facilityJsonLd(facility: Facility, url: string, language: Language) {
  return jsonLd({
    '@context': 'https://schema.org',
    '@type': schemaTypes[facility.category] ?? 'Place',
    name: facility.name,
    ...(facility.names.en !== null && language !== 'en' ? { alternateName: facility.names.en } : {}),
    url,
    ...(facility.description === null ? {} : { description: facility.description }),
    ...(facility.address === null ? {} : { address: facility.address }),
    ...(facility.contact.phone === null ? {} : { telephone: facility.contact.phone }),
    ...(facility.openingHours === null ? {} : { openingHours: facility.openingHours }),
    ...(facility.location?.precision === 'exact'
      ? { geo: { '@type': 'GeoCoordinates', latitude: facility.location.lat, longitude: facility.location.lng } }
      : {}),
    containedInPlace: { '@type': 'AdministrativeArea', name: facility.area.name },
  })
}

export function facilityPage(
  language: Language,
  data: { facility: Facility; changes: StatusChange[]; now: Date; mapTiles?: MapTiles },
): Html {
  const w = words[language]
  const { facility, changes, now } = data
  const prefix = prefixOf(language)
  const scheduled = changes.filter((change) => change.appliedAt === null && change.effectiveAt !== null)
  const history = changes.filter((change) => change.appliedAt !== null).slice(0, 10)
  const otherName = language === 'en' ? facility.names['zh-Hans'] : facility.names.en
  const otherLang = language === 'en' ? 'zh-Hans' : 'en'
  const nameField = language === 'en' ? '/name/en' : '/name/zh'
  const otherNameField = language === 'en' ? '/name/zh' : '/name/en'
  const mark = (field: string) => provenanceMark(facility, field, language)
  const facts: Html[] = []
  facts.push(html`<dt>${w.category}</dt><dd><a href="${prefix}/search?category=${facility.category}">${facility.categoryLabel}</a></dd>`)
  facts.push(html`<dt>${w.area}</dt><dd><a href="${prefix}/areas/${facility.area.id}">${facility.area.name}</a></dd>`)
  if (facility.elderCareTier !== null)
    facts.push(
      html`<dt>${w.category}</dt><dd>${label(elderCareTierLabels[facility.elderCareTier], language)}${mark('/elderCareTier')}</dd>`,
    )
  if (facility.ageRange !== null)
    facts.push(html`<dt>${w.ageRange}</dt><dd>${ageText(facility.ageRange, language)}${mark('/ageRange')}</dd>`)
  if (facility.accessibility.length > 0) {
    facts.push(
      html`<dt>${w.accessibility}</dt><dd><ul>${facility.accessibility.map((f) => html`<li>${label(accessibilityLabels[f], language)}</li>`)}</ul>${mark('/accessibility')}</dd>`,
    )
  }
  if (facility.address !== null) facts.push(html`<dt>${w.address}</dt><dd>${facility.address}${mark('/address')}</dd>`)
  if (facility.contact.phone !== null)
    facts.push(html`<dt>${w.phone}</dt><dd><a href="tel:${facility.contact.phone}">${facility.contact.phone}</a>${mark('/phone')}</dd>`)
  if (facility.contact.website !== null && /^https?:\/\//.test(facility.contact.website)) {
    facts.push(
      html`<dt>${w.website}</dt><dd><a href="${facility.contact.website}" rel="nofollow">${facility.contact.website}</a>${mark('/website')}</dd>`,
    )
  }
  if (facility.location !== null && facility.location.precision !== 'exact')
    facts.push(html`<dt>${w.location}</dt><dd>${w.locationApproximate}${mark('/location')}</dd>`)

  return html`${breadcrumbs(
    [
      { href: `${prefix}/`, text: w.siteShort },
      facility.kind === 'project'
        ? { href: `${prefix}/projects`, text: w.projects }
        : { href: `${prefix}/search?category=${facility.category}`, text: label(categoryLabels[facility.category], language) },
      { text: facility.name },
    ],
    language,
  )}
<h1>${facility.name}${mark(nameField)}${otherName === null || otherName === facility.name ? null : html` <span class="other-name"><span lang="${otherLang}">${otherName}</span>${mark(otherNameField)}</span>`}</h1>
<p>${statusBadge(facility)}${mark('/status')}${facility.statusEffective === null ? null : html` ${w.statusSince} ${dateInWords(facility.statusEffective, language)}${mark('/statusEffective')}`}</p>
${scheduled.map((change) => html`<p class="notice">${w.scheduled(label(statusLabels[change.toStatus], language), instantInWords((change.effectiveAt as Date).toISOString(), facility.timeZone, language))}</p>`)}
${facility.description === null ? null : html`<p class="lead">${facility.description}${mark('/description')}</p>`}
<dl class="facts">${facts}</dl>
${mapFigure(data.mapTiles, language, [facility], facility)}
${hoursSection(facility, language, now)}
${
  facility.capacity.length === 0
    ? null
    : html`<section aria-labelledby="capacity"><h2 id="capacity">${w.capacity}</h2>
<table><thead><tr><th scope="col">${w.capacity}</th><th scope="col">${w.capacityTotal}</th><th scope="col">${w.capacityAvailable}</th><th scope="col">${w.capacityAsOf}</th></tr></thead><tbody>
${facility.capacity.map((c) => html`<tr><th scope="row">${label(capacityUnitLabels[c.unit], language)}${mark('/capacity')}</th><td>${c.total ?? '—'}</td><td>${c.available ?? '—'}</td><td>${dayInWords(c.asOf.slice(0, 10), language)}</td></tr>`)}
</tbody></table></section>`
}
${datesSection(facility, language)}
<section aria-labelledby="sources"><h2 id="sources">${w.sources}</h2>
<p>${facility.verifiedAt === null ? w.notVerified : html`${w.lastVerified}: ${instantInWords(facility.verifiedAt, facility.timeZone, language)}`}</p>
${facility.citations.map(
  (c) => html`<figure><blockquote lang="zh-Hans">${c.quote}</blockquote>
<figcaption>— <cite lang="zh-Hans">${c.source.title}</cite>${c.source.publishedOn === null ? null : html`, ${c.source.publishedOn}`}</figcaption></figure>`,
)}
</section>
${provenanceSection(facility, language)}
<section aria-labelledby="history"><h2 id="history">${w.history}</h2>
${
  history.length === 0
    ? html`<p>${w.noHistory}</p>`
    : html`<ul>${history.map((change) => html`<li>${changeDate(change, facility.timeZone, language)}${change.fromStatus === null ? null : html`${label(statusLabels[change.fromStatus], language)} → `}${label(statusLabels[change.toStatus], language)}</li>`)}</ul>`
}
</section>
<section aria-labelledby="report"><h2 id="report">${w.reportProblem}</h2>
<p>${w.reportProblemText} <a href="${prefix}/facilities/${encodeURIComponent(facility.slug)}/suggest">${w.reportProblemLink}</a></p>
</section>`
}
