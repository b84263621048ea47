// An area (street or community): what is in it, and the areas within it.
import type { FacilitySummary } from '../../facilities/schemas.js'
import type { Area } from '../directory.js'
import { breadcrumbs, facilityCard } from '../components.js'
import { html, type Html } from '../html.js'
import { label, prefixOf, words, type Language } from '../i18n.js'

export function areaPage(language: Language, data: { area: Area; areas: Area[]; items: FacilitySummary[]; more: boolean }): Html {
  const w = words[language]
  const prefix = prefixOf(language)
  const name = (area: Area) => label({ zh: area.nameZh, en: area.nameEn }, language)
  const lineage: Area[] = []
  for (let a: Area | undefined = data.area; a !== undefined; a = data.areas.find((p) => p.id === a?.parentId)) lineage.unshift(a)
  const children = data.areas.filter((a) => a.parentId === data.area.id)
  return html`${breadcrumbs(
    [
      { href: `${prefix}/`, text: w.siteShort },
      ...lineage.map((a) => (a === data.area ? { text: name(a) } : { href: `${prefix}/areas/${a.id}`, text: name(a) })),
    ],
    language,
  )}
<h1>${name(data.area)}</h1>
<p class="count">${w.areaFacilities(data.items.length)}${data.more ? '+' : ''}</p>
${children.length === 0 ? null : html`<h2>${w.subAreas}</h2><ul>${children.map((a) => html`<li><a href="${prefix}/areas/${a.id}">${name(a)}</a></li>`)}</ul>`}
<ul class="results">${data.items.map((item) => facilityCard(item, language))}</ul>
${data.more ? html`<p><a href="${prefix}/search?area=${data.area.id}">${w.search}</a></p>` : null}`
}
