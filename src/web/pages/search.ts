// The results page: the API's filters as a plain GET form, the result cards, the count, paging
// with the API's cursors, and help when nothing is found.
import { Type, type Static } from 'typebox'
import { categoryLabels } from '../../domain/categories.js'
import { statusLabels } from '../../domain/lifecycle.js'
import { filterParameters, maxQueryLength } from '../../facilities/search/params.js'
import type { SearchQuery } from '../../facilities/search/params.js'
import { AccessibilityFeature, FacilityCategory, FacilityStatus } from '../../generated/prisma/enums.js'
import type { Area } from '../directory.js'
import { facilityCard } from '../components.js'
import { mapFigure, type MapOrigin, type MapTiles } from '../map.js'
import type { FacilityListItem } from '../../facilities/schemas.js'
import type { Results } from '../directory.js'
import { html, type Html } from '../html.js'
import { accessibilityLabels, label, prefixOf, words, type Language } from '../i18n.js'
import { areaOptions, placeField, placeNames } from './home.js'
import type { Place } from '../../areas/directory.js'

/** The page's query: the API's parameter names, with the age in years as people say it. */
export const ResultsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: maxQueryLength })),
    category: Type.Optional(Type.Array(Type.Enum(FacilityCategory))),
    status: Type.Optional(Type.Array(Type.Enum(FacilityStatus))),
    area: filterParameters.area,
    openNow: filterParameters.openNow,
    hasCapacity: filterParameters.hasCapacity,
    age: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
    accessibility: Type.Optional(Type.Array(Type.Enum(AccessibilityFeature))),
    near: filterParameters.near,
    /** A community or street typed in ("near me" without a position): results near its approximate centre. */
    place: Type.Optional(Type.String({ maxLength: 100 })),
    radius: filterParameters.radius,
    sort: Type.Optional(Type.Enum(['relevance', 'distance', 'name', 'openingDate', 'updatedAt'])),
    cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
)
export type ResultsQuery = Static<typeof ResultsQuery>

export const pageSize = 20

/** A typed place and what it was found to be (null: no such community or street). */
export interface PlaceAnswer {
  text: string
  found: Place | null
}

/**
 * The query with a typed place turned into a point to measure from (its approximate centre),
 * nearest first unless another order was asked; a position from the browser wins over it.
 */
export function withPlace(query: ResultsQuery, place: PlaceAnswer | null): ResultsQuery {
  if (place?.found == null || query.near !== undefined) return query
  const { lat, lng } = place.found.centre
  return { ...query, near: `${lat},${lng}`, sort: query.sort ?? 'distance' }
}

/** The API search for the page's query; a sort the query cannot have falls back to the default. */
export function apiQuery(query: ResultsQuery): Omit<SearchQuery, 'view'> {
  const q = query.q?.trim() === '' ? undefined : query.q
  let sort = query.sort
  if ((sort === 'relevance' && q === undefined) || (sort === 'distance' && query.near === undefined)) sort = undefined
  return {
    q,
    category: query.category,
    status: query.status,
    area: query.area,
    openNow: query.openNow,
    hasCapacity: query.hasCapacity,
    age: query.age,
    accessibility: query.accessibility,
    near: query.near,
    radius: query.near === undefined ? undefined : query.radius,
    crs: 'wgs84',
    sort,
    limit: pageSize,
    cursor: query.cursor,
  }
}

/** The query string of a page's query (what the form sends), without empty values. */
export function queryString(query: ResultsQuery, change: Partial<Record<keyof ResultsQuery, string | undefined>> = {}): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries({ ...query, ...change })) {
    if (value === undefined || value === '') continue
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item))
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

const selected = (on: boolean) => (on ? html` selected` : null)
const checked = (on: boolean | undefined) => (on === true ? html` checked` : null)

function filtersForm(query: ResultsQuery, language: Language, areas: Area[]): Html {
  const byPlace = query.place !== undefined && query.near === undefined
  const w = words[language]
  const category = query.category?.[0]
  const status = query.status?.[0]
  const sorts: [NonNullable<ResultsQuery['sort']>, string][] = [
    ...(query.q === undefined ? [] : [['relevance', w.sortRelevance] as [NonNullable<ResultsQuery['sort']>, string]]),
    ...(query.near === undefined && !byPlace ? [] : [['distance', w.sortDistance] as [NonNullable<ResultsQuery['sort']>, string]]),
    ['name', w.sortName],
    ['openingDate', w.sortOpening],
    ['updatedAt', w.sortUpdated],
  ]
  return html`<form action="${prefixOf(language)}/search" method="get" class="panel" aria-labelledby="filters-heading">
<h2 id="filters-heading">${w.filters}</h2>
<div class="field"><label for="f-q">${w.searchLabel}</label>
<input type="search" id="f-q" name="q" value="${query.q ?? ''}" maxlength="100"></div>
<div class="field"><label for="f-category">${w.category}</label><br>
<select id="f-category" name="category"><option value="">${w.any}</option>
${Object.values(FacilityCategory).map((c) => html`<option value="${c}"${selected(c === category)}>${label(categoryLabels[c], language)}</option>`)}
</select></div>
<div class="field"><label for="f-status">${w.status}</label><br>
<select id="f-status" name="status"><option value="">${w.any}</option>
${Object.values(FacilityStatus).map((s) => html`<option value="${s}"${selected(s === status)}>${label(statusLabels[s], language)}</option>`)}
</select></div>
<div class="field"><label for="f-area">${w.area}</label><br>
<select id="f-area" name="area"><option value="">${w.any}</option>${areaOptions(areas, language, query.area)}</select></div>
<div class="field">
<label class="check"><input type="checkbox" name="openNow" value="true"${checked(query.openNow)}> ${w.openNow}</label>
<label class="check"><input type="checkbox" name="hasCapacity" value="true"${checked(query.hasCapacity)}> ${w.hasCapacity}</label>
</div>
<div class="field"><label for="f-age">${w.age}</label>
<p class="hint" id="f-age-hint">${w.ageHint}</p>
<input type="number" id="f-age" name="age" min="0" max="120" inputmode="numeric" value="${query.age ?? ''}" aria-describedby="f-age-hint" size="4"></div>
<fieldset><legend>${w.accessibility}</legend>
${Object.values(AccessibilityFeature).map(
  (feature) =>
    html`<label class="check"><input type="checkbox" name="accessibility" value="${feature}"${checked(query.accessibility?.includes(feature))}> ${label(accessibilityLabels[feature], language)}</label>`,
)}
</fieldset>
${query.near === undefined ? html`<div class="field">${placeField(language, areas, 'f-place', query.place)}</div>` : html`<input type="hidden" name="near" value="${query.near}">`}
${query.radius === undefined ? null : html`<input type="hidden" name="radius" value="${query.radius}">`}
<div class="field"><label for="f-sort">${w.sort}</label><br>
<select id="f-sort" name="sort">${sorts.map(([value, text]) => html`<option value="${value}"${selected(value === (query.sort ?? (byPlace ? 'distance' : undefined)))}>${text}</option>`)}</select></div>
<button type="submit">${w.apply}</button>
<p><a href="${prefixOf(language)}/search">${w.clear}</a></p>
</form>`
}

