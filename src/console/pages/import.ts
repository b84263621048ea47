// Import: upload a CSV or NDJSON file; the dry run shown as a table (what would be created,
// updated, left unchanged, and every error with its row and field); then confirm, all or nothing.
// The confirming form carries the very file previewed (and its digest, so nothing else is written).
import { csvColumns, requiredCsvColumns } from '../../facilities/csv.js'
import type { RowResult } from '../../facilities/import.js'
import { html, type Html } from '../../web/html.js'
import { consoleWords, type Language } from '../i18n.js'
import { csrfField, errorSummary, type FormState, notice } from '../layout.js'
import { staffPath } from '../session.js'

export interface ImportReport {
  committed: boolean
  dryRun: boolean
  summary: { rows: number; created: number; updated: number; unchanged: number; rejected: number }
  rows: RowResult[]
}

export function importPage(
  language: Language,
  data: {
    csrfToken: string
    form: FormState
    preview?: { report: ImportReport; file: { name: string; format: string; content: string; digest: string } }
    done?: ImportReport
  },
): Html {
  const w = consoleWords[language]
  const preview = data.preview
  return html`<h1>${w.importTitle}</h1>
${data.done === undefined ? null : data.done.committed ? notice(w.importDone(data.done.summary.rows)) : notice(w.importRejected, 'info')}
${errorSummary(data.form, language, { file: w.file })}
<p>${w.importIntro}</p>
<p class="hint">${w.csvColumns(csvColumns.join(', '), requiredCsvColumns.join(', '))}</p>
<form method="post" action="${staffPath}/import" enctype="multipart/form-data" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
<div class="field${data.form.errors.file === undefined ? '' : ' field-error'}">
<label for="f-file">${w.file}</label>
${data.form.errors.file === undefined ? null : html`<p class="error-message" id="f-file-error">${data.form.errors.file}</p>`}
<input type="file" id="f-file" name="file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson"${data.form.errors.file === undefined ? null : html` aria-describedby="f-file-error" aria-invalid="true"`}>
</div>
<button type="submit">${w.preview}</button>
</form>
${preview === undefined ? null : reportSection(language, preview.report, w.previewTitle)}
${
  preview === undefined || preview.report.summary.rejected > 0 || preview.report.summary.rows === 0
    ? null
    : html`<form method="post" action="${staffPath}/import/confirm" enctype="multipart/form-data">
${csrfField({ csrfToken: data.csrfToken })}
<input type="hidden" name="name" value="${preview.file.name}">
<input type="hidden" name="format" value="${preview.file.format}">
<input type="hidden" name="digest" value="${preview.file.digest}">
<input type="hidden" name="content" value="${preview.file.content}">
<button type="submit">${w.confirmImport}</button>
</form>`
}
${data.done === undefined ? null : reportSection(language, data.done, w.importTitle)}`
}

function reportSection(language: Language, report: ImportReport, title: string): Html {
  const w = consoleWords[language]
  return html`<section aria-labelledby="report"><h2 id="report">${title}</h2>
<p role="status">${w.summary(report.summary)}</p>
<div class="table-scroll"><table>
<caption class="hint">${title}</caption>
<thead><tr><th scope="col">${w.row}</th><th scope="col">externalId</th><th scope="col">${w.outcome}</th><th scope="col">${w.errors}</th></tr></thead>
<tbody>
${report.rows.map(
  (row) => html`<tr><th scope="row">${row.row}</th><td>${row.externalId ?? '—'}</td><td>${w.outcomes[row.outcome] ?? row.outcome}</td>
<td>${row.errors === undefined ? null : html`<ul>${row.errors.map((e) => html`<li><code>${e.field}</code>: ${e.message}</li>`)}</ul>`}</td></tr>`,
)}
</tbody></table></div></section>`
}
