// "Suggest a correction" for a facility: a few fields a resident may know better (status, opening
// hours, phone) and/or a message, optional contact details for the staff only. Posted to the same
// suggestions service as POST /v1/suggestions: nothing changes until an editor accepts it. A
// honeypot field (hidden from people, and from assistive technology) catches form-filling bots.
import { statusesOfKind, statusLabels } from '../../domain/lifecycle.js'
import type { Facility } from '../../facilities/schemas.js'
import { breadcrumbs, facilityHref } from '../components.js'
import { html, type Html } from '../html.js'
import { label, prefixOf, words, type Language } from '../i18n.js'

export const honeypotField = 'homepage'

export interface SuggestForm {
  values: Record<string, string>
  errors: Record<string, string>
}

const text = {
  'zh-Hans': {
    title: '报告错误',
    intro: '发现这里的信息有误？请告诉我们正确的情况。工作人员核实后才会更改。',
    status: '现在的状态',
    noChange: '（状态没有问题）',
    openingHours: '正确的开放时间',
    hoursHint: '例如 Mo-Fr 08:00-17:30（星期一至五 8:00–17:30）',
    phone: '正确的电话',
    message: '哪里有误？',
    contact: '联系方式（选填，只有工作人员能看到）',
    honeypot: '请勿填写此项',
    send: '提交',
    problem: '请更正以下问题',
    thanks: '谢谢！我们已收到您的纠错。',
    tokenIntro: '这是您的查询码，可用它查看处理结果：',
    track: '查看处理结果',
    refused: '无法提交这条纠错。如果您是居民，请清空隐藏的字段后重试。',
    empty: '请至少填写一项更正，或写下留言',
    back: '返回设施页面',
  },
  en: {
    title: 'Report a mistake',
    intro: 'Is something here wrong? Tell us what is right. Nothing changes until staff have checked it.',
    status: 'Its status now',
    noChange: '(the status is right)',
    openingHours: 'The right opening hours',
    hoursHint: 'For example Mo-Fr 08:00-17:30 (Monday to Friday, 8:00–17:30)',
    phone: 'The right phone number',
    message: 'What is wrong?',
    contact: 'How to reach you (optional, for the staff only)',
    honeypot: 'Leave this empty',
    send: 'Send',
    problem: 'There is a problem',
    thanks: 'Thank you: we have your correction.',
    tokenIntro: 'Your tracking code, to see what became of it:',
    track: 'See what became of it',
    refused: 'This correction could not be sent. If you are a person, empty the hidden field and try again.',
    empty: 'Correct at least one field, or write a message',
    back: 'Back to the facility',
  },
}

export const suggestWords = text

const fieldLabels = (language: Language) => {
  const t = text[language]
  return { status: t.status, openingHours: t.openingHours, phone: t.phone, message: t.message, contact: t.contact } as Record<
    string,
    string
  >
}

function field(name: string, language: Language, form: SuggestForm, control: (describedBy: Html | null) => Html, hint?: string): Html {
  const error = form.errors[name]
  const ids = [hint === undefined ? null : `${name}-hint`, error === undefined ? null : `${name}-error`].filter((id) => id !== null)
  const describedBy =
    ids.length === 0 ? null : html` aria-describedby="${ids.join(' ')}"${error === undefined ? null : html` aria-invalid="true"`}`
  return html`<div class="field${error === undefined ? '' : ' field-error'}">
<label for="${name}">${fieldLabels(language)[name] ?? name}</label>
${hint === undefined ? null : html`<p class="hint" id="${name}-hint">${hint}</p>`}
${error === undefined ? null : html`<p class="error-message" id="${name}-error">${error}</p>`}
${control(describedBy)}
</div>`
}

export function suggestPage(language: Language, facility: Facility, form: SuggestForm): Html {
  const t = text[language]
  const w = words[language]
  const prefix = prefixOf(language)
  const errors = Object.entries(form.errors)
  const value = (name: string) => form.values[name] ?? ''
  return html`${breadcrumbs(
    [{ href: `${prefix}/`, text: w.siteShort }, { href: facilityHref(facility.slug, language), text: facility.name }, { text: t.title }],
    language,
  )}
<h1>${t.title}: ${facility.name}</h1>
${
  errors.length === 0
    ? null
    : html`<div class="error-summary" role="alert"><h2>${t.problem}</h2><ul>${errors.map(
        ([name, message]) => html`<li><a href="#${name}">${fieldLabels(language)[name] ?? name}: ${message}</a></li>`,
      )}</ul></div>`
}
<p>${t.intro}</p>
<form method="post" action="${facilityHref(facility.slug, language)}/suggest" novalidate>
${field(
  'status',
  language,
  form,
  (describedBy) => html`<select id="status" name="status"${describedBy}>
<option value="">${t.noChange}</option>
${statusesOfKind[facility.kind].map(
  (status) =>
    html`<option value="${status}"${value('status') === status ? html` selected` : null}>${label(statusLabels[status], language)}</option>`,
)}
</select>`,
)}
${field('openingHours', language, form, (d) => html`<input id="openingHours" name="openingHours" type="text" value="${value('openingHours')}"${d}>`, t.hoursHint)}
${field('phone', language, form, (d) => html`<input id="phone" name="phone" type="tel" value="${value('phone')}"${d}>`)}
${field('message', language, form, (d) => html`<textarea id="message" name="message" rows="4"${d}>${value('message')}</textarea>`)}
${field('contact', language, form, (d) => html`<input id="contact" name="contact" type="text" autocomplete="off" value="${value('contact')}"${d}>`)}
<div class="visually-hidden-field" aria-hidden="true"><label for="${honeypotField}">${t.honeypot}</label>
<input id="${honeypotField}" name="${honeypotField}" type="text" tabindex="-1" autocomplete="off" value=""></div>
<button type="submit">${t.send}</button>
</form>
<p><a href="${facilityHref(facility.slug, language)}">${t.back}</a></p>`
}

export function suggestionReceived(language: Language, facility: Facility, token: string | null): Html {
  const t = text[language]
  return html`<h1>${token === null ? t.title : t.thanks}</h1>
${
  token === null
    ? html`<p role="status">${t.refused}</p>`
    : html`<p role="status">${t.tokenIntro}</p>
<p><code class="token">${token}</code></p>
<p><a href="/v1/suggestions/${token}">${t.track}</a></p>`
}
<p><a href="${facilityHref(facility.slug, language)}">${t.back}</a></p>`
}
