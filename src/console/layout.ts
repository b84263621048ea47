// The frame of every console page (language, header with the person's name and role, navigation,
// sign out, language switch) and the form pieces every console form is built of: each field with
// its label, hint and — after a refused post — the person's value and the message next to it,
// and an error summary linking to each wrong field (as GOV.UK Frontend does).
import { assets } from '../web/assets.js'
import { html, type Html, type Renderable } from '../web/html.js'
import type { StaffSession } from '../clients/sessions.js'
import { consoleWords, type Language } from './i18n.js'
import { staffPath } from './session.js'

export interface ConsolePage {
  language: Language
  title: string
  /** The path of this page (with its query), for the language switch to come back to. */
  path: string
  body: Html
  session: (StaffSession & { token: string }) | null
  /** Which navigation entry is this page's. */
  section?: 'facilities' | 'suggestions' | 'import' | 'keys'
  /** Scripts of the page, by URL (never inline: the Content-Security-Policy allows none). */
  scripts?: string[]
}

export function consoleLayout(page: ConsolePage): Html {
  const w = consoleWords[page.language]
  const other: Language = page.language === 'en' ? 'zh-Hans' : 'en'
  const session = page.session
  const current = (section: ConsolePage['section']) => (page.section === section ? html` aria-current="page"` : null)
  const switchHref = `${staffPath}/language?to=${other}&back=${encodeURIComponent(page.path)}`
  return html`<!doctype html>
<html lang="${page.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title} – ${w.console}</title>
<link rel="stylesheet" href="${assets.css.path}">
<link rel="stylesheet" href="${assets.consoleCss.path}">
</head>
<body class="console">
<a class="skip" href="#main">${w.skip}</a>
<header class="site"><div class="wrap">
<a class="brand" href="${staffPath}">${w.console}</a>
<nav aria-label="${w.nav}"><ul>
${
  session === null
    ? null
    : html`<li><a href="${staffPath}"${current('facilities')}>${w.myFacilities}</a></li>
<li><a href="${staffPath}/suggestions"${current('suggestions')}>${w.suggestions}</a></li>
<li><a href="${staffPath}/import"${current('import')}>${w.importNav}</a></li>
${session.client.role === 'admin' ? html`<li><a href="${staffPath}/keys"${current('keys')}>${w.keys}</a></li>` : null}`
}
<li><a href="${switchHref}" hreflang="${other}" lang="${other}">${w.otherLanguage}</a></li>
</ul></nav>
</div></header>
${
  session === null
    ? null
    : html`<div class="wrap session-bar"><p>${w.signedInAs(session.client.name, w.roles[session.client.role] ?? session.client.role)}</p>
<form method="post" action="${staffPath}/sign-out">${csrfField(session)}<button type="submit" class="secondary">${w.signOut}</button></form></div>`
}
<div class="wrap"><main id="main" tabindex="-1">
${page.body}
</main></div>
${(page.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>`
}

export const csrfField = (session: { csrfToken: string }) => html`<input type="hidden" name="_csrf" value="${session.csrfToken}">`

/** The values a form was sent with (or is shown with), and the message of each wrong field. */
export interface FormState {
  values: Record<string, string>
  errors: Record<string, string>
  /** Messages that belong to no one field. */
  general?: string[]
}

export const emptyForm = (): FormState => ({ values: {}, errors: {} })

const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`

export function errorSummary(form: FormState, language: Language, labels: Record<string, string> = {}): Html | null {
  const entries = Object.entries(form.errors)
  const general = form.general ?? []
  if (entries.length === 0 && general.length === 0) return null
  const w = consoleWords[language]
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${w.errorSummary}</h2>
<ul>
${general.map((message) => html`<li>${message}</li>`)}
${entries.map(([name, message]) => html`<li><a href="#${fieldId(name)}">${labels[name] ?? name}: ${message}</a></li>`)}
</ul></div>`
}

interface FieldOptions {
  hint?: string
  type?: string
  required?: boolean
  autocomplete?: string
  inputmode?: string
  className?: string
}

