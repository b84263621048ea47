// Key administration (admins): create a key (shown once, with a copy button that an external
// script enables), the keys with their last use, revoke.
import { categories } from '../../domain/categories.js'
import type { ApiClient } from '../../clients/keys.js'
import { html, type Html } from '../../web/html.js'
import { categoryLabel, consoleWords, shanghaiTime, type Language } from '../i18n.js'
import { checkboxes, csrfField, errorSummary, type FormState, notice, selectField, textField } from '../layout.js'
import { staffPath } from '../session.js'

export function keysPage(
  language: Language,
  data: {
    csrfToken: string
    clients: ApiClient[]
    form: FormState
    areas: { id: string; nameZh: string; nameEn: string }[]
    created?: { name: string; key: string }
    message?: string
  },
): Html {
  const w = consoleWords[language]
  const labels = { name: w.keyName, role: w.role, areas: w.areasScope, categories: w.categoriesScope }
  return html`<h1>${w.keysTitle}</h1>
${data.message === undefined ? null : notice(data.message)}
${
  data.created === undefined
    ? null
    : html`<div class="banner" role="status"><p>${w.keyCreated}</p>
<p><strong>${data.created.name}</strong></p>
<p class="key-box" id="new-key">${data.created.key}</p>
<button type="button" data-copy="new-key" data-done="${w.copied}" hidden>${w.copy}</button> <span id="new-key-status" role="status"></span></div>`
}
<p>${w.keysIntro}</p>
<section aria-labelledby="new"><h2 id="new">${w.newKey}</h2>
${errorSummary(data.form, language, labels)}
<form method="post" action="${staffPath}/keys" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
${textField('name', w.keyName, data.form, { required: true })}
${selectField('role', w.role, data.form, [
  { value: 'editor', text: w.roles.editor ?? 'editor' },
  { value: 'reader', text: w.roles.reader ?? 'reader' },
  { value: 'admin', text: w.roles.admin ?? 'admin' },
])}
${checkboxes(
  'areas',
  w.areasScope,
  data.form,
  data.areas.map((a) => ({ value: a.id, text: language === 'en' ? a.nameEn : a.nameZh })),
)}
${checkboxes(
  'categories',
  w.categoriesScope,
  data.form,
  categories.map((c) => ({ value: c, text: categoryLabel(c, language) })),
)}
<button type="submit">${w.create}</button>
</form></section>
<section aria-labelledby="list"><h2 id="list">${w.keysTitle}</h2>
<div class="table-scroll"><table>
<caption class="hint">${w.keysTitle}</caption>
<thead><tr><th scope="col">${w.keyName}</th><th scope="col">${w.role}</th><th scope="col">${w.prefix}</th><th scope="col">${w.keyScope}</th><th scope="col">${w.created}</th><th scope="col">${w.lastUsed}</th><th scope="col">${w.actions}</th></tr></thead>
<tbody>
${data.clients.map(
  (
    client,
  ) => html`<tr><th scope="row">${client.name}</th><td>${w.roles[client.role] ?? client.role}</td><td><code>${client.keyPrefix}</code></td>
<td>${client.areaIds.length === 0 ? w.allAreas : client.areaIds.join(', ')} · ${client.categories.length === 0 ? w.allCategories : client.categories.map((c) => categoryLabel(c, language)).join(', ')}</td>
<td>${shanghaiTime(client.createdAt)}</td><td>${client.lastUsedAt === null ? w.never : shanghaiTime(client.lastUsedAt)}</td>
<td>${
    client.revokedAt !== null
      ? html`${w.revoked} ${shanghaiTime(client.revokedAt)}`
      : html`<form method="post" action="${staffPath}/keys/${client.id}/revoke" class="inline-form">${csrfField({ csrfToken: data.csrfToken })}<button type="submit" class="secondary" aria-label="${w.revoke}: ${client.name}">${w.revoke}</button></form>`
  }</td></tr>`,
)}
</tbody></table></div></section>`
}
