// An area (street or community): what is in it, and the areas within it.
import type { FacilityListItem } from '../../facilities/schemas.js'
import type { Area } from '../directory.js'
import { breadcrumbs, facilityCard } from '../components.js'
import { html, type Html } from '../html.js'
import { label, prefixOf, words, type Language } from '../i18n.js'

/** What a source says about the area itself, as seed/areas.yaml and the API's /v1/areas carry it. */
interface AreaFact {
  text: { zh: string; en: string }
  source: string
  quote: string
}

/**
 * What the sources say about the area (an award, a first), each with the sentence it comes from;
 * in English the statement is a translation of the Chinese sentence, and says so.
 */
function factsSection(area: Area, sources: Map<string, { title: string; publishedOn: string | null }>, language: Language): Html | null {
  const facts = Array.isArray(area.facts) ? (area.facts as unknown as AreaFact[]) : []
  if (facts.length === 0) return null
  const w = words[language]
  return html`<section aria-labelledby="area-facts"><h2 id="area-facts">${w.areaFacts}</h2>
<ul class="provenance">${facts.map((fact) => {
    const source = sources.get(fact.source)
    return html`<li><p>${label(fact.text, language)}${language === 'en' ? html` <span class="prov-mark b-translation">translation</span>` : null}</p>
<figure><blockquote lang="zh-Hans">${fact.quote}</blockquote>
<figcaption>— <span class="basis b-source">${w.fromArticle}</span>${language === 'en' ? ': ' : '：'}<cite lang="zh-Hans">${source?.title ?? fact.source}</cite>${source?.publishedOn == null ? null : html`, ${source.publishedOn}`}</figcaption></figure></li>`
  })}</ul></section>`
}

export function areaPage(
  language: Language,
  data: {
    area: Area
    areas: Area[]
    items: FacilityListItem[]
    more: boolean
    sources: Map<string, { title: string; publishedOn: string | null }>
  },
): Html {
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
${factsSection(data.area, data.sources, language)}
<p class="count">${w.areaFacilities(data.items.length)}${data.more ? '+' : ''}</p>
${children.length === 0 ? null : html`<h2>${w.subAreas}</h2><ul>${children.map((a) => html`<li><a href="${prefix}/areas/${a.id}">${name(a)}</a></li>`)}</ul>`}
<ul class="results">${data.items.map((item) => facilityCard(item, language))}</ul>
${data.more ? html`<p><a href="${prefix}/search?area=${data.area.id}">${w.search}</a></p>` : null}`
}
