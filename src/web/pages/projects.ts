// Projects grouped by stage, each with its planned, expected and actual dates and whether it is late.
import { statusLabels } from '../../domain/lifecycle.js'
import type { FacilityListItem } from '../../facilities/schemas.js'
import type { FacilityStatus } from '../../generated/prisma/enums.js'
import { facilityHref, statusBadge } from '../components.js'
import { html, type Html } from '../html.js'
import { dateInWords, label, words, type Language } from '../i18n.js'

const stages: FacilityStatus[] = ['planned', 'in_preparation', 'under_construction', 'suspended', 'completed', 'in_service', 'cancelled']

function datesOf(item: FacilityListItem, language: Language): Html {
  const w = words[language]
  const rows = (['constructionStart', 'completion', 'opening'] as const).flatMap((key) => {
    const m = item.dates[key]
    if (m === undefined) return []
    const planned = m.planned === undefined ? '—' : dateInWords(m.planned, language)
    const latest = m.actual ?? m.expected
    const latestText = latest === undefined ? '—' : `${m.actual === undefined ? w.expected : w.actual} ${dateInWords(latest, language)}`
    return [
      html`<li>${w.milestones[key]}：${w.planned} ${planned}；${latestText}${m.delayed === true ? html` <span class="delayed">${w.delayed}</span>` : null}</li>`,
    ]
  })
  return rows.length === 0 ? html`` : html`<ul class="meta">${rows}</ul>`
}

export function projectsPage(language: Language, projects: FacilityListItem[]): Html {
  const w = words[language]
  return html`<h1>${w.projects}</h1>
<p class="lead">${w.projectsIntro}</p>
<nav aria-labelledby="stages"><h2 id="stages">${w.stages}</h2><ul>
${stages.map((stage) => {
  const count = projects.filter((p) => p.status === stage).length
  return count === 0 ? null : html`<li><a href="#${stage}">${label(statusLabels[stage], language)}（${count}）</a></li>`
})}
</ul></nav>
${stages.map((stage) => {
  const inStage = projects.filter((p) => p.status === stage)
  if (inStage.length === 0) return null
  return html`<section aria-labelledby="${stage}"><h2 id="${stage}">${label(statusLabels[stage], language)}</h2>
<ul class="results">${inStage.map(
    (item) => html`<li class="card"><h3><a href="${facilityHref(item.slug, language)}">${item.name}</a></h3>
<ul class="meta"><li>${item.categoryLabel}</li><li>${statusBadge(item)}</li><li>${item.area.name}</li></ul>
${datesOf(item, language)}</li>`,
  )}</ul></section>`
})}`
}
