// Status changes: now, or at a date and time in Shenzhen, with a reason; the scheduled ones
// listed, each with a form to cancel it; the lifecycle explained, and named in the message when a
// transition is refused.
import { kindOfCategory } from '../../domain/categories.js'
import { nextStatuses, statusesOfKind } from '../../domain/lifecycle.js'
import type { Facility } from '../../facilities/schemas.js'
import type { StatusChange } from '../../web/directory.js'
import { html, type Html } from '../../web/html.js'
import { consoleWords, shanghaiTime, statusLabel, type Language } from '../i18n.js'
import { csrfField, errorSummary, type FormState, notice, selectField, textField } from '../layout.js'
import { staffPath } from '../session.js'
import { facilityNav } from './edit.js'

export interface StatusData {
  facility: Facility
  changes: StatusChange[]
  form: FormState
  cancelForm?: { changeId: number; form: FormState }
  csrfToken: string
  message?: string
}

export function statusPage(language: Language, data: StatusData): Html {
  const w = consoleWords[language]
  const { facility } = data
  const kind = kindOfCategory[facility.category]
  const next = nextStatuses(facility.category, facility.status)
  const scheduled = data.changes.filter((c) => c.appliedAt === null)
  const past = data.changes.filter((c) => c.appliedAt !== null).slice(0, 20)
  const labels = { status: w.newStatus, date: w.date, time: w.time, reason: w.reasonRequired, when: w.when }
  const when = data.form.values.when === 'later' ? 'later' : 'now'
  return html`${facilityNav(facility.id, language, 'status')}
<h1>${w.statusTitle(facility.name)}</h1>
${data.message === undefined ? null : notice(data.message)}
${errorSummary(data.form, language, labels)}
<p>${w.currentStatus}: <strong>${statusLabel(facility.status, language)}</strong></p>
<p>${next.length === 0 ? w.nothingNext : w.allowedNext(next.map((s) => statusLabel(s, language)).join(language === 'en' ? ', ' : '、'))}</p>
<details><summary>${w.lifecycleRule}</summary><p>${kind === 'service' ? w.lifecycleService : w.lifecycleProject}</p></details>
<form method="post" action="${staffPath}/facilities/${facility.id}/status" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
<input type="hidden" name="version" value="${facility.version}">
${selectField(
  'status',
  w.newStatus,
  data.form,
  statusesOfKind[kind].filter((s) => s !== facility.status).map((s) => ({ value: s, text: statusLabel(s, language) })),
  { blank: '—' },
)}
<fieldset class="field${data.form.errors.when === undefined ? '' : ' field-error'}" id="f-when"><legend>${w.when}</legend>
${data.form.errors.when === undefined ? null : html`<p class="error-message">${data.form.errors.when}</p>`}
<div class="check"><input type="radio" id="when-now" name="when" value="now"${when === 'now' ? html` checked` : null}><label for="when-now">${w.now}</label></div>
<div class="check"><input type="radio" id="when-later" name="when" value="later"${when === 'later' ? html` checked` : null}><label for="when-later">${w.later}</label></div>
</fieldset>
<div class="grid two">
${textField('date', w.date, data.form, { type: 'date', className: 'short', hint: 'YYYY-MM-DD' })}
${textField('time', w.time, data.form, { type: 'time', className: 'short', hint: 'HH:MM' })}
</div>
${textField('reason', w.reasonRequired, data.form, { required: true })}
<button type="submit">${w.apply}</button>
</form>
<section aria-labelledby="scheduled"><h2 id="scheduled">${w.scheduledList}</h2>
${
  scheduled.length === 0
    ? html`<p>${w.noScheduled}</p>`
    : html`<ul>${scheduled.map((change) => {
        const form = data.cancelForm?.changeId === change.id ? data.cancelForm.form : { values: {}, errors: {} }
        return html`<li><p>→ <strong>${statusLabel(change.toStatus, language)}</strong>, ${change.effectiveAt === null ? '' : shanghaiTime(change.effectiveAt)}: ${change.reason}</p>
<form method="post" action="${staffPath}/facilities/${facility.id}/status/${change.id}/cancel" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
${textField(`cancelReason-${change.id}`, w.cancelReason, form, { required: true })}
<button type="submit" class="secondary">${w.cancel}</button>
</form></li>`
      })}</ul>`
}
</section>
<section aria-labelledby="past"><h2 id="past">${w.statusHistory}</h2>
${
  past.length === 0
    ? html`<p>${w.nothing}</p>`
    : html`<ul>${past.map(
        (change) =>
          html`<li>${change.effectiveAt !== null ? `${shanghaiTime(change.effectiveAt)}: ` : change.effectiveEdtf !== null ? `${change.effectiveEdtf}: ` : null}${change.fromStatus === null ? null : html`${statusLabel(change.fromStatus, language)} → `}${statusLabel(change.toStatus, language)} · ${change.discardedReason === null ? w.stateLabels.applied : `${w.stateLabels.discarded}: ${change.discardedReason}`} · ${change.reason}</li>`,
      )}</ul>`
}
</section>`
}
