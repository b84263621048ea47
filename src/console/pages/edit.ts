// Editing a facility: every field a person edits, grouped, with the person's values and a message
// next to each wrong field after a refused save; the version the form was read at goes with it
// (If-Match). When someone else saved first, the merge view shows both values field by field.
import { categories } from '../../domain/categories.js'
import type { Facility } from '../../facilities/schemas.js'
import { DateBases, Milestones } from '../../facilities/schemas.js'
import { ElderCareTier } from '../../generated/prisma/enums.js'
import { html, type Html } from '../../web/html.js'
import { accessibilityLabels, capacityUnitLabels, elderCareTierLabels, label } from '../../web/i18n.js'
import { weekTable } from '../../web/pages/facility.js'
import { accessibilityFeatures, capacityUnits } from '../facility-form.js'
import { categoryLabel, consoleWords, statusLabel, type Language } from '../i18n.js'
import { checkboxes, csrfField, errorSummary, type FormState, notice, selectField, textArea, textField } from '../layout.js'
import { staffPath } from '../session.js'

export interface EditData {
  facility: Facility
  form: FormState
  version: number
  reason: string
  areas: { id: string; nameZh: string; nameEn: string }[]
  csrfToken: string
  message?: string
  /** The week the hours preview shows is the one this falls in. */
  now: Date
}

/** The label of each form field, for the error summary and the merge view. */
export function fieldLabels(language: Language): Record<string, string> {
  const w = consoleWords[language]
  const labels: Record<string, string> = { ...w.fields }
  for (const unit of capacityUnits) {
    const unitLabel = label(capacityUnitLabels[unit], language)
    labels[`cap.${unit}.total`] = `${unitLabel}: ${w.fields.total}`
    labels[`cap.${unit}.available`] = `${unitLabel}: ${w.fields.available}`
  }
  for (const milestone of Milestones) {
    for (const basis of DateBases) labels[`date.${milestone}.${basis}`] = `${w.milestones[milestone]}: ${w.bases[basis]}`
  }
  labels.accessibility = language === 'en' ? 'Accessibility' : '无障碍设施'
  return labels
}

export const facilityNav = (id: string, language: Language, here: 'edit' | 'status' | 'history') => {
  const w = consoleWords[language]
  const item = (key: typeof here, href: string, text: string) =>
    key === here ? html`<li><a href="${href}" aria-current="page">${text}</a></li>` : html`<li><a href="${href}">${text}</a></li>`
  return html`<nav class="crumbs" aria-label="${w.facility}"><ol>
<li><a href="${staffPath}">${w.myFacilities}</a></li>
${item('edit', `${staffPath}/facilities/${id}`, w.edit)}
${item('status', `${staffPath}/facilities/${id}/status`, w.changeStatus)}
${item('history', `${staffPath}/facilities/${id}/history`, w.history)}
</ol></nav>`
}

export function editFields(language: Language, form: FormState, areas: EditData['areas']): Html {
  const w = consoleWords[language]
  const f = w.fields
  const s = w.sections
  return html`<fieldset><legend>${s.names}</legend>
${textField('nameZh', f.nameZh, form, { required: true })}
${textField('nameEn', f.nameEn, form)}
${textArea('aliases', f.aliases, form, { rows: 2 })}
${textArea('descriptionZh', f.descriptionZh, form)}
${textArea('descriptionEn', f.descriptionEn, form)}
${selectField(
  'category',
  f.category,
  form,
  categories.map((c) => ({ value: c, text: categoryLabel(c, language) })),
)}
${textField('slug', f.slug, form)}
${textField('externalId', f.externalId, form)}
</fieldset>
<fieldset><legend>${s.place}</legend>
${selectField(
  'area',
  f.area,
  form,
  areas.map((a) => ({ value: a.id, text: language === 'en' ? a.nameEn : a.nameZh })),
)}
${textField('addressZh', f.addressZh, form)}
${textField('addressEn', f.addressEn, form)}
${textField('lat', f.lat, form, { inputmode: 'decimal', className: 'short' })}
${textField('lng', f.lng, form, { inputmode: 'decimal', className: 'short' })}
${selectField('precision', f.precision, form, [
  { value: 'exact', text: w.precisionLabels.exact ?? 'exact' },
  { value: 'approximate', text: w.precisionLabels.approximate ?? 'approximate' },
])}
${textField('locationNote', f.locationNote, form)}
${textField('locationNoteEn', f.locationNoteEn, form)}
</fieldset>
<fieldset><legend>${s.hours}</legend>
${textField('openingHours', f.openingHours, form, { hint: w.hoursHint })}
${textField('phone', f.phone, form, { type: 'tel', className: 'short' })}
${textField('website', f.website, form, { type: 'url' })}
</fieldset>
<fieldset><legend>${s.capacity}</legend>
${capacityUnits.map(
  (
    unit,
  ) => html`<div class="grid two">${textField(`cap.${unit}.total`, `${label(capacityUnitLabels[unit], language)}: ${f.total}`, form, { inputmode: 'numeric', className: 'short' })}
${textField(`cap.${unit}.available`, `${label(capacityUnitLabels[unit], language)}: ${f.available}`, form, { inputmode: 'numeric', className: 'short' })}</div>`,
)}
${textField('ageMin', f.ageMin, form, { inputmode: 'numeric', className: 'short' })}
${textField('ageMax', f.ageMax, form, { inputmode: 'numeric', className: 'short' })}
${selectField(
  'elderCareTier',
  f.elderCareTier,
  form,
  Object.values(ElderCareTier).map((tier) => ({ value: tier, text: label(elderCareTierLabels[tier], language) })),
  { blank: w.none },
)}
</fieldset>
${checkboxes(
  'accessibility',
  s.access,
  form,
  accessibilityFeatures.map((feature) => ({ value: feature, text: label(accessibilityLabels[feature], language) })),
)}
<fieldset><legend>${s.dates}</legend>
<p class="hint">${w.datesHint}</p>
${Milestones.map(
  (milestone) =>
    html`<div class="grid two">${DateBases.map((basis) =>
      textField(`date.${milestone}.${basis}`, `${w.milestones[milestone]}: ${w.bases[basis]}`, form, { className: 'short' }),
    )}</div>`,
)}
</fieldset>`
}

