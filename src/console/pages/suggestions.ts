// Moderation of residents' suggestions: the list within the editor's scope, and one suggestion
// with its proposal beside the facility's current values, to accept (applied through the ordinary
// audited write) or reject with a reason.
import { html, type Html } from '../../web/html.js'
import { consoleWords, shanghaiTime, type Language } from '../i18n.js'
import { csrfField, errorSummary, type FormState, notice, textField } from '../layout.js'
import { staffPath } from '../session.js'

interface SuggestionRow {
  id: string
  facility: { id: string; name: string }
  state: string
  proposal: Record<string, unknown>
  message: string | null
  contact: string | null
  count: number
  submittedAt: string
  decision: { at: string; reason: string | null; by: { name: string } | null } | null
}

const valueText = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)

export function suggestionsPage(language: Language, data: { items: SuggestionRow[]; state: string; message?: string }): Html {
  const w = consoleWords[language]
  const tabs = ['pending', 'accepted', 'rejected']
  return html`<h1>${w.suggestionsTitle}</h1>
${data.message === undefined ? null : notice(data.message)}
<p>${w.suggestionsIntro}</p>
<nav aria-label="${w.status}"><ul class="checks">${tabs.map((state) =>
    state === data.state
      ? html`<li><a href="${staffPath}/suggestions?state=${state}" aria-current="page">${w.states[state]}</a></li>`
      : html`<li><a href="${staffPath}/suggestions?state=${state}">${w.states[state]}</a></li>`,
  )}</ul></nav>
${
  data.items.length === 0
    ? html`<p>${w.noSuggestions}</p>`
    : html`<div class="table-scroll"><table>
<caption class="hint">${w.suggestionsTitle}</caption>
<thead><tr><th scope="col">${w.facility}</th><th scope="col">${w.proposal}</th><th scope="col">${w.message}</th><th scope="col">${w.submitted}</th><th scope="col">${w.actions}</th></tr></thead>
<tbody>${data.items.map(
        (
          s,
        ) => html`<tr><th scope="row">${s.facility.name}</th><td>${Object.keys(s.proposal).join(', ') || '—'}</td><td>${s.message ?? '—'}</td>
<td>${shanghaiTime(s.submittedAt)} (${w.times(s.count)})</td><td><a href="${staffPath}/suggestions/${s.id}">${w.review}<span class="visually-hidden-field">: ${s.facility.name}</span></a></td></tr>`,
      )}</tbody></table></div>`
}`
}

export function reviewPage(
  language: Language,
  data: {
    suggestion: SuggestionRow & { current: Record<string, unknown>; facilityVersion: number | null }
    csrfToken: string
    acceptForm: FormState
    rejectForm: FormState
    message?: string
  },
): Html {
  const w = consoleWords[language]
  const s = data.suggestion
  const fields = Object.keys(s.proposal)
  return html`<nav class="crumbs" aria-label="${w.suggestions}"><ol><li><a href="${staffPath}/suggestions">${w.suggestionsTitle}</a></li><li aria-current="page">${s.facility.name}</li></ol></nav>
<h1>${w.suggestionTitle}: ${s.facility.name}</h1>
${data.message === undefined ? null : notice(data.message)}
${errorSummary(data.acceptForm, language, { reason: w.reason })}
${errorSummary(data.rejectForm, language, { rejectReason: w.reasonRequired })}
<p>${w.states[s.state] ?? s.state} · ${w.submitted}: ${shanghaiTime(s.submittedAt)} (${w.times(s.count)}) · <a href="${staffPath}/facilities/${s.facility.id}">${w.edit}</a> · <a href="${staffPath}/facilities/${s.facility.id}/history">${w.history}</a></p>
${
  fields.length === 0
    ? null
    : html`<div class="table-scroll"><table class="merge">
<caption class="hint">${w.proposal}</caption>
<thead><tr><th scope="col">${w.field}</th><th scope="col">${w.current}</th><th scope="col">${w.proposal}</th></tr></thead>
<tbody>${fields.map((field) => html`<tr><th scope="row">${field}</th><td><pre>${valueText(s.current[field]) || w.empty}</pre></td><td><pre>${valueText(s.proposal[field])}</pre></td></tr>`)}</tbody>
</table></div>`
}
<dl class="facts"><dt>${w.message}</dt><dd>${s.message ?? '—'}</dd><dt>${w.contact}</dt><dd>${s.contact ?? '—'}</dd></dl>
${
  s.state !== 'pending'
    ? html`<p>${w.decided(w.states[s.state] ?? s.state)}${s.decision?.reason == null ? '' : `: ${s.decision.reason}`}${s.decision?.by == null ? '' : ` (${s.decision.by.name})`}</p>`
    : html`<div class="grid two">
<form method="post" action="${staffPath}/suggestions/${s.id}/decision" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
<input type="hidden" name="decision" value="accept">
<input type="hidden" name="version" value="${s.facilityVersion ?? 0}">
${textField('reason', w.reason, data.acceptForm)}
<button type="submit">${w.accept}</button>
</form>
<form method="post" action="${staffPath}/suggestions/${s.id}/decision" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
<input type="hidden" name="decision" value="reject">
${textField('rejectReason', w.reasonRequired, data.rejectForm, { required: true })}
<button type="submit" class="secondary">${w.reject}</button>
</form></div>`
}`
}
