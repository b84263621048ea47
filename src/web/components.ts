// Small pieces several pages show: a status badge, the open-now state, an opening date in words,
// a result card, breadcrumbs.
import type { FacilityListItem } from '../facilities/schemas.js'
import { html, type Html } from './html.js'
import { dateInWords, prefixOf, words, type Language } from './i18n.js'
import { placeAttributes, type MapTiles } from './map.js'

export const statusBadge = (item: Pick<FacilityListItem, 'status' | 'statusLabel'>) =>
  html`<span class="badge s-${item.status}">${item.statusLabel}</span>`

export function openState(hours: FacilityListItem['hours'], language: Language): Html {
  const w = words[language].openState
  if (hours === null) return html`<span>${w.unknown}</span>`
  return hours.openNow ? html`<span class="open">${w.open}</span>` : html`<span class="closed">${w.closed}</span>`
}

/** The opening date worth telling: the actual one, else the expected, else the planned; in words. */
export function openingLine(item: Pick<FacilityListItem, 'dates'>, language: Language): string | null {
  const w = words[language]
  const opening = item.dates.opening
  if (opening === undefined) return null
  if (opening.actual !== undefined) return `${w.opened} ${dateInWords(opening.actual, language)}`
  const next = opening.expected ?? opening.planned
  if (next === undefined) return null
  return `${w.opens} ${dateInWords(next, language)}`
}

export const facilityHref = (slug: string, language: Language) => `${prefixOf(language)}/facilities/${encodeURIComponent(slug)}`

/**
 * A result: with `mapTiles`, it carries its place for the map to draw. `approximateOrigin`: the
 * distance was measured from an approximate point (a typed place's centre), so it says so.
 */
export function facilityCard(item: FacilityListItem, language: Language, mapTiles?: MapTiles, approximateOrigin = false): Html {
  const w = words[language]
  const opening = openingLine(item, language)
  const exact = item.location?.precision === 'exact'
  let where: Html | null = null
  if (item.distanceMeters !== undefined) {
    where = !exact
      ? html`<li class="distance">${w.approximate}</li>`
      : html`<li class="distance">${approximateOrigin ? w.distanceRough(item.distanceMeters) : w.distance(item.distanceMeters)}</li>`
  }
  return html`<li class="card"${placeAttributes(item, mapTiles)}>
<h3><a href="${facilityHref(item.slug, language)}">${item.name}</a></h3>
<ul class="meta">
<li>${item.categoryLabel}</li>
<li>${statusBadge(item)}</li>
<li>${item.area.name}</li>
${opening === null ? null : html`<li>${opening}</li>`}
${where}
${item.kind === 'service' ? html`<li>${openState(item.hours, language)}</li>` : null}
</ul>
</li>`
}

export function breadcrumbs(trail: { href?: string; text: string }[], language: Language): Html {
  return html`<nav class="crumbs" aria-label="${language === 'en' ? 'Breadcrumb' : '面包屑导航'}"><ol>
${trail.map((step) => (step.href === undefined ? html`<li aria-current="page">${step.text}</li>` : html`<li><a href="${step.href}">${step.text}</a></li>`))}
</ol></nav>`
}