function resultList(
  results: Results,
  query: ResultsQuery,
  language: Language,
  mapTiles: MapTiles | undefined,
  roughDistances: boolean,
): Html {
  const w = words[language]
  const card = (item: FacilityListItem) => facilityCard(item, language, mapTiles, roughDistances)
  if (query.near === undefined) return html`<ul class="results">${results.items.map(card)}</ul>`
  // Near a point, only exact locations are ranked by distance; approximate ones are listed apart.
  const exact = results.items.filter((item) => item.location?.precision === 'exact')
  const approximate = results.items.filter((item) => item.location?.precision !== 'exact')
  return html`${exact.length === 0 ? null : html`<ul class="results">${exact.map(card)}</ul>`}
${approximate.length === 0 ? null : html`<h3>${w.approximateGroup}</h3><ul class="results">${approximate.map(card)}</ul>`}`
}

/** Where the list's distances are from, for the map: the browser's position, or a typed place's centre. */
function originOf(query: ResultsQuery, place: PlaceAnswer | null, language: Language): MapOrigin | undefined {
  const w = words[language]
  if (query.near !== undefined) {
    const [lat = Number.NaN, lng = Number.NaN] = query.near.split(',').map(Number)
    return Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng, label: w.yourPosition } : undefined
  }
  if (place?.found == null) return undefined
  const { area, centreOf, centre } = place.found
  const name = (a: Area) => label({ zh: a.nameZh, en: a.nameEn }, language)
  return { ...centre, label: w.placeCentre(name(area), name(centreOf)) }
}

function placeNotice(place: PlaceAnswer | null, query: ResultsQuery, areas: Area[], language: Language): Html | null {
  const w = words[language]
  if (place === null || query.near !== undefined) return null
  const name = (area: Area) => label({ zh: area.nameZh, en: area.nameEn }, language)
  if (place.found === null) {
    return html`<div class="notice"><p>${w.placeNotFound(place.text)}</p><ul>${placeNames(areas, language).map(
      (known) =>
        html`<li><a href="${prefixOf(language)}/search${queryString({ ...query, place: known, cursor: undefined })}">${known}</a></li>`,
    )}</ul></div>`
  }
  const { area, centreOf } = place.found
  return html`<p class="notice">${w.nearPlaceNotice(name(area), centreOf.id === area.id ? null : name(centreOf))}</p>`
}

export function resultsPage(
  language: Language,
  data: { query: ResultsQuery; results: Results; areas: Area[]; mapTiles?: MapTiles; place?: PlaceAnswer | null },
): Html {
  const w = words[language]
  const { query, results } = data
  const place = data.place ?? null
  const prefix = prefixOf(language)
  const nothing = results.items.length === 0
  return html`<h1>${w.results}${query.q === undefined ? null : html`${language === 'en' ? ': ' : '：'}<q>${query.q}</q>`}</h1>
<div class="grid results-layout">
<div>
<p class="count" role="status">${results.totalAtLeast ? w.resultCountAtLeast(results.total) : w.resultCount(results.total)}</p>
${placeNotice(place, query, data.areas, language)}
<p><a href="#filters-heading">${w.filters}</a></p>
${results.fuzzy && !nothing ? html`<p class="notice">${w.fuzzyNote}</p>` : null}
${
  nothing
    ? html`<div class="notice"><p>${w.nothingFound}</p><ul>
<li>${w.nothingHelp[0]}</li><li><a href="${prefix}/search${queryString({ q: query.q })}">${w.nothingHelp[1]}</a></li>
<li><a href="${prefix}/">${w.nothingHelp[2]}</a></li></ul></div>`
    : resultList(results, withPlace(query, place), language, data.mapTiles, place?.found != null && query.near === undefined)
}
<nav class="pager" aria-label="${language === 'en' ? 'Pages' : '分页'}">
${query.cursor === undefined ? null : html`<a href="${prefix}/search${queryString(query, { cursor: undefined })}">${w.firstPage}</a>`}
${results.nextCursor === null ? null : html`<a rel="next" href="${prefix}/search${queryString(query, { cursor: results.nextCursor })}">${w.nextPage}</a>`}
</nav>
</div>
<div>${mapFigure(data.mapTiles, language, results.items, undefined, originOf(query, place, language))}${filtersForm(query, language, data.areas)}</div>
</div>`
}
