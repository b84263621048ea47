// /staff once signed in: "My facilities" — the facilities within the key's scope, with search and
// filters — and "Needs attention": scheduled status changes due soon, suggestions waiting,
// facilities not verified for a long time, projects past their planned date.
import { categories } from '../../domain/categories.js'
import type { FacilityStatus } from '../../generated/prisma/enums.js'
import { FacilityStatus as Statuses } from '../../generated/prisma/enums.js'
import type { StaffFacility } from '../../facilities/staff-view.js'
import { html, type Html } from '../../web/html.js'
import { categoryLabel, consoleWords, shanghaiTime, statusLabel, type Language } from '../i18n.js'
import { type FormState, notice, selectField, textField } from '../layout.js'
import { staffPath } from '../session.js'

export interface HomeData {
  client: { name: string; role: string; areaIds: string[]; categories: string[] }
  filters: FormState
  facilities: StaffFacility[]
  more: boolean
  areas: { id: string; nameZh: string; nameEn: string }[]
  attention: {
    scheduled: { id: number; toStatus: FacilityStatus; effectiveAt: Date | null; reason: string; facility: StaffFacility }[]
    unverified: StaffFacility[]
    unverifiedCount: number
    late: (StaffFacility & { dates: { milestone: string; edtf: string }[] })[]
  }
  suggestions: { id: string; facility: { id: string; name: string }; message: string | null; count: number; submittedAt: string }[]
  message?: string
}

export const facilityName = (f: Pick<StaffFacility, 'nameZh' | 'nameEn'>, language: Language) =>
  language === 'en' && f.nameEn !== null ? f.nameEn : f.nameZh

const link = (f: StaffFacility, language: Language) => html`<a href="${staffPath}/facilities/${f.id}">${facilityName(f, language)}</a>`

export function homePage(language: Language, data: HomeData): Html {
  const w = consoleWords[language]
  const { client, attention } = data
  const areaName = (id: string) => {
    const area = data.areas.find((a) => a.id === id)
    return area === undefined ? id : language === 'en' ? area.nameEn : area.nameZh
  }
  const scope = `${client.areaIds.length === 0 ? w.allAreas : client.areaIds.map(areaName).join('、')} · ${
    client.categories.length === 0 ? w.allCategories : client.categories.map((c) => categoryLabel(c as never, language)).join('、')
  }`
  const list = <T>(items: T[], item: (value: T) => Html) =>
    items.length === 0 ? html`<p>${w.nothing}</p>` : html`<ul>${items.map((value) => html`<li>${item(value)}</li>`)}</ul>`
  return html`<h1>${w.myFacilities}</h1>
${data.message === undefined ? null : notice(data.message)}
<p>${w.scope}: ${scope}</p>
<section aria-labelledby="attention"><h2 id="attention">${w.needsAttention}</h2>
<div class="attention">
<div><h3>${w.scheduledSoon}</h3>
${list(
  attention.scheduled,
  (change) =>
    html`${link(change.facility, language)}: → ${statusLabel(change.toStatus, language)}, ${change.effectiveAt === null ? '' : shanghaiTime(change.effectiveAt)} (<a href="${staffPath}/facilities/${change.facility.id}/status">${w.changeStatus}</a>)`,
)}</div>
<div><h3>${w.suggestionsWaiting}</h3>
${list(
  data.suggestions,
  (s) =>
    html`<a href="${staffPath}/suggestions/${s.id}">${s.facility.name}</a>: ${s.message ?? ''} (${w.times(s.count)}, ${shanghaiTime(s.submittedAt)})`,
)}</div>
<div><h3>${w.notVerified}</h3>
${attention.unverifiedCount > attention.unverified.length ? html`<p>${w.more(attention.unverifiedCount)}</p>` : null}
${list(attention.unverified.slice(0, 10), (f) => html`${link(f, language)} (${f.verifiedAt === null ? w.never : shanghaiTime(f.verifiedAt)})`)}
${attention.unverified.length > 10 ? html`<p>…</p>` : null}</div>
<div><h3>${w.lateProjects}</h3>
${list(
  attention.late,
  (f) =>
    html`${link(f, language)}: ${statusLabel(f.status, language)}; ${f.dates.map((d) => `${w.milestones[d.milestone] ?? d.milestone} ${w.bases.planned} ${d.edtf}`).join(', ')}`,
)}</div>
</div></section>
<section aria-labelledby="list"><h2 id="list">${w.myFacilities}</h2>
<form method="get" action="${staffPath}" class="panel">
${textField('q', w.searchLabel, data.filters, { type: 'search' })}
${selectField(
  'category',
  w.category,
  data.filters,
  categories
    .filter((c) => client.categories.length === 0 || client.categories.includes(c))
    .map((c) => ({ value: c, text: categoryLabel(c, language) })),
  { blank: w.any },
)}
${selectField(
  'status',
  w.status,
  data.filters,
  Object.values(Statuses).map((s) => ({ value: s, text: statusLabel(s, language) })),
  { blank: w.any },
)}
${selectField(
  'area',
  w.area,
  data.filters,
  data.areas.map((a) => ({ value: a.id, text: language === 'en' ? a.nameEn : a.nameZh })),
  { blank: w.any },
)}
<button type="submit">${w.filter}</button>
</form>
<p role="status">${data.facilities.length === 0 ? w.noneFound : w.found(data.facilities.length, data.more)}</p>
${
  data.facilities.length === 0
    ? null
    : html`<div class="table-scroll"><table>
<caption class="hint">${w.myFacilities}</caption>
<thead><tr><th scope="col">${w.name}</th><th scope="col">${w.category}</th><th scope="col">${w.status}</th><th scope="col">${w.area}</th><th scope="col">${w.verified}</th><th scope="col">${w.actions}</th></tr></thead>
<tbody>
${data.facilities.map(
  (
    f,
  ) => html`<tr><th scope="row">${link(f, language)}</th><td>${categoryLabel(f.category, language)}</td><td>${statusLabel(f.status, language)}</td><td>${areaName(f.areaId)}</td><td>${f.verifiedAt === null ? w.never : shanghaiTime(f.verifiedAt)}</td>
<td><a href="${staffPath}/facilities/${f.id}/status">${w.changeStatus}</a> · <a href="${staffPath}/facilities/${f.id}/history">${w.history}</a></td></tr>`,
)}
</tbody></table></div>`
}
</section>`
}
