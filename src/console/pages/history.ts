// A facility's history: every write, newest first — who, when, what changed (old → new), why.
import type { LoggedChange } from '../../facilities/change-log.js'
import type { Facility } from '../../facilities/schemas.js'
import { html, type Html } from '../../web/html.js'
import { consoleWords, shanghaiTime, type Language } from '../i18n.js'
import { staffPath } from '../session.js'
import { facilityNav } from './edit.js'

const valueText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value))

export function historyPage(language: Language, data: { facility: Facility; changes: LoggedChange[]; next: string | null }): Html {
  const w = consoleWords[language]
  const { facility } = data
  return html`${facilityNav(facility.id, language, 'history')}
<h1>${w.historyTitle(facility.name)}</h1>
<p>${w.historyIntro}</p>
<div class="table-scroll"><table class="history">
<caption class="hint">${w.historyIntro}</caption>
<thead><tr><th scope="col">${w.whenCol}</th><th scope="col">${w.who}</th><th scope="col">${w.what}</th><th scope="col">${w.why}</th></tr></thead>
<tbody>
${data.changes.map(
  (
    change,
  ) => html`<tr><th scope="row">${shanghaiTime(change.at)}<br><span class="hint">${w.actionLabels[change.action] ?? change.action} · ${w.version(change.version)}</span></th>
<td>${change.client?.name ?? change.actor ?? '—'}</td>
<td>${
    change.fields.length === 0
      ? '—'
      : html`<dl>${change.fields
          .filter((f) => f.field !== 'provenance')
          .map(
            (f) =>
              html`<dt>${f.field}</dt><dd><span class="old">${f.oldValue === null ? w.empty : valueText(f.oldValue)}</span> → <span class="new">${f.newValue === null ? w.removed : valueText(f.newValue)}</span></dd>`,
          )}</dl>`
  }</td>
<td>${change.reason ?? w.noReason}</td></tr>`,
)}
</tbody></table></div>
${data.next === null ? null : html`<p><a href="${staffPath}/facilities/${facility.id}/history?before=${data.next}">${w.olderHistory}</a></p>`}`
}