function described(name: string, form: FormState, hint?: string) {
  const ids = [hint === undefined ? null : `${fieldId(name)}-hint`, form.errors[name] === undefined ? null : `${fieldId(name)}-error`]
  const joined = ids.filter((id) => id !== null).join(' ')
  return joined === '' ? null : html` aria-describedby="${joined}"`
}

function aroundField(name: string, label: string, form: FormState, hint: string | undefined, control: Html): Html {
  const error = form.errors[name]
  return html`<div class="field${error === undefined ? '' : ' field-error'}">
<label for="${fieldId(name)}">${label}</label>
${hint === undefined ? null : html`<p class="hint" id="${fieldId(name)}-hint">${hint}</p>`}
${error === undefined ? null : html`<p class="error-message" id="${fieldId(name)}-error">${error}</p>`}
${control}
</div>`
}

export function textField(name: string, label: string, form: FormState, options: FieldOptions = {}): Html {
  const invalid = form.errors[name] === undefined ? null : html` aria-invalid="true"`
  return aroundField(
    name,
    label,
    form,
    options.hint,
    html`<input id="${fieldId(name)}" name="${name}" type="${options.type ?? 'text'}" value="${form.values[name] ?? ''}"${
      options.required === true ? html` required` : null
    }${options.autocomplete === undefined ? null : html` autocomplete="${options.autocomplete}"`}${
      options.inputmode === undefined ? null : html` inputmode="${options.inputmode}"`
    }${options.className === undefined ? null : html` class="${options.className}"`}${invalid}${described(name, form, options.hint)}>`,
  )
}

export function textArea(name: string, label: string, form: FormState, options: FieldOptions & { rows?: number } = {}): Html {
  const invalid = form.errors[name] === undefined ? null : html` aria-invalid="true"`
  return aroundField(
    name,
    label,
    form,
    options.hint,
    html`<textarea id="${fieldId(name)}" name="${name}" rows="${options.rows ?? 3}"${options.required === true ? html` required` : null}${invalid}${described(name, form, options.hint)}>${form.values[name] ?? ''}</textarea>`,
  )
}

export function selectField(
  name: string,
  label: string,
  form: FormState,
  choices: { value: string; text: string }[],
  options: FieldOptions & { blank?: string } = {},
): Html {
  const invalid = form.errors[name] === undefined ? null : html` aria-invalid="true"`
  const value = form.values[name] ?? ''
  return aroundField(
    name,
    label,
    form,
    options.hint,
    html`<select id="${fieldId(name)}" name="${name}"${invalid}${described(name, form, options.hint)}>
${options.blank === undefined ? null : html`<option value=""${value === '' ? html` selected` : null}>${options.blank}</option>`}
${choices.map((choice) => html`<option value="${choice.value}"${choice.value === value ? html` selected` : null}>${choice.text}</option>`)}
</select>`,
  )
}

/**
 * Checkboxes, each named `name.value` (a form post keeps one value per name); the form value is
 * the checked values joined by commas (checkedValues reads them back).
 */
export function checkboxes(name: string, legend: string, form: FormState, choices: { value: string; text: string }[]): Html {
  const checked = new Set((form.values[name] ?? '').split(',').filter((v) => v !== ''))
  const error = form.errors[name]
  return html`<fieldset class="field${error === undefined ? '' : ' field-error'}" id="${fieldId(name)}"><legend>${legend}</legend>
${error === undefined ? null : html`<p class="error-message">${error}</p>`}
<div class="checks">${choices.map(
    (choice, index) =>
      html`<div class="check"><input type="checkbox" id="${fieldId(name)}-${index}" name="${name}.${choice.value}" value="on"${
        checked.has(choice.value) ? html` checked` : null
      }><label for="${fieldId(name)}-${index}">${choice.text}</label></div>`,
  )}</div>
</fieldset>`
}

export function notice(text: Renderable, kind: 'success' | 'info' = 'success'): Html {
  return html`<div class="banner ${kind}" role="status"><p>${text}</p></div>`
}

/** The values of checkboxes() named `name` that a form post checked, joined by commas. */
export function checkedValues(body: Record<string, unknown>, name: string): string {
  return Object.keys(body)
    .filter((key) => key.startsWith(`${name}.`) && body[key] === 'on')
    .map((key) => key.slice(name.length + 1))
    .join(',')
}