export function editPage(language: Language, data: EditData): Html {
  const w = consoleWords[language]
  const { facility } = data
  const hours = facility.hours
  return html`${facilityNav(facility.id, language, 'edit')}
<h1>${w.editTitle(facility.name)}</h1>
${data.message === undefined ? null : notice(data.message)}
${errorSummary(data.form, language, fieldLabels(language))}
<p>${w.currentStatus}: ${statusLabel(facility.status, language)} (<a href="${staffPath}/facilities/${facility.id}/status">${w.changeStatus}</a>) · ${w.version(facility.version)}</p>
${
  hours === null
    ? null
    : html`<section aria-labelledby="week"><h2 id="week">${w.hoursPreview}</h2>
${weekTable(facility, language, data.now)}</section>`
}
<form method="post" action="${staffPath}/facilities/${facility.id}" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
<input type="hidden" name="version" value="${data.version}">
${editFields(language, data.form, data.areas)}
${textField('reason', w.reason, { values: { reason: data.reason }, errors: {} })}
<button type="submit">${w.save}</button>
</form>`
}

export interface MergeRow {
  field: string
  mine: string
  theirs: string
  /** Who changed the field since the version the person read. */
  changedBy: 'them' | 'you' | 'both'
  /** The choice made (or preselected): undefined where the person must choose. */
  choice: 'mine' | 'theirs' | undefined
}

export interface ConflictData {
  facility: Facility
  version: number
  /** The version the person read before editing (the base of the merge). */
  baseVersion: number
  rows: MergeRow[]
  /** Form fields whose value is the same either way (or not in conflict), carried as they are. */
  carried: Record<string, string>
  reason: string
  errors: Record<string, string>
  csrfToken: string
}

const shown = (value: string, language: Language) => {
  const w = consoleWords[language]
  return value === '' ? html`<em>${w.empty}</em>` : html`<pre>${value}</pre>`
}

export function conflictPage(language: Language, data: ConflictData): Html {
  const w = consoleWords[language]
  const labels = fieldLabels(language)
  const { facility } = data
  const summary = errorSummary({ values: {}, errors: data.errors }, language, labels)
  return html`${facilityNav(facility.id, language, 'edit')}
<h1>${w.conflictTitle}</h1>
${summary}
<p>${w.conflictIntro(data.version)}</p>
<form method="post" action="${staffPath}/facilities/${facility.id}" novalidate>
${csrfField({ csrfToken: data.csrfToken })}
<input type="hidden" name="version" value="${data.version}">
<input type="hidden" name="merge" value="1">
<input type="hidden" name="base" value="${data.baseVersion}">
${Object.entries(data.carried).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<div class="table-scroll"><table class="merge">
<caption class="hint">${w.conflictTitle}</caption>
<thead><tr><th scope="col">${w.field}</th><th scope="col">${w.yours}</th><th scope="col">${w.theirs}</th></tr></thead>
<tbody>
${data.rows.map((row) => {
  const id = `f-pick-${row.field.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const error = data.errors[row.field]
  const note = row.changedBy === 'both' ? w.bothChanged : row.changedBy === 'them' ? w.theyChanged : w.youChanged
  return html`<tr${error === undefined ? null : html` class="field-error"`}><th scope="row"><span id="${id}-label">${labels[row.field] ?? row.field}</span><br><span class="hint">${note}</span>
${error === undefined ? null : html`<p class="error-message" id="${id}-error">${error}</p>`}</th>
<td><input type="hidden" name="mine:${row.field}" value="${row.mine}">
<div class="check"><input type="radio" id="${id}" name="pick:${row.field}" value="mine"${row.choice === 'mine' ? html` checked` : null} aria-labelledby="${id}-label ${id}-mine"><label id="${id}-mine" for="${id}">${w.keepYours}</label></div>
${shown(row.mine, language)}</td>
<td><input type="hidden" name="theirs:${row.field}" value="${row.theirs}">
<div class="check"><input type="radio" id="${id}-t" name="pick:${row.field}" value="theirs"${row.choice === 'theirs' ? html` checked` : null} aria-labelledby="${id}-label ${id}-theirs"><label id="${id}-theirs" for="${id}-t">${w.takeTheirs}</label></div>
${shown(row.theirs, language)}</td></tr>`
})}
</tbody></table></div>
${textField('reason', w.reason, { values: { reason: data.reason }, errors: {} })}
<button type="submit">${w.saveMerged}</button>
</form>`
}
