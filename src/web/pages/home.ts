// The home page: one search box, categories, "open now", "near me" and the projects that changed last.
import type { Area } from '../directory.js'
import type { FacilityListItem } from '../../facilities/schemas.js'
import { categoryLabels } from '../../domain/categories.js'
import { facilityCard } from '../components.js'
import { serviceCategories } from '../directory.js'
import { html, type Html } from '../html.js'
import { label, prefixOf, words, type Language } from '../i18n.js'

export function searchBox(language: Language, q = '', id = 'q'): Html {
  const w = words[language]
  return html`<form class="search" action="${prefixOf(language)}/search" method="get" role="search">
<label for="${id}">${w.searchLabel}</label>
<p class="hint" id="${id}-hint">${w.searchHint}</p>
<div class="searchbar"><input type="search" id="${id}" name="q" value="${q}" maxlength="100" aria-describedby="${id}-hint" autocomplete="off">
<button type="submit">${w.search}</button></div>
</form>`
}

/** Communities and streets, by name in the language: what "near" a typed place can find. */
export function placeNames(areas: Area[], language: Language): string[] {
  return areas
    .filter((area) => area.level === 'street' || area.level === 'community')
    .map((area) => label({ zh: area.nameZh, en: area.nameEn }, language))
}

/**
 * The typed-in place of "near me": a plain text field of a GET form (works without JavaScript),
 * with the known communities and streets offered as suggestions where the browser can.
 */
export function placeField(language: Language, areas: Area[], id: string, value = ''): Html {
  const w = words[language]
  const names = placeNames(areas, language)
  return html`<label for="${id}">${w.chooseArea}</label>
<p class="hint" id="${id}-hint">${w.placeHint(names.slice(0, 3).join(language === 'en' ? ', ' : '、'))}</p>
<input type="text" id="${id}" name="place" value="${value}" maxlength="100" list="${id}-list" aria-describedby="${id}-hint" autocomplete="off">
<datalist id="${id}-list">${names.map((name) => html`<option value="${name}"></option>`)}</datalist>`
}

/** Communities and streets to search in (the area filter). */
export function areaOptions(areas: Area[], language: Language, selected?: string): Html[] {
  return areas
    .filter((area) => area.level === 'street' || area.level === 'community')
    .map(
      (area) =>
        html`<option value="${area.id}"${area.id === selected ? html` selected` : null}>${label({ zh: area.nameZh, en: area.nameEn }, language)}</option>`,
    )
}

export function nearMe(language: Language, areas: Area[]): Html {
  const w = words[language]
  const prefix = prefixOf(language)
  return html`<p>${w.nearMeIntro}</p>
<p><button type="button" class="secondary" hidden data-near-me aria-controls="near-status" data-action="${prefix}/search" data-locating="${w.locating}" data-failed="${w.locationFailed}">${w.useMyLocation}</button></p>
<p id="near-status" role="status" aria-live="polite"></p>
<form action="${prefix}/search" method="get">
<div class="field">${placeField(language, areas, 'near-place')}
<button type="submit">${w.show}</button></div>
</form>`
}

export function homePage(language: Language, data: { areas: Area[]; recentProjects: FacilityListItem[] }): Html {
  const w = words[language]
  const prefix = prefixOf(language)
  return html`<h1>${w.siteName}</h1>
<p class="lead">${w.tagline}</p>
${searchBox(language)}
<div class="grid two">
<section aria-labelledby="browse"><h2 id="browse">${w.browse}</h2>
<ul class="cats">
${serviceCategories.map((category) => html`<li><a href="${prefix}/search?category=${category}">${label(categoryLabels[category], language)}</a></li>`)}
<li><a href="${prefix}/projects">${language === 'en' ? 'Roads, rail and other projects' : '道路与轨道交通等项目'}</a></li>
</ul>
<h2 id="open-now">${w.openNow}</h2>
<p><a href="${prefix}/search?openNow=true">${w.openNowLink}</a></p>
</section>
<section aria-labelledby="near"><h2 id="near">${w.nearMe}</h2>
${nearMe(language, data.areas)}
</section>
</div>
<section aria-labelledby="recent"><h2 id="recent">${w.recentProjects}</h2>
<ul class="results">${data.recentProjects.map((item) => facilityCard(item, language))}</ul>
<p><a href="${prefix}/projects">${w.allProjects}</a></p>
</section>`
}
